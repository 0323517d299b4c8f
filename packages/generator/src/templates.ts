/**
 * What `new:function` writes for each trigger. Each template is a small, real handler on the platform's
 * packages (observability on every one, crypto where the trigger carries data, caller-identity for URLs,
 * Powertools Parameters for secrets, Powertools batch for queues), its unit test with in-memory doubles,
 * and a bundle test that runs the built zip the way Lambda does. The generator's own tests build and run
 * every template, so a template that stops compiling fails here, not in a user's repository.
 */
import { type GeneratedTriggerType, secretEnvName } from '@secure-lambda/contracts/functions';

export interface TemplateInput {
  readonly name: string;
  readonly trigger: GeneratedTriggerType;
  /** Pinned versions of the libraries a template uses (from this package's own devDependencies). */
  readonly versions: Readonly<Record<string, string>>;
  /** Version of the workspace's own packages. */
  readonly workspaceVersion: string;
}

/** One file of the generated app: path relative to the app folder, and its text. */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string;
}

/** The libraries each trigger's handler imports (beyond observability and contracts). */
export const TRIGGER_LIBRARIES: Readonly<Record<GeneratedTriggerType, readonly string[]>> = {
  s3: ['@aws-sdk/client-s3', '@secure-lambda/crypto'],
  url: ['@secure-lambda/caller-identity', '@secure-lambda/crypto-api-client'],
  sqs: ['@aws-lambda-powertools/batch', '@aws-sdk/client-s3', '@secure-lambda/crypto'],
  schedule: ['@aws-lambda-powertools/parameters', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-s3'],
};

function declaration({ name, trigger }: TemplateInput): string {
  const context = `{ app: '${name}' }`;
  const body: Record<GeneratedTriggerType, string> = {
    s3: `  trigger: { type: 's3', bucket: 'input', prefix: '${name}/' },
  grants: [
    { type: 'bucket', bucket: 'input', access: 'read', prefix: '${name}/' },
    { type: 'bucket', bucket: 'output', access: 'write', prefix: '${name}/' },
    { type: 'data-key', use: 'encrypt', encryptionContext: ${context} },
  ],
  // Sent by the deployment hook to each new version before traffic moves: an event with no records.
  smokeTest: { event: { Records: [] }, expect: { records: 0 } },`,
    url: `  trigger: { type: 'url' },
  grants: [],
  // A request without an identity proof must be refused: a version that answered it would be broken.
  smokeTest: {
    event: {
      version: '2.0',
      rawPath: '/',
      headers: { host: 'deployment-hook.invalid' },
      requestContext: { http: { method: 'POST', path: '/' } },
      body: '{}',
      isBase64Encoded: false,
    },
    expect: { statusCode: 403 },
  },`,
    sqs: `  trigger: { type: 'sqs', maxConcurrency: 2, batchSize: 10 },
  grants: [
    { type: 'bucket', bucket: 'output', access: 'write', prefix: '${name}/' },
    { type: 'data-key', use: 'encrypt', encryptionContext: ${context} },
  ],
  smokeTest: { event: { Records: [] }, expect: { batchItemFailures: [] } },`,
    schedule: `  trigger: { type: 'schedule', expression: 'rate(1 hour)' },
  grants: [
    { type: 'bucket', bucket: 'output', access: 'write', prefix: '${name}/' },
    { type: 'secret', name: '${name}-token', store: 'secretsmanager' },
  ],`,
  };
  return `import { defineFunction } from '@secure-lambda/contracts/functions';

/**
 * ${name}: declared once, next to its code. The stacks build everything else from this (role from the grants,
 * encrypted logs, private network, endpoints, dead-letter queue, alarms, code signing, \`live\` alias).
 * Grants are the only way to reach AWS resources: see packages/contracts/src/functions.ts.
 */
export default defineFunction({
  name: '${name}',
  description: '${name} (${trigger} trigger).',
${body[trigger]}
});
`;
}

function handlerSource({ name, trigger }: TemplateInput): string {
  switch (trigger) {
    case 's3':
      return `import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EnvelopeEncryptor } from '@secure-lambda/crypto';
import type { Observability } from '@secure-lambda/observability';

/** Objects above this size are refused before their body is read. */
export const MAX_OBJECT_BYTES = 10 * 1024 * 1024;

export interface Dependencies {
  readonly s3: Pick<S3Client, 'send'>;
  readonly encryptor: Pick<EnvelopeEncryptor, 'encrypt'>;
  readonly outputBucket: string;
  readonly logger: Observability['logger'];
}

/** An S3 notification that is not the shape S3 sends. */
export class MalformedEventError extends Error {
  readonly code = 'MALFORMED_EVENT';
}

interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
}

/** Only what the handler uses, checked by hand: S3 sends URL-encoded keys with '+' for spaces. */
export function parseS3Event(event: unknown): ObjectRef[] {
  const records = (event as { Records?: unknown })?.Records;
  if (!Array.isArray(records)) throw new MalformedEventError('the event has no Records list');
  return records.map((record, i) => {
    const s3 = (record as { s3?: { bucket?: { name?: unknown }; object?: { key?: unknown; size?: unknown } } })?.s3;
    const bucket = s3?.bucket?.name;
    const key = s3?.object?.key;
    const size = s3?.object?.size;
    if (typeof bucket !== 'string' || typeof key !== 'string' || typeof size !== 'number') {
      throw new MalformedEventError(\`Records[\${i}] is not an S3 object notification\`);
    }
    return { bucket, key: decodeURIComponent(key.replace(/\\+/g, ' ')), size };
  });
}

/**
 * Envelope-encrypts each new object into the output bucket under ${name}/, bound to its source by the
 * encryption context. Throws on any failure so that Lambda retries and finally dead-letters the event.
 */
export function createHandler(deps: Dependencies) {
  return async (event: unknown): Promise<{ records: number }> => {
    const objects = parseS3Event(event);
    for (const object of objects) {
      if (object.size > MAX_OBJECT_BYTES) throw new RangeError(\`\${object.key} is larger than \${MAX_OBJECT_BYTES} bytes\`);
      const got = await deps.s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
      const bytes = await got.Body?.transformToByteArray();
      if (!bytes || bytes.length > MAX_OBJECT_BYTES) throw new RangeError(\`\${object.key} has no body or is too large\`);
      const message = await deps.encryptor.encrypt(bytes, {
        encryptionContext: { app: '${name}', source: \`\${object.bucket}/\${object.key}\` },
      });
      await deps.s3.send(
        new PutObjectCommand({ Bucket: deps.outputBucket, Key: \`${name}/\${object.key}.enc\`, Body: message }),
      );
      // Sizes and keys only: never the content.
      deps.logger.info('object encrypted', { key: object.key, bytes: bytes.length });
    }
    return { records: objects.length };
  };
}
`;
    case 'sqs':
      return `import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EnvelopeEncryptor } from '@secure-lambda/crypto';
import type { Observability } from '@secure-lambda/observability';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface Dependencies {
  readonly s3: Pick<S3Client, 'send'>;
  readonly encryptor: Pick<EnvelopeEncryptor, 'encrypt'>;
  readonly outputBucket: string;
  readonly logger: Observability['logger'];
}

/** A message whose body is not a JSON object: it fails alone and, after maxReceiveCount, is dead-lettered. */
export class MalformedMessageError extends Error {
  readonly code = 'MALFORMED_MESSAGE';
}

/**
 * Each message is a JSON object, envelope-encrypted into the output bucket under ${name}/<messageId>.
 * Partial batch responses (Powertools batch): a failed message is retried alone, the others are deleted.
 */
export function createHandler(deps: Dependencies) {
  const processor = new BatchProcessor(EventType.SQS);
  const processRecord = async (record: SQSRecord): Promise<void> => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch (cause) {
      throw new MalformedMessageError(\`message \${record.messageId} is not JSON\`, { cause });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new MalformedMessageError(\`message \${record.messageId} is not a JSON object\`);
    }
    const message = await deps.encryptor.encrypt(Buffer.from(record.body, 'utf8'), {
      encryptionContext: { app: '${name}', messageId: record.messageId },
    });
    await deps.s3.send(
      new PutObjectCommand({ Bucket: deps.outputBucket, Key: \`${name}/\${record.messageId}.enc\`, Body: message }),
    );
    deps.logger.info('message encrypted', { messageId: record.messageId });
  };
  return async (event: unknown): Promise<SQSBatchResponse> => {
    const records = (event as { Records?: unknown })?.Records;
    if (!Array.isArray(records)) throw new MalformedMessageError('the event has no Records list');
    if (records.length === 0) return { batchItemFailures: [] };
    return processPartialResponse(event as SQSEvent, processRecord, processor);
  };
}
`;
    case 'url':
      return `import { CallerIdentityError, type IdentityVerifier, isolationUnitOf } from '@secure-lambda/caller-identity';
import type { Observability } from '@secure-lambda/observability';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface Dependencies {
  readonly verifier: IdentityVerifier;
  readonly logger: Observability['logger'];
}

/** Request bodies above this size are refused before the identity check. */
export const MAX_BODY_BYTES = 64 * 1024;

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * Answers who is calling, as STS proves it (never the event's requestContext, which a direct invoke can
 * forge): the caller signs a GetCallerIdentity proof for this function and this body with
 * @secure-lambda/crypto-api-client. Replace the answer with your API; keep the identity check first.
 */
export function createHandler(deps: Dependencies) {
  return async (event: unknown, context: { invokedFunctionArn: string }): Promise<APIGatewayProxyStructuredResultV2> => {
    const request = event as { headers?: Record<string, string | undefined>; body?: string; isBase64Encoded?: boolean };
    const body = Buffer.from(request?.body ?? '', request?.isBase64Encoded ? 'base64' : 'utf8');
    if (body.length > MAX_BODY_BYTES) return json(413, { error: { code: 'PAYLOAD_TOO_LARGE' } });
    // The unqualified ARN: a proof names the function, not one of its versions or aliases.
    const audience = context.invokedFunctionArn.split(':').slice(0, 7).join(':');
    try {
      const identity = await deps.verifier.verify({ headers: request?.headers ?? {}, body, audience });
      const unit = isolationUnitOf(identity);
      deps.logger.info('caller verified', { unit: unit.id });
      return json(200, { caller: identity.arn, isolationUnit: unit.id, bytes: body.length });
    } catch (error) {
      if (!(error instanceof CallerIdentityError)) throw error;
      deps.logger.warn('caller refused', { code: error.code, reason: (error as { reason?: string }).reason });
      return json(error.status, { error: { code: error.code, message: error.message } }, { ...error.headers });
    }
  };
}
`;
    case 'schedule':
      return `import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Observability } from '@secure-lambda/observability';

export interface Dependencies {
  readonly s3: Pick<S3Client, 'send'>;
  /** Reads the secret through Powertools Parameters (cached; see index.ts). */
  readonly readSecret: () => Promise<string | undefined>;
  readonly outputBucket: string;
  readonly now: () => Date;
  readonly logger: Observability['logger'];
}

/** The secret has no value yet: set it with aws secretsmanager put-secret-value (never in Terraform). */
export class SecretNotSetError extends Error {
  readonly code = 'SECRET_NOT_SET';
}

/**
 * Runs on its schedule: reads its secret (never logged, never returned) and writes a run record under
 * ${name}/ in the output bucket. Throws on failure so that Scheduler retries and finally dead-letters.
 */
export function createHandler(deps: Dependencies) {
  return async (_event: unknown): Promise<{ written: string }> => {
    const secret = await deps.readSecret();
    if (!secret) throw new SecretNotSetError('the ${name}-token secret has no value');
    const at = deps.now().toISOString();
    const key = \`${name}/\${at}.json\`;
    await deps.s3.send(
      new PutObjectCommand({
        Bucket: deps.outputBucket,
        Key: key,
        Body: JSON.stringify({ ranAt: at, secretLength: secret.length }),
        ContentType: 'application/json',
      }),
    );
    deps.logger.info('run recorded', { key });
    return { written: key };
  };
}
`;
  }
}

function indexSource({ name, trigger }: TemplateInput): string {
  const head = `/**
 * Lambda entry point of ${name}: real clients from the environment, created once at init; the logic is in
 * handler.ts, tested with doubles. The SDK reads AWS_REGION, credentials and (emulators only)
 * AWS_ENDPOINT_URL itself.
 */
`;
  // The type is spelled out: an inferred one would name aws-lambda's types by a path outside the app.
  const wrap = (deps: string) => `type Result = Awaited<ReturnType<ReturnType<typeof createHandler>>>;

/** The Lambda handler: logs, metrics and traces around the logic, secrets redacted from every line. */
export const handler: (event: unknown, context: Context) => Promise<Result> = withObservability(
  createHandler(${deps}),
  observability,
);
`;
  switch (trigger) {
    case 's3':
    case 'sqs':
      return `${head}import { S3Client } from '@aws-sdk/client-s3';
import { DataKeyCache, EnvelopeEncryptor, KmsKeyring } from '@secure-lambda/crypto';
import { createKmsClient } from '@secure-lambda/crypto/kms-sdk';
import { createObservability, withObservability } from '@secure-lambda/observability';
import type { Context } from 'aws-lambda';
import { createHandler } from './handler';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(\`\${name} is not set: the stack sets it from the function's grants.\`);
  return value;
};

const observability = createObservability({ serviceName: '${name}' });
const s3 = new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' });
const encryptor = new EnvelopeEncryptor({
  keyring: new KmsKeyring({ client: createKmsClient(), generatorKeyId: required('KEY_ARN') }),
  cache: new DataKeyCache(),
  // This function's messages carry one wrapped key; refuse more before any KMS call.
  maxEncryptedDataKeys: 1,
});

${wrap(`{ s3, encryptor, outputBucket: required('OUTPUT_BUCKET'), logger: observability.logger }`)}`;
    case 'url':
      return `${head}import { StsIdentityVerifier } from '@secure-lambda/caller-identity';
import { isLoopbackEndpoint, regionalStsEndpoint } from '@secure-lambda/crypto-api-client/protocol';
import { createObservability, withObservability } from '@secure-lambda/observability';
import type { Context } from 'aws-lambda';
import { createHandler } from './handler';

const region = process.env.AWS_REGION ?? '';
// Only the local emulator may replace STS, and only on loopback: identity is whatever this endpoint says.
const override = process.env.AWS_ENDPOINT_URL_STS || process.env.AWS_ENDPOINT_URL;
if (override && !isLoopbackEndpoint(override)) {
  throw new Error('AWS_ENDPOINT_URL(_STS) may only name the local emulator; remove it from the configuration.');
}
const observability = createObservability({ serviceName: '${name}' });
const verifier = new StsIdentityVerifier({ endpoint: override || regionalStsEndpoint(region), region });

${wrap('{ verifier, logger: observability.logger }')}`;
    case 'schedule':
      return `${head}import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { S3Client } from '@aws-sdk/client-s3';
import { createObservability, withObservability } from '@secure-lambda/observability';
import type { Context } from 'aws-lambda';
import { createHandler } from './handler';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(\`\${name} is not set: the stack sets it from the function's grants.\`);
  return value;
};

const observability = createObservability({ serviceName: '${name}' });
const s3 = new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' });
// The secret's name comes from its grant (SECRET_<NAME>); its value only from Secrets Manager, cached 5 min.
const secretName = required('${secretEnvName(`${name}-token`)}');
const readSecret = async () => {
  const value = await getSecret(secretName, { maxAge: 300 });
  return typeof value === 'string' ? value : undefined;
};

${wrap(`{ s3, readSecret, outputBucket: required('OUTPUT_BUCKET'), now: () => new Date(), logger: observability.logger }`)}`;
  }
}

function unitTest({ name, trigger }: TemplateInput): string {
  const logger = `const logger = { info: jest.fn(), warn: jest.fn() } as unknown as Dependencies['logger'];`;
  switch (trigger) {
    case 's3':
      return `import { createHandler, type Dependencies, MalformedEventError, MAX_OBJECT_BYTES } from '../src/handler';

${logger}
const event = (key: string, size = 5) => ({ Records: [{ s3: { bucket: { name: 'in' }, object: { key, size } } }] });

function doubles() {
  const sent: Array<{ name: string; input: Record<string, unknown> }> = [];
  const s3 = {
    send: jest.fn(async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return { Body: { transformToByteArray: async () => new TextEncoder().encode('hello') } };
    }),
  } as unknown as Dependencies['s3'];
  const encryptor = { encrypt: jest.fn(async () => Buffer.from('ciphertext')) };
  return { sent, s3, encryptor };
}

test('each object is encrypted under its source context and written under ${name}/', async () => {
  const { sent, s3, encryptor } = doubles();
  const handler = createHandler({ s3, encryptor, outputBucket: 'out', logger });
  await expect(handler(event('${name}/a+b.txt'))).resolves.toEqual({ records: 1 });
  expect(encryptor.encrypt).toHaveBeenCalledWith(new TextEncoder().encode('hello'), {
    encryptionContext: { app: '${name}', source: 'in/${name}/a b.txt' },
  });
  expect(sent.map((s) => [s.name, s.input.Key])).toEqual([
    ['GetObjectCommand', '${name}/a b.txt'],
    ['PutObjectCommand', '${name}/${name}/a b.txt.enc'],
  ]);
});

test('an event that is not an S3 notification, and an object too large, are refused before any read', async () => {
  const { s3, encryptor } = doubles();
  const handler = createHandler({ s3, encryptor, outputBucket: 'out', logger });
  await expect(handler({})).rejects.toBeInstanceOf(MalformedEventError);
  await expect(handler({ Records: [{ s3: {} }] })).rejects.toThrow('Records[0] is not an S3 object notification');
  await expect(handler(event('big', MAX_OBJECT_BYTES + 1))).rejects.toThrow(/larger than/);
  expect(s3.send).not.toHaveBeenCalled();
});
`;
    case 'sqs':
      return `import { createHandler, type Dependencies } from '../src/handler';

${logger}
const record = (messageId: string, body: string) => ({
  messageId,
  receiptHandle: 'r',
  body,
  attributes: {},
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:111111111111:q',
  awsRegion: 'eu-west-1',
});

test('good messages are encrypted and written; a bad one alone is reported as a batch item failure', async () => {
  const keys: unknown[] = [];
  const s3 = { send: jest.fn(async (c: { input: { Key: string } }) => keys.push(c.input.Key)) } as unknown as Dependencies['s3'];
  const encryptor = { encrypt: jest.fn(async () => Buffer.from('ciphertext')) };
  const handler = createHandler({ s3, encryptor, outputBucket: 'out', logger });
  const result = await handler({ Records: [record('m1', '{"a":1}'), record('m2', 'not json'), record('m3', '[1]')] });
  expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
  expect(keys).toEqual(['${name}/m1.enc']);
  expect(encryptor.encrypt).toHaveBeenCalledWith(Buffer.from('{"a":1}'), {
    encryptionContext: { app: '${name}', messageId: 'm1' },
  });
});

test('an empty batch answers with no failures; an event without Records is refused', async () => {
  const handler = createHandler({ s3: { send: jest.fn() } as unknown as Dependencies['s3'], encryptor: { encrypt: jest.fn() }, outputBucket: 'o', logger });
  await expect(handler({ Records: [] })).resolves.toEqual({ batchItemFailures: [] });
  await expect(handler({})).rejects.toThrow('the event has no Records list');
});
`;
    case 'url':
      return `import { IdentityNotVerifiedError, type VerifiedIdentity } from '@secure-lambda/caller-identity';
import { createHandler, type Dependencies, MAX_BODY_BYTES } from '../src/handler';

${logger}
const context = { invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:${name}:live' };
const alice: VerifiedIdentity = { arn: 'arn:aws:iam::111111111111:user/alice', userId: 'AIDAJQABLZS4A3QDU576Q', account: '111111111111' };

test('the caller is the one STS verifies for this function and body', async () => {
  const verify = jest.fn(async () => alice);
  const handler = createHandler({ verifier: { verify }, logger });
  const answer = await handler({ headers: { authorization: 'proof' }, body: 'hi' }, context);
  expect(answer.statusCode).toBe(200);
  expect(JSON.parse(String(answer.body))).toMatchObject({ caller: alice.arn, bytes: 2 });
  expect(verify).toHaveBeenCalledWith({
    headers: { authorization: 'proof' },
    body: Buffer.from('hi'),
    audience: 'arn:aws:lambda:eu-west-1:111111111111:function:${name}',
  });
});

test('a forged requestContext identity without a proof is refused with 403', async () => {
  const verify = jest.fn(async () => {
    throw new IdentityNotVerifiedError('proof-missing');
  });
  const handler = createHandler({ verifier: { verify }, logger });
  const forged = { headers: {}, body: '{}', requestContext: { authorizer: { iam: { userArn: alice.arn } } } };
  const answer = await handler(forged, context);
  expect(answer.statusCode).toBe(403);
  expect(String(answer.body)).not.toContain(alice.arn);
  const big = await handler({ headers: {}, body: 'x'.repeat(MAX_BODY_BYTES + 1) }, context);
  expect(big.statusCode).toBe(413);
});
`;
    case 'schedule':
      return `import { createHandler, type Dependencies, SecretNotSetError } from '../src/handler';

${logger}

test('a run reads the secret and records the run without the secret in the object or the logs', async () => {
  const puts: Array<{ Key: string; Body: string }> = [];
  const s3 = { send: jest.fn(async (c: { input: { Key: string; Body: string } }) => puts.push(c.input)) } as unknown as Dependencies['s3'];
  const handler = createHandler({
    s3,
    readSecret: async () => 's3cr3t-value',
    outputBucket: 'out',
    now: () => new Date('2027-01-01T00:00:00Z'),
    logger,
  });
  await expect(handler({})).resolves.toEqual({ written: '${name}/2027-01-01T00:00:00.000Z.json' });
  expect(puts[0]?.Body).not.toContain('s3cr3t-value');
  expect(JSON.stringify((logger.info as jest.Mock).mock.calls)).not.toContain('s3cr3t-value');
});

test('a secret without a value fails the run (Scheduler retries, then dead-letters)', async () => {
  const handler = createHandler({ s3: { send: jest.fn() } as unknown as Dependencies['s3'], readSecret: async () => undefined, outputBucket: 'o', now: () => new Date(), logger });
  await expect(handler({})).rejects.toBeInstanceOf(SecretNotSetError);
});
`;
  }
}

function bundleTest({ name, trigger }: TemplateInput): string {
  const event: Record<GeneratedTriggerType, string> = {
    s3: '{ Records: [] }, { records: 0 }',
    sqs: '{ Records: [] }, { batchItemFailures: [] }',
    url: "{ version: '2.0', headers: {}, body: '{}', requestContext: { authorizer: { iam: { userArn: 'arn:aws:iam::111111111111:user/victim' } } } }, { statusCode: 403 }",
    schedule: '{}, undefined',
  };
  const env: Record<GeneratedTriggerType, string> = {
    s3: "KEY_ARN: 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000', OUTPUT_BUCKET: 'out'",
    sqs: "KEY_ARN: 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000', OUTPUT_BUCKET: 'out'",
    url: "AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9'",
    schedule: `OUTPUT_BUCKET: 'out', ${secretEnvName(`${name}-token`)}: '${name}-token', AWS_ENDPOINT_URL: 'http://127.0.0.1:9'`,
  };
  return `/**
 * The built zip (dist/${name}.zip), run the way Lambda runs it: @secure-lambda/bundle-runner unzips it,
 * requires index.js and calls handler once in a child process. What is tested is what ships.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ZIP = path.resolve(__dirname, '..', 'dist', '${name}.zip');
const RUNNER = require.resolve('@secure-lambda/bundle-runner/run-bundle.mjs');

function run(event: unknown): { ok: boolean; result?: unknown; error?: { message?: string } } {
  const child = spawnSync(process.execPath, [RUNNER, ZIP], {
    input: JSON.stringify(event),
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ${env[trigger]},
    },
  });
  const line = child.stdout.split('\\n').find((l) => l.startsWith('@@RESULT@@'));
  if (!line) throw new Error(\`no result from the bundle: \${child.stderr}\`);
  return JSON.parse(line.slice('@@RESULT@@'.length));
}

test('the bundle loads and answers its smoke event as declared', () => {
${
  trigger === 'schedule'
    ? `  const outcome = run(${event[trigger].split(',')[0]});`
    : `  const [event, expected] = [${event[trigger]}];
  const outcome = run(event);`
}
${
  trigger === 'schedule'
    ? `  // Secrets Manager is unreachable here (port 9): the run must fail, not succeed without its secret.
  expect(outcome.ok).toBe(false);`
    : `  expect(outcome).toMatchObject({ ok: true, result: expected });`
}
});
`;
}

function readme({ name, trigger }: TemplateInput): string {
  return `# ${name}

A function on the secure-lambda platform, triggered by **${trigger}**. Generated by
\`npm run new:function -- ${name} --trigger ${trigger}\`.

- \`function.ts\`: the declaration (trigger, grants, memory, timeout, smoke test). Edit it to change what the
  function may reach; the stacks build the role, network, logs, alarms and release set-up from it.
- \`src/handler.ts\`: the logic, with its dependencies injected; \`src/index.ts\` wires the real clients.
- \`test/handler.test.ts\`: unit tests with doubles; \`test/bundle.test.ts\`: the built zip run as Lambda runs it.

\`\`\`sh
npx turbo run test --filter=@secure-lambda/${name}   # builds what it needs, bundles (dist/), runs its tests
npm run synth && npm run deploy:local     # the function with the rest of the platform
\`\`\`
`;
}

/** Every file of a generated app. */
export function renderApp(input: TemplateInput): GeneratedFile[] {
  const { name, trigger, versions, workspaceVersion } = input;
  const pin = (pkg: string) => {
    const version = pkg.startsWith('@secure-lambda/') ? workspaceVersion : versions[pkg];
    if (!version) throw new Error(`no pinned version for ${pkg}`);
    return [pkg, version] as const;
  };
  const dependencies = Object.fromEntries(
    ['@secure-lambda/contracts', '@secure-lambda/observability', ...TRIGGER_LIBRARIES[trigger]]
      .sort()
      .map(pin),
  );
  const devDependencies = Object.fromEntries(
    ['@secure-lambda/bundle-runner', '@types/aws-lambda', 'esbuild'].sort().map(pin),
  );
  const manifest = {
    name: `@secure-lambda/${name}`,
    version: workspaceVersion,
    private: true,
    description: `Lambda handler app: ${name} (${trigger} trigger).`,
    license: 'Apache-2.0',
    main: './dist/index.js',
    scripts: {
      build: 'tsc -p tsconfig.json --noEmit && node ../../scripts/bundle-app.mjs',
      bundle: 'node ../../scripts/bundle-app.mjs',
      typecheck: 'tsc -p tsconfig.json --noEmit',
      test: 'jest',
    },
    dependencies,
    devDependencies,
  };
  return [
    { path: 'package.json', text: `${JSON.stringify(manifest, null, 2)}\n` },
    {
      path: 'tsconfig.json',
      text: `${JSON.stringify(
        {
          extends: '../../tsconfig.base.json',
          compilerOptions: { noEmit: true, types: ['node', 'jest'] },
          include: ['src', 'test', 'function.ts'],
        },
        null,
        2,
      )}\n`,
    },
    { path: 'jest.config.cjs', text: "module.exports = require('../../jest.base.cjs')(__dirname);\n" },
    { path: 'function.ts', text: declaration(input) },
    { path: 'src/handler.ts', text: handlerSource(input) },
    { path: 'src/index.ts', text: indexSource(input) },
    { path: 'test/handler.test.ts', text: unitTest(input) },
    { path: 'test/bundle.test.ts', text: bundleTest(input) },
    { path: 'README.md', text: readme(input) },
  ];
}
