import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { type MotoServer, startMotoServer } from '@secure-lambda/testkit';
import {
  type AlgorithmSuiteIdValue,
  type EncryptionContext,
  EnvelopeEncryptor,
  KmsKeyring,
  PUBLIC_KEY_CONTEXT_KEY,
} from '../src';
import { fromKmsClient } from '../src/kms-sdk';
import { parseHeader } from '../src/private/header';
import { hex, MiB, SUITES, throughStream } from './fixtures';
import {
  type CliMetadata,
  type CliRun,
  cliEnvironment,
  describeRun,
  globEscape,
  locatePythonCli,
  PYTHON_SUITE_NAMES,
  runCli,
  runLimited,
} from './python-esdk';

/**
 * Interop with the AWS Encryption SDK for Python (aws-encryption-sdk 3.3.1, through aws-encryption-sdk-cli
 * 4.3.0 from the project's virtualenv). Both sides use one moto KMS over HTTP on 127.0.0.1, so each can
 * unwrap the other's data keys. The matrix runs in batches, one CLI process per directory of messages,
 * because every Python start costs about a second: two processes decrypt all of our messages (with and
 * without a required context), eight encrypt the Python side's (one per suite x frame length x context,
 * the CLI's own options).
 */

const FRAME_LENGTHS = [4096, 64 * 1024] as const;
const CONTEXTS = {
  none: {},
  required: { tenant: 'acme', ключ: 'значение' },
} as const satisfies Record<string, EncryptionContext>;
type ContextName = keyof typeof CONTEXTS;
const CONTEXT_NAMES = Object.keys(CONTEXTS) as ContextName[];
const ENCRYPT_APIS = ['encrypt', 'encryptStream'] as const;
const DECRYPT_APIS = ['decrypt', 'decryptStream'] as const;
/** The CLI runs CPU-bound; two at a time is what the machine has. */
const CLI_CONCURRENCY = 2;
/** A hang guard for the batch setup on a busy machine, not a speed bound. */
const SETUP_TIMEOUT_MS = 600_000;

/** The sizes the issue names: the edges of one frame, an exact multiple, a remainder and 1 MiB. */
function sizesFor(frameLength: number): number[] {
  return [0, 1, frameLength - 1, frameLength, 2 * frameLength, 70_000, MiB];
}

interface Group {
  readonly suite: AlgorithmSuiteIdValue;
  readonly frameLength: number;
  readonly contextName: ContextName;
}

function groups(): Group[] {
  const all: Group[] = [];
  for (const suite of SUITES)
    for (const frameLength of FRAME_LENGTHS)
      for (const contextName of CONTEXT_NAMES) all.push({ suite, frameLength, contextName });
  return all;
}

function groupName(g: Group): string {
  return `${hex(g.suite)}-frame${g.frameLength}-${g.contextName}`;
}

/** `-c` arguments of the CLI: pairs to write on encrypt, pairs to require on decrypt. */
function contextArgs(context: EncryptionContext): string[] {
  const pairs = Object.entries(context).map(([key, value]) => `${key}=${value}`);
  return pairs.length > 0 ? ['-c', ...pairs] : [];
}

interface OursCase extends Group {
  readonly size: number;
  readonly api: (typeof ENCRYPT_APIS)[number];
  readonly file: string;
}

interface PythonCase extends Group {
  readonly size: number;
  readonly file: string;
}

/** Titles for test.each: every field a reader needs to rerun one case. */
function title(c: Group & { size: number }): string {
  return `suite ${hex(c.suite)} frame ${c.frameLength} size ${c.size} context ${c.contextName}`;
}

const oursCases: OursCase[] = [];
const pythonCases: PythonCase[] = [];
for (const g of groups())
  for (const size of sizesFor(g.frameLength)) {
    for (const api of ENCRYPT_APIS)
      oursCases.push({ ...g, size, api, file: `${groupName(g)}-size${size}-${api}.msg` });
    pythonCases.push({ ...g, size, file: `size${size}.bin` });
  }

/** A message in the required-context batch whose context lacks the required value: Python must skip it. */
const CONTROL_FILE = 'control-wrong-tenant.msg';

let moto: MotoServer;
let kmsClient: KMSClient;
let keyArn: string;
let workDir: string;
const plaintexts = new Map<string, Buffer>();
const oursRuns = new Map<ContextName, CliRun>();
const pythonRuns = new Map<string, CliRun>();
const oursMetadata = new Map<string, CliMetadata>();

function encryptor(suite: AlgorithmSuiteIdValue, frameLength: number): EnvelopeEncryptor {
  return new EnvelopeEncryptor({
    keyring: new KmsKeyring({ client: fromKmsClient(kmsClient), generatorKeyId: keyArn }),
    algorithmSuite: suite,
    frameLength,
  });
}

async function writeOurMessage(c: OursCase, dir: string): Promise<void> {
  const plaintext = randomBytes(c.size);
  plaintexts.set(`ours/${c.file}`, plaintext);
  const ours = encryptor(c.suite, c.frameLength);
  const encryptionContext = CONTEXTS[c.contextName];
  const message =
    c.api === 'encrypt'
      ? await ours.encrypt(plaintext, { encryptionContext })
      : await throughStream(ours.encryptStream({ encryptionContext }), plaintext);
  await writeFile(path.join(dir, c.file), message);
}

async function readMetadata(file: string): Promise<CliMetadata[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CliMetadata);
}

beforeAll(async () => {
  const cli = await locatePythonCli();
  moto = await startMotoServer();
  kmsClient = new KMSClient({
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: moto.credentials,
    maxAttempts: 2,
  });
  const { KeyMetadata } = await kmsClient.send(
    new CreateKeyCommand({ Description: 'secure-lambda Python interop' }),
  );
  keyArn = KeyMetadata!.Arn!;
  workDir = await mkdtemp(path.join(tmpdir(), 'secure-lambda-python-interop-'));
  const env = cliEnvironment(moto);
  const common = ['-w', `key=${keyArn}`, '--commitment-policy', 'require-encrypt-require-decrypt'];

  // Ours -> Python: every message we write, one directory (and one CLI decrypt) per required context.
  const tasks: (() => Promise<void>)[] = [];
  for (const contextName of CONTEXT_NAMES) {
    const input = path.join(workDir, 'ours', contextName);
    const output = path.join(workDir, 'ours-decrypted', contextName);
    await mkdir(input, { recursive: true });
    await mkdir(output, { recursive: true });
    for (const c of oursCases.filter((k) => k.contextName === contextName)) await writeOurMessage(c, input);
    if (contextName === 'required') {
      const control = await encryptor(SUITES[0]!, 4096).encrypt(Buffer.from('control'), {
        encryptionContext: { ...CONTEXTS.required, tenant: 'other' },
      });
      await writeFile(path.join(input, CONTROL_FILE), control);
    }
    const metadataFile = path.join(workDir, `ours-${contextName}.jsonl`);
    tasks.push(async () => {
      const run = await runCli(
        cli,
        [
          '-d',
          '-r',
          '-i',
          globEscape(input),
          '-o',
          output,
          '--metadata-output',
          metadataFile,
          ...common,
          ...contextArgs(CONTEXTS[contextName]),
        ],
        env,
      );
      oursRuns.set(contextName, run);
      for (const record of await readMetadata(metadataFile))
        oursMetadata.set(`${contextName}/${path.basename(record.input)}`, record);
    });
  }

  // Python -> ours: one CLI encrypt per suite x frame length x context, over a directory of plaintexts.
  for (const g of groups()) {
    const name = groupName(g);
    const input = path.join(workDir, 'python-plain', name);
    const output = path.join(workDir, 'python', name);
    await mkdir(input, { recursive: true });
    await mkdir(output, { recursive: true });
    for (const c of pythonCases.filter((k) => groupName(k) === name)) {
      const plaintext = randomBytes(c.size);
      plaintexts.set(`python/${name}/${c.file}`, plaintext);
      await writeFile(path.join(input, c.file), plaintext);
    }
    tasks.push(async () => {
      const run = await runCli(
        cli,
        [
          '-e',
          '-r',
          '-S',
          '-i',
          globEscape(input),
          '-o',
          output,
          '--algorithm',
          PYTHON_SUITE_NAMES[g.suite],
          '--frame-length',
          String(g.frameLength),
          ...common,
          ...contextArgs(CONTEXTS[g.contextName]),
        ],
        env,
      );
      pythonRuns.set(name, run);
    });
  }
  await runLimited(tasks, CLI_CONCURRENCY);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  kmsClient?.destroy();
  await moto?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** A file the CLI should have written, or a failure that quotes the CLI run that did not write it. */
async function cliOutput(file: string, run: CliRun | undefined): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch {
    throw new Error(
      `the Python CLI did not write ${path.basename(file)}.\n${run ? describeRun(run) : 'its batch did not run'}`,
    );
  }
}

const EXIT_0 = 'exit 0';
/** `exit 0`, or the whole story of the run (command, exit, output), which jest prints on a mismatch. */
function exitReport(run: CliRun | undefined): string {
  if (!run) return 'the batch did not run';
  return run.code === 0 ? EXIT_0 : describeRun(run);
}

describe('our messages decrypt with the Python Encryption SDK (aws-encryption-cli)', () => {
  test.each(oursCases.map((c) => [title(c), c.api, c] as const))('%s via %s', async (_title, _api, c) => {
    const decrypted = await cliOutput(
      path.join(workDir, 'ours-decrypted', c.contextName, `${c.file}.decrypted`),
      oursRuns.get(c.contextName),
    );
    expect(decrypted.equals(plaintexts.get(`ours/${c.file}`)!)).toBe(true);
    // What the Python SDK read from our header: the suite, frame length and context we wrote.
    const header = oursMetadata.get(`${c.contextName}/${c.file}`)?.header;
    expect(header?.algorithm).toBe(PYTHON_SUITE_NAMES[c.suite]);
    expect(header?.frame_length).toBe(c.frameLength);
    expect(header?.encryption_context).toMatchObject(CONTEXTS[c.contextName]);
  });

  test('the required context is enforced: a message without the required value is skipped', async () => {
    const record = oursMetadata.get(`required/${CONTROL_FILE}`);
    expect(record).toMatchObject({ skipped: true });
    await expect(
      readFile(path.join(workDir, 'ours-decrypted', 'required', `${CONTROL_FILE}.decrypted`)),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test.each(CONTEXT_NAMES)('the CLI decrypt batch (context %s) exits 0', (contextName) => {
    expect(exitReport(oursRuns.get(contextName))).toBe(EXIT_0);
  });
});

describe('Python Encryption SDK messages decrypt with ours', () => {
  test.each(groups().map(groupName))('the CLI encrypt batch %s exits 0', (name) => {
    expect(exitReport(pythonRuns.get(name))).toBe(EXIT_0);
  });

  test.each(pythonCases.flatMap((c) => DECRYPT_APIS.map((api) => [title(c), api, c] as const)))(
    '%s via %s',
    async (_title, api, c) => {
      const name = groupName(c);
      const message = await cliOutput(
        path.join(workDir, 'python', name, `${c.file}.encrypted`),
        pythonRuns.get(name),
      );
      // The CLI wrote what it was asked for: suite and frame length are read from the header.
      const header = parseHeader(message, { maxEncryptedDataKeys: 16 });
      expect(header.suite.id).toBe(c.suite);
      expect(header.frameLength).toBe(c.frameLength);
      const ours = encryptor(c.suite, c.frameLength);
      const requiredEncryptionContext = CONTEXTS[c.contextName];
      const expected = plaintexts.get(`python/${name}/${c.file}`)!;
      if (api === 'decrypt') {
        const result = await ours.decrypt(message, { requiredEncryptionContext });
        expect(result.plaintext.equals(expected)).toBe(true);
        expect(result.encryptionContext).toMatchObject(requiredEncryptionContext);
        expect(PUBLIC_KEY_CONTEXT_KEY in result.encryptionContext).toBe(c.suite === SUITES[1]);
      } else {
        const plaintext = await throughStream(ours.decryptStream({ requiredEncryptionContext }), message);
        expect(plaintext.equals(expected)).toBe(true);
      }
    },
  );
});
