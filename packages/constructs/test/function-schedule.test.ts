import type { ScheduleTriggerOptions, SecureFunctionProps } from '../src';
import { scheduleExpressionProblem } from '../src/private/schedule-expression';
import {
  conditionsOf,
  errorOf,
  functionStack,
  keyPolicy,
  logicalIdOf,
  refTo,
  resourceAt,
  resourcesOf,
  statementsOf,
} from './fixtures';

const SCHEDULE_ARN = 'arn:aws:scheduler:eu-west-1:111111111111:schedule/worker/worker';
const GROUP_ARN = 'arn:aws:scheduler:eu-west-1:111111111111:schedule-group/worker';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:111111111111:worker-schedule-dlq';
const ALIAS_ARN = 'arn:aws:lambda:eu-west-1:111111111111:function:worker:live';
const ROLE_ARN = 'arn:aws:iam::111111111111:role/worker-scheduler';

function build(
  options: Partial<ScheduleTriggerOptions> = {},
  fnProps: Partial<SecureFunctionProps> = {},
  name = 'worker',
) {
  const f = functionStack();
  const fn = f.fn(name, fnProps);
  const schedule = fn.addSchedule({ expression: 'rate(5 minutes)', ...options });
  return { ...f, fn, schedule, json: f.synth() };
}

describe('FunctionSchedule defaults', () => {
  const { json, fn, schedule, network } = build();
  const role = resourceAt(json, 'aws_iam_role', 'worker/schedule/role');
  const policy = statementsOf(
    json,
    resourceAt(json, 'aws_iam_role_policy', 'worker/schedule/role-policy').policy,
  );

  test('the schedule: its own group, no flexible window, payload under the key, the live alias, retries and a DLQ', () => {
    expect(resourceAt(json, 'aws_scheduler_schedule', 'worker/schedule/schedule')).toEqual({
      name: 'worker',
      group_name: refTo(json, 'aws_scheduler_schedule_group', 'worker/schedule/group', 'name'),
      description: '',
      schedule_expression: 'rate(5 minutes)',
      schedule_expression_timezone: 'UTC',
      flexible_time_window: { mode: 'OFF' },
      kms_key_arn: refTo(json, 'aws_kms_key', 'key/key', 'arn'),
      state: 'ENABLED',
      target: {
        arn: refTo(json, 'aws_lambda_alias', 'worker/live/alias', 'arn'),
        role_arn: refTo(json, 'aws_iam_role', 'worker/schedule/role', 'arn'),
        retry_policy: { maximum_retry_attempts: 3, maximum_event_age_in_seconds: 3600 },
        dead_letter_config: { arn: refTo(json, 'aws_sqs_queue', 'worker/schedule/dlq', 'arn') },
      },
      depends_on: [
        `aws_iam_role_policy.${logicalIdOf(json, 'aws_iam_role_policy', 'worker/schedule/role-policy')}`,
      ],
    });
    expect(resourceAt(json, 'aws_scheduler_schedule_group', 'worker/schedule/group')).toEqual({
      name: 'worker',
    });
    expect(schedule.scheduleArn).toBe(SCHEDULE_ARN);
    expect(fn.schedule).toBe(schedule);
  });

  test('its DLQ: CMK-encrypted, 14 days, TLS-only', () => {
    expect(resourceAt(json, 'aws_sqs_queue', 'worker/schedule/dlq')).toMatchObject({
      name: 'worker-schedule-dlq',
      kms_master_key_id: refTo(json, 'aws_kms_key', 'key/key', 'arn'),
      message_retention_seconds: 1_209_600,
    });
    const queuePolicy = resourceAt(json, 'aws_sqs_queue_policy', 'worker/schedule/dlq-policy');
    expect(statementsOf(json, queuePolicy.policy)).toEqual([
      expect.objectContaining({
        effect: 'Deny',
        actions: ['sqs:*'],
        resources: [DLQ_ARN],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      }),
    ]);
  });

  test('the role: only Scheduler, for schedules of this account in this function group, and no boundary unless the function has one', () => {
    expect(role).toMatchObject({ name: 'worker-scheduler' });
    expect(role.permissions_boundary).toBeUndefined();
    expect(statementsOf(json, role.assume_role_policy)).toEqual([
      {
        sid: 'SchedulerForThisFunctionsGroup',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['scheduler.amazonaws.com'] }],
        actions: ['sts:AssumeRole'],
        resources: [],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111111111111'] },
          { test: 'ArnEquals', variable: 'aws:SourceArn', values: [GROUP_ARN] },
        ],
      },
    ]);
  });

  test('the role may invoke the live alias, send to its DLQ through SQS, and decrypt its own payload: nothing else', () => {
    expect(policy.map((s) => [s.sid, s.actions, s.resources, conditionsOf(s)])).toEqual([
      ['InvokeLiveAlias', ['lambda:InvokeFunction'], [ALIAS_ARN], []],
      ['SendFailedInvocationsToOwnDlq', ['sqs:SendMessage'], [DLQ_ARN], []],
      [
        expect.stringMatching(/^KmsKeyViaSqs/),
        ['kms:Decrypt', 'kms:GenerateDataKey'],
        [refTo(json, 'aws_kms_key', 'key/key', 'arn')],
        [
          `StringEquals kms:EncryptionContext:aws:sqs:arn ${DLQ_ARN}`,
          'StringEquals kms:ViaService sqs.eu-west-1.amazonaws.com',
        ],
      ],
      [
        'DecryptOwnSchedulePayload',
        ['kms:Decrypt'],
        [refTo(json, 'aws_kms_key', 'key/key', 'arn')],
        [`StringEquals kms:EncryptionContext:aws:scheduler:schedule:arn ${SCHEDULE_ARN}`],
      ],
    ]);
  });

  test('the key policy: the role decrypts only this payload; deployers encrypt it only through Scheduler', () => {
    const forPayload = keyPolicy(json).filter((s) =>
      conditionsOf(s).includes(
        `StringEquals kms:EncryptionContext:aws:scheduler:schedule:arn ${SCHEDULE_ARN}`,
      ),
    );
    expect(forPayload.map((s) => [s.actions, s.principals, conditionsOf(s)])).toEqual([
      [
        ['kms:Decrypt'],
        [{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:root'] }],
        [
          `ArnEquals aws:PrincipalArn ${ROLE_ARN}`,
          `StringEquals kms:EncryptionContext:aws:scheduler:schedule:arn ${SCHEDULE_ARN}`,
        ],
      ],
      [
        ['kms:Decrypt', 'kms:GenerateDataKey'],
        [{ type: 'AWS', identifiers: ['arn:aws:iam::111111111111:root'] }],
        [
          `StringEquals kms:EncryptionContext:aws:scheduler:schedule:arn ${SCHEDULE_ARN}`,
          'StringEquals kms:ViaService scheduler.eu-west-1.amazonaws.com',
        ],
      ],
    ]);
    const forDlq = keyPolicy(json).find((s) =>
      conditionsOf(s).includes(`StringEquals kms:EncryptionContext:aws:sqs:arn ${DLQ_ARN}`),
    );
    expect(conditionsOf(forDlq)).toContain(`ArnEquals aws:PrincipalArn ${ROLE_ARN}`);
  });

  test('a DLQ-depth alarm to the function alarm topic', () => {
    expect(schedule.alarms).toHaveLength(1);
    expect(
      resourceAt(json, 'aws_cloudwatch_metric_alarm', 'worker/schedule/alarm-dead-letters'),
    ).toMatchObject({
      alarm_name: 'worker-schedule-dead-letters',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: refTo(json, 'aws_sqs_queue', 'worker/schedule/dlq', 'name') },
      threshold: 1,
      alarm_actions: [refTo(json, 'aws_sns_topic', 'worker/alarm-topic', 'arn')],
    });
  });

  test('Scheduler invokes from outside the VPC: no endpoint, and the function role is unchanged', () => {
    expect(network.used).toEqual([]);
    expect(fn.statements.map((s) => s.sid)).not.toContain('InvokeLiveAlias');
  });
});

describe('FunctionSchedule options', () => {
  test('time zone, retries, input and description; the role takes the function boundary', () => {
    const { json } = build(
      {
        expression: 'cron(0 3 ? * MON-FRI *)',
        timezone: 'Europe/Paris',
        retry: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 86_400 },
        input: { job: 'cleanup', days: 7 },
        description: 'nightly cleanup',
      },
      { permissionsBoundaryArn: 'arn:aws:iam::111111111111:policy/boundary' },
    );
    expect(resourceAt(json, 'aws_scheduler_schedule', 'worker/schedule/schedule')).toMatchObject({
      schedule_expression: 'cron(0 3 ? * MON-FRI *)',
      schedule_expression_timezone: 'Europe/Paris',
      description: 'nightly cleanup',
      target: {
        input: '{"job":"cleanup","days":7}',
        retry_policy: { maximum_retry_attempts: 0, maximum_event_age_in_seconds: 86_400 },
      },
    });
    expect(resourceAt(json, 'aws_iam_role', 'worker/schedule/role').permissions_boundary).toBe(
      'arn:aws:iam::111111111111:policy/boundary',
    );
  });

  test.each([
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(1 day)',
    'cron(0 3 * * ? *)',
    'cron(0/15 8-18 ? * MON-FRI *)',
    'cron(0 10 L * ? 2030)',
    'at(2030-01-31T09:00:00)',
  ])('%s is accepted', (expression) => {
    expect(scheduleExpressionProblem(expression)).toBeUndefined();
    expect(resourcesOf(build({ expression }).json, 'aws_scheduler_schedule')).toHaveLength(1);
  });

  test.each([
    ['rate(5 minute)', 'use "minutes" with a value other than 1: rate(5 minutes)'],
    ['rate(1 minutes)', 'use "minute" with a value of 1: rate(1 minute)'],
    ['rate(0 minutes)', 'a rate needs a value of 1 or more'],
    ['rate(5 weeks)', 'use rate(5 minutes), cron(0 3 * * ? *) or at(2030-01-31T09:00:00)'],
    ['cron(0 3 * * *)', 'six fields'],
    ['cron(0 3 * * * *)', 'exactly one of day-of-month'],
    ['cron(0 3 ? * ? *)', 'exactly one of day-of-month'],
    ['cron(0 3 * * ? $(id))', 'digits, names'],
    ['at(2030-02-30T09:00:00)', 'that date and time does not exist'],
    ['at(2030-01-31 09:00:00)', 'use rate('],
    ['every day', 'use rate('],
  ])('%s is refused: %s', (expression, message) => {
    const error = errorOf(() => build({ expression }));
    expect(error).toMatchObject({
      code: 'INVALID_PROP',
      prop: 'expression',
      constructPath: 'stack/worker/schedule',
    });
    expect(error.message).toContain(message);
  });

  test.each<[Partial<ScheduleTriggerOptions>, string, string]>([
    [{ timezone: 'Mars/Olympus_Mons' }, 'timezone', 'is not an IANA time zone'],
    [{ retry: { maximumRetryAttempts: 186 } }, 'retry.maximumRetryAttempts', '186 is outside 0..185'],
    [{ retry: { maximumEventAgeSeconds: 59 } }, 'retry.maximumEventAgeSeconds', '59 is outside 60..86400'],
    [{ input: [1, 2] as unknown as Record<string, unknown> }, 'input', 'pass a JSON object'],
  ])('%j is refused (%s)', (options, prop, message) => {
    const error = errorOf(() => build(options));
    expect(error).toMatchObject({ code: 'INVALID_PROP', prop });
    expect(error.message).toContain(message);
  });

  test('a function name that leaves no room for "-scheduler" in a role name is refused', () => {
    const name = 'f'.repeat(55);
    const error = errorOf(() => build({}, {}, name));
    expect(error).toMatchObject({ code: 'INVALID_PROP', prop: 'functionName' });
    expect(error.message).toContain('use at most 54');
    expect(resourcesOf(build({}, {}, 'f'.repeat(54)).json, 'aws_iam_role')).toHaveLength(2);
  });

  test('one schedule per function', () => {
    const f = functionStack();
    const fn = f.fn('worker');
    fn.addSchedule({ expression: 'rate(1 hour)' });
    const error = errorOf(() => fn.addSchedule({ expression: 'rate(2 hours)' }));
    expect(error).toMatchObject({ code: 'INVALID_PROP', prop: 'schedule' });
    expect(error.message).toContain('a function has one schedule trigger');
  });
});
