/**
 * The two-step bootstrap on the local emulator (moto over HTTPS, real terraform with the offline provider
 * mirror), then two concurrent `terraform apply` against one S3-backend state in the emulated bucket with
 * Terraform's lock file: the second fails cleanly on the lock, or waits for it, and nothing is lost. The
 * transcript of the lock test is printed.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
} from '@aws-sdk/client-s3';
import {
  BACKEND_OVERRIDE_FILE,
  bootstrapEmulator,
  type EmulatorBootstrapReport,
  emulatorBackend,
  emulatorTerraformEnv,
  LOCAL_BOOTSTRAP_STACK,
  localStatePath,
} from '../src/bootstrap';
import { type EmulatorClients, emulatorClients } from '../src/clients';
import { stopEmulator } from '../src/emulator';
import { localLayout } from '../src/layout';
import { runTerraform } from '../src/terraform';

const BOOTSTRAP_TIMEOUT_MS = 600_000;
const LOCK_KEY = 'lock-test/terraform.tfstate';

let dir = '';
let report: EmulatorBootstrapReport;
let clients: EmulatorClients;
const transcript: string[] = [];
/** Every terraform this file starts; one still running when a test fails (A at its prompt) is killed. */
const started: ChildProcessWithoutNullStreams[] = [];
const note = (line: string) => transcript.push(line);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'local-aws-bootstrap-'));
  report = await bootstrapEmulator({ localDir: dir, ownerPid: process.pid, log: note });
  clients = emulatorClients(
    report.emulator.endpoint,
    report.emulator.region,
    readFileSync(report.emulator.certFile, 'utf8'),
  );
}, BOOTSTRAP_TIMEOUT_MS);

afterAll(async () => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  clients?.destroy();
  if (dir) {
    await stopEmulator(localLayout(dir));
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`bootstrap and lock test transcript:\n${transcript.map((l) => `  ${l}`).join('\n')}`);
});

describe('the bootstrap on the emulator', () => {
  test('step 1 made a versioned SSE-KMS state bucket under its own key, and step 2 moved its state into it', async () => {
    const bucket = report.outputs.stateBucket;
    expect(bucket).toBe('secure-lambda-tfstate-local-111111111111');
    const versioning = await clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    expect(versioning.Status).toBe('Enabled');
    const encryption = await clients.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(
      encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault,
    ).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: report.outputs.stateKeyArn,
    });
    const state = await clients.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: `bootstrap/${LOCAL_BOOTSTRAP_STACK}.tfstate` }),
    );
    const body = JSON.parse(await state.Body!.transformToString()) as { resources: { type: string }[] };
    expect(body.resources.map((r) => r.type)).toEqual(
      expect.arrayContaining([
        'aws_s3_bucket',
        'aws_kms_key',
        'aws_iam_openid_connect_provider',
        'aws_iam_role',
      ]),
    );
    expect(report.migratedResources).toBeGreaterThan(20);
    // The local state is kept aside, not deleted, and no longer where Terraform would read it.
    const local = localStatePath(dir, LOCAL_BOOTSTRAP_STACK);
    expect(() => readFileSync(local)).toThrow(/ENOENT/);
    expect(JSON.parse(readFileSync(`${local}.migrated`, 'utf8')).resources.length).toBe(
      body.resources.length,
    );
  });

  test("the platform's backend settings name the bucket, its key and the lock file", () => {
    expect(report.platformBackend).toMatchObject({
      bucket: report.outputs.stateBucket,
      key: 'platform/secure-lambda-local.tfstate',
      kms_key_id: report.outputs.stateKeyArn,
      encrypt: true,
      use_lockfile: true,
      use_path_style: true,
      endpoints: { s3: report.emulator.endpoint },
    });
  });
});

/** A minimal stack: one object per name in the emulated bucket, under lock-test/objects/. */
function writeStack(workDir: string, names: readonly string[]): void {
  mkdirSync(workDir, { recursive: true });
  const endpoint = report.emulator.endpoint;
  writeFileSync(
    path.join(workDir, 'main.tf.json'),
    JSON.stringify(
      {
        terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } } },
        provider: {
          aws: [
            {
              region: report.emulator.region,
              endpoints: [{ s3: endpoint, sts: endpoint }],
              s3_use_path_style: true,
              skip_credentials_validation: true,
              skip_requesting_account_id: true,
              skip_metadata_api_check: true,
            },
          ],
        },
        resource: {
          aws_s3_object: Object.fromEntries(
            names.map((name) => [
              name,
              { bucket: report.outputs.stateBucket, key: `lock-test/objects/${name}.txt`, content: name },
            ]),
          ),
        },
      },
      null,
      2,
    ),
  );
  writeFileSync(
    path.join(workDir, BACKEND_OVERRIDE_FILE),
    JSON.stringify({
      terraform: {
        backend: {
          s3: emulatorBackend(report.emulator, {
            bucket: report.outputs.stateBucket,
            key: LOCK_KEY,
            kmsKeyId: report.outputs.stateKeyArn,
          }),
        },
      },
    }),
  );
}

/** A running terraform, its output so far, and a way to wait for a line or for its exit. */
interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  output(): string;
  waitFor(pattern: RegExp): Promise<void>;
  exit(): Promise<number | null>;
}

function start(name: string, cwd: string, args: readonly string[]): Running {
  const child = spawn('terraform', [...args], { cwd, env: emulatorTerraformEnv(report.emulator) });
  started.push(child);
  let text = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const w of [...waiters]) {
      if (w.pattern.test(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  note(`${name}: terraform ${args.join(' ')}`);
  return {
    child,
    output: () => text,
    waitFor: (pattern) =>
      pattern.test(text)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ pattern, resolve });
            exited.then(() => reject(new Error(`${name} exited before printing ${pattern}:\n${text}`)));
          }),
    exit: () => exited,
  };
}

async function readState(): Promise<{ serial: number; lineage: string; names: string[] }> {
  const object = await clients.s3.send(
    new GetObjectCommand({ Bucket: report.outputs.stateBucket, Key: LOCK_KEY }),
  );
  const state = JSON.parse(await object.Body!.transformToString()) as {
    serial: number;
    lineage: string;
    resources: { type: string; name: string }[];
  };
  return { serial: state.serial, lineage: state.lineage, names: state.resources.map((r) => r.name).sort() };
}

async function lockExists(): Promise<boolean> {
  try {
    await clients.s3.send(
      new HeadObjectCommand({ Bucket: report.outputs.stateBucket, Key: `${LOCK_KEY}.tflock` }),
    );
    return true;
  } catch {
    return false;
  }
}

const lines = (text: string, pattern: RegExp) =>
  text
    .split('\n')
    .filter((l) => pattern.test(l))
    .map((l) => l.trim());

describe('two concurrent applies against one state in the emulated bucket', () => {
  test('while one holds the lock, the other fails cleanly or waits; afterwards the state holds both changes', async () => {
    const first = path.join(dir, 'lock-first');
    const second = path.join(dir, 'lock-second');
    writeStack(first, ['first']);
    writeStack(second, ['first', 'second']);
    const env = emulatorTerraformEnv(report.emulator);
    for (const cwd of [first, second]) {
      const init = await runTerraform('terraform init', ['init', '-input=false', '-no-color'], { cwd, env });
      expect({ cwd, code: init.code, err: init.stderr }).toEqual({ cwd, code: 0, err: '' });
    }

    // A: plan, take the lock, and stop at the approval prompt. The lock is held from here until A ends.
    const a = start('A', first, ['apply', '-no-color', '-lock-timeout=0s']);
    await a.waitFor(/Enter a value:/);
    expect(await lockExists()).toBe(true);
    note(
      `A: ${lines(a.output(), /Plan:/).join(' ')} and waits at "Enter a value:"; ${LOCK_KEY}.tflock exists`,
    );

    // B1 does not wait: it must fail on the lock, cleanly, and change nothing.
    const b1 = start('B1', second, [
      'apply',
      '-no-color',
      '-auto-approve',
      '-input=false',
      '-lock-timeout=0s',
    ]);
    const b1Code = await b1.exit();
    note(
      `B1: exit ${b1Code}: ${lines(b1.output(), /Error acquiring the state lock|PreconditionFailed|ID:|Who:|Operation:/).join(' | ')}`,
    );
    expect(b1Code).toBe(1);
    expect(b1.output()).toMatch(/Error acquiring the state lock/);

    // B2 waits for the lock (up to 5 minutes) while A still holds it.
    const b2 = start('B2', second, [
      'apply',
      '-no-color',
      '-auto-approve',
      '-input=false',
      '-lock-timeout=300s',
    ]);
    await b2.waitFor(/Acquiring state lock/);
    expect(b2.child.exitCode).toBeNull();
    note('B2: "Acquiring state lock. This may take a few moments..." and keeps waiting');

    a.child.stdin.write('yes\n');
    const aCode = await a.exit();
    const afterA = await readState();
    note(
      `A: exit ${aCode}: ${lines(a.output(), /Apply complete/).join(' ')}; state serial ${afterA.serial}: ${afterA.names.join(', ')}`,
    );
    expect(aCode).toBe(0);
    expect(afterA.names).toEqual(['first']);

    const b2Code = await b2.exit();
    const afterB = await readState();
    note(
      `B2: exit ${b2Code}: ${lines(b2.output(), /Plan:|Apply complete/).join(' ')}; state serial ${afterB.serial}: ${afterB.names.join(', ')}`,
    );
    expect(b2Code).toBe(0);
    // B2 planned after A's apply, on A's state: it adds only its own parameter; nothing of A's is lost.
    expect(b2.output()).toMatch(/Plan: 1 to add, 0 to change, 0 to destroy/);
    expect(afterB.names).toEqual(['first', 'second']);
    expect(afterB.lineage).toBe(afterA.lineage);
    expect(afterB.serial).toBeGreaterThan(afterA.serial);
    expect(await lockExists()).toBe(false);

    // Every version of the state object (the bucket is versioned): one lineage, serials rising, none lost A's.
    const versions = await clients.s3.send(
      new ListObjectVersionsCommand({ Bucket: report.outputs.stateBucket, Prefix: LOCK_KEY }),
    );
    const history: { serial: number; lineage: string; names: string[] }[] = [];
    for (const v of (versions.Versions ?? []).filter((x) => x.Key === LOCK_KEY).reverse()) {
      const object = await clients.s3.send(
        new GetObjectCommand({ Bucket: report.outputs.stateBucket, Key: LOCK_KEY, VersionId: v.VersionId }),
      );
      const s = JSON.parse(await object.Body!.transformToString()) as (typeof history)[number] & {
        resources: { name: string }[];
      };
      history.push({ serial: s.serial, lineage: s.lineage, names: s.resources.map((r) => r.name).sort() });
    }
    note(
      `state versions (oldest first): ${history.map((h) => `serial ${h.serial} [${h.names.join(', ')}]`).join('; ')}`,
    );
    expect(new Set(history.map((h) => h.lineage)).size).toBe(1);
    for (let i = 1; i < history.length; i += 1) {
      expect(history[i]!.serial).toBeGreaterThan(history[i - 1]!.serial);
    }
    expect(history.filter((h) => h.names.length > 0).every((h) => h.names.includes('first'))).toBe(true);
    expect(history.at(-1)!.names).toEqual(['first', 'second']);
    const objects = await clients.s3.send(
      new ListObjectsV2Command({ Bucket: report.outputs.stateBucket, Prefix: 'lock-test/objects/' }),
    );
    expect((objects.Contents ?? []).map((o) => o.Key).sort()).toEqual([
      'lock-test/objects/first.txt',
      'lock-test/objects/second.txt',
    ]);
  }, 300_000);
});
