import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { CreateKeyCommand, KMS, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { lambdaNode } from '@secure-lambda/bundle-runner/lambda-node';
import { LAMBDA_RUNTIME, nodeMajorOf } from '@secure-lambda/contracts/runtime';
import { type MotoServer, startMotoServer } from '@secure-lambda/testkit';
import { FailureReason, ProcessorDefaults } from '../src/constants';
import { encodeKeyLikeS3, s3Event, s3Record } from './support/doubles';

/**
 * The built zip, run the way Lambda runs it (@secure-lambda/bundle-runner: unzip, require, call `handler`) in a
 * child process, against a moto server reached over HTTP by the real SDK: what is tested is what ships.
 */
const APP_DIR = path.resolve(__dirname, '..');
const REPO_DIR = path.resolve(APP_DIR, '..', '..');
const ZIP = path.join(APP_DIR, 'dist', 'object-processor.zip');
const RUNNER = require.resolve('@secure-lambda/bundle-runner/run-bundle.mjs');
/** The bundle runs on the Node major of the Lambda runtime (a pinned binary from npm), not on this machine's. */
const LAMBDA_NODE = lambdaNode();
const RESULT_MARKER = '@@RESULT@@';
const LIVE_MARKER = '@@LIVE_ARRAY_BUFFERS_PEAK_KIB@@';
const PROBE = path.join(__dirname, 'support', 'live-buffers-probe.cjs');
const MiB = 1024 * 1024;
const LARGE_OBJECT_BYTES = 50 * MiB;
/*
 * Peak RSS over the small-object run. Measured 45-78 MiB here, the same for objects from 20 to 150 MiB:
 * about 17 MiB is live (parts in flight and being assembled), the rest is garbage V8 collects only after
 * ~64 MiB of external (Buffer) allocations. So RSS cannot show "well below 50 MiB"; this bound only rules
 * out holding the object (plaintext and ciphertext at once would be 100 MiB and more). The live-memory
 * test below is the strict check.
 */
const MAX_EXTRA_RSS_KIB = 100 * 1024;
/** Live Buffer memory: the parts in flight, one being assembled and its copy, plus 4 MiB for the rest. */
const MAX_LIVE_BUFFERS_KIB =
  ((ProcessorDefaults.QUEUE_SIZE + 2) * ProcessorDefaults.PART_SIZE_BYTES) / 1024 + 4 * 1024;
const MARKER = 'PLAINTEXT-MARKER-7f3a';

interface RunResult {
  readonly ok: boolean;
  readonly result?: { records: number; processed: number; skipped: number; bytes: number };
  readonly error?: { name?: string; code?: string; message?: string };
  readonly loadMs: number;
  readonly maxRssKiB: number;
  /** The `process.version` the bundle ran on. */
  readonly node: string;
  /** Everything the function printed before the result line (JSON logs and EMF metrics). */
  readonly output: string;
  readonly stderr: string;
}

let moto: MotoServer;
let s3: S3Client;
let kms: KMSClient;
let keyArn: string;
let bundleLine = '';
let baselineRssKiB: number | undefined;
const notes: string[] = [];
const INPUT = 'op-input';
const OUTPUT = 'op-output';

function runBundle(
  event: unknown,
  extraNodeOptions = '',
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<RunResult> {
  const credentials = moto.credentials;
  const child = spawn(LAMBDA_NODE.path, [RUNNER, ZIP], {
    cwd: APP_DIR,
    // Only what the function needs: nothing of this machine's AWS settings leaks in.
    env: {
      PATH: process.env.PATH ?? '',
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: moto.region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      KEY_ARN: keyArn,
      OUTPUT_BUCKET: OUTPUT,
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_NAMESPACE: 'ObjectProcessorBundleTest',
      NODE_OPTIONS: `--enable-source-maps ${extraNodeOptions}`.trim(),
      ...extraEnv,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(JSON.stringify(event));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) {
        reject(
          new Error(
            `run-bundle exited with ${code} without a result.\nstdout:\n${stdout}\nstderr:\n${stderr}`,
          ),
        );
        return;
      }
      const parsed = JSON.parse(line.slice(RESULT_MARKER.length)) as Omit<RunResult, 'output'>;
      resolve({ ...parsed, output: stdout.slice(0, stdout.indexOf(RESULT_MARKER)), stderr });
    });
  });
}

/** The record S3 would send for an object just written (events carry the ETag without quotes). */
function recordFor(key: string, written: { VersionId?: string; ETag?: string }, size: number) {
  return s3Record({
    bucket: INPUT,
    key: encodeKeyLikeS3(key),
    versionId: written.VersionId,
    eTag: written.ETag?.replace(/"/g, ''),
    size,
    sequencer: `00${Date.now().toString(16).toUpperCase()}`,
  });
}

function esdk() {
  const { decrypt, decryptUnsignedMessageStream } = buildClient(
    CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  );
  const aggregated = new KMS({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
  const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => aggregated });
  return { decrypt, decryptUnsignedMessageStream, keyring, destroy: () => aggregated.destroy() };
}

async function outputVersions(key: string) {
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: OUTPUT, Prefix: key }));
  return (listed.Versions ?? []).filter((v) => v.Key === key);
}

/** Multipart uploads of the output bucket that were started and neither completed nor aborted. */
async function openUploads() {
  const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: OUTPUT }));
  return listed.Uploads ?? [];
}

/** The function's JSON log lines with the given message (errors and warnings go to stderr). */
function logLines(run: RunResult, message: string): Array<Record<string, unknown>> {
  return `${run.output}\n${run.stderr}`
    .split('\n')
    .filter((line) => line.startsWith('{') && !line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.message === message);
}

/** EMF metric names the function printed, with their dimension values. */
function emittedMetrics(output: string): Array<{ name: string; value: unknown; reason?: unknown }> {
  const metrics: Array<{ name: string; value: unknown; reason?: unknown }> = [];
  for (const line of output.split('\n')) {
    if (!line.includes('"_aws"')) continue;
    const blob = JSON.parse(line) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> };
    };
    for (const directive of blob._aws.CloudWatchMetrics) {
      for (const metric of directive.Metrics) {
        metrics.push({ name: metric.Name, value: blob[metric.Name], reason: blob.reason });
      }
    }
  }
  return metrics;
}

beforeAll(async () => {
  // Always rebuilt: the bundle is what is under test, and building takes about a second.
  const built = execFileSync('npm', ['run', 'bundle', '--silent'], { cwd: APP_DIR, encoding: 'utf8' });
  bundleLine = built.split('\n').find((l) => l.startsWith('bundle ')) ?? built;
  moto = await startMotoServer();
  const client = {
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: moto.credentials,
    maxAttempts: 1,
  };
  s3 = new S3Client({ ...client, forcePathStyle: true });
  kms = new KMSClient({ ...client, credentials: moto.credentials });
  keyArn = (await kms.send(new CreateKeyCommand({ Description: 'object-processor bundle test' })))
    .KeyMetadata!.Arn!;
  for (const bucket of [INPUT, OUTPUT]) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // Versioned output too: its version list shows how many times an object was written.
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  kms?.destroy();
  await moto?.stop();
  // For the closing note: what the build printed and what the runs measured.
  console.log([bundleLine, ...notes].join('\n'));
});

describe('the bundled handler against moto', () => {
  const smallKey = 'incoming/hello world+1 (é).txt';
  const smallBody = Buffer.concat([Buffer.from(MARKER), randomBytes(64 * 1024)]);
  let smallEvent: ReturnType<typeof s3Event>;
  let smallVersionId: string;

  test('encrypts a small object; the output decrypts with the AWS Encryption SDK', async () => {
    const written = await s3.send(new PutObjectCommand({ Bucket: INPUT, Key: smallKey, Body: smallBody }));
    smallVersionId = written.VersionId!;
    smallEvent = s3Event(recordFor(smallKey, written, smallBody.length));

    const run = await runBundle(smallEvent);

    expect(run).toMatchObject({
      ok: true,
      result: { records: 1, processed: 1, skipped: 0, bytes: smallBody.length },
    });
    baselineRssKiB = run.maxRssKiB;
    // On the Node major that LAMBDA_RUNTIME names, as in Lambda.
    expect(run.node.split('.')[0]).toBe(`v${nodeMajorOf(LAMBDA_RUNTIME)}`);
    notes.push(
      `small object: loadMs ${run.loadMs.toFixed(1)}, maxRss ${(run.maxRssKiB / 1024).toFixed(1)} MiB`,
    );
    expect(run.output).not.toContain(MARKER);
    expect(emittedMetrics(run.output)).toEqual(
      expect.arrayContaining([
        { name: 'ObjectsProcessed', value: 1, reason: undefined },
        { name: 'BytesProcessed', value: smallBody.length, reason: undefined },
      ]),
    );

    const output = await s3.send(new GetObjectCommand({ Bucket: OUTPUT, Key: `${smallKey}.encrypted` }));
    expect(output.ServerSideEncryption).toBe('aws:kms');
    expect(output.SSEKMSKeyId).toBe(keyArn);
    expect(output.Metadata).toMatchObject({ 'source-version-id': smallVersionId, 'source-bucket': INPUT });
    const message = Buffer.from(await output.Body!.transformToByteArray());
    expect(message.includes(Buffer.from(MARKER))).toBe(false);

    const sdk = esdk();
    try {
      const { plaintext, messageHeader } = await sdk.decrypt(sdk.keyring, message);
      expect(Buffer.from(plaintext).equals(smallBody)).toBe(true);
      expect(messageHeader.encryptionContext).toEqual({
        app: 'object-processor',
        bucket: INPUT,
        key: smallKey,
        versionId: smallVersionId,
      });
    } finally {
      sdk.destroy();
    }
  });

  test('a retried event writes nothing a second time', async () => {
    const before = await outputVersions(`${smallKey}.encrypted`);
    expect(before).toHaveLength(1);

    const run = await runBundle(smallEvent);

    expect(run).toMatchObject({ ok: true, result: { records: 1, processed: 0, skipped: 1, bytes: 0 } });
    const after = await outputVersions(`${smallKey}.encrypted`);
    expect(after.map((v) => [v.VersionId, v.ETag, v.LastModified?.toISOString()])).toEqual(
      before.map((v) => [v.VersionId, v.ETag, v.LastModified?.toISOString()]),
    );
    expect(emittedMetrics(run.output)).toContainEqual({
      name: 'ObjectsSkipped',
      value: 1,
      reason: undefined,
    });
  });

  test('a malformed event is a typed MALFORMED_EVENT error, not a crash, and is not echoed', async () => {
    const run = await runBundle({ Records: [{ eventSource: 'aws:s3', secret: `${MARKER}-in-event` }] });

    expect(run.ok).toBe(false);
    expect(run.error).toMatchObject({ name: 'MalformedEventError', code: 'MALFORMED_EVENT' });
    expect(run.error?.message).toMatch(/not an S3 event notification/);
    expect(run.output).not.toContain(MARKER);
    expect(emittedMetrics(run.output)).toContainEqual({
      name: 'Failures',
      value: 1,
      reason: 'MalformedEvent',
    });
  });

  const largeKey = 'large/fifty-mib.bin';
  let largeEvent: ReturnType<typeof s3Event>;

  test('streams a 50 MiB object; the output decrypts to the same bytes', async () => {
    expect(baselineRssKiB).toBeDefined();
    // Generated and hashed on the fly, so this process never holds the object either.
    const block = randomBytes(MiB);
    const source = createHash('sha256');
    const generated = Readable.from(
      (function* () {
        for (let i = 0; i < LARGE_OBJECT_BYTES / MiB; i += 1) {
          const chunk = Buffer.from(block);
          chunk.writeUInt32BE(i, 0);
          source.update(chunk);
          yield chunk;
        }
      })(),
    );
    const written = await new Upload({
      client: s3,
      params: { Bucket: INPUT, Key: largeKey, Body: generated },
      partSize: 8 * MiB,
      queueSize: 2,
    }).done();
    const sourceDigest = source.digest('hex');
    largeEvent = s3Event(recordFor(largeKey, written, LARGE_OBJECT_BYTES));

    const run = await runBundle(largeEvent);

    expect(run).toMatchObject({ ok: true, result: { processed: 1, bytes: LARGE_OBJECT_BYTES } });
    const extraKiB = run.maxRssKiB - baselineRssKiB!;
    notes.push(
      `50 MiB object: loadMs ${run.loadMs.toFixed(1)}, maxRss ${(run.maxRssKiB / 1024).toFixed(1)} MiB ` +
        `(small-object baseline ${(baselineRssKiB! / 1024).toFixed(1)} MiB, +${(extraKiB / 1024).toFixed(1)} MiB)`,
    );
    expect(extraKiB).toBeLessThan(MAX_EXTRA_RSS_KIB);

    const head = await s3.send(new HeadObjectCommand({ Bucket: OUTPUT, Key: `${largeKey}.encrypted` }));
    expect(head.Metadata).toMatchObject({ 'source-version-id': written.VersionId });
    const output = await s3.send(new GetObjectCommand({ Bucket: OUTPUT, Key: `${largeKey}.encrypted` }));
    const sdk = esdk();
    try {
      const decrypted = createHash('sha256');
      let context: Record<string, string> | undefined;
      const decrypting = sdk.decryptUnsignedMessageStream(sdk.keyring);
      decrypting.once('MessageHeader', (header: { encryptionContext: Record<string, string> }) => {
        context = header.encryptionContext;
      });
      await pipeline(
        output.Body as Readable,
        decrypting,
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            decrypted.update(chunk);
            callback();
          },
        }),
      );
      expect(decrypted.digest('hex')).toBe(sourceDigest);
      expect(context).toEqual({
        app: 'object-processor',
        bucket: INPUT,
        key: largeKey,
        versionId: written.VersionId,
      });
    } finally {
      sdk.destroy();
    }
  });

  test('the 50 MiB object never has more than the upload window in live memory (well below its size)', async () => {
    expect(largeEvent).toBeDefined();
    // A delete marker hides the output, so the same event is processed again, now with the probe.
    await s3.send(new DeleteObjectCommand({ Bucket: OUTPUT, Key: `${largeKey}.encrypted` }));

    const run = await runBundle(largeEvent, `--expose-gc --require ${PROBE}`);

    expect(run).toMatchObject({ ok: true, result: { processed: 1, bytes: LARGE_OBJECT_BYTES } });
    const line = run.stderr.split('\n').find((l) => l.startsWith(LIVE_MARKER));
    const liveKiB = Number(line?.slice(LIVE_MARKER.length));
    notes.push(`50 MiB object: live Buffer peak (forced GC) ${(liveKiB / 1024).toFixed(1)} MiB`);
    expect(liveKiB).toBeGreaterThan(0);
    expect(liveKiB).toBeLessThan(MAX_LIVE_BUFFERS_KIB);
  });
});

describe('[TM-AVAIL-01] the bundled handler on huge objects, against moto', () => {
  const LIMIT = MiB;

  test('[TM-AVAIL-01] the bundle refuses an object above MAX_OBJECT_BYTES before reading it: no output, Failures{ObjectTooLarge}', async () => {
    const key = 'huge/too-large.bin';
    const body = Buffer.concat([Buffer.from(MARKER), randomBytes(2 * LIMIT)]);
    const written = await s3.send(new PutObjectCommand({ Bucket: INPUT, Key: key, Body: body }));
    const limits = { MAX_OBJECT_BYTES: String(LIMIT) };

    // The event as S3 sends it, then one forged by a direct invoker that understates the size.
    const truthful = await runBundle(s3Event(recordFor(key, written, body.length)), '', limits);
    const forged = await runBundle(s3Event(recordFor(key, written, 10)), '', limits);

    for (const run of [truthful, forged]) {
      expect(run.ok).toBe(false);
      expect(run.error).toMatchObject({ name: 'RecordsFailedError', code: 'RECORDS_FAILED' });
      expect(run.error?.message).toContain('(ObjectTooLarge: OBJECT_TOO_LARGE)');
      expect(emittedMetrics(run.output)).toContainEqual({
        name: 'Failures',
        value: 1,
        reason: FailureReason.OBJECT_TOO_LARGE,
      });
      expect(run.output).not.toContain(MARKER);
    }
    // Refused on the event's size without a request, and on GetObject's Content-Length before the body.
    expect(logLines(truthful, 'Could not process the object')).toEqual([
      expect.objectContaining({ objectBytes: body.length, maxObjectBytes: LIMIT, sizeSource: 'event' }),
    ]);
    expect(logLines(forged, 'Could not process the object')).toEqual([
      expect.objectContaining({ objectBytes: body.length, maxObjectBytes: LIMIT, sizeSource: 'GetObject' }),
    ]);
    expect(await outputVersions(`${key}.encrypted`)).toEqual([]);
    expect(await openUploads()).toEqual([]);
  });

  test('[TM-AVAIL-01] the bundle near its deadline aborts the multipart upload: none left, no output, DEADLINE_EXCEEDED', async () => {
    const key = 'huge/slow.bin';
    const body = Buffer.concat([Buffer.from(MARKER), randomBytes(12 * MiB)]);
    const written = await s3.send(new PutObjectCommand({ Bucket: INPUT, Key: key, Body: body }));
    const margin = ProcessorDefaults.DEADLINE_MARGIN_MS;
    /*
     * The context's clock drops per call, not per millisecond (@secure-lambda/bundle-runner): 3 x margin when the
     * record starts, then one call per 5 MiB part of ciphertext; the second part boundary is the first below
     * the margin. By then more than a part has been handed to the upload, so the multipart upload exists.
     */
    const clock = {
      SECURE_LAMBDA_REMAINING_MS: String(3 * margin),
      SECURE_LAMBDA_REMAINING_MS_STEP: String(margin + 1),
    };

    const run = await runBundle(s3Event(recordFor(key, written, body.length)), '', clock);

    expect(run.ok).toBe(false);
    expect(run.error).toMatchObject({ name: 'RecordsFailedError', code: 'RECORDS_FAILED' });
    expect(run.error?.message).toContain('(DeadlineExceeded: DEADLINE_EXCEEDED)');
    expect(logLines(run, 'Could not process the object')).toEqual([
      expect.objectContaining({ key, remainingMs: 3 * margin - 2 * (margin + 1), marginMs: margin }),
    ]);
    expect(emittedMetrics(run.output)).toContainEqual({
      name: 'Failures',
      value: 1,
      reason: FailureReason.DEADLINE_EXCEEDED,
    });
    expect(await openUploads()).toEqual([]);
    expect(await outputVersions(`${key}.encrypted`)).toEqual([]);
    expect(run.output).not.toContain(MARKER);
  });
});
