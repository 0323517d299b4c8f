/**
 * X-Ray tracing without the X-Ray SDK. Lambda's active tracing already records the function's segments
 * (initialization, invocation, overhead) and the AWS SDK passes the trace header on to the services it calls;
 * what the function adds is one subsegment per invocation, `## <handler>`, annotated with ColdStart and Service
 * and marked as a fault with the (redacted) error when the handler throws. That subsegment is one UDP datagram
 * to the X-Ray daemon Lambda runs beside the function, written here in the daemon's documented format, instead
 * of through Powertools Tracer and the AWS X-Ray SDK for Node.js (about 100 KiB of every bundle and 30 ms of CPU
 * at cold start, end of support 2027-02-25). What is not recorded any more: a subsegment per AWS SDK or HTTP
 * call (their time shows in the handler's subsegment, and each service's own segment still joins the trace).
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

/** Where Lambda's X-Ray daemon listens when the function has active tracing. */
const DAEMON_ADDRESS = 'AWS_XRAY_DAEMON_ADDRESS';
const TRACE_HEADER = '_X_AMZN_TRACE_ID';
const DAEMON_HEADER = '{"format": "json", "version": 1}\n';

/** The parts of Lambda's `_X_AMZN_TRACE_ID` a subsegment needs. */
export interface TraceHeader {
  readonly root: string;
  readonly parent: string;
  readonly sampled: boolean;
}

/**
 * Reads `Root=1-...;Parent=...;Sampled=1`. Undefined when a part is missing or malformed.
 *
 * @example
 * parseTraceHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
 * // { root: '1-5759e988-bd862e3fe1be46a994272793', parent: '53995c3f42cd8ad8', sampled: true }
 */
export function parseTraceHeader(header: string | undefined): TraceHeader | undefined {
  if (!header) return undefined;
  const parts = new Map(
    header.split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const root = parts.get('Root');
  const parent = parts.get('Parent');
  if (!root || !/^1-[0-9a-f]{8}-[0-9a-f]{24}$/.test(root) || !parent || !/^[0-9a-f]{16}$/.test(parent)) {
    return undefined;
  }
  return { root, parent, sampled: parts.get('Sampled') === '1' };
}

/** `host:port` of the UDP daemon, from `127.0.0.1:2000` or `tcp:127.0.0.1:2000 udp:127.0.0.1:2000`. */
function daemonEndpoint(value: string | undefined): { host: string; port: number } | undefined {
  if (!value) return undefined;
  const udp = value.split(/\s+/).find((part) => part.startsWith('udp:')) ?? value.split(/\s+/)[0] ?? '';
  const match = /^(?:udp:)?([^:\s]+):(\d+)$/.exec(udp);
  return match ? { host: match[1] as string, port: Number(match[2]) } : undefined;
}

/** Sends one datagram; resolves once it left (or failed: tracing must never fail an invocation). */
export type DatagramSender = (datagram: Buffer, host: string, port: number) => Promise<void>;

const sendUdp: DatagramSender = (datagram, host, port) =>
  new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.on('error', () => resolve());
    socket.send(datagram, port, host, () => {
      socket.close();
      resolve();
    });
  });

export interface TracerOptions {
  /** Annotated as `Service` on every subsegment. */
  readonly serviceName: string;
  /**
   * Where the settings come from (read once, at construction, like Powertools Tracer).
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /** @default a UDP socket per datagram */
  readonly send?: DatagramSender;
}

/**
 * Records one `## <handler>` subsegment per sampled invocation. On in Lambda (`AWS_EXECUTION_ENV`) unless
 * `POWERTOOLS_TRACE_ENABLED=false`, and only where active tracing runs the daemon (`AWS_XRAY_DAEMON_ADDRESS`).
 *
 * @example
 * const tracer = new Tracer({ serviceName: 'orders' });
 * const result = await tracer.capture('## index.handler', () => work(), (error) => redactedCopy(error));
 */
export class Tracer {
  readonly serviceName: string;
  private readonly enabled: boolean;
  private readonly daemon: { host: string; port: number } | undefined;
  private readonly send: DatagramSender;
  private invocations = 0;

  constructor(options: TracerOptions) {
    const env = options.env ?? process.env;
    this.serviceName = options.serviceName;
    this.daemon = daemonEndpoint(env[DAEMON_ADDRESS]);
    this.enabled =
      env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() !== 'false' &&
      (env.AWS_EXECUTION_ENV ?? '').startsWith('AWS_Lambda_') &&
      env.AWS_SAM_LOCAL !== 'true';
    this.send = options.send ?? sendUdp;
  }

  /** Whether invocations are traced at all (in Lambda, not turned off). */
  isTracingEnabled(): boolean {
    return this.enabled;
  }

  /**
   * Runs `run` and, when the invocation is sampled and a daemon is configured, sends its subsegment: start and
   * end, ColdStart (the first invocation of this environment) and Service annotations, and on a throw a fault
   * with `recordError(thrown)`'s name and message. The result is never recorded.
   */
  async capture<R>(name: string, run: () => Promise<R>, recordError: (thrown: unknown) => Error): Promise<R> {
    const coldStart = this.invocations++ === 0;
    const header = this.enabled ? parseTraceHeader(process.env[TRACE_HEADER]) : undefined;
    if (header === undefined || !header.sampled || this.daemon === undefined) return run();
    const start = Date.now() / 1000;
    let fault: Error | undefined;
    try {
      return await run();
    } catch (error) {
      fault = recordError(error);
      throw error;
    } finally {
      const id = randomBytes(8).toString('hex');
      const document = {
        id,
        name,
        trace_id: header.root,
        parent_id: header.parent,
        type: 'subsegment',
        start_time: start,
        end_time: Date.now() / 1000,
        annotations: { ColdStart: coldStart, Service: this.serviceName },
        ...(fault
          ? {
              fault: true,
              cause: {
                exceptions: [
                  { id: randomBytes(8).toString('hex'), type: fault.name, message: fault.message },
                ],
              },
            }
          : {}),
      };
      try {
        await this.send(
          Buffer.from(DAEMON_HEADER + JSON.stringify(document), 'utf8'),
          this.daemon.host,
          this.daemon.port,
        );
      } catch {
        // A trace that cannot be sent must not turn a handled invocation into a failed one.
      }
    }
  }
}
