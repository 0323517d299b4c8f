import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PeerCertificate } from 'node:tls';
import { EmulatorRecordError } from '@secure-lambda/contracts/errors';
import { type EmulatorRecord, readEmulatorRecord, writeEmulatorRecord } from '@secure-lambda/contracts/local';
import {
  ensureCertificate,
  isPortConflict,
  killProcessGroup,
  locateMotoInstall,
  MotoCertificateError,
  type MotoInstall,
  motoServerArgs,
  motoServerEnvironment,
  pickFreePort,
} from '@secure-lambda/moto';
import { errorMessage, LocalDeployError } from './errors';
import { display, type LocalLayout } from './layout';

/** What `emulator.json` records about the running emulator (the contract readers such as the CLI share). */
export type EmulatorInfo = EmulatorRecord;

export const EmulatorDefaults = {
  HOST: '127.0.0.1',
  START_TIMEOUT_MS: 30_000,
  STOP_GRACE_MS: 5_000,
  PORT_ATTEMPTS: 3,
  /** Certificates are renewed when fewer days than this remain. */
  CERT_DAYS: 30,
  CERT_RENEW_DAYS: 2,
} as const;

/** GET over HTTPS trusting only the emulator's certificate. */
export function emulatorRequest(
  url: string,
  ca: string,
  timeoutMs = 5_000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} in ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/**
 * POST to the emulator over HTTPS trusting only its certificate. `checkServerIdentity` replaces the host-name
 * check when the Host header names another host (the certificate is always the emulator's own).
 */
export function emulatorPost(
  url: string,
  ca: string,
  request: {
    readonly headers: Readonly<Record<string, string | number>>;
    readonly body: string;
    readonly checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
  },
  timeoutMs = 10_000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const post = https.request(
      url,
      {
        method: 'POST',
        ca,
        timeout: timeoutMs,
        headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        ...(request.checkServerIdentity ? { checkServerIdentity: request.checkServerIdentity } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    post.on('timeout', () => post.destroy(new Error(`no answer from ${url} in ${timeoutMs} ms`)));
    post.on('error', reject);
    post.end(request.body);
  });
}

/** Whether a process exists (signal 0; EPERM means it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The recorded emulator, whether or not it still runs; a record that is not deploy:local's is refused. */
export function readEmulatorInfo(layout: LocalLayout): EmulatorInfo | undefined {
  try {
    return readEmulatorRecord(layout);
  } catch (error) {
    if (!(error instanceof EmulatorRecordError)) throw error;
    throw new LocalDeployError('start emulator', error.message, { cause: error });
  }
}

/** The recorded emulator when it is alive and answers as moto on its port; otherwise undefined. */
export async function runningEmulator(layout: LocalLayout): Promise<EmulatorInfo | undefined> {
  const info = readEmulatorInfo(layout);
  if (!info || !isAlive(info.pid) || !existsSync(info.certFile)) return undefined;
  try {
    const { status, body } = await emulatorRequest(
      `${info.endpoint}/moto-api/config`,
      readFileSync(info.certFile, 'utf8'),
    );
    JSON.parse(body);
    return status >= 200 && status < 300 ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the emulator's certificate and key when missing or about to expire (moto's make-cert.py). */
function ensureEmulatorCertificate(layout: LocalLayout, python: string): void {
  try {
    ensureCertificate({
      python,
      certFile: layout.certFile,
      keyFile: layout.keyFile,
      days: EmulatorDefaults.CERT_DAYS,
      renewDays: EmulatorDefaults.CERT_RENEW_DAYS,
    });
  } catch (error) {
    if (!(error instanceof MotoCertificateError)) throw error;
    throw new LocalDeployError('start emulator', error.message, { output: error.output, cause: error });
  }
}

function logTail(layout: LocalLayout, lines = 20): string {
  if (!existsSync(layout.emulatorLog)) return '';
  return readFileSync(layout.emulatorLog, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Starts moto_server from the project virtualenv, detached, so it outlives this command: it holds the
 * deployed resources in memory until `destroy:local` stops it. HTTPS on 127.0.0.1 only.
 */
async function startEmulator(
  layout: LocalLayout,
  { accountId, region, ownerPid }: EmulatorTarget,
): Promise<EmulatorInfo> {
  let install: MotoInstall;
  try {
    install = await locateMotoInstall(undefined);
  } catch (error) {
    throw new LocalDeployError('start emulator', errorMessage(error), { cause: error });
  }
  ensureEmulatorCertificate(layout, install.python);
  const ca = readFileSync(layout.certFile, 'utf8');
  for (let attempt = 1; attempt <= EmulatorDefaults.PORT_ATTEMPTS; attempt += 1) {
    const port = await pickFreePort();
    const log = openSync(layout.emulatorLog, 'w');
    // @secure-lambda/moto's python/serve.py: a retried write gets its first answer instead of a second
    // run, and an owned emulator (tests) exits once its owner is gone (SECURE_LAMBDA_EMULATOR_OWNER).
    const serverArgs = motoServerArgs({
      install,
      port,
      host: EmulatorDefaults.HOST,
      tls: { certFile: layout.certFile, keyFile: layout.keyFile },
    });
    const owned: Record<string, string> =
      ownerPid !== undefined ? { SECURE_LAMBDA_EMULATOR_OWNER: String(ownerPid) } : {};
    const child = spawn(install.python, serverArgs, {
      detached: true,
      stdio: ['ignore', log, log],
      env: motoServerEnvironment(port, region, { MOTO_ACCOUNT_ID: accountId, ...owned }),
    });
    closeSync(log);
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    const spawnError = new Promise<Error>((resolve) => child.on('error', resolve));
    child.unref();
    const info: EmulatorInfo = {
      pid: child.pid ?? -1,
      port,
      endpoint: `https://${EmulatorDefaults.HOST}:${port}`,
      accountId,
      region,
      certFile: layout.certFile,
      startedAt: new Date().toISOString(),
      ...(ownerPid !== undefined ? { ownerPid } : {}),
    };
    const deadline = Date.now() + EmulatorDefaults.START_TIMEOUT_MS;
    while (!exited && Date.now() < deadline) {
      const ready = await emulatorRequest(`${info.endpoint}/moto-api/config`, ca, 2_000).then(
        (r) => r.status >= 200 && r.status < 300,
        () => false,
      );
      if (ready) {
        writeEmulatorRecord(layout, info);
        return info;
      }
      await Promise.race([sleep(200), spawnError]);
    }
    const output = logTail(layout);
    if (exited && isPortConflict(output)) continue;
    if (!exited) killProcessGroup(info.pid, 'SIGKILL');
    throw new LocalDeployError(
      'start emulator',
      exited
        ? `moto_server exited before it answered on ${info.endpoint}; its log is ${display(layout.emulatorLog)}.`
        : `moto_server did not answer on ${info.endpoint} within ${EmulatorDefaults.START_TIMEOUT_MS} ms.`,
      { output },
    );
  }
  throw new LocalDeployError(
    'start emulator',
    `every free port the OS offered was taken before moto_server bound it (${EmulatorDefaults.PORT_ATTEMPTS} tries).`,
  );
}

export interface EnsuredEmulator {
  readonly info: EmulatorInfo;
  /** True when an emulator from an earlier deploy:local was still running and is reused. */
  readonly reused: boolean;
  /** Set when a state file was moved aside because the emulator that held its resources is gone. */
  readonly staleStateMovedTo?: string;
}

/**
 * The emulator for a deployment: the running one recorded in `emulator.json`, or a new one. moto keeps
 * everything in memory, so when the recorded emulator is gone the resources in the state file are gone
 * too: that state is moved aside (never deleted) and the deployment starts afresh.
 */
/** The account and region the emulator serves, and optionally the process it belongs to. */
export interface EmulatorTarget {
  readonly accountId: string;
  readonly region: string;
  /** Stop the emulator by itself when this process exits (tests); unset, it runs until destroy:local. */
  readonly ownerPid?: number;
}

export async function ensureEmulator(layout: LocalLayout, target: EmulatorTarget): Promise<EnsuredEmulator> {
  mkdirSync(layout.emulatorDir, { recursive: true, mode: 0o700 });
  const running = await runningEmulator(layout);
  if (running) {
    if (running.accountId !== target.accountId || running.region !== target.region) {
      throw new LocalDeployError(
        'start emulator',
        `the running emulator (pid ${running.pid}) serves account ${running.accountId} in ${running.region}, ` +
          `but the local stack is for ${target.accountId} in ${target.region}. Run \`npm run destroy:local\` first.`,
      );
    }
    return { info: running, reused: true };
  }
  const recorded = readEmulatorInfo(layout);
  if (recorded && isAlive(recorded.pid)) killProcessGroup(recorded.pid, 'SIGKILL');
  rmSync(layout.emulatorFile, { force: true });
  let staleStateMovedTo: string | undefined;
  if (hasResources(layout.stateFile)) {
    staleStateMovedTo = `${layout.stateFile}.lost-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(layout.stateFile, staleStateMovedTo);
    rmSync(`${layout.stateFile}.backup`, { force: true });
  }
  const info = await startEmulator(layout, target);
  return staleStateMovedTo ? { info, reused: false, staleStateMovedTo } : { info, reused: false };
}

/** True when the state file records at least one resource. */
export function hasResources(stateFile: string): boolean {
  if (!existsSync(stateFile)) return false;
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { resources?: unknown[] };
    return (state.resources?.length ?? 0) > 0;
  } catch {
    return true;
  }
}

/** Stops the recorded emulator (TERM, then KILL after a grace period). Returns whether one was running. */
export async function stopEmulator(layout: LocalLayout): Promise<boolean> {
  const info = readEmulatorInfo(layout);
  if (!info) return false;
  const wasAlive = isAlive(info.pid);
  if (wasAlive) {
    killProcessGroup(info.pid, 'SIGTERM');
    const deadline = Date.now() + EmulatorDefaults.STOP_GRACE_MS;
    while (isAlive(info.pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(info.pid)) killProcessGroup(info.pid, 'SIGKILL');
    while (isAlive(info.pid)) await sleep(50);
  }
  rmSync(layout.emulatorFile, { force: true });
  return wasAlive;
}
