import { DataKeyCache, EnvelopeEncryptor, KmsKeyring } from '@secure-lambda/crypto';
import { InMemoryKms } from '@secure-lambda/testkit';
import {
  type ApiLogger,
  type ApiMetrics,
  type CryptoApiHandler,
  createCryptoApi,
  type FunctionUrlResult,
} from '../src/api';
import { createEncryptor } from '../src/config';
import { Limits } from '../src/constants';
import { ApiErrorCode } from '../src/errors';
import {
  ALICE,
  BOB,
  BOB_LATER,
  BOB_RECREATED,
  CANARY,
  decryptEvent,
  encryptEvent,
  functionUrlEvent,
  PERSONAS,
  PersonaVerifier,
  principalId,
  ROOT,
  SSO_JANE,
  SSO_JOHN,
  TEST_AUDIENCE,
} from './events';

interface LogLine {
  readonly level: 'info' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

interface MetricPoint {
  readonly name: string;
  readonly dimensions: Record<string, string>;
}

class RecordingLogger implements ApiLogger {
  readonly lines: LogLine[] = [];
  /** Keys appended for the invocation, as Powertools keeps them. */
  readonly keys: Record<string, unknown> = {};
  appendKeys(attributes: Record<string, unknown>): void {
    Object.assign(this.keys, attributes);
  }
  removeKeys(keys: string[]): void {
    for (const key of keys) delete this.keys[key];
  }
  info(message: string, attributes: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, attributes: { ...attributes } });
  }
  error(message: string, attributes: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, attributes: { ...attributes } });
  }
}

class RecordingMetrics implements ApiMetrics {
  readonly points: MetricPoint[] = [];
  addMetric(name: string): void {
    this.points.push({ name, dimensions: {} });
  }
  singleMetric() {
    const dimensions: Record<string, string> = {};
    return {
      addDimension: (name: string, value: string) => {
        dimensions[name] = value;
      },
      addMetric: (name: string) => {
        this.points.push({ name, dimensions: { ...dimensions } });
      },
    };
  }
}

interface Harness {
  readonly kms: InMemoryKms;
  readonly keyArn: string;
  readonly encryptor: EnvelopeEncryptor;
  readonly logger: RecordingLogger;
  readonly metrics: RecordingMetrics;
  readonly api: CryptoApiHandler;
  readonly verifier: PersonaVerifier;
}

function harness(options: { readonly cache?: DataKeyCache } = {}): Harness {
  const kms = new InMemoryKms();
  const keyArn = kms.createKey({ alias: 'crypto-api' });
  const encryptor = new EnvelopeEncryptor({
    keyring: new KmsKeyring({ client: kms, generatorKeyId: keyArn }),
    ...(options.cache ? { cache: options.cache } : {}),
  });
  const logger = new RecordingLogger();
  const metrics = new RecordingMetrics();
  const verifier = new PersonaVerifier(PERSONAS);
  return {
    kms,
    keyArn,
    encryptor,
    logger,
    metrics,
    verifier,
    api: createCryptoApi({ encryptor, logger, metrics, verifier, audience: TEST_AUDIENCE }),
  };
}

function json(response: FunctionUrlResult): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

async function encryptOk(h: Harness, plaintext: Buffer, caller = ALICE): Promise<string> {
  const response = await h.api(encryptEvent(plaintext, caller));
  expect(response.statusCode).toBe(200);
  const { ciphertext } = json(response);
  expect(typeof ciphertext).toBe('string');
  return ciphertext as string;
}

/** Asserts the exact error envelope, and that nothing the caller sent comes back. */
function expectError(response: FunctionUrlResult, status: number, code: string): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toBe('application/json');
  expect(response.headers['cache-control']).toBe('no-store');
  const body = json(response);
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({ code, message: expect.any(String) });
  expect(response.body).not.toContain(CANARY);
}

const hello = Buffer.from(`hello ${CANARY}`);

describe('round trip', () => {
  test('encrypt then decrypt as the same principal returns the plaintext', async () => {
    const h = harness();
    const ciphertext = await encryptOk(h, hello);
    expect(ciphertext).not.toContain(CANARY);
    const response = await h.api(decryptEvent(ciphertext));
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    expect(response.isBase64Encoded).toBe(false);
    expect(json(response)).toEqual({ plaintext: hello.toString('base64') });
  });

  test('the message binds app and the caller principal from the request context', async () => {
    const h = harness();
    const ciphertext = await encryptOk(h, hello, BOB);
    const { encryptionContext } = await h.encryptor.decrypt(Buffer.from(ciphertext, 'base64'));
    expect(encryptionContext).toEqual({ app: 'crypto-api', principal: principalId(BOB) });
  });

  test('an empty plaintext round-trips', async () => {
    const h = harness();
    const ciphertext = await encryptOk(h, Buffer.alloc(0));
    expect(json(await h.api(decryptEvent(ciphertext)))).toEqual({ plaintext: '' });
  });

  test('bodies delivered base64-encoded (isBase64Encoded: true) are read on both routes', async () => {
    const h = harness();
    const encrypted = await h.api(
      functionUrlEvent({
        path: '/encrypt',
        body: Buffer.from(JSON.stringify({ plaintext: hello.toString('base64') })).toString('base64'),
        isBase64Encoded: true,
      }),
    );
    expect(encrypted.statusCode).toBe(200);
    const decrypted = await h.api(
      functionUrlEvent({
        path: '/decrypt',
        body: Buffer.from(JSON.stringify(json(encrypted))).toString('base64'),
        isBase64Encoded: true,
      }),
    );
    expect(json(decrypted)).toEqual({ plaintext: hello.toString('base64') });
  });

  test('with a data-key cache, one caller reuses the data key but two callers never share one', async () => {
    const h = harness({ cache: new DataKeyCache() });
    await encryptOk(h, hello, ALICE);
    await encryptOk(h, hello, ALICE);
    expect(h.kms.calls.generateDataKey).toBe(1);
    await encryptOk(h, hello, BOB);
    expect(h.kms.calls.generateDataKey).toBe(2);
  });
});

describe('principal binding', () => {
  test("one principal cannot decrypt another's ciphertext: 403 CONTEXT_MISMATCH, before any KMS call", async () => {
    const h = harness();
    const ciphertext = await encryptOk(h, hello, ALICE);
    h.kms.resetCalls();
    const response = await h.api(decryptEvent(ciphertext, BOB));
    expectError(response, 403, ApiErrorCode.CONTEXT_MISMATCH);
    expect(response.body).not.toContain(ALICE.userArn);
    expect(h.kms.calls.decrypt).toBe(0);
  });

  test('a message encrypted outside the API without the app pair is refused with 403', async () => {
    const h = harness();
    const message = await h.encryptor.encrypt(hello, {
      encryptionContext: { principal: principalId(ALICE) },
    });
    expectError(await h.api(decryptEvent(message.toString('base64'))), 403, ApiErrorCode.CONTEXT_MISMATCH);
  });

  test.each([
    ['no authorizer (AuthType NONE)', { caller: null }],
    ['an authorizer without iam', { authorizer: {} }],
    ['an iam block without userArn', { iam: { accountId: ALICE.accountId } }],
    ['an iam block without accountId', { iam: { userArn: ALICE.userArn } }],
    ['a userArn from another account than accountId', { iam: { ...ALICE, accountId: '999988887777' } }],
    ['a userArn that is not an ARN', { iam: { ...ALICE, userArn: 'alice' } }],
  ])(
    '[TM-ID-01] without a proof, 403 IDENTITY_NOT_VERIFIED with %s, before any KMS call',
    async (_label, variant) => {
      const h = harness();
      const event = functionUrlEvent({
        body: JSON.stringify({ plaintext: hello.toString('base64') }),
        caller: 'caller' in variant ? null : ALICE,
        proofFor: null,
      }) as { requestContext: Record<string, unknown> };
      if ('authorizer' in variant) event.requestContext.authorizer = variant.authorizer;
      if ('iam' in variant) event.requestContext.authorizer = { iam: variant.iam };
      expectError(await h.api(event), 403, ApiErrorCode.IDENTITY_NOT_VERIFIED);
      expect(h.kms.calls.generateDataKey).toBe(0);
    },
  );
});

describe('routing', () => {
  test.each(['GET', 'PUT', 'DELETE', 'PATCH'])(
    '%s /encrypt and /decrypt: 405 with Allow: POST',
    async (method) => {
      const h = harness();
      for (const path of ['/encrypt', '/decrypt']) {
        const response = await h.api(functionUrlEvent({ method, path }));
        expectError(response, 405, ApiErrorCode.METHOD_NOT_ALLOWED);
        expect(response.headers.allow).toBe('POST');
      }
    },
  );

  test.each(['/', '/encrypt/', '/Encrypt', '/keys', `/${CANARY}`])('POST %s: 404 NOT_FOUND', async (path) => {
    const h = harness();
    expectError(await h.api(functionUrlEvent({ path, body: '{}' })), 404, ApiErrorCode.NOT_FOUND);
  });

  test.each([
    ['an empty object', {}],
    ['a string', 'hello'],
    ['null', null],
    ['an API Gateway REST (v1) event', { httpMethod: 'POST', path: '/encrypt', body: '{}' }],
  ])('400 INVALID_EVENT for %s', async (_label, event) => {
    expectError(await harness().api(event), 400, ApiErrorCode.INVALID_EVENT);
  });
});

describe('request validation', () => {
  const bodies: readonly (readonly [string, string, string, string])[] = [
    ['malformed JSON', '/encrypt', `{"plaintext": "${CANARY}"`, ApiErrorCode.MALFORMED_JSON],
    ['JSON that is not JSON at all', '/decrypt', `${CANARY}`, ApiErrorCode.MALFORMED_JSON],
    ['base64url alphabet', '/encrypt', JSON.stringify({ plaintext: 'a-_b' }), ApiErrorCode.MALFORMED_BASE64],
    ['missing padding', '/encrypt', JSON.stringify({ plaintext: 'aGk' }), ApiErrorCode.MALFORMED_BASE64],
    [
      'embedded whitespace',
      '/encrypt',
      JSON.stringify({ plaintext: 'aG k=' }),
      ApiErrorCode.MALFORMED_BASE64,
    ],
    ['a line break', '/decrypt', JSON.stringify({ ciphertext: 'aGVs\nbG8=' }), ApiErrorCode.MALFORMED_BASE64],
    [
      'non-zero padding bits',
      '/encrypt',
      JSON.stringify({ plaintext: 'aGl=' }),
      ApiErrorCode.MALFORMED_BASE64,
    ],
    [
      'the canary as base64',
      '/encrypt',
      JSON.stringify({ plaintext: `${CANARY}!` }),
      ApiErrorCode.MALFORMED_BASE64,
    ],
    ['an empty object', '/encrypt', '{}', ApiErrorCode.INVALID_REQUEST],
    [
      'the other route’s field',
      '/encrypt',
      JSON.stringify({ ciphertext: 'aGk=' }),
      ApiErrorCode.INVALID_REQUEST,
    ],
    [
      'an extra field',
      '/encrypt',
      JSON.stringify({ plaintext: 'aGk=', [CANARY]: CANARY }),
      ApiErrorCode.INVALID_REQUEST,
    ],
    [
      'a principal in the body',
      '/decrypt',
      JSON.stringify({ ciphertext: 'aGk=', principal: `arn:aws:iam::111122223333:user/${CANARY}` }),
      ApiErrorCode.INVALID_REQUEST,
    ],
    ['a number', '/encrypt', JSON.stringify({ plaintext: 42 }), ApiErrorCode.INVALID_REQUEST],
    ['an array', '/decrypt', JSON.stringify([CANARY]), ApiErrorCode.INVALID_REQUEST],
    ['null', '/decrypt', 'null', ApiErrorCode.INVALID_REQUEST],
    ['an empty body', '/encrypt', '', ApiErrorCode.INVALID_REQUEST],
  ];

  test.each(bodies)('400 for %s', async (_label, path, body, code) => {
    const h = harness();
    expectError(await h.api(functionUrlEvent({ path, body })), 400, code);
    expect(JSON.stringify(h.logger.lines)).not.toContain(CANARY);
  });

  test('400 INVALID_REQUEST without a body', async () => {
    expectError(
      await harness().api(functionUrlEvent({ path: '/decrypt' })),
      400,
      ApiErrorCode.INVALID_REQUEST,
    );
  });

  test('400 MALFORMED_BASE64 when a body marked base64-encoded is not base64', async () => {
    const response = await harness().api(
      functionUrlEvent({ body: `{"plaintext":"${CANARY}"}`, isBase64Encoded: true }),
    );
    expectError(response, 400, ApiErrorCode.MALFORMED_BASE64);
  });

  test('400 MALFORMED_JSON when a base64-encoded body is not UTF-8', async () => {
    const body = Buffer.concat([Buffer.from(`{"plaintext":"${CANARY}`), Buffer.from([0xff, 0xfe])]);
    const response = await harness().api(
      functionUrlEvent({ body: body.toString('base64'), isBase64Encoded: true }),
    );
    expectError(response, 400, ApiErrorCode.MALFORMED_JSON);
  });
});

describe('size limits', () => {
  const KiB = 1024;

  test('exactly 256 KiB of plaintext is accepted, and its ciphertext decrypts', async () => {
    expect(Limits.MAX_PLAINTEXT_BYTES).toBe(256 * KiB);
    const h = harness();
    const plaintext = Buffer.alloc(256 * KiB, 0x61);
    const ciphertext = await encryptOk(h, plaintext);
    const messageBytes = Buffer.from(ciphertext, 'base64').length;
    // The overhead allowance is generous: a 256 KiB message is far from the decrypt limit.
    expect(messageBytes).toBeGreaterThan(256 * KiB);
    expect(messageBytes).toBeLessThan(Limits.MAX_CIPHERTEXT_BYTES - 8 * KiB);
    const response = await h.api(decryptEvent(ciphertext));
    expect(response.statusCode).toBe(200);
    expect(Buffer.from(json(response).plaintext as string, 'base64').equals(plaintext)).toBe(true);
  });

  test('256 KiB + 1 byte of plaintext is refused with 413, before any KMS call', async () => {
    const h = harness();
    const plaintext = Buffer.alloc(256 * KiB + 1, 0x61);
    plaintext.write(CANARY);
    const response = await h.api(encryptEvent(plaintext));
    expectError(response, 413, ApiErrorCode.PAYLOAD_TOO_LARGE);
    expect(response.body).not.toContain(plaintext.subarray(0, 12).toString('base64'));
    expect(h.kms.calls.generateDataKey).toBe(0);
  });

  test('a ciphertext over the decrypt limit is refused with 413', async () => {
    const h = harness();
    const response = await h.api(
      decryptEvent(Buffer.alloc(Limits.MAX_CIPHERTEXT_BYTES + 1).toString('base64')),
    );
    expectError(response, 413, ApiErrorCode.PAYLOAD_TOO_LARGE);
  });

  test('a raw body over the limit is refused with 413 before it is parsed', async () => {
    const h = harness();
    const body = `{"plaintext":"${CANARY}${'A'.repeat(Limits.MAX_BODY_BYTES)}`; // not even JSON
    expectError(await h.api(functionUrlEvent({ body })), 413, ApiErrorCode.PAYLOAD_TOO_LARGE);
  });

  test('a raw body whose UTF-8 size is over the limit is refused with 413', async () => {
    const body = `{"plaintext":"${'é'.repeat(Limits.MAX_BODY_BYTES / 2)}"}`;
    expect(body.length).toBeLessThan(Limits.MAX_BODY_BYTES);
    expectError(await harness().api(functionUrlEvent({ body })), 413, ApiErrorCode.PAYLOAD_TOO_LARGE);
  });

  test('a base64-encoded body over the limit is refused with 413 before it is decoded', async () => {
    const body = Buffer.alloc(Limits.MAX_BODY_BYTES + 1, 0x20).toString('base64');
    const response = await harness().api(functionUrlEvent({ body, isBase64Encoded: true }));
    expectError(response, 413, ApiErrorCode.PAYLOAD_TOO_LARGE);
  });
});

describe('ciphertext and KMS failures', () => {
  async function tamper(h: Harness, edit: (message: Buffer) => Buffer): Promise<FunctionUrlResult> {
    const message = Buffer.from(await encryptOk(h, hello), 'base64');
    return h.api(decryptEvent(edit(message).toString('base64')));
  }

  test.each([
    [
      'a flipped body byte',
      (m: Buffer) => Buffer.from(m).fill(m[m.length - 20]! ^ 1, m.length - 20, m.length - 19),
    ],
    ['a flipped header byte', (m: Buffer) => Buffer.from(m).fill(m[40]! ^ 1, 40, 41)],
    ['a truncated message', (m: Buffer) => m.subarray(0, m.length - 1)],
    ['trailing bytes', (m: Buffer) => Buffer.concat([m, Buffer.from([0])])],
    ['random bytes', () => Buffer.from(`${CANARY} is not a message`)],
    ['no bytes', () => Buffer.alloc(0)],
  ])('400 INVALID_CIPHERTEXT for %s', async (_label, edit) => {
    const h = harness();
    expectError(await tamper(h, edit), 400, ApiErrorCode.INVALID_CIPHERTEXT);
  });

  test('400 INVALID_CIPHERTEXT for a message under another KMS key, which is never called', async () => {
    const h = harness();
    const otherKey = h.kms.createKey();
    const other = new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: h.kms, generatorKeyId: otherKey }),
    });
    const message = await other.encrypt(hello, {
      encryptionContext: { app: 'crypto-api', principal: principalId(ALICE) },
    });
    h.kms.resetCalls();
    const response = await h.api(decryptEvent(message.toString('base64')));
    expectError(response, 400, ApiErrorCode.INVALID_CIPHERTEXT);
    expect(response.body).not.toContain(otherKey);
    expect(h.kms.calls.decrypt).toBe(0);
  });

  test('[TM-CRYPTO-02] a message with more than one wrapped key is refused before any KMS call', async () => {
    // The deployed encryptor (createEncryptor) allows exactly the one wrapped key its keyring writes.
    const kms = new InMemoryKms();
    const keyArn = kms.createKey({ alias: 'crypto-api' });
    const encryptor = createEncryptor({ client: kms, keyArn });
    const api = createCryptoApi({
      encryptor,
      logger: new RecordingLogger(),
      metrics: new RecordingMetrics(),
      verifier: new PersonaVerifier(PERSONAS),
      audience: TEST_AUDIENCE,
    });
    const forged = await new EnvelopeEncryptor({
      keyring: new KmsKeyring({ client: kms, generatorKeyId: keyArn, additionalKeyIds: [kms.createKey()] }),
    }).encrypt(hello, { encryptionContext: { app: 'crypto-api', principal: principalId(ALICE) } });
    kms.resetCalls();
    expectError(await api(decryptEvent(forged.toString('base64'))), 400, ApiErrorCode.INVALID_CIPHERTEXT);
    expect(kms.calls.decrypt).toBe(0);
  });

  test.each([
    'AccessDeniedException',
    'KMSInternalException',
    'DependencyTimeoutException',
    'NotFoundException',
  ])('502 KMS_FAILURE when GenerateDataKey fails with %s', async (name) => {
    const h = harness();
    h.kms.failNext('generateDataKey', name);
    const response = await h.api(encryptEvent(hello));
    expectError(response, 502, ApiErrorCode.KMS_FAILURE);
    expect(response.body).not.toContain(h.keyArn);
    expect(response.body).not.toContain(name);
  });

  test('502 KMS_FAILURE when Decrypt fails, and when the key is disabled', async () => {
    const h = harness();
    const ciphertext = await encryptOk(h, hello);
    h.kms.failNext('decrypt', 'KMSInternalException');
    expectError(await h.api(decryptEvent(ciphertext)), 502, ApiErrorCode.KMS_FAILURE);
    h.kms.disableKey(h.keyArn);
    expectError(await h.api(encryptEvent(hello)), 502, ApiErrorCode.KMS_FAILURE);
  });

  test('503 KMS_THROTTLED with Retry-After when KMS throttles', async () => {
    const h = harness();
    h.kms.failNext('generateDataKey', 'ThrottlingException');
    const response = await h.api(encryptEvent(hello));
    expectError(response, 503, ApiErrorCode.KMS_THROTTLED);
    expect(response.headers['retry-after']).toBe('1');
  });

  test('500 INTERNAL_ERROR for anything unexpected, without its message', async () => {
    const logger = new RecordingLogger();
    const api = createCryptoApi({
      encryptor: {
        encrypt: () => Promise.reject(new TypeError(`unexpected ${CANARY}`)),
        decrypt: () => Promise.reject(new TypeError(`unexpected ${CANARY}`)),
      },
      logger,
      metrics: new RecordingMetrics(),
      verifier: new PersonaVerifier(PERSONAS),
      audience: TEST_AUDIENCE,
    });
    expectError(await api(encryptEvent(hello)), 500, ApiErrorCode.INTERNAL_ERROR);
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: 'error',
        attributes: expect.objectContaining({ errorName: 'TypeError' }),
      }),
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain(CANARY);
  });
});

describe('logs and metrics', () => {
  test('a success logs route, status and principal, and counts one request', async () => {
    const h = harness();
    await encryptOk(h, hello);
    expect(h.logger.lines).toEqual([
      {
        level: 'info',
        message: 'request completed',
        attributes: {
          route: 'POST /encrypt',
          method: 'POST',
          status: 200,
          principal: ALICE.userArn,
          accountId: ALICE.accountId,
          isolation: 'iam-user',
        },
      },
    ]);
    expect(h.metrics.points).toEqual([{ name: 'Requests', dimensions: {} }]);
  });

  test('a refusal logs its code and counts an error by code', async () => {
    const h = harness();
    const ciphertext = await encryptOk(h, hello, ALICE);
    h.logger.lines.length = 0;
    h.metrics.points.length = 0;
    await h.api(decryptEvent(ciphertext, BOB));
    expect(h.logger.lines).toEqual([
      {
        level: 'info',
        message: 'request refused',
        attributes: {
          route: 'POST /decrypt',
          method: 'POST',
          status: 403,
          code: 'CONTEXT_MISMATCH',
          principal: BOB.userArn,
          accountId: BOB.accountId,
          isolation: 'role',
        },
      },
    ]);
    expect(h.metrics.points).toEqual([
      { name: 'Requests', dimensions: {} },
      { name: 'Errors', dimensions: { code: 'CONTEXT_MISMATCH' } },
    ]);
  });

  test('a KMS failure is logged as an error with the KMS details, never the payload', async () => {
    const h = harness();
    h.kms.failNext('generateDataKey', 'AccessDeniedException');
    await h.api(encryptEvent(hello));
    expect(h.logger.lines).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'request failed',
        attributes: expect.objectContaining({
          code: 'KMS_FAILURE',
          status: 502,
          errorCode: 'KMS_ACCESS_DENIED',
          kmsOperation: 'GenerateDataKey',
          kmsKeyId: h.keyArn,
          kmsException: 'AccessDeniedException',
        }),
      }),
    ]);
  });

  test('no log line holds the plaintext or the ciphertext', async () => {
    const h = harness();
    const ciphertext = await encryptOk(h, hello);
    await h.api(decryptEvent(ciphertext));
    await h.api(decryptEvent(ciphertext, BOB));
    const logs = JSON.stringify(h.logger.lines);
    expect(logs).not.toContain(CANARY);
    expect(logs).not.toContain(hello.toString('base64'));
    expect(logs).not.toContain(ciphertext.slice(0, 40));
  });
});

describe('[TM-ID-03] isolation unit', () => {
  test('[TM-ID-03] an IAM user is its own unit: another user cannot decrypt', async () => {
    const h = harness();
    const ciphertext = await encryptOk(h, Buffer.from('alice data'), ALICE);
    const refused = await h.api(decryptEvent(ciphertext, BOB));
    expect(json(refused)).toMatchObject({ error: { code: 'CONTEXT_MISMATCH' } });
    expect((await h.api(decryptEvent(ciphertext, ALICE))).statusCode).toBe(200);
  });

  test('[TM-ID-03] two sessions of one ordinary role share data (the unit is the role); a recreated namesake role does not', async () => {
    const h = harness();
    const ciphertext = await encryptOk(h, Buffer.from('role data'), BOB);
    // Shared on purpose: a session name is the assumer's free choice and cannot identify a person.
    expect((await h.api(decryptEvent(ciphertext, BOB_LATER))).statusCode).toBe(200);
    const refused = await h.api(decryptEvent(ciphertext, BOB_RECREATED));
    expect(refused.statusCode).toBe(403);
    expect(json(refused)).toMatchObject({ error: { code: 'CONTEXT_MISMATCH' } });
  });

  test('[TM-ID-03] two users of one Identity Center role are isolated from each other', async () => {
    const h = harness();
    const ciphertext = await encryptOk(h, Buffer.from('jane data'), SSO_JANE);
    const refused = await h.api(decryptEvent(ciphertext, SSO_JOHN));
    expect(refused.statusCode).toBe(403);
    expect(json(refused)).toMatchObject({ error: { code: 'CONTEXT_MISMATCH' } });
    expect((await h.api(decryptEvent(ciphertext, SSO_JANE))).statusCode).toBe(200);
    expect(h.logger.lines.at(-1)?.attributes.isolation).toBe('per-user-role-session');
  });

  test('the root user is refused with 403 UNSUPPORTED_PRINCIPAL', async () => {
    const h = harness();
    const response = await h.api(encryptEvent(Buffer.from('x'), ROOT));
    expect(response.statusCode).toBe(403);
    expect(json(response)).toMatchObject({ error: { code: 'UNSUPPORTED_PRINCIPAL' } });
  });
});

describe('[TM-ID-01] identity comes from the proof, never from the event', () => {
  test('[TM-ID-01] a request without a proof is refused with 403 IDENTITY_NOT_VERIFIED, whatever its authorizer block says', async () => {
    const h = harness();
    const response = await h.api(encryptEvent(Buffer.from('x'), ALICE));
    expect(response.statusCode).toBe(200);
    const noProof = await h.api(
      functionUrlEvent({ body: JSON.stringify({ plaintext: 'aGk=' }), proofFor: null }),
    );
    expect(noProof.statusCode).toBe(403);
    expect(json(noProof)).toMatchObject({ error: { code: 'IDENTITY_NOT_VERIFIED' } });
  });

  test("[TM-ID-01] a forged authorizer block naming the victim, with the attacker's own proof, acts as the attacker", async () => {
    const h = harness();
    const ciphertext = await encryptOk(h, Buffer.from('alice secret'), ALICE);
    h.logger.lines.length = 0;
    h.logger.appendKeys({ caller: ALICE.userArn }); // what the observability wrapper copies from the event
    const forged = await h.api(decryptEvent(ciphertext, ALICE), {});
    expect(forged.statusCode).toBe(200); // sanity: Alice's own proof works
    const attack = await h.api(
      functionUrlEvent({
        path: '/decrypt',
        body: JSON.stringify({ ciphertext }),
        caller: ALICE,
        proofFor: BOB,
      }),
    );
    expect(attack.statusCode).toBe(403);
    expect(json(attack)).toMatchObject({ error: { code: 'CONTEXT_MISMATCH' } });
    const refusal = h.logger.lines.at(-1)!;
    expect(refusal.attributes).toMatchObject({ principal: BOB.userArn, requestContextMismatch: true });
    expect(JSON.stringify(refusal)).not.toContain(ALICE.userArn);
    expect(h.logger.keys).toEqual({ caller: BOB.userArn });
  });

  test('the proof is checked against the exact body bytes and this API as audience', async () => {
    const h = harness();
    const body = JSON.stringify({ plaintext: 'aGk=' });
    await h.api(functionUrlEvent({ body: Buffer.from(body).toString('base64'), isBase64Encoded: true }));
    expect(h.verifier.seen.at(-1)).toMatchObject({ body: Buffer.from(body), audience: TEST_AUDIENCE });
  });

  test('without a configured audience the audience is the invoked function, unqualified', async () => {
    const kms = new InMemoryKms();
    const keyArn = kms.createKey({ alias: 'crypto-api' });
    const verifier = new PersonaVerifier(PERSONAS);
    const api = createCryptoApi({
      encryptor: new EnvelopeEncryptor({ keyring: new KmsKeyring({ client: kms, generatorKeyId: keyArn }) }),
      logger: new RecordingLogger(),
      metrics: new RecordingMetrics(),
      verifier,
    });
    await api(encryptEvent(Buffer.from('x')), {
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:444455556666:function:crypto-api:live',
    });
    expect(verifier.seen.at(-1)?.audience).toBe(TEST_AUDIENCE);
    const noContext = await api(encryptEvent(Buffer.from('x')));
    expect(noContext.statusCode).toBe(500);
  });
});
