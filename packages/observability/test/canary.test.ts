/**
 * The canary: one known secret, split into every shape a secret takes (access key id, secret key, password,
 * data key bytes, bearer token), pushed through every way the logger can be reached. The captured output must
 * not contain any piece of it, while still being valid JSON with the non-secret fields intact, so the test
 * cannot pass by printing nothing.
 */
import { randomBytes } from 'node:crypto';
import { createObservability, REDACTED, withObservability } from '../src';
import { type CapturedOutput, captureOutput, isolateEnv, lambdaContext, TRACE_HEADER } from './support';

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CANARY = `canary-s3cr3t-${ACCESS_KEY_ID}-${SECRET_ACCESS_KEY}`;
const PASSWORD = 'canary-pw-hunter2';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ';
const OPAQUE_TOKEN = 'canaryOpaqueBearerValue42';
const DATA_KEY = Buffer.from(CANARY);
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/** Every piece that must never be printed, in every encoding a careless serializer would use. */
const FORBIDDEN = [
  ACCESS_KEY_ID,
  'IOSFODNN7EXAMPLE',
  SECRET_ACCESS_KEY,
  'wJalrXUtnFEMI',
  'bPxRfiCYEXAMPLEKEY',
  PASSWORD,
  'hunter2',
  JWT,
  'eyJhbGciOiJIUzI1NiJ9',
  'eyJzdWIiOiJjYW5hcnkifQ',
  'c2lnbmF0dXJlLWNhbmFyeQ',
  OPAQUE_TOKEN,
  DATA_KEY.toString('base64'),
  DATA_KEY.toString('hex'),
  DATA_KEY.toJSON().data.slice(0, 8).join(','),
];

function expectNoCanary(output: CapturedOutput): void {
  const text = output.text();
  for (const piece of FORBIDDEN) expect(text).not.toContain(piece);
}

function errorWithCauseChain(): Error {
  const root = new Error(`inner ${CANARY} password=${PASSWORD}`);
  Object.assign(root, { code: 'E_CANARY', password: PASSWORD, details: { authorization: `Bearer ${JWT}` } });
  const middle = new Error(`middle Authorization: Bearer ${OPAQUE_TOKEN}`, { cause: root });
  return new Error('outer failure', { cause: middle });
}

describe('canary secret through every logger path', () => {
  let restoreEnv: () => void;
  let output: CapturedOutput;

  beforeEach(() => {
    restoreEnv = isolateEnv();
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    process.env._X_AMZN_TRACE_ID = TRACE_HEADER;
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    output = captureOutput();
  });

  afterEach(() => {
    output.restore();
    restoreEnv();
  });

  it('[TM-LOG-01] never prints the canary, and every line is JSON with the non-secret fields kept', async () => {
    const observability = createObservability({ serviceName: 'canary-service' });
    const { logger } = observability;

    // Persistent and temporary keys.
    logger.appendPersistentKeys({ tenant: 'acme', deployCredentials: CANARY, persistentNote: CANARY });
    logger.appendKeys({ requestNote: `Bearer ${OPAQUE_TOKEN}`, apiKey: OPAQUE_TOKEN });

    // 1. The message string itself.
    logger.info(`message path ${CANARY} password=${PASSWORD} Authorization: Bearer ${JWT}`);
    // 2. Extra attributes, secret-named and not.
    logger.info('attributes path', {
      user: 'ana',
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
      password: PASSWORD,
      dataKey: DATA_KEY,
      payload: DATA_KEY,
      note: CANARY,
      header: `Bearer ${OPAQUE_TOKEN}`,
      body: JSON.stringify({ username: 'ana', password: PASSWORD, token: JWT }),
    });
    // 3. Nested objects and arrays.
    logger.debug('nested path', {
      level1: {
        level2: {
          items: [CANARY, { dbPassword: PASSWORD }, [DATA_KEY, new Uint8Array(DATA_KEY)], `Bearer ${JWT}`],
          headers: { Authorization: `Bearer ${JWT}`, 'x-api-key': OPAQUE_TOKEN, accept: 'application/json' },
        },
      },
    });
    // 4. The message-object form, and the string extra argument.
    logger.warn({ message: `object message ${CANARY}`, password: PASSWORD }, `extra ${CANARY}`);
    // 5. An Error whose message contains the canary, as the extra argument and under a key.
    logger.error('error path', new Error(`failed with ${CANARY}`));
    logger.error('error under key', { error: new Error(`failed with ${CANARY}`) });
    // 6. An Error whose cause (nested twice) contains it, both ways.
    logger.error('cause path', errorWithCauseChain());
    logger.critical('cause under key', { error: errorWithCauseChain(), attempt: 2 });
    // 7. A child logger and the event logging helper.
    logger.createChild({ persistentKeys: { child: true } }).info(`child ${CANARY}`, { token: JWT });
    logger.logEventIfEnabled(
      { headers: { authorization: `Bearer ${JWT}` }, body: `password=${PASSWORD}` },
      true,
    );

    // 8. A thrown error caught by withObservability.
    const handler = withObservability(async (_event: unknown) => {
      logger.info('inside handler', { note: CANARY });
      throw errorWithCauseChain();
    }, observability);
    await expect(handler({ password: PASSWORD }, lambdaContext('req-canary'))).rejects.toThrow(
      'outer failure',
    );

    expectNoCanary(output);

    const logs = output.logs();
    const byMessage = (message: string): Record<string, unknown> => {
      const found = logs.find((entry) => entry.message === message);
      if (found === undefined) throw new Error(`no log line with message ${JSON.stringify(message)}`);
      return found;
    };
    expect(logs.length).toBeGreaterThanOrEqual(12);
    for (const entry of logs) {
      expect(entry).toMatchObject({ service: 'canary-service', tenant: 'acme', deployCredentials: REDACTED });
      expect(entry.persistentNote).toBe(`canary-s3cr3t-${REDACTED}-${REDACTED}`);
    }

    expect(logs[0]?.message).toBe(
      `message path canary-s3cr3t-${REDACTED}-${REDACTED} password=${REDACTED} Authorization: ${REDACTED}`,
    );
    expect(byMessage('attributes path')).toMatchObject({
      user: 'ana',
      accessKeyId: REDACTED,
      secretAccessKey: REDACTED,
      password: REDACTED,
      dataKey: REDACTED,
      payload: `[REDACTED: ${DATA_KEY.length} bytes]`,
      note: `canary-s3cr3t-${REDACTED}-${REDACTED}`,
      header: `Bearer ${REDACTED}`,
      body: JSON.stringify({ username: 'ana', password: REDACTED, token: REDACTED }),
      requestNote: `Bearer ${REDACTED}`,
      apiKey: REDACTED,
    });
    expect(byMessage('nested path')).toMatchObject({
      level: 'DEBUG',
      level1: {
        level2: {
          items: [
            `canary-s3cr3t-${REDACTED}-${REDACTED}`,
            { dbPassword: REDACTED },
            [`[REDACTED: ${DATA_KEY.length} bytes]`, `[REDACTED: ${DATA_KEY.length} bytes]`],
            `Bearer ${REDACTED}`,
          ],
          headers: { Authorization: REDACTED, 'x-api-key': REDACTED, accept: 'application/json' },
        },
      },
    });
    expect(byMessage(`object message canary-s3cr3t-${REDACTED}-${REDACTED}`)).toMatchObject({
      level: 'WARN',
      password: REDACTED,
      extra: `extra canary-s3cr3t-${REDACTED}-${REDACTED}`,
    });
    for (const message of ['error path', 'error under key']) {
      expect(byMessage(message).error).toMatchObject({
        name: 'Error',
        message: `failed with canary-s3cr3t-${REDACTED}-${REDACTED}`,
        stack: expect.stringContaining(`Error: failed with canary-s3cr3t-${REDACTED}-${REDACTED}`),
        location: expect.stringContaining('canary.test.ts'),
      });
    }
    const expectedChain = {
      name: 'Error',
      message: 'outer failure',
      cause: {
        message: `middle Authorization: ${REDACTED}`,
        cause: {
          message: `inner canary-s3cr3t-${REDACTED}-${REDACTED} password=${REDACTED}`,
          code: 'E_CANARY',
          password: REDACTED,
          details: { authorization: REDACTED },
        },
      },
    };
    expect(byMessage('cause path').error).toMatchObject(expectedChain);
    expect(byMessage('cause under key')).toMatchObject({
      level: 'CRITICAL',
      attempt: 2,
      error: expectedChain,
    });
    expect(byMessage(`child canary-s3cr3t-${REDACTED}-${REDACTED}`)).toMatchObject({
      child: true,
      token: REDACTED,
    });
    expect(byMessage('Lambda invocation event').event).toEqual({
      headers: { authorization: REDACTED },
      body: `password=${REDACTED}`,
    });
    expect(byMessage('inside handler')).toMatchObject({
      function_request_id: 'req-canary',
      note: `canary-s3cr3t-${REDACTED}-${REDACTED}`,
    });
    expect(byMessage('Handler failed')).toMatchObject({
      level: 'ERROR',
      function_request_id: 'req-canary',
      cold_start: true,
      error: expectedChain,
    });
  });

  it('[TM-LOG-01] keeps the canary out of the output when Powertools runs in dev mode (global console, pretty JSON)', () => {
    process.env.POWERTOOLS_DEV = 'true';
    const { logger } = createObservability({ serviceName: 'canary-dev' });

    logger.error(`dev ${CANARY}`, errorWithCauseChain());
    logger.info('dev attributes', { password: PASSWORD, payload: DATA_KEY, note: `Bearer ${JWT}` });

    expectNoCanary(output);
    const text = output.text();
    expect(text).toContain(`dev canary-s3cr3t-${REDACTED}-${REDACTED}`);
    expect(text).toContain(`[REDACTED: ${DATA_KEY.length} bytes]`);
    expect(text).toContain('outer failure');
  });
  it('[TM-LOG-01] never prints key material, encoded passwords, signed query parameters, header arrays or URL user tokens', () => {
    const { logger } = createObservability({ serviceName: 'canary-shapes' });
    const hexKey = 'a3f1c2d4e5b6978812ab34cd56ef7890a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const aes128 = 'q7Xk2Lm9Pz4Rt8Wv1Yb3Nw==';
    const redirectPassword = 'canaryRedirectPw77';
    const signature = 'canarySig0123456789';
    const authCode = 'SplxlOBeZQQYbYS6WxSbIA';
    const base64Password = Buffer.from(`password=${PASSWORD}`).toString('base64');
    const headerToken = 'canary-header-token-5150';
    const rawHeaderToken = 'canaryRawHeaderToken9';
    const urlUserToken = 'ghxCanaryUrlUserToken31';

    logger.info(`loaded key ${hexKey}`, { material: hexKey, upper: hexKey.toUpperCase() });
    logger.info(`aes key ${aes128}`, { k: aes128 });
    logger.info('redirect', {
      url: `https://app.example.com/login?next=%2Fcb%3Fpassword%3D${redirectPassword}`,
      twice: `https://app.example.com/login?next=%252Fcb%253Fpassword%253D${redirectPassword}`,
    });
    logger.info(`signed https://files.example.com/o?sv=2024&sig=${signature}&se=2030`, {
      callback: `https://app.example.com/callback?code=${authCode}&state=xyz`,
    });
    logger.info(`opaque ${base64Password}`, { blob: base64Password });
    logger.info(`body {"password":\n  "${PASSWORD}", "a": 1`, { body: `{"password":\n"${PASSWORD}"` });
    logger.info('headers', {
      pairs: [['Authorization', headerToken]],
      request: { rawHeaders: ['Host', 'api.example.com', 'Authorization', rawHeaderToken] },
      har: [{ name: 'Cookie', value: `sid=${headerToken}` }],
    });
    logger.info(`clone https://${urlUserToken}@github.com/org/repo.git`, {
      remote: `https://${urlUserToken}:x-oauth-basic@github.com/org/repo.git`,
    });

    const text = output.text();
    for (const secret of [
      hexKey,
      hexKey.toUpperCase(),
      aes128,
      redirectPassword,
      signature,
      authCode,
      base64Password,
      PASSWORD,
      headerToken,
      rawHeaderToken,
      urlUserToken,
    ]) {
      expect(text).not.toContain(secret);
    }
    const logs = output.logs();
    expect(logs).toHaveLength(8);
    expect(logs[0]).toMatchObject({ message: `loaded key ${REDACTED}`, material: REDACTED, upper: REDACTED });
    expect(logs[1]).toMatchObject({ message: `aes key ${REDACTED}`, k: REDACTED });
    expect(logs[2]).toMatchObject({
      url: `https://app.example.com/login?next=/cb?password=${REDACTED}`,
      twice: `https://app.example.com/login?next=/cb?password=${REDACTED}`,
    });
    expect(logs[3]).toMatchObject({
      message: `signed https://files.example.com/o?sv=2024&sig=${REDACTED}&se=2030`,
      callback: `https://app.example.com/callback?code=${REDACTED}&state=xyz`,
    });
    expect(logs[4]).toMatchObject({ message: `opaque ${REDACTED}`, blob: REDACTED });
    expect(logs[5]).toMatchObject({
      message: `body {"password":\n  ${REDACTED}, "a": 1`,
      body: `{"password":\n${REDACTED}`,
    });
    expect(logs[6]).toMatchObject({
      pairs: [['Authorization', REDACTED]],
      request: { rawHeaders: ['Host', 'api.example.com', 'Authorization', REDACTED] },
      har: [{ name: 'Cookie', value: REDACTED }],
    });
    expect(logs[7]).toMatchObject({
      message: `clone https://${REDACTED}@github.com/org/repo.git`,
      remote: `https://${REDACTED}:${REDACTED}@github.com/org/repo.git`,
    });
  });

  it('[TM-LOG-02] keeps the code location of an error thrown under a random mixed-case checkout folder', () => {
    const { logger } = createObservability({ serviceName: 'canary-location' });
    // What `mktemp -d` names a folder: ten random letters and digits, both cases. Built here so the test
    // means the same wherever the repository is checked out.
    // The first three characters make sure the name mixes upper case, lower case and digits.
    const pick = (alphabet: string, byte: number): string => alphabet[byte % alphabet.length] ?? '';
    const [upper = 0, digit = 0, lower = 0, ...rest] = randomBytes(10);
    const folder = `tmp.${pick(UPPER, upper)}${pick(DIGITS, digit)}${pick(LOWER, lower)}${rest
      .map((byte) => pick(UPPER + LOWER + DIGITS, byte))
      .join('')}`;
    const file = `/tmp/${folder}/packages/observability/test/with-observability.test.ts`;
    const error = new Error('boom');
    error.stack = `Error: boom\n    at Object.<anonymous> (${file}:202:11)\n    at run (${file}:9:3)`;

    logger.error('located', error);
    logger.error('located under key', { error });

    for (const entry of output.logs()) {
      expect(entry.error).toMatchObject({ location: `${file}:202`, stack: error.stack });
    }
    expect(output.logs()).toHaveLength(2);
  });
});
