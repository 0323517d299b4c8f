/**
 * The smoke test of each declared function through its trigger, generically: what the check does comes from
 * the declaration (trigger, grants) and the deployed state and outputs, never from the app's name. The
 * emulator stores every trigger but runs none of them (the `not-run` gaps of stacks/src/emulator.ts:
 * `lambda-invoke`, `sqs-send-with-mapping`, `function-url-calls`, `scheduler-runs`), so each check reads the
 * trigger back, makes the event it would deliver from what the emulator holds (the object, the received
 * message, the signed request, the schedule's input) and runs the function's deployed bundle with it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionUrlConfigCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import {
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { functionUrlEvent } from '@secure-lambda/contracts/function-url-event';
import { type FunctionGrant, secretEnvName } from '@secure-lambda/contracts/functions';
import { StackOutput } from '@secure-lambda/contracts/stack-outputs';
import { EnvelopeEncryptor, KmsKeyring } from '@secure-lambda/crypto';
import { fromKmsClient } from '@secure-lambda/crypto/kms-sdk';
import {
  CryptoApiClient,
  CryptoApiResponseError,
  type SignedRequest,
} from '@secure-lambda/crypto-api-client';
import { EMULATOR_CREDENTIALS } from './clients';
import { errorMessage, SmokeCheckError } from './errors';
import {
  type BundleRun,
  block,
  checkCode,
  functionConfig,
  invokeBundle,
  outputOf,
  type SmokeCheck,
  type SmokeContext,
  type SmokeFunction,
  stateOf,
} from './smoke-context';

/** How long the SQS check long-polls for its message (moto answers as soon as one is visible). */
const RECEIVE_WAIT_SECONDS = 5;
/** Receives before the SQS check gives up on seeing its message. */
const RECEIVE_ATTEMPTS = 4;

/** What a function's grants say it writes: the output bucket (a prefix of it), encrypted under a context. */
interface OutputPromise {
  readonly bucket: string;
  readonly prefix: string;
  /** The data-key grant's context: what every message the function writes must be bound to. */
  readonly encryptionContext?: Readonly<Record<string, string>>;
}

function outputPromise(context: SmokeContext, fn: SmokeFunction): OutputPromise | undefined {
  const grants: readonly FunctionGrant[] = fn.declaration.grants ?? [];
  const writes = grants.filter(
    (g): g is Extract<FunctionGrant, { type: 'bucket' }> =>
      g.type === 'bucket' && g.bucket === 'output' && g.access !== 'read',
  );
  if (writes.length === 0) return undefined;
  const encrypts = grants.find(
    (g): g is Extract<FunctionGrant, { type: 'data-key' }> => g.type === 'data-key' && g.use !== 'decrypt',
  );
  return {
    bucket: outputOf(context, 'output', StackOutput.OUTPUT_BUCKET_NAME),
    prefix: writes.length === 1 ? (writes[0]?.prefix ?? '') : '',
    ...(encrypts ? { encryptionContext: encrypts.encryptionContext } : {}),
  };
}

async function listKeys(context: SmokeContext, bucket: string, prefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let token: string | undefined;
  do {
    const page = await context.clients.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.add(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

async function readObject(context: SmokeContext, bucket: string, key: string): Promise<Buffer> {
  const got = await context.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(
    await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

/**
 * Checks what one run wrote against what the grants promise: new objects under the promised prefix of the
 * output bucket; with a data key, exactly one, an Encryption SDK message that the stack key decrypts to
 * `plaintext` under the declared context, with no plaintext in it. Returns what it saw, for the detail.
 */
async function checkWritten(
  context: SmokeContext,
  fn: SmokeFunction,
  check: string,
  promise: OutputPromise,
  before: ReadonlySet<string>,
  plaintext: Uint8Array,
  ignore: readonly string[] = [],
): Promise<{ readonly keys: readonly string[]; readonly detail: string }> {
  const after = await listKeys(context, promise.bucket, promise.prefix);
  const written = [...after].filter((key) => !before.has(key) && !ignore.includes(key));
  const where = `s3://${promise.bucket}/${promise.prefix}`;
  if (written.length === 0 || (promise.encryptionContext && written.length !== 1)) {
    throw new SmokeCheckError(
      check,
      `${fn.app} wrote ${written.length} object(s) under ${where} (${written.join(', ')}); its grants promise ${promise.encryptionContext ? 'one encrypted object' : 'at least one'}`,
      { resources: [fn.functionName] },
    );
  }
  const [key] = written as [string];
  if (!promise.encryptionContext) return { keys: written, detail: `wrote s3://${promise.bucket}/${key}` };
  const message = await readObject(context, promise.bucket, key);
  const encryptor = new EnvelopeEncryptor({
    keyring: new KmsKeyring({
      generatorKeyId: outputOf(context, check, StackOutput.KEY_ARN),
      client: fromKmsClient(context.clients.kms),
    }),
  });
  const decrypted = await encryptor
    .decrypt(message, { requiredEncryptionContext: promise.encryptionContext })
    .catch((error: unknown) => {
      throw new SmokeCheckError(
        check,
        `s3://${promise.bucket}/${key} does not decrypt with the stack key under ${JSON.stringify(promise.encryptionContext)}: ${errorMessage(error)}`,
        { resources: [fn.functionName], cause: error },
      );
    });
  if (!decrypted.plaintext.equals(Buffer.from(plaintext))) {
    throw new SmokeCheckError(check, `s3://${promise.bucket}/${key} decrypts to other bytes than were sent`, {
      resources: [fn.functionName],
    });
  }
  if (message.includes(Buffer.from(plaintext).subarray(0, 32))) {
    throw new SmokeCheckError(check, `s3://${promise.bucket}/${key} contains the plaintext`, {
      resources: [fn.functionName],
    });
  }
  const bound = Object.entries(promise.encryptionContext)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    keys: written,
    detail: `s3://${promise.bucket}/${key} (${message.length} B) decrypts with the stack key under ${bound} to the same bytes`,
  };
}

/**
 * S3: the bucket notifies the function's `live` alias for its prefix; an object put under that prefix, run
 * through the bundle as the S3 event Lambda would get, leaves what the grants promise in the output bucket.
 */
export async function s3TriggerCheck(context: SmokeContext, fn: SmokeFunction): Promise<SmokeCheck> {
  const check = `s3 trigger ${fn.app}`;
  const trigger = fn.declaration.trigger;
  if (trigger.type !== 's3') throw new SmokeCheckError(check, `${fn.app} has no s3 trigger`);
  const { s3 } = context.clients;
  const bucket = outputOf(
    context,
    check,
    trigger.bucket === 'input' ? StackOutput.INPUT_BUCKET_NAME : StackOutput.OUTPUT_BUCKET_NAME,
  );
  const prefix = trigger.prefix ?? '';
  const alias = outputOf(context, check, `${fn.app}-alias-arn`, fn);
  const notifications = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
  const notification = (notifications.LambdaFunctionConfigurations ?? []).find(
    (n) => n.LambdaFunctionArn === alias,
  );
  const filter = (notification?.Filter?.Key?.FilterRules ?? []).find(
    (r) => r.Name?.toLowerCase() === 'prefix',
  );
  if (!notification || (filter?.Value ?? '') !== prefix) {
    throw new SmokeCheckError(
      check,
      `s3://${bucket} does not notify ${alias} for prefix "${prefix}": ${JSON.stringify(notifications.LambdaFunctionConfigurations)}`,
      { resources: [fn.functionName, bucket] },
    );
  }
  const config = await functionConfig(context, fn.functionName);
  checkCode(fn, config);
  const promise = outputPromise(context, fn);
  const before = promise ? await listKeys(context, promise.bucket, promise.prefix) : new Set<string>();
  const key = `${prefix}smoke/${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.bin`;
  const plaintext = randomBytes(48 * 1024);
  // No encryption header: the bucket's default (SSE-KMS with the stack key) applies, as the policy wants.
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: plaintext }));
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const event = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: context.region,
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:LOCALSMOKE' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'LOCALSMOKE', 'x-amz-id-2': 'LOCALSMOKE' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: notification.Id ?? 'object-created',
          bucket: {
            name: bucket,
            ownerIdentity: { principalId: 'LOCALSMOKE' },
            arn: `arn:aws:s3:::${bucket}`,
          },
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/'),
            size: plaintext.length,
            eTag: (head.ETag ?? '').replace(/"/g, ''),
            ...(head.VersionId ? { versionId: head.VersionId } : {}),
            sequencer: '0055AED6DCD90281E5',
          },
        },
      },
    ],
  };
  const run = await invokeBundle(context, fn, config, event);
  const written = promise
    ? await checkWritten(context, fn, check, promise, before, plaintext, [key])
    : undefined;
  return {
    name: check,
    detail:
      `s3://${bucket} notifies ${fn.functionName}:live for "${prefix}"; put s3://${bucket}/${key} ` +
      `(${plaintext.length} B, ${head.ServerSideEncryption}), ran the bundle on its S3 event: ` +
      `${JSON.stringify(run.result)}${written ? `; ${written.detail}` : ''}`,
  };
}

/** The record Lambda's SQS poller puts in the event for a received message. */
function sqsRecord(message: Message, queueArn: string, region: string) {
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? '',
    attributes: message.Attributes ?? {},
    messageAttributes: {},
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/**
 * What Lambda's SQS poller does for one message: send it (as a producer), receive it, run the bundle with the
 * SQS event, check the partial-batch answer and what the grants promise, and delete it.
 */
async function playPoller(
  context: SmokeContext,
  fn: SmokeFunction,
  check: string,
  sqsRun: {
    readonly queueUrl: string;
    readonly queueArn: string;
    readonly body: string;
    readonly config: FunctionConfiguration;
    readonly promise: OutputPromise | undefined;
    readonly before: ReadonlySet<string>;
  },
): Promise<{ message: Message; run: BundleRun; written?: { detail: string } }> {
  const { sqs } = context.clients;
  const { queueUrl, queueArn, body, config, promise, before } = sqsRun;
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  let message: Message | undefined;
  for (let attempt = 0; attempt < RECEIVE_ATTEMPTS && !message; attempt += 1) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    message = (received.Messages ?? []).find((m) => m.MessageId === sent.MessageId);
  }
  if (!message) {
    throw new SmokeCheckError(check, `message ${sent.MessageId} sent to ${queueUrl} was never received`, {
      resources: [queueUrl],
    });
  }
  const event = { Records: [sqsRecord(message, queueArn, context.region)] };
  const run = await invokeBundle(context, fn, config, event);
  const answer = run.result as { batchItemFailures?: unknown };
  if (!Array.isArray(answer?.batchItemFailures) || answer.batchItemFailures.length > 0) {
    throw new SmokeCheckError(
      check,
      `the bundle answered ${JSON.stringify(run.result)}, not a partial-batch response with no failures`,
      { resources: [fn.functionName] },
    );
  }
  const written = promise
    ? await checkWritten(context, fn, check, promise, before, Buffer.from(body))
    : undefined;
  await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
  return { message, run, ...(written ? { written } : {}) };
}

/**
 * SQS: the event source mapping reads the function's queue into its `live` alias; a message sent to the
 * deployed queue is received as Lambda's poller would, run through the bundle as an SQS batch, answered
 * with an empty partial-batch failure list, and deleted (what Lambda does for the messages not listed).
 */
export async function sqsTriggerCheck(context: SmokeContext, fn: SmokeFunction): Promise<SmokeCheck> {
  const check = `sqs trigger ${fn.app}`;
  const { lambda } = context.clients;
  const [queue] = stateOf(context.state, 'aws_sqs_queue', (v) => v.name === `${fn.functionName}-queue`);
  if (!queue) {
    throw new SmokeCheckError(check, `no queue ${fn.functionName}-queue in the state`, {
      resources: [fn.functionName],
    });
  }
  const queueUrl = String(queue.values.url ?? queue.values.id);
  const queueArn = String(queue.values.arn);
  const alias = outputOf(context, check, `${fn.app}-alias-arn`, fn);
  const { EventSourceMappings: mappings = [] } = await lambda.send(
    new ListEventSourceMappingsCommand({ EventSourceArn: queueArn }),
  );
  // AWS reports the alias; moto the version the alias pointed at when the mapping was created (EMULATOR_GAPS
  // `event-source-mapping-alias-read-back`).
  const live = await lambda.send(new GetAliasCommand({ FunctionName: fn.functionName, Name: 'live' }));
  const aliasVersion = `${alias.replace(/:live$/, '')}:${live.FunctionVersion}`;
  const mapping = mappings.find((m) => m.FunctionArn === alias || m.FunctionArn === aliasVersion);
  const responseTypes = mapping?.FunctionResponseTypes ?? [];
  if (mapping?.State !== 'Enabled' || !responseTypes.includes('ReportBatchItemFailures')) {
    throw new SmokeCheckError(
      check,
      `no enabled event source mapping with partial batch responses reads ${queueArn} into ${alias}: ` +
        JSON.stringify(mappings.map((m) => [m.FunctionArn, m.State, m.FunctionResponseTypes])),
      { resources: [fn.functionName] },
    );
  }
  const config = await functionConfig(context, fn.functionName);
  checkCode(fn, config);
  const promise = outputPromise(context, fn);
  const before = promise ? await listKeys(context, promise.bucket, promise.prefix) : new Set<string>();
  const body = JSON.stringify({ smoke: randomBytes(24).toString('base64'), at: new Date().toISOString() });
  // moto delivers to an enabled mapping inside SendMessage, which fails without Docker (EMULATOR_GAPS
  // `sqs-send-with-mapping`): the mapping rests while this check plays Lambda's poller.
  await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: false }));
  let played: { message: Message; run: BundleRun; written?: { detail: string } };
  try {
    played = await playPoller(context, fn, check, { queueUrl, queueArn, body, config, promise, before });
  } finally {
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: true }));
  }
  const { message, run, written } = played;
  return {
    name: check,
    detail:
      `mapping ${mapping.UUID} (${mapping.State}, max concurrency ${mapping.ScalingConfig?.MaximumConcurrency}, ` +
      `ReportBatchItemFailures) reads ${queueArn.split(':').pop()} into ${fn.functionName}:live; sent and received ` +
      `message ${message.MessageId} (receive count ${message.Attributes?.ApproximateReceiveCount}), ran the bundle ` +
      `on its SQS event: ${JSON.stringify(run.result)}${written ? `; ${written.detail}` : ''}; deleted it`,
  };
}

/**
 * The function ARN @secure-lambda/bundle-runner (which plays Lambda here) puts in the Lambda context: the
 * audience a url function checks, so the audience every proof below names.
 */
function runnerFunctionArn(region: string): string {
  return `arn:aws:lambda:${region}:123456789012:function:bundle-test:live`;
}

/**
 * The Function URL event (payload 2.0) for a request the client signed. Function URLs cannot be called
 * on the emulator, so this stands in for what the URL would deliver; the authorizer block holds what
 * its AWS_IAM check would report, which the functions do not trust anyway.
 */
function signedRequestEvent(
  request: SignedRequest,
  caller: { account: string; arn: string; userId: string },
  withProof: boolean,
) {
  const now = new Date();
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => withProof || !name.startsWith('x-secure-lambda-')),
  );
  return functionUrlEvent({
    url: request.url,
    method: request.method,
    accountId: caller.account,
    requestId: `local-${now.getTime()}`,
    time: now,
    headers: { ...headers, 'x-forwarded-proto': 'https' },
    body: request.body,
    caller: {
      accessKey: EMULATOR_CREDENTIALS.accessKeyId,
      accountId: caller.account,
      callerId: caller.userId,
      userArn: caller.arn,
      userId: caller.userId,
    },
    userAgent: 'deploy:local',
  });
}

async function emulatorCaller(context: SmokeContext) {
  const identity = await context.clients.sts.send(new GetCallerIdentityCommand({}));
  return {
    account: identity.Account as string,
    arn: identity.Arn as string,
    userId: identity.UserId as string,
  };
}

function urlClient(
  context: SmokeContext,
  url: string,
  transport?: ConstructorParameters<typeof CryptoApiClient>[0]['transport'],
) {
  return new CryptoApiClient({
    url,
    functionArn: runnerFunctionArn(context.region),
    credentials: EMULATOR_CREDENTIALS,
    stsEndpoint: context.endpoint,
    ...(transport ? { transport } : {}),
  });
}

/**
 * Function URL: the URL of the `live` alias requires AWS_IAM; a request signed with an STS identity proof by
 * @secure-lambda/crypto-api-client is answered 200 (and, where the answer names the caller, it is the
 * signer), and the same request without the proof is refused with 403.
 */
export async function urlTriggerCheck(context: SmokeContext, fn: SmokeFunction): Promise<SmokeCheck> {
  const check = `url trigger ${fn.app}`;
  const url = outputOf(context, check, `${fn.app}-url`, fn);
  const urlConfig = await context.clients.lambda.send(
    new GetFunctionUrlConfigCommand({ FunctionName: fn.functionName, Qualifier: 'live' }),
  );
  if (urlConfig.AuthType !== 'AWS_IAM') {
    throw new SmokeCheckError(check, `${fn.functionName}:live has a URL with auth ${urlConfig.AuthType}`, {
      resources: [fn.functionName],
    });
  }
  const config = await functionConfig(context, fn.functionName);
  checkCode(fn, config);
  const caller = await emulatorCaller(context);
  // The signed route and body of the crypto API's /encrypt: a url function that ignores them still answers.
  const body = JSON.stringify({ plaintext: randomBytes(32).toString('base64') });
  const request = await urlClient(context, url).signRequest('/encrypt', body);
  const send = async (withProof: boolean) => {
    const run = await invokeBundle(context, fn, config, signedRequestEvent(request, caller, withProof));
    const response = run.result as { statusCode?: number; body?: string };
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(response.body ?? '{}') as Record<string, unknown>;
    } catch {
      // Not JSON: only the status is judged.
    }
    return { status: response.statusCode ?? 0, json };
  };
  const proven = await send(true);
  const unproven = await send(false);
  const namedCaller = typeof proven.json.caller === 'string' ? proven.json.caller : undefined;
  if (proven.status !== 200 || (namedCaller !== undefined && namedCaller !== caller.arn)) {
    throw new SmokeCheckError(
      check,
      `a request with ${caller.arn}'s identity proof was answered ${proven.status} ${JSON.stringify(proven.json)}`,
      { resources: [fn.functionName] },
    );
  }
  if (unproven.status !== 403) {
    throw new SmokeCheckError(
      check,
      `a request without the identity proof was answered ${unproven.status}, not 403`,
      { resources: [fn.functionName] },
    );
  }
  const code = (unproven.json.error as { code?: string } | undefined)?.code ?? '';
  return {
    name: check,
    detail:
      `${fn.functionName}:live URL (AWS_IAM) ${url}; signed as ${caller.arn} with the STS proof: ${proven.status}` +
      `${namedCaller ? ` caller ${namedCaller}` : ''}; without the proof: ${unproven.status} ${code}`.trimEnd(),
  };
}

/**
 * The crypto API as a user meets it: the real client signs each request and its sts:GetCallerIdentity
 * proof with the emulator's credentials; the bundle verifies the proof with the emulator's STS (moto
 * answers for the access key; it checks signatures only in its auth mode, which deploy:local does not
 * turn on) and binds the data to that identity. A request without the proof must be refused.
 */
export async function cryptoApiRoundTrip(context: SmokeContext, fn: SmokeFunction): Promise<SmokeCheck> {
  const check = 'crypto-api round trip';
  const config = await functionConfig(context, fn.functionName);
  checkCode(fn, config);
  const caller = await emulatorCaller(context);
  let withProof = true;
  const client = urlClient(context, outputOf(context, check, `${fn.app}-url`, fn), async (request) => {
    const run = await invokeBundle(context, fn, config, signedRequestEvent(request, caller, withProof));
    const response = run.result as { statusCode?: number; body?: string };
    return { status: response.statusCode ?? 0, body: response.body ?? '' };
  });
  const plaintext = randomBytes(256);
  const fail = (error: unknown) => {
    throw new SmokeCheckError(check, errorMessage(error), { resources: [fn.functionName], cause: error });
  };
  const ciphertext = await client.encrypt(plaintext).catch(fail);
  const decrypted = await client.decrypt(ciphertext).catch(fail);
  if (!decrypted.equals(plaintext)) {
    throw new SmokeCheckError(check, '/decrypt did not return what /encrypt was given', {
      resources: [fn.functionName],
    });
  }
  withProof = false;
  const refusal = await client.encrypt(plaintext).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(refusal instanceof CryptoApiResponseError) || refusal.status !== 403) {
    throw new SmokeCheckError(check, 'a request without an identity proof was not refused with 403', {
      resources: [fn.functionName],
    });
  }
  return {
    name: check,
    detail:
      `POST /encrypt then /decrypt of ${plaintext.length} B through @secure-lambda/crypto-api-client as ` +
      `${caller.arn} (STS-verified proof): identical; without the proof: ${refusal.status} ${refusal.apiCode}`,
  };
}

/** Sets a value for each secret the function is granted, in its store; returns the values set. */
async function setSecrets(
  context: SmokeContext,
  fn: SmokeFunction,
  check: string,
  environment: Readonly<Record<string, string>>,
): Promise<{ readonly names: readonly string[]; readonly values: readonly string[] }> {
  const names: string[] = [];
  const values: string[] = [];
  for (const grant of fn.declaration.grants ?? []) {
    if (grant.type !== 'secret') continue;
    const name = environment[secretEnvName(grant.name)];
    if (!name) {
      throw new SmokeCheckError(
        check,
        `${fn.functionName} has no ${secretEnvName(grant.name)} in its environment`,
        {
          resources: [fn.functionName],
        },
      );
    }
    const value = `smoke-${randomBytes(18).toString('base64url')}`;
    if (grant.store === 'secretsmanager') {
      await context.clients.secretsManager.send(
        new PutSecretValueCommand({ SecretId: name, SecretString: value }),
      );
    } else {
      await context.clients.ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: value,
          Type: 'SecureString',
          KeyId: outputOf(context, check, StackOutput.KEY_ARN),
          Overwrite: true,
        }),
      );
    }
    names.push(`${grant.store}:${name}`);
    values.push(value);
  }
  return { names, values };
}

/**
 * Schedule: the schedule exists as declared (target the `live` alias, its own dead-letter queue, the retry
 * policy, the stack key); with a value put into each granted secret, the bundle runs once on the event the
 * schedule sends and leaves what the grants promise, and no secret value appears in its logs, its answer or
 * what it wrote.
 */
export async function scheduleTriggerCheck(context: SmokeContext, fn: SmokeFunction): Promise<SmokeCheck> {
  const check = `schedule trigger ${fn.app}`;
  const [declared] = stateOf(context.state, 'aws_scheduler_schedule', (v) => v.name === fn.functionName);
  const [dlq] = stateOf(context.state, 'aws_sqs_queue', (v) => v.name === `${fn.functionName}-schedule-dlq`);
  if (!declared || !dlq) {
    throw new SmokeCheckError(
      check,
      `no schedule ${fn.functionName} with its dead-letter queue in the state`,
      {
        resources: [fn.functionName],
      },
    );
  }
  const alias = outputOf(context, check, `${fn.app}-alias-arn`, fn);
  const target = block(declared.values, 'target');
  const retry = block(target, 'retry_policy');
  const schedule = await context.clients.scheduler.send(
    new GetScheduleCommand({ Name: fn.functionName, GroupName: String(declared.values.group_name) }),
  );
  const seen = {
    expression: schedule.ScheduleExpression,
    state: schedule.State,
    target: schedule.Target?.Arn,
    deadLetterQueue: schedule.Target?.DeadLetterConfig?.Arn,
    maximumRetryAttempts: schedule.Target?.RetryPolicy?.MaximumRetryAttempts,
    maximumEventAgeInSeconds: schedule.Target?.RetryPolicy?.MaximumEventAgeInSeconds,
    key: schedule.KmsKeyArn,
  };
  const expected = {
    expression: declared.values.schedule_expression,
    state: 'ENABLED',
    target: alias,
    deadLetterQueue: dlq.values.arn,
    maximumRetryAttempts: retry.maximum_retry_attempts,
    maximumEventAgeInSeconds: retry.maximum_event_age_in_seconds,
    key: outputOf(context, check, StackOutput.KEY_ARN),
  };
  if (JSON.stringify(seen) !== JSON.stringify(expected)) {
    throw new SmokeCheckError(
      check,
      `GetSchedule ${fn.functionName} answered ${JSON.stringify(seen)}; declared ${JSON.stringify(expected)}`,
      { resources: [fn.functionName] },
    );
  }
  const config = await functionConfig(context, fn.functionName);
  checkCode(fn, config);
  const secrets = await setSecrets(context, fn, check, config.Environment?.Variables ?? {});
  const promise = outputPromise(context, fn);
  const before = promise ? await listKeys(context, promise.bucket, promise.prefix) : new Set<string>();
  // What Scheduler sends a Lambda target: the target's input, `{}` when none is set.
  const input = typeof target.input === 'string' && target.input !== '' ? JSON.parse(target.input) : {};
  const run = await invokeBundle(context, fn, config, input);
  let written: { keys: readonly string[]; detail: string } | undefined;
  const seenText: string[] = [run.output, JSON.stringify(run.result)];
  if (promise) {
    // What a scheduled run writes is its own (no input to compare with): its presence is checked.
    const unencrypted: OutputPromise = { bucket: promise.bucket, prefix: promise.prefix };
    written = await checkWritten(context, fn, check, unencrypted, before, Buffer.alloc(0));
    for (const key of written.keys)
      seenText.push((await readObject(context, promise.bucket, key)).toString('utf8'));
  }
  if (secrets.values.some((value) => seenText.some((text) => text.includes(value)))) {
    throw new SmokeCheckError(
      check,
      `a secret value of ${fn.functionName} appeared in its logs, answer or output`,
      {
        resources: [fn.functionName],
      },
    );
  }
  return {
    name: check,
    detail:
      `GetSchedule ${schedule.GroupName}/${schedule.Name} (${seen.expression}, ${seen.state}): target ${fn.functionName}:live, ` +
      `DLQ ${String(seen.deadLetterQueue).split(':').pop()}, ${seen.maximumRetryAttempts} retries within ${seen.maximumEventAgeInSeconds} s, stack key; ` +
      `set ${secrets.names.join(', ') || 'no secret'}; ran the bundle on ${JSON.stringify(input)}: ${JSON.stringify(run.result)}` +
      `${written ? `; ${written.detail}` : ''}; no secret value in its logs, answer or output`,
  };
}
