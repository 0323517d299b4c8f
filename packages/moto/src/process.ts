import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { MOTO_CREDENTIALS, MotoDefaults } from './constants';
import { OutputTail } from './output-tail';
import type { MotoInstall } from './venv';

/**
 * python/serve.py: runs the `moto_server` console script under the virtualenv's interpreter, answering a
 * retried write with its first answer (why: in that file). Watchdogs, so a server never outlives what
 * started it: with SECURE_LAMBDA_WATCH_STDIN=1 it exits as soon as its stdin reaches end-of-file, with
 * SECURE_LAMBDA_EMULATOR_OWNER=<pid> once that process is gone.
 */
export const MOTO_SERVE_SCRIPT = path.resolve(__dirname, '..', 'python', 'serve.py');

/** Where and how a server listens: plain HTTP, or HTTPS with a certificate from {@link ensureCertificate}. */
export interface MotoListen {
  readonly install: MotoInstall;
  readonly port: number;
  /** @default '127.0.0.1' (MotoDefaults.HOST) */
  readonly host?: string;
  /** Serve HTTPS with this certificate and key (PEM files). @default plain HTTP */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/**
 * The arguments to run the virtualenv's interpreter with (`spawn(install.python, motoServerArgs(...))`):
 * serve.py, then moto_server and its options.
 *
 * @example
 * ```ts
 * spawn(install.python, motoServerArgs({ install, port, tls: { certFile, keyFile } }), { env });
 * ```
 */
export function motoServerArgs({ install, port, host = MotoDefaults.HOST, tls }: MotoListen): string[] {
  return [
    MOTO_SERVE_SCRIPT,
    install.motoServer,
    '-H',
    host,
    '-p',
    String(port),
    ...(tls ? ['-c', tls.certFile, '-k', tls.keyFile] : []),
  ];
}

/** Variables that would send the server's own outbound calls somewhere, or leak real credentials into it. */
const STRIPPED_ENV = /^(AWS_.*|HTTPS?_PROXY|ALL_PROXY|NO_PROXY|PYTHONPATH|PYTHONHOME|MOTO_PORT)$/i;

/**
 * The server's environment: the caller's, minus anything that points at real AWS or a proxy, plus fake
 * credentials, no instance-metadata lookups and no proxying, so nothing the emulator does reaches the
 * network. `extra` (MOTO_* settings) is applied last.
 *
 * @example
 * ```ts
 * const env = motoServerEnvironment(port, 'eu-west-1', { MOTO_ACCOUNT_ID: '111111111111' });
 * ```
 */
export function motoServerEnvironment(
  port: number,
  region: string,
  extra: Readonly<Record<string, string>>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!STRIPPED_ENV.test(name)) env[name] = value;
  }
  return {
    ...env,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: region,
    AWS_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    NO_PROXY: '*',
    no_proxy: '*',
    MOTO_PORT: String(port),
    MOTO_EVENTS_INVOKE_HTTP: 'false',
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
}

/**
 * Asks the OS for a free port on the loopback interface. Another process may take it before moto binds:
 * retry on {@link isPortConflict}.
 */
export function pickFreePort(host: string = MotoDefaults.HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error(`unexpected listen address ${String(address)}`));
      });
    });
  });
}

/** Werkzeug's words when the port is taken: the only start failure worth retrying on another port. */
export function isPortConflict(output: string): boolean {
  return /Address already in use|is in use by another program/.test(output);
}

/**
 * Sends `signal` to the process group `pid` leads (servers are spawned detached, so they lead one), or to
 * the process alone when it leads none. A process that is already gone is not an error.
 */
export function killProcessGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // ESRCH: already gone.
    }
  }
}

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  readonly error?: Error;
}

const live = new Set<MotoProcess>();
let exitHookInstalled = false;

/** Last line of defence for the normal exit path; the stdin watchdog covers the abnormal ones. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const proc of live) proc.killGroup('SIGKILL');
  });
}

function unrefHandle(handle: unknown): void {
  if (
    handle !== null &&
    typeof handle === 'object' &&
    'unref' in handle &&
    typeof handle.unref === 'function'
  ) {
    handle.unref();
  }
}

function refHandle(handle: unknown): void {
  if (handle !== null && typeof handle === 'object' && 'ref' in handle && typeof handle.ref === 'function') {
    handle.ref();
  }
}

/**
 * One moto_server child process bound to the life of this Node process: in a process group of its own so
 * that it can be killed as a whole, its output kept in a bounded tail, and the stdin watchdog on. The
 * parent holds the only write end of that pipe, so the server dies with the parent however the parent
 * dies, including SIGKILL or a crashed test worker, which no 'exit' hook sees.
 *
 * @example
 * ```ts
 * const proc = new MotoProcess(install, port, motoServerEnvironment(port, 'us-east-1', {}));
 * // ... poll http://127.0.0.1:<port>/moto-api/config until it answers ...
 * await proc.stop();
 * ```
 */
export class MotoProcess {
  readonly output = new OutputTail(MotoDefaults.OUTPUT_TAIL_BYTES);
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | undefined;
  private readonly child: ChildProcess;
  private stopping: Promise<void> | undefined;

  constructor(install: MotoInstall, port: number, env: NodeJS.ProcessEnv) {
    installExitHook();
    this.child = spawn(install.python, motoServerArgs({ install, port }), {
      env: { ...env, SECURE_LAMBDA_WATCH_STDIN: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    live.add(this);
    this.exited = new Promise((resolve) => {
      const finish = (exit: ProcessExit): void => {
        if (this.exit !== undefined) return;
        this.exit = exit;
        live.delete(this);
        // Our end of the watchdog pipe; the output pipes close on their own at the child's exit.
        this.child.stdin?.destroy();
        resolve(exit);
      };
      // 'close', not 'exit': it comes after the output pipes drain, so the tail holds the last words
      // (such as the port-conflict message) when the exit is examined.
      this.child.once('close', (code, signal) => finish({ code, signal }));
      this.child.once('error', (error) => finish({ code: null, signal: null, error }));
    });
    const collect = (chunk: Buffer): void => this.output.push(chunk);
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  get exitInfo(): ProcessExit | undefined {
    return this.exit;
  }

  /** Lets this process end while the server runs; the exit hook and the watchdog then stop it. */
  detachFromEventLoop(): void {
    this.child.unref();
    unrefHandle(this.child.stdin);
    unrefHandle(this.child.stdout);
    unrefHandle(this.child.stderr);
  }

  killGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exit !== undefined) return;
    killProcessGroup(pid, signal);
  }

  /** SIGTERM to the group, SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void> {
    this.stopping ??= this.terminate();
    return this.stopping;
  }

  private async terminate(): Promise<void> {
    if (this.exit !== undefined) return;
    // Unreferenced handles would let Node exit while we wait, skipping whatever follows `await stop()`.
    this.child.ref();
    refHandle(this.child.stdout);
    refHandle(this.child.stderr);
    this.killGroup('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), MotoDefaults.STOP_GRACE_MS);
    });
    try {
      if ((await Promise.race([this.exited, graceOver])) === 'timeout') {
        this.killGroup('SIGKILL');
        await this.exited;
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
