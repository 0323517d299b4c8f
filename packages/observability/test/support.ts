import { format } from 'node:util';
import type { Context } from 'aws-lambda';

/** Everything Powertools and Node could print through, captured at the stream level and the console level. */
export interface CapturedOutput {
  /** All text written, in order, exactly as it would have reached the terminal. */
  text(): string;
  /** A position in the output; `textSince` reads what was written after it without joining everything before. */
  mark(): number;
  textSince(mark: number): string;
  /** Each non-empty output line parsed as JSON; throws if any line is not JSON. */
  records(): Record<string, unknown>[];
  /** Log lines (Powertools records with a `level`), without EMF metric blobs. */
  logs(): Record<string, unknown>[];
  /** EMF metric blobs (records with an `_aws` key). */
  metrics(): Record<string, unknown>[];
  restore(): void;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Intercepts process.stdout/stderr `write` (Powertools writes through its own `Console` bound to the process
 * streams) and the global console methods (used by Powertools in dev mode and by stray warnings), so a test
 * sees every byte the package could emit and nothing reaches the terminal.
 */
export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
    ...CONSOLE_METHODS.map((method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        chunks.push(`${format(...args)}\n`);
      }),
    ),
  ];
  const text = (): string => chunks.join('');
  const records = (): Record<string, unknown>[] =>
    text()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    text,
    mark: () => chunks.length,
    textSince: (mark) => chunks.slice(mark).join(''),
    records,
    logs: () => records().filter((entry) => 'level' in entry),
    metrics: () => records().filter((entry) => '_aws' in entry),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/** Variables the package or Powertools read; cleared before each test so the host environment cannot leak in. */
const MANAGED_ENV = [
  'POWERTOOLS_LOG_LEVEL',
  'LOG_LEVEL',
  'AWS_LAMBDA_LOG_LEVEL',
  'POWERTOOLS_DEV',
  'POWERTOOLS_LOGGER_LOG_EVENT',
  'POWERTOOLS_LOGGER_SAMPLE_RATE',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_METRICS_FUNCTION_NAME',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_TRACE_ENABLED',
  'POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS',
  'AWS_XRAY_DAEMON_ADDRESS',
  'AWS_SAM_LOCAL',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_MAX_CONCURRENCY',
  '_X_AMZN_TRACE_ID',
  '_HANDLER',
  'TZ',
] as const;

/** Snapshots and clears {@link MANAGED_ENV}; returns a function that puts the original values back. */
export function isolateEnv(): () => void {
  const saved = new Map(MANAGED_ENV.map((name) => [name, process.env[name]]));
  for (const name of MANAGED_ENV) delete process.env[name];
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** A Lambda context with the fields the logger reads. */
export function lambdaContext(awsRequestId: string, overrides: Partial<Context> = {}): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'orders-handler',
    functionVersion: '7',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-handler:live',
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: '/aws/lambda/orders-handler',
    logStreamName: '2025/01/01/[7]abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}

/** The X-Ray header Lambda sets, and the trace id Powertools extracts from it. */
export const TRACE_HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
export const TRACE_ID = '1-5759e988-bd862e3fe1be46a994272793';

/**
 * For a describe block: isolates the environment and captures output around each test (the `beforeEach` /
 * `afterEach` pair every logger test needs). Returns a getter for the current test's capture.
 */
export function captureOutputPerTest(): () => CapturedOutput {
  let restoreEnv: (() => void) | undefined;
  let output: CapturedOutput | undefined;
  beforeEach(() => {
    restoreEnv = isolateEnv();
    output = captureOutput();
  });
  afterEach(() => {
    output?.restore();
    restoreEnv?.();
  });
  return () => {
    if (output === undefined) throw new Error('captureOutputPerTest: read the output inside a test');
    return output;
  };
}
