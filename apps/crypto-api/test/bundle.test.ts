/**
 * The built bundle (dist/crypto-api.zip), run the way Lambda runs it, against a real KMS API: a moto
 * server on 127.0.0.1 reached over HTTP by the bundled AWS SDK. Each invocation is a fresh Node process
 * (scripts/run-bundle.mjs), so module-scope setup and cold-start cost are exercised too.
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { CreateKeyCommand, KMS, KMSClient } from '@aws-sdk/client-kms';
import { type MotoServer, startMotoServer } from '@secure-lambda/testkit';
import { ApiErrorCode } from '../src/errors';
import { ALICE, BOB, CANARY, decryptEvent, encryptEvent, functionUrlEvent, principalId } from './events';

const APP_DIR = path.resolve(__dirname, '..');
const REPO_ROOT = path.resolve(APP_DIR, '..', '..');
const ZIP = path.join(APP_DIR, 'dist', 'crypto-api.zip');
const RUNNER = path.join(REPO_ROOT, 'scripts', 'run-bundle.mjs');
const RESULT_MARKER = '@@RESULT@@';

interface HandlerResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Run {
  readonly exitCode: number | null;
  /**
   * What the function itself wrote: its log lines and EMF metrics (stdout, without the runner's result
   * line) and its ERROR/WARN lines (Powertools writes those to stderr).
   */
  readonly logs: string;
  readonly stderr: string;
  readonly outcome?: {
    readonly ok: boolean;
    readonly result?: HandlerResponse;
    readonly error?: { readonly name?: string; readonly code?: string; readonly message?: string };
    readonly loadMs: number;
    readonly maxRssKiB: number;
  };
}

let moto: MotoServer;
let kms: KMSClient;
let keyArn: string;
let bundleOutput: string;
/** Cold starts measured one at a time (parallel runs share the CPU and would overstate them). */
const coldStarts: { readonly loadMs: number; readonly maxRssKiB: number }[] = [];

/** Runs the bundle's handler once in a child process, with the event on stdin. */
function invoke(event: unknown, env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [RUNNER, ZIP], {
    cwd: APP_DIR,
    // Only what a Lambda environment would hold: nothing from the test runner's environment leaks in.
    env: {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: moto.region,
      AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
      KEY_ARN: keyArn,
      POWERTOOLS_TRACE_ENABLED: 'false',
      NODE_OPTIONS: '--enable-source-maps',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(JSON.stringify(event));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const lines = Buffer.concat(stdout).toString('utf8').trimEnd().split('\n');
      const last = lines.at(-1) ?? '';
      const outcome = last.startsWith(RESULT_MARKER)
        ? (JSON.parse(last.slice(RESULT_MARKER.length)) as Run['outcome'])
        : undefined;
      const errorOutput = Buffer.concat(stderr).toString('utf8');
      resolve({
        exitCode,
        logs: [...(outcome ? lines.slice(0, -1) : lines), errorOutput].join('\n'),
        stderr: errorOutput,
        ...(outcome ? { outcome } : {}),
      });
    });
  });
}

/** The handler's response; fails with the child's output when it did not produce one. */
function responseOf(run: Run): HandlerResponse {
  if (!run.outcome?.ok || !run.outcome.result) {
    throw new Error(
      `The bundle did not return a response (exit ${run.exitCode}).\n${run.logs}\n${run.stderr}`,
    );
  }
  return run.outcome.result;
}

function expectError(run: Run, status: number, code: string): HandlerResponse {
  const response = responseOf(run);
  expect({ status: response.statusCode, body: JSON.parse(response.body) }).toEqual({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
  expect(response.headers['content-type']).toBe('application/json');
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.body).not.toContain(CANARY);
  // The function's own output (its logs) never holds the payload either.
  expect(run.logs).not.toContain(CANARY);
  return response;
}

beforeAll(async () => {
  const bundling = promisify(execFile)('npm', ['run', 'bundle'], {
    cwd: APP_DIR,
    maxBuffer: 16 * 1024 * 1024,
  });
  moto = await startMotoServer();
  kms = new KMSClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'crypto-api bundle test' }));
  keyArn = KeyMetadata!.Arn!;
  bundleOutput = (await bundling).stdout;
}, 120_000);

afterAll(async () => {
  kms?.destroy();
  await moto?.stop();
  const bundleLine = bundleOutput?.split('\n').find((line) => line.startsWith('bundle ')) ?? '';
  const loads = coldStarts.map((run) => `${run.loadMs.toFixed(0)} ms`).join(', ');
  const rss = Math.max(0, ...coldStarts.map((run) => run.maxRssKiB));
  process.stdout.write(
    `${bundleLine}\ncrypto-api module load: ${loads}; max RSS ${(rss / 1024).toFixed(0)} MiB\n`,
  );
});

describe('the bundle', () => {
  test('is built as one zip', () => {
    expect(bundleOutput).toMatch(/^bundle crypto-api: index\.js .* -> dist\/crypto-api\.zip$/m);
  });

  test('round trip: encrypt in one cold start, decrypt in another', async () => {
    const plaintext = Buffer.from(`secret for alice ${CANARY}`);
    const encrypted = await invoke(encryptEvent(plaintext));
    const encryptResponse = responseOf(encrypted);
    expect(encryptResponse.statusCode).toBe(200);
    expect(encryptResponse.headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
    const { ciphertext } = JSON.parse(encryptResponse.body) as { ciphertext: string };

    const decrypted = await invoke(decryptEvent(ciphertext));
    const decryptResponse = responseOf(decrypted);
    expect(decryptResponse.statusCode).toBe(200);
    expect(JSON.parse(decryptResponse.body)).toEqual({ plaintext: plaintext.toString('base64') });
    for (const run of [encrypted, decrypted]) if (run.outcome) coldStarts.push(run.outcome);

    for (const run of [encrypted, decrypted]) {
      expect(run.logs).not.toContain(CANARY);
      expect(run.logs).not.toContain(plaintext.toString('base64'));
      expect(run.logs).not.toContain(ciphertext.slice(0, 40));
      expect(run.logs).toContain(ALICE.userArn);
    }
  });

  test('its messages decrypt with the AWS Encryption SDK, and their context names the caller', async () => {
    const plaintext = Buffer.from('interop with @aws-crypto/client-node');
    const { ciphertext } = JSON.parse(responseOf(await invoke(encryptEvent(plaintext, BOB))).body) as {
      ciphertext: string;
    };
    const aggregated = new KMS({
      endpoint: moto.endpoint,
      region: moto.region,
      credentials: moto.credentials,
    });
    try {
      const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: () => aggregated });
      const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
      const { plaintext: decrypted, messageHeader } = await esdk.decrypt(
        keyring,
        Buffer.from(ciphertext, 'base64'),
      );
      expect(Buffer.from(decrypted).equals(plaintext)).toBe(true);
      expect(messageHeader.encryptionContext).toEqual({ app: 'crypto-api', principal: principalId(BOB) });
    } finally {
      aggregated.destroy();
    }
  });

  test('a cross-principal decrypt is refused with 403 CONTEXT_MISMATCH', async () => {
    const plaintext = Buffer.from(`alice only ${CANARY}`);
    const { ciphertext } = JSON.parse(responseOf(await invoke(encryptEvent(plaintext, ALICE))).body) as {
      ciphertext: string;
    };
    const refused = await invoke(decryptEvent(ciphertext, BOB));
    const response = expectError(refused, 403, ApiErrorCode.CONTEXT_MISMATCH);
    expect(response.body).not.toContain(ALICE.userArn);
    expect(refused.logs).toContain(BOB.userArn);
    expect(refused.logs).toContain(ApiErrorCode.CONTEXT_MISMATCH);
  });

  test('exactly 256 KiB is accepted and round-trips; a base64-encoded body is read', async () => {
    const plaintext = Buffer.alloc(256 * 1024, 0x5a);
    const encrypted = responseOf(
      await invoke(
        functionUrlEvent({
          body: Buffer.from(JSON.stringify({ plaintext: plaintext.toString('base64') })).toString('base64'),
          isBase64Encoded: true,
        }),
      ),
    );
    expect(encrypted.statusCode).toBe(200);
    const { ciphertext } = JSON.parse(encrypted.body) as { ciphertext: string };
    const decrypted = responseOf(await invoke(decryptEvent(ciphertext)));
    expect(decrypted.statusCode).toBe(200);
    expect(
      Buffer.from((JSON.parse(decrypted.body) as { plaintext: string }).plaintext, 'base64').equals(
        plaintext,
      ),
    ).toBe(true);
  });

  test('answers every error status with its code', async () => {
    const tooLarge = Buffer.alloc(256 * 1024 + 1, 0x61);
    tooLarge.write(CANARY);
    const { ciphertext } = JSON.parse(
      responseOf(await invoke(encryptEvent(Buffer.from('to tamper')))).body,
    ) as {
      ciphertext: string;
    };
    const tampered = Buffer.from(ciphertext, 'base64');
    tampered[tampered.length - 20]! ^= 1;
    const missingKey = `arn:aws:kms:${moto.region}:${moto.accountId}:key/00000000-0000-4000-8000-000000000000`;

    const cases: readonly (readonly [string, unknown, number, string, Record<string, string>?])[] = [
      [
        'malformed JSON',
        functionUrlEvent({ body: `{"plaintext":"${CANARY}"` }),
        400,
        ApiErrorCode.MALFORMED_JSON,
      ],
      [
        'malformed base64',
        functionUrlEvent({ body: JSON.stringify({ plaintext: `${CANARY}-_` }) }),
        400,
        ApiErrorCode.MALFORMED_BASE64,
      ],
      [
        'an extra field',
        functionUrlEvent({ body: JSON.stringify({ plaintext: 'aGk=', note: CANARY }) }),
        400,
        ApiErrorCode.INVALID_REQUEST,
      ],
      [
        'a missing field',
        functionUrlEvent({ path: '/decrypt', body: '{}' }),
        400,
        ApiErrorCode.INVALID_REQUEST,
      ],
      [
        'a tampered ciphertext',
        decryptEvent(tampered.toString('base64')),
        400,
        ApiErrorCode.INVALID_CIPHERTEXT,
      ],
      ['an event that is not a Function URL request', { body: CANARY }, 400, ApiErrorCode.INVALID_EVENT],
      ['256 KiB + 1', encryptEvent(tooLarge), 413, ApiErrorCode.PAYLOAD_TOO_LARGE],
      [
        'no IAM principal',
        functionUrlEvent({ body: JSON.stringify({ plaintext: 'aGk=' }), caller: null }),
        403,
        ApiErrorCode.MISSING_PRINCIPAL,
      ],
      ['GET /encrypt', functionUrlEvent({ method: 'GET' }), 405, ApiErrorCode.METHOD_NOT_ALLOWED],
      ['POST /unknown', functionUrlEvent({ path: '/unknown', body: '{}' }), 404, ApiErrorCode.NOT_FOUND],
      [
        'a KMS key that does not exist',
        encryptEvent(Buffer.from('x')),
        502,
        ApiErrorCode.KMS_FAILURE,
        { KEY_ARN: missingKey },
      ],
    ];
    const runs = await Promise.all(cases.map(([, event, , , env]) => invoke(event, env)));
    cases.forEach(([label, , status, code], i) => {
      const run = runs[i]!;
      const response = responseOf(run);
      expect({ label, status: response.statusCode }).toEqual({ label, status });
      expectError(run, status, code);
    });
    const byLabel = new Map(cases.map(([label], i) => [label, runs[i]!]));
    expect(responseOf(byLabel.get('GET /encrypt')!).headers.allow).toBe('POST');
    // The operators' side of a 502: the log names the KMS failure the caller is not told about.
    const kmsFailure = byLabel.get('a KMS key that does not exist')!.logs;
    expect(kmsFailure).toContain('"errorCode":"KMS_KEY_UNAVAILABLE"');
    expect(kmsFailure).toContain('"kmsOperation":"GenerateDataKey"');
    // KMS_THROTTLED (503) cannot be provoked from moto; api.test.ts covers it with the in-memory double.
  });

  test('without KEY_ARN the function fails at cold start with INVALID_CONFIGURATION', async () => {
    const run = await invoke(encryptEvent(Buffer.from('x')), { KEY_ARN: '' });
    expect(run.exitCode).not.toBe(0);
    expect(run.outcome).toBeUndefined();
    expect(run.stderr).toContain('KEY_ARN is not set');
  });
});
