/**
 * The local deployment's contract (`npm run deploy:local`): where it keeps its files under `.local/`, the
 * record it writes about the running emulator, and how a reader (the CLI, the system tests) finds both.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EMULATOR_HOST, LOCAL_STACK_NAME } from './constants';
import { EmulatorRecordError } from './errors';

/** The repository root (this file runs as packages/contracts/dist/local.js or src/local.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Default home of everything a local deployment keeps: git-ignored (`.local/` in .gitignore). */
export const DEFAULT_LOCAL_DIR = path.join(REPO_ROOT, '.local');

/** Where a local deployment keeps its files. Tests use a temporary directory instead of `.local/`. */
export interface LocalLayout {
  readonly localDir: string;
  /** The cdktf output directory of the local app. */
  readonly synthDir: string;
  /** Where terraform runs; holds `.terraform/` and the state file (the stack's local backend). */
  readonly stackDir: string;
  readonly stateFile: string;
  /** The running emulator: `emulator.json` (pid, port), its log, and its TLS certificate and key. */
  readonly emulatorDir: string;
  readonly emulatorFile: string;
  readonly emulatorLog: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * The layout under `localDir`.
 *
 * @example
 * ```ts
 * localLayout().emulatorFile; // <repo>/.local/emulator/emulator.json
 * localLayout(mkdtempSync(path.join(os.tmpdir(), 'local-'))).stateFile;
 * ```
 */
export function localLayout(localDir: string = DEFAULT_LOCAL_DIR): LocalLayout {
  const root = path.resolve(localDir);
  const synthDir = path.join(root, 'cdktf.out');
  const stackDir = path.join(synthDir, 'stacks', LOCAL_STACK_NAME);
  const emulatorDir = path.join(root, 'emulator');
  return {
    localDir: root,
    synthDir,
    stackDir,
    // The stack's LocalBackend path, relative to stackDir (stacks/src/platform-stack.ts).
    stateFile: path.join(stackDir, `terraform.${LOCAL_STACK_NAME}.tfstate`),
    emulatorDir,
    emulatorFile: path.join(emulatorDir, 'emulator.json'),
    emulatorLog: path.join(emulatorDir, 'moto.log'),
    certFile: path.join(emulatorDir, 'tls', 'cert.pem'),
    keyFile: path.join(emulatorDir, 'tls', 'key.pem'),
  };
}

/**
 * Where `cdktf synth` (or deploy:local, for the local stack) put a stack: terraform runs there and knows
 * its outputs.
 *
 * @example
 * ```ts
 * stackDirectory('secure-lambda-dev'); // <repo>/cdktf.out/stacks/secure-lambda-dev
 * ```
 */
export function stackDirectory(stack: string, root: string = REPO_ROOT): string {
  return stack === LOCAL_STACK_NAME
    ? localLayout(path.join(root, '.local')).stackDir
    : path.join(root, 'cdktf.out', 'stacks', stack);
}

/** What `emulator.json` records about the running emulator. */
export interface EmulatorRecord {
  readonly pid: number;
  readonly port: number;
  /** `https://127.0.0.1:<port>`, never anything else. */
  readonly endpoint: string;
  /** The account moto serves (MOTO_ACCOUNT_ID): the stack's account, so its account guard stays on. */
  readonly accountId: string;
  readonly region: string;
  /** The emulator's self-signed certificate: the trust anchor every client is given. */
  readonly certFile: string;
  readonly startedAt: string;
  /** Set when the emulator stops by itself once this process exits (tests). */
  readonly ownerPid?: number;
}

/** The endpoint of an emulator listening on `port`: the only form a record may name. */
export function emulatorEndpoint(port: number): string {
  return `https://${EMULATOR_HOST}:${port}`;
}

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Checks a parsed `emulator.json` field by field. A reader hands the endpoint its credentials and trusts
 * the certificate it names, so a record that points anywhere but 127.0.0.1 (a hand edit, a file from
 * elsewhere) is refused, not followed. Fields it does not know are ignored, so a newer writer's record
 * still reads.
 *
 * @throws {EmulatorRecordError} naming the field.
 * @example
 * ```ts
 * parseEmulatorRecord(JSON.parse(readFileSync(localLayout().emulatorFile, 'utf8')));
 * ```
 */
export function parseEmulatorRecord(raw: unknown, source = 'the emulator record'): EmulatorRecord {
  const bad = (what: string) =>
    new EmulatorRecordError(
      `${source}: ${what}. It is not what npm run deploy:local writes: stop any moto_server you started by ` +
        'hand, delete the file and run npm run deploy:local again.',
    );
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('is not a JSON object');
  const r = raw as Record<string, unknown>;
  const positive = (name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
      throw bad(`${name} is not a whole number from 1 to ${max}`);
    return value;
  };
  const pid = positive('pid', r.pid);
  const port = positive('port', r.port, 65_535);
  if (r.endpoint !== emulatorEndpoint(port)) {
    throw bad(`endpoint ${JSON.stringify(r.endpoint)} is not ${emulatorEndpoint(port)}`);
  }
  if (typeof r.accountId !== 'string' || !ACCOUNT_ID.test(r.accountId))
    throw bad('accountId is not 12 digits');
  if (typeof r.region !== 'string' || !REGION.test(r.region)) throw bad('region is not an AWS region name');
  if (typeof r.certFile !== 'string' || !path.isAbsolute(r.certFile))
    throw bad('certFile is not an absolute path');
  if (typeof r.startedAt !== 'string' || Number.isNaN(Date.parse(r.startedAt)))
    throw bad('startedAt is not a date');
  const ownerPid = r.ownerPid === undefined ? undefined : positive('ownerPid', r.ownerPid);
  return {
    pid,
    port,
    endpoint: r.endpoint,
    accountId: r.accountId,
    region: r.region,
    certFile: r.certFile,
    startedAt: r.startedAt,
    ...(ownerPid !== undefined ? { ownerPid } : {}),
  };
}

/**
 * The recorded emulator of `layout`, whether or not it still runs; undefined when there is no record.
 * The record must name the layout's own certificate: a reader trusts that file as the emulator's CA.
 *
 * @throws {EmulatorRecordError} when the file is not JSON or not a record of this layout.
 * @example
 * ```ts
 * const record = readEmulatorRecord(localLayout());
 * if (record) console.log(record.endpoint);
 * ```
 */
export function readEmulatorRecord(layout: LocalLayout): EmulatorRecord | undefined {
  if (!existsSync(layout.emulatorFile)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(layout.emulatorFile, 'utf8'));
  } catch (error) {
    throw new EmulatorRecordError(
      `${layout.emulatorFile} is not readable JSON (${error instanceof Error ? error.message : String(error)}). ` +
        'Stop any moto_server you started by hand and delete the file.',
      { cause: error },
    );
  }
  const record = parseEmulatorRecord(raw, layout.emulatorFile);
  if (path.resolve(record.certFile) !== layout.certFile) {
    throw new EmulatorRecordError(
      `${layout.emulatorFile}: certFile ${record.certFile} is not this deployment's certificate ` +
        `(${layout.certFile}). Run npm run destroy:local, then npm run deploy:local again.`,
    );
  }
  return record;
}

/**
 * Writes the record atomically (a reader never sees half a file), after checking it as a reader would.
 *
 * @example
 * ```ts
 * writeEmulatorRecord(layout, { pid, port, endpoint: emulatorEndpoint(port), accountId, region, certFile: layout.certFile, startedAt: new Date().toISOString() });
 * ```
 */
export function writeEmulatorRecord(layout: LocalLayout, record: EmulatorRecord): void {
  const checked = parseEmulatorRecord(record, 'the emulator record to write');
  const tmp = `${layout.emulatorFile}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, layout.emulatorFile);
}
