import { ContractsErrorCode } from '../src/errors';
import {
  bucketEnvName,
  checkFunctionSet,
  defineFunction,
  type FunctionDeclaration,
  FunctionDeclarationError,
  parseFunctionDeclaration,
  queueEnvName,
  secretEnvName,
} from '../src/functions';

const SOURCE = 'apps/report/function.ts';
const parse = (value: unknown) => parseFunctionDeclaration(SOURCE, value);

function failure(value: unknown): FunctionDeclarationError {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof FunctionDeclarationError) return error;
    throw error;
  }
  throw new Error('expected a FunctionDeclarationError');
}

describe('parseFunctionDeclaration', () => {
  test('a full declaration comes back as declared, with defaults for the lists', () => {
    const declaration = defineFunction({
      name: 'report',
      description: 'Nightly report.',
      memorySize: 512,
      timeout: 60,
      environment: { REPORT_TITLE: 'Nightly' },
      trigger: { type: 'schedule', expression: 'cron(0 2 * * ? *)', timezone: 'Europe/Paris' },
      grants: [
        { type: 'bucket', bucket: 'output', access: 'write', prefix: 'reports/' },
        { type: 'data-key', use: 'encrypt', encryptionContext: { app: 'report' } },
        { type: 'secret', name: 'mail-token', store: 'ssm' },
      ],
      deployment: { type: 'canary', percent: 10, minutes: 5 },
      alarms: { errors: 2 },
      smokeTest: { event: {}, expect: { ok: true } },
    });
    expect(parse(declaration)).toEqual(declaration);
    expect(parse({ name: 'api', trigger: { type: 'url' } })).toEqual({
      name: 'api',
      environment: {},
      trigger: { type: 'url' },
      grants: [],
    });
  });

  test.each([
    [{ trigger: { type: 'url' } }, 'name', /1-40 of a-z/],
    [{ name: 'Report', trigger: { type: 'url' } }, 'name', /1-40 of a-z/],
    [{ name: 'report', trigger: { type: 'url' }, memory: 512 }, 'memory', /not a field here/],
    [{ name: 'report', trigger: { type: 'http' } }, 'trigger.type', /not one of s3, url, sqs, schedule/],
    [
      { name: 'report', trigger: { type: 's3', bucket: 'logs' } },
      'trigger.bucket',
      /not one of input, output/,
    ],
    [{ name: 'report', trigger: { type: 'sqs', maxConcurrency: 1 } }, 'trigger.maxConcurrency', /2\.\.1000/],
    [
      { name: 'report', trigger: { type: 'schedule', expression: 'every day' } },
      'trigger.expression',
      /rate\(/,
    ],
    [{ name: 'report', trigger: { type: 'url' }, timeout: 901 }, 'timeout', /1\.\.900/],
    [{ name: 'report', trigger: { type: 'url' }, grants: {} }, 'grants', /list of grants/],
  ])('%j is refused at %s', (value, field, message) => {
    const error = failure(value);
    expect(error.code).toBe(ContractsErrorCode.FUNCTION_DECLARATION_INVALID);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${SOURCE}: ${field}: `)).toBe(true);
  });

  test('policy JSON, or any grant the platform does not declare, is a typed error that says what to do', () => {
    const error = failure({
      name: 'report',
      trigger: { type: 'url' },
      grants: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    });
    expect(error.field).toBe('grants[0].type');
    expect(error.message).toMatch(/Policy JSON is never accepted/);
    expect(failure({ name: 'r', trigger: { type: 'url' }, grants: [{ type: 'dynamodb' }] }).field).toBe(
      'grants[0].type',
    );
  });

  test('grants are checked field by field', () => {
    const at = (grant: unknown) => failure({ name: 'report', trigger: { type: 'url' }, grants: [grant] });
    expect(at({ type: 'bucket', bucket: 'input', access: 'admin' }).field).toBe('grants[0].access');
    expect(at({ type: 'bucket', bucket: 'input', access: 'read', prefix: 'a b' }).field).toBe(
      'grants[0].prefix',
    );
    expect(at({ type: 'data-key', use: 'encrypt', encryptionContext: {} }).message).toMatch(
      /at least one pair/,
    );
    expect(at({ type: 'data-key', use: 'encrypt', encryptionContext: { 'aws:x': 'y' } }).message).toMatch(
      /reserved by AWS/,
    );
    expect(at({ type: 'data-key', use: 'encrypt', encryptionContext: { app: 1 } }).field).toBe(
      'grants[0].encryptionContext.app',
    );
    expect(at({ type: 'secret', name: 'Token', store: 'ssm' }).field).toBe('grants[0].name');
    expect(at({ type: 'secret', name: 'token', store: 'vault' }).field).toBe('grants[0].store');
    expect(at({ type: 'bucket', bucket: 'input', access: 'read', resource: '*' }).field).toBe(
      'grants[0].resource',
    );
  });

  test('[TM-SECRET-01] a secret never goes into the environment, and platform-set names cannot be shadowed', () => {
    const env = (environment: Record<string, string>) =>
      failure({ name: 'report', trigger: { type: 'url' }, environment });
    for (const name of ['DB_PASSWORD', 'API_KEY', 'githubToken', 'CLIENT_SECRET', 'AWS_CREDENTIALS']) {
      expect(env({ [name]: 'x' }).field).toBe(`environment.${name}`);
    }
    expect(env({ DB_PASSWORD: 'x' }).message).toMatch(/Declare \{ type: 'secret'/);
    for (const name of [
      'KEY_ARN',
      'INPUT_BUCKET',
      'NODE_OPTIONS',
      'AWS_REGION',
      'ORDERS_QUEUE_URL',
      'SECRET_X',
    ]) {
      expect(env({ [name]: 'x' }).message).toMatch(/the platform sets this name/);
    }
    expect(env({ 'BAD-NAME': 'x' }).field).toBe('environment.BAD-NAME');
  });

  test('a queue grant without a function names its own queue, which needs an sqs trigger', () => {
    expect(
      failure({ name: 'report', trigger: { type: 'url' }, grants: [{ type: 'queue', access: 'send' }] })
        .message,
    ).toMatch(/has no sqs trigger/);
    expect(
      parse({ name: 'orders', trigger: { type: 'sqs' }, grants: [{ type: 'queue', access: 'send' }] }).grants,
    ).toEqual([{ type: 'queue', access: 'send' }]);
  });

  test('a secret granted twice is refused', () => {
    const secret = { type: 'secret', name: 'token', store: 'ssm' };
    expect(failure({ name: 'r', trigger: { type: 'url' }, grants: [secret, secret] }).message).toMatch(
      /granted twice/,
    );
  });
});

describe('checkFunctionSet', () => {
  const fn = (
    name: string,
    trigger: FunctionDeclaration['trigger'],
    grants: FunctionDeclaration['grants'] = [],
  ) => ({ name, trigger, grants }) as FunctionDeclaration;

  test('one deployment hook at most', () => {
    expect(() =>
      checkFunctionSet([fn('a', { type: 'deployment-hook' }), fn('b', { type: 'deployment-hook' })]),
    ).toThrow(/only one function can be the deployment hook; a and b/);
    expect(() =>
      checkFunctionSet([fn('a', { type: 'deployment-hook' }), fn('b', { type: 'url' })]),
    ).not.toThrow();
  });

  test('a queue grant names a declared function with an sqs trigger', () => {
    const sender = fn('sender', { type: 'url' }, [{ type: 'queue', access: 'send', function: 'orders' }]);
    expect(() => checkFunctionSet([sender])).toThrow(
      /"orders" is not a declared function with an sqs trigger/,
    );
    expect(() => checkFunctionSet([sender, fn('orders', { type: 'url' })])).toThrow(FunctionDeclarationError);
    expect(() => checkFunctionSet([sender, fn('orders', { type: 'sqs' })])).not.toThrow();
  });
});

test('the environment names the grants set', () => {
  expect(bucketEnvName('input')).toBe('INPUT_BUCKET');
  expect(queueEnvName('order-events')).toBe('ORDER_EVENTS_QUEUE_URL');
  expect(secretEnvName('mail-token')).toBe('SECRET_MAIL_TOKEN');
});
