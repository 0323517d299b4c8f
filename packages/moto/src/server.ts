import { setTimeout as sleep } from 'node:timers/promises';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, MotoDefaults } from './constants';
import { MotoOptionsError, MotoRequestFailedError, MotoStartFailedError } from './errors';
import { httpRequest } from './http';
import {
  isPortConflict,
  MotoProcess,
  motoServerEnvironment,
  type ProcessExit,
  pickFreePort,
} from './process';
import { locateMotoInstall, type MotoInstall } from './venv';

export interface MotoServerOptions {
  /**
   * The virtualenv that holds `moto[server]` (made by `npm run setup:python`).
   * @default the SECURE_LAMBDA_VENV environment variable, else `.venv` in the repository root (the
   * directory holding requirements.txt)
   */
  readonly venvDir?: string;
  /**
   * The region clients should use. moto serves every region; this only sets `region` on the result and
   * the server's default region.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * How long to wait for the server to answer before giving up with `MOTO_START_FAILED`.
   * @default 30_000
   */
  readonly startTimeoutMs?: number;
  /**
   * Extra environment for the server, typically `MOTO_*` settings such as
   * `{ MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' }`. Applied after the harness's own variables.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
}

/** Fake credentials that a local moto server accepts. */
export interface MotoCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A running moto server on 127.0.0.1, owned by the caller, who must `stop()` it. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: pass it as `endpoint` to every SDK client. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  /** The account moto uses in the ARNs it returns. */
  readonly accountId: string;
  /** Fixed fake credentials; each read returns a fresh object, safe to hand to one SDK client. */
  readonly credentials: MotoCredentials;
  /** Drops every resource in every service (`POST /moto-api/reset`), faster than a new server. */
  reset(): Promise<void>;
  /** Stops the server and waits for its process to exit. Safe to call more than once. */
  stop(): Promise<void>;
}

class RunningMotoServer implements MotoServer {
  readonly endpoint: string;
  readonly accountId = MOTO_ACCOUNT_ID;

  constructor(
    readonly port: number,
    readonly region: string,
    private readonly process: MotoProcess,
  ) {
    this.endpoint = `http://${MotoDefaults.HOST}:${port}`;
  }

  /** A new object on every read: SDK clients mutate the credentials object they are given. */
  get credentials(): MotoCredentials {
    return { ...MOTO_CREDENTIALS };
  }

  async reset(): Promise<void> {
    if (this.process.hasExited) {
      throw new MotoRequestFailedError(
        `Cannot reset the moto server at ${this.endpoint}: it has stopped. Start a new one with startMotoServer().`,
      );
    }
    let status: number;
    try {
      ({ status } = await httpRequest(
        'POST',
        `${this.endpoint}/moto-api/reset`,
        MotoDefaults.REQUEST_TIMEOUT_MS,
      ));
    } catch (error) {
      throw new MotoRequestFailedError(
        `Resetting the moto server at ${this.endpoint} failed. Stop it and start a new one.\n${this.process.output.text()}`,
        { cause: error },
      );
    }
    if (status < 200 || status >= 300) {
      throw new MotoRequestFailedError(
        `Resetting the moto server at ${this.endpoint} answered HTTP ${status}. Stop it and start a new one.`,
      );
    }
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}

function describeExit(exit: ProcessExit): string {
  if (exit.error !== undefined) return `could not be started (${exit.error.message})`;
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

async function isReady(endpoint: string, timeoutMs: number): Promise<boolean> {
  try {
    // A moto-only endpoint with a small JSON answer: a foreign server that grabbed the port fails this.
    const { status, body } = await httpRequest('GET', `${endpoint}/moto-api/config`, timeoutMs);
    if (status < 200 || status >= 300) return false;
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

type LaunchOutcome =
  | { readonly kind: 'ready'; readonly server: MotoServer }
  | { readonly kind: 'port-taken'; readonly outputTail: string };

async function launch(
  install: MotoInstall,
  port: number,
  region: string,
  extraEnv: Readonly<Record<string, string>>,
  deadline: number,
  startTimeoutMs: number,
): Promise<LaunchOutcome> {
  const proc = new MotoProcess(install, port, motoServerEnvironment(port, region, extraEnv));
  const endpoint = `http://${MotoDefaults.HOST}:${port}`;
  for (;;) {
    const exit = proc.exitInfo;
    if (exit !== undefined) {
      if (exit.error === undefined && isPortConflict(proc.output.text()))
        return { kind: 'port-taken', outputTail: proc.output.text() };
      throw new MotoStartFailedError(
        `moto_server (${install.motoServer}) ${describeExit(exit)} before it was ready on ${endpoint}. ` +
          'Read its output below; if the virtualenv is damaged, delete it and run `npm run setup:python`.',
        proc.output.text(),
        exit.error === undefined ? undefined : { cause: exit.error },
      );
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      await proc.stop();
      throw new MotoStartFailedError(
        `moto_server did not answer on ${endpoint} within ${startTimeoutMs} ms. On a slow or busy machine ` +
          'pass a larger startTimeoutMs; otherwise read its output below.',
        proc.output.text(),
      );
    }
    if (await isReady(endpoint, Math.min(remaining, MotoDefaults.REQUEST_TIMEOUT_MS))) {
      proc.detachFromEventLoop();
      return { kind: 'ready', server: new RunningMotoServer(port, region, proc) };
    }
    await Promise.race([sleep(MotoDefaults.POLL_INTERVAL_MS), proc.exited]);
  }
}

/**
 * Starts a moto server (the AWS API emulator) from the project's virtualenv, bound to 127.0.0.1 only on a
 * port the OS picked, and resolves once it answers. The server is killed when the Node process exits,
 * even abnormally, but tests should still `stop()` it (or use {@link withMotoServer}).
 *
 * @throws MotoNotInstalledError (`MOTO_NOT_INSTALLED`) when the virtualenv or `moto_server` is missing
 * @throws MotoStartFailedError (`MOTO_START_FAILED`) when the server exits or does not answer in time
 *
 * @example
 * ```ts
 * const moto = await startMotoServer();
 * const kms = new KMSClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
 * const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
 * await moto.stop();
 * ```
 */
export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  const region = options.region ?? MotoDefaults.REGION;
  const startTimeoutMs = options.startTimeoutMs ?? MotoDefaults.START_TIMEOUT_MS;
  if (!Number.isFinite(startTimeoutMs) || startTimeoutMs <= 0) {
    throw new MotoOptionsError(
      `startTimeoutMs must be a positive number of milliseconds, got ${startTimeoutMs}.`,
    );
  }
  if (region.trim() === '') {
    throw new MotoOptionsError('region must not be empty; omit it to use us-east-1.');
  }
  const install = await locateMotoInstall(options.venvDir);
  const deadline = Date.now() + startTimeoutMs;
  let lastOutput = '';
  for (let attempt = 1; attempt <= MotoDefaults.PORT_ATTEMPTS; attempt += 1) {
    const port = await pickFreePort();
    const outcome = await launch(install, port, region, options.env ?? {}, deadline, startTimeoutMs);
    if (outcome.kind === 'ready') return outcome.server;
    lastOutput = outcome.outputTail;
  }
  throw new MotoStartFailedError(
    `Every port the OS offered was taken before moto_server could bind it (${MotoDefaults.PORT_ATTEMPTS} ` +
      'tries). Something on this machine is grabbing loopback ports quickly; try again when it is idle.',
    lastOutput,
  );
}

/**
 * Runs `fn` with a fresh moto server and stops the server afterwards, whether `fn` succeeds or throws.
 *
 * @example
 * ```ts
 * const keyArn = await withMotoServer(async (moto) => {
 *   const kms = new KMSClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
 *   return (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
 * });
 * ```
 */
export async function withMotoServer<T>(
  fn: (server: MotoServer) => Promise<T> | T,
  options: MotoServerOptions = {},
): Promise<T> {
  const server = await startMotoServer(options);
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}
