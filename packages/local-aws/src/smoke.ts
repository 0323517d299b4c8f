import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import {
  type FunctionConfiguration,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { functionUrlEvent } from '@secure-lambda/contracts/function-url-event';
import { StackOutput, type StackOutputs } from '@secure-lambda/contracts/stack-outputs';
import { EnvelopeEncryptor, KmsKeyring } from '@secure-lambda/crypto';
import { fromKmsClient } from '@secure-lambda/crypto/kms-sdk';
import {
  CryptoApiClient,
  CryptoApiResponseError,
  type SignedRequest,
} from '@secure-lambda/crypto-api-client';
import { EMULATOR_CREDENTIALS, type EmulatorClients } from './clients';
import { errorMessage, SmokeCheckError } from './errors';
import { REPO_ROOT } from './layout';

/** A resource of the deployed state (`terraform show -json`), the fields the checks read. */
export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, unknown>;
}

/** The stack outputs the smoke test starts from (`terraform output -json`, read by the contract). */
export type LocalOutputs = StackOutputs;

export interface SmokeContext {
  readonly clients: EmulatorClients;
  readonly endpoint: string;
  readonly region: string;
  readonly certFile: string;
  readonly outputs: LocalOutputs;
  readonly state: readonly StateResource[];
  /** The zip each function should run, by function name: the code the stack deployed. */
  readonly bundles: Readonly<Record<string, string>>;
}

/** One passed check: what was checked and what was seen. */
export interface SmokeCheck {
  readonly name: string;
  readonly detail: string;
}

const RUNNER = require.resolve('@secure-lambda/bundle-runner/run-bundle.mjs');
const RESULT_MARKER = '@@RESULT@@';

function stateOf(
  state: readonly StateResource[],
  type: string,
  where: (values: Record<string, unknown>) => boolean,
) {
  return state.filter((r) => r.type === type && where(r.values));
}

function sameSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  const left = [...new Set(a.map(String))].sort();
  const right = [...new Set(b.map(String))].sort();
  return left.length === right.length && left.every((v, i) => v === right[i]);
}

/** Canonical JSON (sorted keys), to compare policy documents as data. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Runs a handler zip the way Lambda does (@secure-lambda/bundle-runner) with the function's deployed environment
 * variables, pointed at the emulator. Returns the handler's result; the function's own log lines are
 * kept only for an error message.
 */
async function invokeBundle(
  context: SmokeContext,
  config: FunctionConfiguration,
  event: unknown,
): Promise<unknown> {
  const name = config.FunctionName as string;
  const zip = context.bundles[name];
  if (!zip) throw new SmokeCheckError('invoke', `no bundle known for ${name}`, { resources: [name] });
  const child = spawn(process.execPath, [RUNNER, zip], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...(config.Environment?.Variables ?? {}),
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_REGION: context.region,
      AWS_ENDPOINT_URL: context.endpoint,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      // The emulator's certificate; path-style S3 because bucket host names do not resolve locally.
      NODE_EXTRA_CA_CERTS: context.certFile,
      S3_FORCE_PATH_STYLE: 'true',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdin.end(JSON.stringify(event));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const stdout = Buffer.concat(out).toString('utf8');
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (!line) {
    throw new SmokeCheckError(
      `invoke ${name}`,
      `the bundle ${zip} exited with code ${code} before returning:\n${Buffer.concat(err).toString('utf8').slice(-2000)}`,
      { resources: [name] },
    );
  }
  const result = JSON.parse(line.slice(RESULT_MARKER.length)) as {
    ok: boolean;
    result?: unknown;
    error?: { name?: string; message?: string };
  };
  if (!result.ok) {
    throw new SmokeCheckError(
      `invoke ${name}`,
      `the handler threw ${result.error?.name}: ${result.error?.message}`,
      { resources: [name] },
    );
  }
  return result.result;
}

/** The deployed code must be the bundle the smoke test runs: Lambda's CodeSha256 is SHA-256 of the zip. */
function checkCode(context: SmokeContext, config: FunctionConfiguration): void {
  const name = config.FunctionName as string;
  const zip = context.bundles[name] as string;
  const local = createHash('sha256').update(readFileSync(zip)).digest('base64');
  if (config.CodeSha256 !== local) {
    throw new SmokeCheckError(
      'deployed code',
      `${name} runs code ${config.CodeSha256}, not ${path.relative(REPO_ROOT, zip)} (${local}). Run deploy:local again.`,
      { resources: [name] },
    );
  }
}

async function functionConfig(context: SmokeContext, name: string): Promise<FunctionConfiguration> {
  return context.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
}

async function objectRoundTrip(context: SmokeContext): Promise<SmokeCheck> {
  const { clients, outputs } = context;
  const input = outputs[StackOutput.INPUT_BUCKET_NAME];
  const output = outputs[StackOutput.OUTPUT_BUCKET_NAME];
  const name = outputs[StackOutput.OBJECT_PROCESSOR_FUNCTION_NAME];
  const config = await functionConfig(context, name);
  checkCode(context, config);
  const key = `incoming/smoke/${new Date().toISOString().replace(/[:.]/g, '-')}.txt`;
  const plaintext = randomBytes(48 * 1024);
  // No encryption header: the bucket's default (SSE-KMS with the stack key) applies, as the policy wants.
  await clients.s3.send(new PutObjectCommand({ Bucket: input, Key: key, Body: plaintext }));
  const head = await clients.s3.send(new HeadObjectCommand({ Bucket: input, Key: key }));
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
          configurationId: 'object-created',
          bucket: { name: input, ownerIdentity: { principalId: 'LOCALSMOKE' }, arn: `arn:aws:s3:::${input}` },
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
  const result = (await invokeBundle(context, config, event)) as { processed?: number };
  if (result.processed !== 1) {
    throw new SmokeCheckError('object round trip', `the processor reported ${JSON.stringify(result)}`, {
      resources: [name],
    });
  }
  const stored = await clients.s3.send(new GetObjectCommand({ Bucket: output, Key: `${key}.encrypted` }));
  const message = await (
    stored.Body as { transformToByteArray(): Promise<Uint8Array> }
  ).transformToByteArray();
  const encryptor = new EnvelopeEncryptor({
    keyring: new KmsKeyring({
      generatorKeyId: outputs[StackOutput.KEY_ARN],
      client: fromKmsClient(clients.kms),
    }),
  });
  const decrypted = await encryptor.decrypt(message, {
    requiredEncryptionContext: { app: 'object-processor', bucket: input, key },
  });
  if (!Buffer.from(decrypted.plaintext).equals(plaintext)) {
    throw new SmokeCheckError('object round trip', 'the decrypted output differs from the uploaded object', {
      resources: [`s3://${output}/${key}.encrypted`],
    });
  }
  if (Buffer.from(message).includes(plaintext.subarray(0, 32))) {
    throw new SmokeCheckError('object round trip', 'the output object contains plaintext', {
      resources: [`s3://${output}/${key}.encrypted`],
    });
  }
  return {
    name: 'object round trip',
    detail:
      `put s3://${input}/${key} (${plaintext.length} B, ${head.ServerSideEncryption}), ran the ` +
      `object-processor bundle on its S3 event, decrypted s3://${output}/${key}.encrypted ` +
      `(${message.length} B) with the stack key: identical`,
  };
}

/**
 * The function ARN @secure-lambda/bundle-runner (which plays Lambda here) puts in the Lambda context: the
 * audience the crypto API checks, so the audience every proof below names.
 */
function runnerFunctionArn(region: string): string {
  return `arn:aws:lambda:${region}:123456789012:function:bundle-test:live`;
}

/**
 * The Function URL event (payload 2.0) for a request the client signed. Function URLs cannot be called
 * on the emulator, so this stands in for what the URL would deliver; the authorizer block holds what
 * its AWS_IAM check would report, which the API no longer trusts anyway.
 */
function signedRequestEvent(
  request: SignedRequest,
  caller: { account: string; arn: string; userId: string },
) {
  const now = new Date();
  return functionUrlEvent({
    url: request.url,
    method: request.method,
    accountId: caller.account,
    requestId: `local-${now.getTime()}`,
    time: now,
    headers: { ...request.headers, 'x-forwarded-proto': 'https' },
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

/**
 * The crypto API as a user meets it: the real client signs each request and its sts:GetCallerIdentity
 * proof with the emulator's credentials; the bundle verifies the proof with the emulator's STS (moto
 * answers for the access key; it checks signatures only in its auth mode, which deploy:local does not
 * turn on) and binds the data to that identity. A request without the proof must be refused.
 */
export async function cryptoApiRoundTrip(context: SmokeContext): Promise<SmokeCheck> {
  const name = context.outputs[StackOutput.CRYPTO_API_FUNCTION_NAME];
  const config = await functionConfig(context, name);
  checkCode(context, config);
  const identity = await context.clients.sts.send(new GetCallerIdentityCommand({}));
  const caller = {
    account: identity.Account as string,
    arn: identity.Arn as string,
    userId: identity.UserId as string,
  };
  let unproven = false;
  const client = new CryptoApiClient({
    url: `https://localsmoke0000000000000000000000.lambda-url.${context.region}.on.aws/`,
    functionArn: runnerFunctionArn(context.region),
    credentials: EMULATOR_CREDENTIALS,
    stsEndpoint: context.endpoint,
    transport: async (request) => {
      const event = signedRequestEvent(request, caller);
      if (unproven) {
        for (const header of Object.keys(event.headers)) {
          if (header.startsWith('x-secure-lambda-')) delete (event.headers as Record<string, string>)[header];
        }
      }
      const response = (await invokeBundle(context, config, event)) as { statusCode?: number; body?: string };
      return { status: response.statusCode ?? 0, body: response.body ?? '' };
    },
  });
  const plaintext = randomBytes(256);
  const fail = (error: unknown) => {
    throw new SmokeCheckError('crypto-api round trip', errorMessage(error), {
      resources: [name],
      cause: error,
    });
  };
  const ciphertext = await client.encrypt(plaintext).catch(fail);
  const decrypted = await client.decrypt(ciphertext).catch(fail);
  if (!decrypted.equals(plaintext)) {
    throw new SmokeCheckError('crypto-api round trip', '/decrypt did not return what /encrypt was given', {
      resources: [name],
    });
  }
  unproven = true;
  const refusal = await client.encrypt(plaintext).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(refusal instanceof CryptoApiResponseError) || refusal.status !== 403) {
    throw new SmokeCheckError(
      'crypto-api round trip',
      'a request without an identity proof was not refused with 403',
      {
        resources: [name],
      },
    );
  }
  return {
    name: 'crypto-api round trip',
    detail:
      `POST /encrypt then /decrypt of ${plaintext.length} B through @secure-lambda/crypto-api-client as ` +
      `${caller.arn} (STS-verified proof): identical; without the proof: ${refusal.status} ${refusal.apiCode}`,
  };
}

async function liveAliases(context: SmokeContext, names: readonly string[]): Promise<SmokeCheck> {
  const seen: string[] = [];
  for (const name of names) {
    const alias = await context.clients.lambda.send(
      new GetAliasCommand({ FunctionName: name, Name: 'live' }),
    );
    const { Versions: versions = [] } = await context.clients.lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: name }),
    );
    const published = versions.map((v) => v.Version).filter((v): v is string => !!v && /^\d+$/.test(v));
    const newest = String(Math.max(...published.map(Number)));
    if (published.length === 0 || alias.FunctionVersion !== newest) {
      throw new SmokeCheckError(
        'live alias',
        `${name}:live points at ${alias.FunctionVersion}; the newest published version is ${newest || 'none'}`,
        { resources: [`${name}:live`] },
      );
    }
    seen.push(`${name}:live -> ${newest}`);
  }
  return { name: 'live alias', detail: seen.join('; ') };
}

async function vpcConfigs(context: SmokeContext, names: readonly string[]): Promise<SmokeCheck> {
  const subnets = stateOf(context.state, 'aws_subnet', () => true).map((r) => r.values.id);
  const seen: string[] = [];
  for (const name of names) {
    const config = await functionConfig(context, name);
    const [declared] = stateOf(context.state, 'aws_lambda_function', (v) => v.function_name === name);
    const vpc = (declared?.values.vpc_config as { security_group_ids?: string[] }[] | undefined)?.[0];
    const groups = config.VpcConfig?.SecurityGroupIds ?? [];
    if (
      !sameSet(config.VpcConfig?.SubnetIds ?? [], subnets) ||
      !sameSet(groups, vpc?.security_group_ids ?? [])
    ) {
      throw new SmokeCheckError(
        'vpc_config',
        `${name} has subnets ${JSON.stringify(config.VpcConfig?.SubnetIds)} and groups ${JSON.stringify(groups)}; ` +
          `declared: subnets ${JSON.stringify(subnets)}, groups ${JSON.stringify(vpc?.security_group_ids)}`,
        { resources: [name] },
      );
    }
    seen.push(`${name}: ${subnets.length} private subnets, group ${groups.join(',')}`);
  }
  return { name: 'vpc_config', detail: seen.join('; ') };
}

async function logGroups(context: SmokeContext, names: readonly string[]): Promise<SmokeCheck> {
  const keyArn = context.outputs[StackOutput.KEY_ARN];
  const seen: string[] = [];
  for (const name of names) {
    const groupName = `/aws/lambda/${name}`;
    const [declared] = stateOf(context.state, 'aws_cloudwatch_log_group', (v) => v.name === groupName);
    const { logGroups: found = [] } = await context.clients.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: groupName }),
    );
    const group = found.find((g) => g.logGroupName === groupName);
    const retention = declared?.values.retention_in_days;
    if (!group || !retention || group.retentionInDays !== retention || group.kmsKeyId !== keyArn) {
      throw new SmokeCheckError(
        'log group',
        `${groupName}: ${group ? `retention ${group.retentionInDays}, key ${group.kmsKeyId}` : 'missing'}; ` +
          `declared retention ${retention}, key ${keyArn}`,
        { resources: [groupName] },
      );
    }
    seen.push(`${groupName}: ${group.retentionInDays} days, KMS ${keyArn.split('/').pop()}`);
  }
  return { name: 'log group', detail: seen.join('; ') };
}

async function rolePolicies(context: SmokeContext, names: readonly string[]): Promise<SmokeCheck> {
  const seen: string[] = [];
  for (const name of names) {
    const config = await functionConfig(context, name);
    const roleName = (config.Role ?? '').split('/').pop() as string;
    const declared = stateOf(context.state, 'aws_iam_role_policy', (v) => v.role === roleName);
    const { PolicyNames: inline = [] } = await context.clients.iam.send(
      new ListRolePoliciesCommand({ RoleName: roleName }),
    );
    const { AttachedPolicies: attached = [] } = await context.clients.iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: roleName }),
    );
    const declaredNames = declared.map((r) => r.values.name);
    if (attached.length > 0 || !sameSet(inline, declaredNames)) {
      throw new SmokeCheckError(
        'role policies',
        `${roleName} has inline ${JSON.stringify(inline)} and managed ${JSON.stringify(attached.map((p) => p.PolicyArn))}; ` +
          `declared: inline ${JSON.stringify(declaredNames)}, no managed policies`,
        { resources: [roleName] },
      );
    }
    for (const policy of declared) {
      const live = await context.clients.iam.send(
        new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policy.values.name as string }),
      );
      const document = JSON.parse(decodeURIComponent(live.PolicyDocument ?? '{}'));
      if (canonical(document) !== canonical(JSON.parse(policy.values.policy as string))) {
        throw new SmokeCheckError(
          'role policies',
          `${roleName}/${policy.values.name} differs from the declared document`,
          {
            resources: [policy.address],
          },
        );
      }
    }
    seen.push(`${roleName}: inline ${inline.join(', ')} as declared, no managed policies`);
  }
  return { name: 'role policies', detail: seen.join('; ') };
}

async function keyRotation(context: SmokeContext): Promise<SmokeCheck> {
  const keyArn = context.outputs[StackOutput.KEY_ARN];
  const status = await context.clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }));
  if (!status.KeyRotationEnabled) {
    throw new SmokeCheckError('key rotation', `${keyArn} has rotation off`, { resources: [keyArn] });
  }
  return { name: 'key rotation', detail: `${keyArn.split('/').pop()}: rotation enabled` };
}

/**
 * Exercises the deployed platform through the AWS APIs, as a user would, and checks the security settings
 * that the emulator reports. Throws a SmokeCheckError naming the check and the resource at the first
 * failure; returns what each check saw otherwise.
 */
export async function smokeTest(context: SmokeContext): Promise<SmokeCheck[]> {
  const names = [
    context.outputs[StackOutput.OBJECT_PROCESSOR_FUNCTION_NAME],
    context.outputs[StackOutput.CRYPTO_API_FUNCTION_NAME],
  ];
  const checks: SmokeCheck[] = [];
  const steps: [string, () => Promise<SmokeCheck>][] = [
    ['object round trip', () => objectRoundTrip(context)],
    ['crypto-api round trip', () => cryptoApiRoundTrip(context)],
    ['live alias', () => liveAliases(context, names)],
    ['vpc_config', () => vpcConfigs(context, names)],
    ['log group', () => logGroups(context, names)],
    ['role policies', () => rolePolicies(context, names)],
    ['key rotation', () => keyRotation(context)],
  ];
  for (const [label, step] of steps) {
    try {
      checks.push(await step());
    } catch (error) {
      if (error instanceof SmokeCheckError) throw error;
      throw new SmokeCheckError(label, `an AWS call failed: ${errorMessage(error)}`, { cause: error });
    }
  }
  return checks;
}
