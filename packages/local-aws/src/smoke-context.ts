import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type FunctionConfiguration, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { FunctionDeclaration } from '@secure-lambda/contracts/functions';
import { EMULATOR_CREDENTIALS, type EmulatorClients } from './clients';
import { SmokeCheckError } from './errors';
import { REPO_ROOT } from './layout';

/** A resource of the deployed state (`terraform show -json`), the fields the checks read. */
export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, unknown>;
}

/**
 * The stack's string outputs (`terraform output -json`), by name: the platform's (`key-arn`,
 * `input-bucket-name`, ...) and each function's (`<app>-function-name`, `<app>-alias-arn`, `<app>-url`, ...).
 */
export type LocalOutputs = Readonly<Record<string, string>>;

/** A declared function the stack deployed, and the zip it runs. */
export interface SmokeFunction {
  /** The app (and declaration) name. */
  readonly app: string;
  /** `<stack>-<app>`. */
  readonly functionName: string;
  readonly declaration: FunctionDeclaration;
  /** The zip deployed as its code. */
  readonly zip: string;
}

export interface SmokeContext {
  readonly clients: EmulatorClients;
  readonly endpoint: string;
  readonly region: string;
  readonly certFile: string;
  readonly outputs: LocalOutputs;
  readonly state: readonly StateResource[];
  /** Every deployed function with its declaration: each is smoke-tested through its trigger. */
  readonly functions: readonly SmokeFunction[];
}

/** One passed check: what was checked and what was seen. */
export interface SmokeCheck {
  readonly name: string;
  readonly detail: string;
}

/** What the run of a bundle gave back: the handler's result and everything it printed. */
export interface BundleRun {
  readonly result: unknown;
  /** stdout and stderr: the function's log lines. */
  readonly output: string;
}

const RUNNER = require.resolve('@secure-lambda/bundle-runner/run-bundle.mjs');
const RESULT_MARKER = '@@RESULT@@';

/** The deployed resources of one type that match. */
export function stateOf(
  state: readonly StateResource[],
  type: string,
  where: (values: Record<string, unknown>) => boolean,
): StateResource[] {
  return state.filter((r) => r.type === type && where(r.values));
}

/** A nested block of a state resource (`target[0]`, `retry_policy[0]`), as terraform shows it. */
export function block(values: Record<string, unknown> | undefined, name: string): Record<string, unknown> {
  const list = values?.[name];
  return (Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined) : undefined) ?? {};
}

/** An output a check needs; a missing one fails the check, naming the output. */
export function outputOf(context: SmokeContext, check: string, name: string, fn?: SmokeFunction): string {
  const value = context.outputs[name];
  if (!value) {
    throw new SmokeCheckError(check, `the stack has no output ${name}`, {
      resources: [fn?.functionName ?? name],
    });
  }
  return value;
}

export async function functionConfig(context: SmokeContext, name: string): Promise<FunctionConfiguration> {
  return context.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
}

/** The deployed code must be the bundle the smoke test runs: Lambda's CodeSha256 is SHA-256 of the zip. */
export function checkCode(fn: SmokeFunction, config: FunctionConfiguration): void {
  const local = createHash('sha256').update(readFileSync(fn.zip)).digest('base64');
  if (config.CodeSha256 !== local) {
    throw new SmokeCheckError(
      'deployed code',
      `${fn.functionName} runs code ${config.CodeSha256}, not ${path.relative(REPO_ROOT, fn.zip)} (${local}). Run deploy:local again.`,
      { resources: [fn.functionName] },
    );
  }
}

/**
 * Runs a handler zip the way Lambda does (@secure-lambda/bundle-runner) with the function's deployed
 * environment variables, pointed at the emulator: Lambda's Invoke needs Docker on moto. Returns the
 * handler's result and what it printed (its log lines).
 */
export async function invokeBundle(
  context: SmokeContext,
  fn: SmokeFunction,
  config: FunctionConfiguration,
  event: unknown,
): Promise<BundleRun> {
  const name = fn.functionName;
  const child = spawn(process.execPath, [RUNNER, fn.zip], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...(config.Environment?.Variables ?? {}),
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_REGION: context.region,
      AWS_ENDPOINT_URL: context.endpoint,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      // The emulator's certificate; path-style S3 because bucket host names do not resolve locally.
      NODE_EXTRA_CA_CERTS: context.certFile,
      S3_FORCE_PATH_STYLE: 'true',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdin.end(JSON.stringify(event));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (!line) {
    throw new SmokeCheckError(
      `invoke ${name}`,
      `the bundle ${fn.zip} exited with code ${code} before returning:\n${stderr.slice(-2000)}`,
      { resources: [name] },
    );
  }
  const result = JSON.parse(line.slice(RESULT_MARKER.length)) as {
    ok: boolean;
    result?: unknown;
    error?: { name?: string; message?: string };
  };
  if (!result.ok) {
    throw new SmokeCheckError(
      `invoke ${name}`,
      `the handler threw ${result.error?.name}: ${result.error?.message}\n${stdout.slice(-1500)}`,
      { resources: [name] },
    );
  }
  return { result: result.result, output: `${stdout}\n${stderr}` };
}
