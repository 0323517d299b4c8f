/**
 * The built bundle (dist/crypto-api.zip), run the way Lambda runs it, against a real KMS API and a real
 * STS API: two moto servers on 127.0.0.1 (KMS; STS with signature checking on), reached over HTTP by the
 * bundle. Requests are signed by the real client (`@secure-lambda/crypto-api-client`); the test turns each
 * signed request into the Function URL event Lambda would deliver. Each invocation is a fresh Node process
 * (@secure-lambda/bundle-runner), so module-scope setup and cold-start cost are exercised too.
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { CreateKeyCommand, KMS, KMSClient } from '@aws-sdk/client-kms';
import { lambdaNode } from '@secure-lambda/bundle-runner/lambda-node';
import { LAMBDA_RUNTIME, nodeMajorOf } from '@secure-lambda/contracts/runtime';
import { CryptoApiClient, type SignedRequest } from '@secure-lambda/crypto-api-client';
import { type MotoServer, startMotoServer } from '@secure-lambda/testkit';
import { type Persona, type StsPersonas, startStsWithPersonas } from '@secure-lambda/testkit/sts-personas';
import { ApiErrorCode } from '../src/errors';
import { CANARY, type IamCaller } from './events';

const APP_DIR = path.resolve(__dirname, '..');
const REPO_ROOT = path.resolve(APP_DIR, '..', '..');
const ZIP = path.join(APP_DIR, 'dist', 'crypto-api.zip');
const RUNNER = require.resolve('@secure-lambda/bundle-runner/run-bundle.mjs');
/** The bundle runs on the Node major of the Lambda runtime (a pinned binary from npm), not on this machine's. */
const LAMBDA_NODE = lambdaNode();
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
    /** The `process.version` the bundle ran on. */
    readonly node: string;
  };
}

let moto: MotoServer;
let sts: StsPersonas;
let kms: KMSClient;
let keyArn: string;
let bundleOutput: string;
/** Cold starts measured one at a time (parallel runs share the CPU and would overstate them). */
const coldStarts: { readonly loadMs: number; readonly maxRssKiB: number }[] = [];

/** Runs the bundle's handler once in a child process, with the event on stdin. */
function invoke(event: unknown, env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(LAMBDA_NODE.path, [RUNNER, ZIP], {
    cwd: APP_DIR,
    // Only what a Lambda environment would hold: nothing from the test runner's environment leaks in.
    env: {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ENDPOINT_URL_STS: sts.moto.endpoint,
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

/** The function ARN @secure-lambda/bundle-runner puts in the Lambda context: the proofs' audience. */
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:bundle-test:live';
const URL_ID = 'abcdefghijklmnopqrstuvwxyz012345';

function clientOf(persona: Persona, functionArn = FUNCTION_ARN): CryptoApiClient {
  return new CryptoApiClient({
    url: `https://${URL_ID}.lambda-url.us-east-1.on.aws/`,
    functionArn,
    credentials: persona.credentials,
    stsEndpoint: sts.moto.endpoint,
  });
}

interface EventOverrides {
  /** The `requestContext.authorizer.iam` block; a direct invoker writes any. @default the signer's */
  readonly claimed?: Pick<IamCaller, 'userArn' | 'userId' | 'accountId'> | null;
  readonly path?: string;
  readonly method?: string;
  /** Deliver the body base64-encoded, as a Function URL does for binary content types. */
  readonly base64?: boolean;
  /** Replace the body after signing (a replayed proof). */
  readonly body?: string;
  /** Drop the identity proof headers. */
  readonly withoutProof?: boolean;
}

/** The Function URL event (payload 2.0) Lambda delivers for a signed request. */
function eventFor(request: SignedRequest, persona: Persona | undefined, overrides: EventOverrides = {}) {
  const url = new URL(request.url);
  const path = overrides.path ?? url.pathname;
  const body = overrides.body ?? request.body;
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(
      ([name]) => !(overrides.withoutProof && name.startsWith('x-secure-lambda-')),
    ),
  );
  const claimed =
    overrides.claimed === undefined && persona
      ? { userArn: persona.arn, userId: 'unused', accountId: persona.arn.split(':')[4]! }
      : overrides.claimed;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: URL_ID,
      ...(claimed
        ? {
            authorizer: {
              iam: {
                ...claimed,
                accessKey: 'AKIAEXAMPLE',
                callerId: claimed.userId,
                cognitoIdentity: null,
                principalOrgId: null,
              },
            },
          }
        : {}),
      domainName: url.host,
      domainPrefix: URL_ID,
      http: {
        method: overrides.method ?? 'POST',
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.10',
        userAgent: 'test',
      },
      requestId: '5f1c7a9e-7e0b-4a55-9d54-2f0e1c3b4a5d',
      routeKey: '$default',
      stage: '$default',
      time: '29/Nov/2025:12:00:00 +0000',
      timeEpoch: Date.now(),
    },
    body: overrides.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: overrides.base64 ?? false,
  };
}

async function signedEvent(
  persona: Persona,
  route: '/encrypt' | '/decrypt',
  body: string,
  overrides: EventOverrides = {},
) {
  return eventFor(await clientOf(persona).signRequest(route, body), persona, overrides);
}

const encryptBody = (plaintext: Buffer) => JSON.stringify({ plaintext: plaintext.toString('base64') });
const decryptBody = (ciphertext: string) => JSON.stringify({ ciphertext });

async function encryptAs(persona: Persona, plaintext: Buffer): Promise<string> {
  const response = responseOf(await invoke(await signedEvent(persona, '/encrypt', encryptBody(plaintext))));
  expect(response.statusCode).toBe(200);
  return (JSON.parse(response.body) as { ciphertext: string }).ciphertext;
}

beforeAll(async () => {
  const bundling = promisify(execFile)('npm', ['run', 'bundle'], {
    cwd: APP_DIR,
    maxBuffer: 16 * 1024 * 1024,
  });
  [moto, sts] = await Promise.all([startMotoServer(), startStsWithPersonas()]);
  kms = new KMSClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'crypto-api bundle test' }));
  keyArn = KeyMetadata!.Arn!;
  bundleOutput = (await bundling).stdout;
}, 120_000);

afterAll(async () => {
  kms?.destroy();
  await Promise.all([moto?.stop(), sts?.moto.stop()]);
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
    const encrypted = await invoke(await signedEvent(sts.alice, '/encrypt', encryptBody(plaintext)));
    const encryptResponse = responseOf(encrypted);
    expect(encryptResponse.statusCode).toBe(200);
    expect(encryptResponse.headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
    const { ciphertext } = JSON.parse(encryptResponse.body) as { ciphertext: string };

    const decrypted = await invoke(await signedEvent(sts.alice, '/decrypt', decryptBody(ciphertext)));
    const decryptResponse = responseOf(decrypted);
    expect(decryptResponse.statusCode).toBe(200);
    expect(JSON.parse(decryptResponse.body)).toEqual({ plaintext: plaintext.toString('base64') });
    for (const run of [encrypted, decrypted]) if (run.outcome) coldStarts.push(run.outcome);
    // On the Node major that LAMBDA_RUNTIME names, as in Lambda.
    expect(encrypted.outcome?.node.split('.')[0]).toBe(`v${nodeMajorOf(LAMBDA_RUNTIME)}`);

    for (const run of [encrypted, decrypted]) {
      expect(run.logs).not.toContain(CANARY);
      expect(run.logs).not.toContain(plaintext.toString('base64'));
      expect(run.logs).not.toContain(ciphertext.slice(0, 40));
      expect(run.logs).not.toContain('x-secure-lambda-sts');
      expect(run.logs).toContain(`"caller":"${sts.alice.arn}"`);
    }
  });

  test('its messages decrypt with the AWS Encryption SDK, and their context names the caller', async () => {
    const plaintext = Buffer.from('interop with @aws-crypto/client-node');
    const ciphertext = await encryptAs(sts.analyst1, plaintext);
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
      // The role's unit: account and role id, without the session name.
      expect(messageHeader.encryptionContext).toEqual({
        app: 'crypto-api',
        principal: expect.stringMatching(new RegExp(`^${sts.moto.accountId}:AROA[A-Z0-9]+$`)),
      });
    } finally {
      aggregated.destroy();
    }
  });

  test('a cross-principal decrypt is refused with 403 CONTEXT_MISMATCH', async () => {
    const ciphertext = await encryptAs(sts.alice, Buffer.from(`alice only ${CANARY}`));
    const refused = await invoke(await signedEvent(sts.mallory, '/decrypt', decryptBody(ciphertext)));
    const response = expectError(refused, 403, ApiErrorCode.CONTEXT_MISMATCH);
    expect(response.body).not.toContain(sts.alice.arn);
    expect(refused.logs).toContain(sts.mallory.arn);
    expect(refused.logs).toContain(ApiErrorCode.CONTEXT_MISMATCH);
  });

  test('[TM-ID-01] a direct invoke with a forged authorizer block naming the victim never yields her plaintext, nor logs her as the caller', async () => {
    const secret = Buffer.from(`victim secret ${CANARY}`);
    const ciphertext = await encryptAs(sts.alice, secret);
    const victim = { userArn: sts.alice.arn, userId: 'AIDAVICTIM0000000000', accountId: sts.moto.accountId };
    // 1. No proof: the identity block alone, as a direct invoker writes it.
    const noProof = await invoke(
      await signedEvent(sts.mallory, '/decrypt', decryptBody(ciphertext), {
        claimed: victim,
        withoutProof: true,
      }),
    );
    // 2. The attacker's own valid proof, under the victim's identity block.
    const ownProof = await invoke(
      await signedEvent(sts.mallory, '/decrypt', decryptBody(ciphertext), { claimed: victim }),
    );
    expectError(noProof, 403, ApiErrorCode.IDENTITY_NOT_VERIFIED);
    expectError(ownProof, 403, ApiErrorCode.CONTEXT_MISMATCH);
    for (const run of [noProof, ownProof]) {
      expect(responseOf(run).body).not.toContain(secret.toString('base64'));
      // The forged ARN is written nowhere: not as the caller, not as the principal, not at all.
      expect(run.logs).not.toContain(sts.alice.arn);
    }
    expect(ownProof.logs).toContain(`"caller":"${sts.mallory.arn}"`);
    expect(ownProof.logs).toContain('"requestContextMismatch":true');
  });

  test('[TM-ID-02] a signed proof replayed with another body, or made for another audience, is refused', async () => {
    const ciphertext = await encryptAs(sts.alice, Buffer.from('alice data'));
    // Alice's proof for an encrypt request, replayed by someone who saw it, on a decrypt of her message.
    const replayed = await invoke(
      await signedEvent(sts.alice, '/encrypt', encryptBody(Buffer.from('harmless')), {
        path: '/decrypt',
        body: decryptBody(ciphertext),
      }),
    );
    expectError(replayed, 403, ApiErrorCode.IDENTITY_NOT_VERIFIED);
    expect(replayed.logs).toContain('"reason":"sts-refused-403"');
    const elsewhere = clientOf(sts.alice, 'arn:aws:lambda:us-east-1:999999999999:function:bundle-test');
    const otherAudience = await invoke(
      eventFor(await elsewhere.signRequest('/decrypt', decryptBody(ciphertext)), sts.alice),
    );
    expectError(otherAudience, 403, ApiErrorCode.IDENTITY_NOT_VERIFIED);
  });

  test('[TM-ID-03] two users of one Identity Center role are isolated; two sessions of an ordinary role share', async () => {
    const janes = await encryptAs(sts.ssoJane, Buffer.from('jane data'));
    const john = await invoke(await signedEvent(sts.ssoJohn, '/decrypt', decryptBody(janes)));
    expectError(john, 403, ApiErrorCode.CONTEXT_MISMATCH);
    const sessionOnes = await encryptAs(sts.analyst1, Buffer.from('team data'));
    const sessionTwo = responseOf(
      await invoke(await signedEvent(sts.analyst2, '/decrypt', decryptBody(sessionOnes))),
    );
    expect(sessionTwo.statusCode).toBe(200);
  });

  test('exactly 256 KiB is accepted and round-trips; a base64-encoded body is read', async () => {
    const plaintext = Buffer.alloc(256 * 1024, 0x5a);
    const encrypted = responseOf(
      await invoke(await signedEvent(sts.alice, '/encrypt', encryptBody(plaintext), { base64: true })),
    );
    expect(encrypted.statusCode).toBe(200);
    const { ciphertext } = JSON.parse(encrypted.body) as { ciphertext: string };
    const decrypted = responseOf(
      await invoke(await signedEvent(sts.alice, '/decrypt', decryptBody(ciphertext))),
    );
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
    const ciphertext = await encryptAs(sts.alice, Buffer.from('to tamper'));
    const tampered = Buffer.from(ciphertext, 'base64');
    tampered[tampered.length - 20]! ^= 1;
    const missingKey = `arn:aws:kms:${moto.region}:${moto.accountId}:key/00000000-0000-4000-8000-000000000000`;
    const as = (route: '/encrypt' | '/decrypt', body: string, overrides?: EventOverrides) =>
      signedEvent(sts.alice, route, body, overrides);

    const cases: readonly (readonly [string, unknown, number, string, Record<string, string>?])[] = [
      ['malformed JSON', await as('/encrypt', `{"plaintext":"${CANARY}"`), 400, ApiErrorCode.MALFORMED_JSON],
      [
        'malformed base64',
        await as('/encrypt', JSON.stringify({ plaintext: `${CANARY}-_` })),
        400,
        ApiErrorCode.MALFORMED_BASE64,
      ],
      [
        'an extra field',
        await as('/encrypt', JSON.stringify({ plaintext: 'aGk=', note: CANARY })),
        400,
        ApiErrorCode.INVALID_REQUEST,
      ],
      ['a missing field', await as('/decrypt', '{}'), 400, ApiErrorCode.INVALID_REQUEST],
      [
        'a tampered ciphertext',
        await as('/decrypt', decryptBody(tampered.toString('base64'))),
        400,
        ApiErrorCode.INVALID_CIPHERTEXT,
      ],
      ['an event that is not a Function URL request', { body: CANARY }, 400, ApiErrorCode.INVALID_EVENT],
      ['256 KiB + 1', await as('/encrypt', encryptBody(tooLarge)), 413, ApiErrorCode.PAYLOAD_TOO_LARGE],
      [
        'no identity proof',
        await as('/encrypt', encryptBody(Buffer.from('hi')), { withoutProof: true }),
        403,
        ApiErrorCode.IDENTITY_NOT_VERIFIED,
      ],
      ['GET /encrypt', await as('/encrypt', '', { method: 'GET' }), 405, ApiErrorCode.METHOD_NOT_ALLOWED],
      ['POST /unknown', await as('/encrypt', '{}', { path: '/unknown' }), 404, ApiErrorCode.NOT_FOUND],
      [
        'a KMS key that does not exist',
        await as('/encrypt', encryptBody(Buffer.from('x'))),
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
    const run = await invoke({ body: 'x' }, { KEY_ARN: '' });
    expect(run.exitCode).not.toBe(0);
    expect(run.outcome).toBeUndefined();
    expect(run.stderr).toContain('KEY_ARN is not set');
  });

  test('[TM-ID-02] an STS endpoint override that is not the loopback address fails at cold start', async () => {
    const run = await invoke({ body: 'x' }, { AWS_ENDPOINT_URL_STS: 'https://sts.attacker.example' });
    expect(run.outcome).toBeUndefined();
    expect(run.stderr).toContain('AWS_ENDPOINT_URL_STS may only name the local emulator');
  });
});
