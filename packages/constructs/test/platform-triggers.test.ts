/**
 * The trigger and secret resources as a stack holds them, checked with the same properties as the synth
 * invariants (system-tests/test/synth-invariants.test.ts): a stack with a key, a private network, code
 * signing, the four triggers (S3 by prefix for two functions, Function URL, SQS, schedule) and both secret
 * stores. The invariants hold on the real stacks; this proves each one on a stack that has every case.
 */
import { TerraformStack, Testing } from 'cdktf';
import {
  CodeSigning,
  EncryptionKey,
  PrivateNetwork,
  SecureBucket,
  SecureFunction,
  type SecureFunctionProps,
  SecureSecret,
} from '../src';
import {
  ACCOUNT_ID,
  type Block,
  fakeBundle,
  REGION,
  resourcesOf,
  type StatementJson,
  type SynthesizedJson,
  statementsOf,
} from './fixtures';

/** The stack: what a platform with one function per trigger and a secret per store synthesizes. */
export function allTriggersStack(): SynthesizedJson {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'triggers');
  const key = new EncryptionKey(stack, 'key', { alias: 'triggers', accountId: ACCOUNT_ID, region: REGION });
  const network = new PrivateNetwork(stack, 'network', {
    namePrefix: 'triggers',
    cidrBlock: '10.30.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    accountId: ACCOUNT_ID,
    region: REGION,
    key,
  });
  const where = { key, accountId: ACCOUNT_ID, region: REGION };
  const artifacts = new SecureBucket(stack, 'artifacts', { bucketName: 'triggers-artifacts', ...where });
  const input = new SecureBucket(stack, 'input', { bucketName: 'triggers-input', ...where });
  const codeSigning = new CodeSigning(stack, 'signing', {
    profileName: 'triggers',
    artifactBucket: artifacts,
  });
  const bundlePath = fakeBundle();
  const fn = (name: string, props: Partial<SecureFunctionProps> = {}) =>
    new SecureFunction(stack, name, {
      functionName: name,
      bundlePath,
      network,
      codeSigning,
      alarmDelivery: { emails: ['oncall@example.com'] },
      ...where,
      ...props,
    });

  const processor = fn('processor');
  input.notifyOnObjectCreated(processor, { prefix: 'incoming/' });
  input.grantRead(processor, { prefix: 'incoming/' });
  const indexer = fn('indexer');
  input.notifyOnObjectCreated(indexer, { prefix: 'documents/' });

  const api = fn('api');
  api.addFunctionUrl();
  const worker = fn('worker', { timeout: 60 });
  worker.addQueueTrigger({ maximumConcurrency: 5 }).grantSend(api);
  const cron = fn('cron', { permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT_ID}:policy/boundary` });
  cron.addSchedule({ expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris', input: { job: 'cleanup' } });

  new SecureSecret(stack, 'api-token', {
    name: 'triggers/api-token',
    store: 'secretsmanager',
    ...where,
  }).grantRead(api);
  new SecureSecret(stack, 'db-password', { name: '/triggers/db-password', store: 'ssm', ...where }).grantRead(
    worker,
  );
  return JSON.parse(Testing.synth(stack)) as SynthesizedJson;
}

const json = allTriggersStack();
const address = (type: string, name: string) => `${type}.${name}`;
const ofType = (type: string) =>
  resourcesOf(json, type).map(([name, b]) => [address(type, name), b] as const);
const find = (type: string, reference: unknown, attribute: string): Block | undefined => {
  const match = new RegExp(`^\\$\\{(${type}\\.[^.]+)\\.${attribute}\\}$`).exec(String(reference))?.[1];
  return ofType(type).find(([a]) => a === match)?.[1];
};
/** The statements of every inline policy of a role (referenced by its id or its name). */
const policyOfRole = (roleAddress: string): StatementJson[] =>
  ofType('aws_iam_role_policy')
    .filter(([, p]) => [`\${${roleAddress}.id}`, `\${${roleAddress}.name}`].includes(String(p.role)))
    .flatMap(([, p]) => statementsOf(json, p.policy));

test('the stack has every case: two S3 prefixes, a URL, a queue, a schedule, a secret in each store', () => {
  const counts = Object.fromEntries(
    [
      'aws_lambda_function',
      'aws_s3_bucket_notification',
      'aws_lambda_function_url',
      'aws_lambda_event_source_mapping',
      'aws_scheduler_schedule',
      'aws_scheduler_schedule_group',
      'aws_secretsmanager_secret',
      'aws_ssm_parameter',
      'aws_sqs_queue',
      'aws_sqs_queue_policy',
    ].map((type) => [type, resourcesOf(json, type).length]),
  );
  expect(counts).toEqual({
    aws_lambda_function: 5,
    aws_s3_bucket_notification: 1,
    aws_lambda_function_url: 1,
    aws_lambda_event_source_mapping: 1,
    aws_scheduler_schedule: 1,
    aws_scheduler_schedule_group: 1,
    aws_secretsmanager_secret: 1,
    aws_ssm_parameter: 1,
    // A DLQ per function, the worker's queue and its DLQ, the schedule's DLQ.
    aws_sqs_queue: 8,
    aws_sqs_queue_policy: 8,
  });
});

test('every queue: encrypted with the key and a TLS-only queue policy, which only denies', () => {
  for (const [queueAddress, queue] of ofType('aws_sqs_queue')) {
    expect(String(queue.kms_master_key_id)).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
    const own = ofType('aws_sqs_queue_policy').filter(([, p]) => p.queue_url === `\${${queueAddress}.url}`);
    expect(own).toHaveLength(1);
    const statements = statementsOf(json, own[0]![1].policy);
    expect(statements).toEqual([
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['sqs:*'],
        resources: [`arn:aws:sqs:eu-west-1:111111111111:${String(queue.name)}`],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ]);
  }
});

test('every SQS trigger: the live alias, partial batches, bounded concurrency, visibility >= 6x timeout, a watched DLQ only it feeds', () => {
  for (const [, mapping] of ofType('aws_lambda_event_source_mapping')) {
    expect(mapping).toMatchObject({
      function_response_types: ['ReportBatchItemFailures'],
      scaling_config: { maximum_concurrency: 5 },
    });
    const alias = find('aws_lambda_alias', mapping.function_name, 'arn');
    expect(alias?.name).toBe('live');
    const fn = find('aws_lambda_function', alias?.function_name, 'function_name');
    const queue = find('aws_sqs_queue', mapping.event_source_arn, 'arn');
    expect(queue?.visibility_timeout_seconds).toBe(6 * (fn?.timeout as number));
    const dlqAddress = /deadLetterTargetArn" = (aws_sqs_queue\.[^.]+)\.arn/.exec(
      String(queue?.redrive_policy),
    )?.[1];
    const dlq = ofType('aws_sqs_queue').find(([a]) => a === dlqAddress)?.[1];
    expect(JSON.parse(String(dlq?.redrive_allow_policy))).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [`arn:aws:sqs:eu-west-1:111111111111:${String(queue?.name)}`],
    });
    const alarms = ofType('aws_cloudwatch_metric_alarm').filter(
      ([, a]) => (a.dimensions as Block | undefined)?.QueueName === `\${${dlqAddress}.name}`,
    );
    expect(alarms.map(([, a]) => [a.metric_name, (a.alarm_actions as string[]).length])).toEqual([
      ['ApproximateNumberOfMessagesVisible', 1],
    ]);
  }
});

test('every schedule: payload under the key, no flexible window, bounded retries, a watched DLQ, a role only Scheduler can assume for its group', () => {
  for (const [, schedule] of ofType('aws_scheduler_schedule')) {
    expect(String(schedule.kms_key_arn)).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
    expect(schedule.flexible_time_window).toEqual({ mode: 'OFF' });
    const target = schedule.target as Block;
    expect(find('aws_lambda_alias', target.arn, 'arn')?.name).toBe('live');
    expect(target.retry_policy).toEqual({ maximum_retry_attempts: 3, maximum_event_age_in_seconds: 3600 });
    const dlq = find('aws_sqs_queue', (target.dead_letter_config as Block).arn, 'arn');
    expect(dlq?.name).toBe('cron-schedule-dlq');
    const group = find('aws_scheduler_schedule_group', schedule.group_name, 'name');
    expect(group?.name).toBe('cron');
    const roleAddress = /^\$\{(aws_iam_role\.[^.]+)\.arn\}$/.exec(String(target.role_arn))![1]!;
    const role = ofType('aws_iam_role').find(([a]) => a === roleAddress)![1];
    expect(role.permissions_boundary).toBe('arn:aws:iam::111111111111:policy/boundary');
    expect(statementsOf(json, role.assume_role_policy)).toEqual([
      expect.objectContaining({
        principals: [{ type: 'Service', identifiers: ['scheduler.amazonaws.com'] }],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111111111111'] },
          {
            test: 'ArnEquals',
            variable: 'aws:SourceArn',
            values: ['arn:aws:scheduler:eu-west-1:111111111111:schedule-group/cron'],
          },
        ],
      }),
    ]);
    const invokes = policyOfRole(roleAddress).filter((s) => s.actions.some((a) => a.startsWith('lambda:')));
    expect(invokes.map((s) => [s.actions, s.resources])).toEqual([
      [['lambda:InvokeFunction'], ['arn:aws:lambda:eu-west-1:111111111111:function:cron:live']],
    ]);
  }
});

test('every secret: under the key, no version, and an SSM value never read back into state', () => {
  for (const [, secret] of ofType('aws_secretsmanager_secret')) {
    expect(String(secret.kms_key_id)).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
    expect(secret.recovery_window_in_days).toBe(30);
  }
  for (const [, parameter] of ofType('aws_ssm_parameter')) {
    expect(parameter).toMatchObject({ type: 'SecureString', value_wo_version: 1 });
    expect(String(parameter.key_id)).toMatch(/^\$\{aws_kms_key\.[^.]+\.arn\}$/);
    expect([parameter.value, parameter.insecure_value]).toEqual([undefined, undefined]);
  }
  expect(resourcesOf(json, 'aws_secretsmanager_secret_version')).toEqual([]);
});

test('[TM-KMS-01] the key policy: every use by the account is bound to a named role or to one service', () => {
  const [, key] = ofType('aws_kms_key')[0]!;
  const use = /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/;
  const checked = statementsOf(json, key.policy).filter(
    (s) =>
      s.effect === 'Allow' &&
      (s.principals ?? []).some((p) => p.type === 'AWS') &&
      s.actions.some((a) => use.test(a)),
  );
  expect(checked.length).toBeGreaterThan(10);
  for (const s of checked) {
    const variables = (s.condition ?? []).map((c) => c.variable);
    expect({
      sid: s.sid,
      bound: variables.includes('aws:PrincipalArn') || variables.includes('kms:ViaService'),
    }).toEqual({ sid: s.sid, bound: true });
  }
});

test('every role: service principals bound to the account; no wildcard action; Resource "*" only where AWS has nothing narrower', () => {
  const wildcardSids = new Set(['DescribeNetworkInterfaces', 'SendTraces']);
  for (const [roleAddress, role] of ofType('aws_iam_role')) {
    for (const s of statementsOf(json, role.assume_role_policy)) {
      expect(s.principals?.every((p) => p.type === 'Service')).toBe(true);
      expect(s.condition?.map((c) => c.variable)).toContain('aws:SourceAccount');
    }
    for (const s of policyOfRole(roleAddress)) {
      for (const action of s.actions) expect(action).not.toMatch(/(^\*$)|(:\*$)/);
      if ((s.resources ?? []).includes('*') && s.effect !== 'Deny')
        expect(wildcardSids.has(s.sid)).toBe(true);
    }
  }
});

test('endpoints: exactly what the grants use (the SQS consumer and Scheduler need none)', () => {
  const services = ofType('aws_vpc_endpoint')
    .map(([, e]) => String(e.service_name).replace('com.amazonaws.eu-west-1.', ''))
    .sort();
  expect(services).toEqual(['s3', 'secretsmanager', 'sqs', 'ssm']);
});
