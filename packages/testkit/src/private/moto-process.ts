import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { MOTO_CREDENTIALS, MotoDefaults } from '../constants';
import { OutputTail } from './output-tail';
import type { MotoInstall } from './venv';

/**
 * python/serve.py: runs the `moto_server` console script under the virtualenv's interpreter, answering a
 * retried write with its first answer (why: in that file). With SECURE_LAMBDA_WATCH_STDIN=1 it exits as
 * soon as its stdin reaches end-of-file. The parent holds the only write end of that pipe, so the server
 * dies with the parent however the parent dies, including SIGKILL or a crashed test worker, which no
 * 'exit' hook sees. argv: [MOTO_SERVE_SCRIPT, <moto_server path>, ...moto_server args].
 */
export const MOTO_SERVE_SCRIPT = path.resolve(__dirname, '..', '..', 'python', 'serve.py');

/** Variables that would send the server's own outbound calls somewhere, or leak real credentials into it. */
const STRIPPED_ENV = /^(AWS_.*|HTTPS?_PROXY|ALL_PROXY|NO_PROXY|PYTHONPATH|PYTHONHOME|MOTO_PORT)$/i;

/**
 * The server's environment: the caller's, minus anything that points at real AWS or a proxy, plus fake
 * credentials, no instance-metadata lookups and no proxying, so nothing the emulator does reaches the
 * network. `extra` (MOTO_* settings) is applied last.
 */
export function serverEnvironment(
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

/** Asks the OS for a free port on the loopback interface. Another process may take it before moto binds. */
export function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, MotoDefaults.HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error(`unexpected listen address ${String(address)}`));
      });
    });
  });
}

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

/** One moto_server child process, in a process group of its own so that it can be killed as a whole. */
export class MotoProcess {
  readonly output = new OutputTail(MotoDefaults.OUTPUT_TAIL_BYTES);
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | undefined;
  private readonly child: ChildProcess;
  private stopping: Promise<void> | undefined;

  constructor(install: MotoInstall, port: number, env: NodeJS.ProcessEnv) {
    installExitHook();
    this.child = spawn(
      install.python,
      [MOTO_SERVE_SCRIPT, install.motoServer, '-H', MotoDefaults.HOST, '-p', String(port)],
      { env: { ...env, SECURE_LAMBDA_WATCH_STDIN: '1' }, stdio: ['pipe', 'pipe', 'pipe'], detached: true },
    );
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

  /** Lets the test process end while the server runs; the exit hook and the watchdog then stop it. */
  detachFromEventLoop(): void {
    this.child.unref();
    unrefHandle(this.child.stdin);
    unrefHandle(this.child.stdout);
    unrefHandle(this.child.stderr);
  }

  killGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exit !== undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
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
