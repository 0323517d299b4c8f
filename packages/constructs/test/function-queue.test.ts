import { FunctionQueue, type QueueTriggerOptions, type SecureFunctionProps } from '../src';
import {
  conditionsOf,
  errorOf,
  fakeGrantee,
  functionStack,
  keyPolicy,
  logicalIdOf,
  refTo,
  resourceAt,
  resourcesOf,
  statementsOf,
} from './fixtures';

const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:111111111111:worker-queue';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:111111111111:worker-queue-dlq';

function build(options: QueueTriggerOptions = {}, fnProps: Partial<SecureFunctionProps> = {}) {
  const f = functionStack();
  const fn = f.fn('worker', fnProps);
  const queue = fn.addQueueTrigger(options);
  return { ...f, fn, queue, json: f.synth() };
}

describe('FunctionQueue defaults', () => {
  const { json, fn, queue, network } = build();
  const roleStatements = statementsOf(
    json,
    resourceAt(json, 'aws_iam_role_policy', 'worker/role-policy').policy,
  );

  test('the queue: CMK-encrypted, 4-day retention, visibility 6 x the 30 s timeout, redrive to its DLQ after 5 receives', () => {
    expect(resourceAt(json, 'aws_sqs_queue', 'worker/queue/queue')).toEqual({
      name: 'worker-queue',
      kms_master_key_id: refTo(json, 'aws_kms_key', 'key/key', 'arn'),
      kms_data_key_reuse_period_seconds: 300,
      message_retention_seconds: 345_600,
      visibility_timeout_seconds: 180,
      redrive_policy: `\${jsonencode({"deadLetterTargetArn" = ${refTo(json, 'aws_sqs_queue', 'worker/queue/dlq', 'arn').slice(2, -1)}, "maxReceiveCount" = 5})}`,
    });
  });

  test('its dead-letter queue: CMK-encrypted, 14-day retention, and only this queue may redrive into it', () => {
    const dlq = resourceAt(json, 'aws_sqs_queue', 'worker/queue/dlq');
    expect(dlq).toMatchObject({
      name: 'worker-queue-dlq',
      kms_master_key_id: refTo(json, 'aws_kms_key', 'key/key', 'arn'),
      message_retention_seconds: 1_209_600,
    });
    expect(JSON.parse(String(dlq.redrive_allow_policy))).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [QUEUE_ARN],
    });
  });

  test.each([
    ['queue', QUEUE_ARN],
    ['dlq', DLQ_ARN],
  ])(
    'the %s has a TLS-only queue policy: every SQS action over plain HTTP is denied to everyone',
    (id, arn) => {
      const policy = resourceAt(json, 'aws_sqs_queue_policy', `worker/queue/${id}-policy`);
      expect(policy.queue_url).toBe(refTo(json, 'aws_sqs_queue', `worker/queue/${id}`, 'url'));
      expect(statementsOf(json, policy.policy)).toEqual([
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['sqs:*'],
          resources: [arn],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
      ]);
    },
  );

  test('the event source mapping: the live alias, batches of 10, partial batch responses, at most 2 concurrent invocations', () => {
    expect(resourceAt(json, 'aws_lambda_event_source_mapping', 'worker/queue/event-source')).toEqual({
      event_source_arn: refTo(json, 'aws_sqs_queue', 'worker/queue/queue', 'arn'),
      function_name: refTo(json, 'aws_lambda_alias', 'worker/live/alias', 'arn'),
      batch_size: 10,
      function_response_types: ['ReportBatchItemFailures'],
      scaling_config: { maximum_concurrency: 2 },
      // Lambda checks the role's SQS permissions when the mapping is created.
      depends_on: [`aws_iam_role_policy.${logicalIdOf(json, 'aws_iam_role_policy', 'worker/role-policy')}`],
    });
  });

  test('the role may consume this queue only, and decrypt through SQS for this queue and its DLQ only', () => {
    expect(roleStatements.find((s) => s.sid === 'ConsumeQueueOfWorker')).toEqual({
      sid: 'ConsumeQueueOfWorker',
      effect: 'Allow',
      actions: [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ChangeMessageVisibility',
      ],
      resources: [QUEUE_ARN],
    });
    const viaSqs = roleStatements.filter((s) =>
      conditionsOf(s).some((c) => c.startsWith('StringEquals kms:ViaService sqs.')),
    );
    expect(viaSqs.map((s) => conditionsOf(s))).toEqual(
      ['arn:aws:sqs:eu-west-1:111111111111:worker-dlq', QUEUE_ARN, DLQ_ARN].map((arn) => [
        `StringEquals kms:EncryptionContext:aws:sqs:arn ${arn}`,
        'StringEquals kms:ViaService sqs.eu-west-1.amazonaws.com',
      ]),
    );
    for (const s of viaSqs) expect(s.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    // Nothing else about the queue: no send, no purge, no other queue.
    const sqsActions = roleStatements.flatMap((s) =>
      s.actions.filter((a) => a.startsWith('sqs:')).map((a) => [a, s.resources]),
    );
    expect(sqsActions).toEqual([
      ['sqs:SendMessage', [refTo(json, 'aws_sqs_queue', 'worker/dlq', 'arn')]],
      ['sqs:ReceiveMessage', [QUEUE_ARN]],
      ['sqs:DeleteMessage', [QUEUE_ARN]],
      ['sqs:GetQueueAttributes', [QUEUE_ARN]],
      ['sqs:ChangeMessageVisibility', [QUEUE_ARN]],
    ]);
  });

  test('the key policy names the role for this queue, through SQS only', () => {
    const statement = keyPolicy(json).find((s) =>
      conditionsOf(s).includes(`StringEquals kms:EncryptionContext:aws:sqs:arn ${QUEUE_ARN}`),
    );
    expect(conditionsOf(statement)).toEqual([
      'ArnEquals aws:PrincipalArn arn:aws:iam::111111111111:role/worker-role',
      `StringEquals kms:EncryptionContext:aws:sqs:arn ${QUEUE_ARN}`,
      'StringEquals kms:ViaService sqs.eu-west-1.amazonaws.com',
    ]);
  });

  test('Lambda polls from outside the VPC: consuming adds no SQS endpoint', () => {
    expect(fn.services).not.toContain('sqs');
    expect(network.used).not.toContain('sqs');
  });

  test('an alarm on the DLQ depth goes to the function alarm topic, at the function threshold', () => {
    expect(queue.alarms).toHaveLength(1);
    expect(resourceAt(json, 'aws_cloudwatch_metric_alarm', 'worker/queue/alarm-dead-letters')).toMatchObject({
      alarm_name: 'worker-queue-dead-letters',
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: refTo(json, 'aws_sqs_queue', 'worker/queue/dlq', 'name') },
      statistic: 'Maximum',
      threshold: 1,
      comparison_operator: 'GreaterThanOrEqualToThreshold',
      alarm_actions: [refTo(json, 'aws_sns_topic', 'worker/alarm-topic', 'arn')],
      ok_actions: [refTo(json, 'aws_sns_topic', 'worker/alarm-topic', 'arn')],
    });
  });

  test('names, ARN and URL for the producers', () => {
    expect(queue.queueName).toBe('worker-queue');
    expect(queue.queueArn).toBe(QUEUE_ARN);
    expect(fn.queue).toBe(queue);
  });
});

describe('FunctionQueue options', () => {
  test('batch size, window, concurrency, receives and visibility are passed through', () => {
    const { json } = build(
      {
        batchSize: 50,
        maximumBatchingWindowSeconds: 5,
        maximumConcurrency: 20,
        maxReceiveCount: 3,
        visibilityTimeoutSeconds: 900,
      },
      { timeout: 60, alarms: { deadLetterMessages: 4 } },
    );
    expect(resourceAt(json, 'aws_lambda_event_source_mapping', 'worker/queue/event-source')).toMatchObject({
      batch_size: 50,
      maximum_batching_window_in_seconds: 5,
      scaling_config: { maximum_concurrency: 20 },
    });
    const queue = resourceAt(json, 'aws_sqs_queue', 'worker/queue/queue');
    expect(queue.visibility_timeout_seconds).toBe(900);
    expect(String(queue.redrive_policy)).toContain('"maxReceiveCount" = 3');
    expect(resourceAt(json, 'aws_cloudwatch_metric_alarm', 'worker/queue/alarm-dead-letters').threshold).toBe(
      4,
    );
  });

  test('the visibility timeout follows the function timeout and the window: 6 x 120 s + 10 s', () => {
    const { json } = build({ maximumBatchingWindowSeconds: 10 }, { timeout: 120 });
    expect(resourceAt(json, 'aws_sqs_queue', 'worker/queue/queue').visibility_timeout_seconds).toBe(730);
  });

  test('a batch above 10 gets the 1-second window Lambda requires', () => {
    const { json } = build({ batchSize: 100 });
    expect(resourceAt(json, 'aws_lambda_event_source_mapping', 'worker/queue/event-source')).toMatchObject({
      batch_size: 100,
      maximum_batching_window_in_seconds: 1,
    });
  });

  test.each<[QueueTriggerOptions, string, string]>([
    [{ maximumConcurrency: 1 }, 'maximumConcurrency', '1 is outside 2..1000'],
    [{ maximumConcurrency: 1001 }, 'maximumConcurrency', '1001 is outside 2..1000'],
    [{ maximumConcurrency: 2.5 }, 'maximumConcurrency', '2.5 is outside 2..1000'],
    [{ batchSize: 0 }, 'batchSize', '0 is outside 1..10000'],
    [{ maxReceiveCount: 0 }, 'maxReceiveCount', '0 is outside 1..1000'],
    [{ maximumBatchingWindowSeconds: 301 }, 'maximumBatchingWindowSeconds', '301 is outside 0..300'],
    [
      { batchSize: 20, maximumBatchingWindowSeconds: 0 },
      'maximumBatchingWindowSeconds',
      'needs a batching window of at least 1 second',
    ],
    [{ visibilityTimeoutSeconds: 179 }, 'visibilityTimeoutSeconds', '179 s is below 180 s, six times'],
    [{ visibilityTimeoutSeconds: 43_201 }, 'visibilityTimeoutSeconds', '43201 is outside 0..43200'],
  ])('%j is refused (%s)', (options, prop, message) => {
    const error = errorOf(() => build(options));
    expect(error).toMatchObject({ code: 'INVALID_PROP', prop, constructPath: 'stack/worker/queue' });
    expect(error.message).toContain(message);
  });

  test('a second addQueueTrigger returns the queue; with other options it is refused', () => {
    const f = functionStack();
    const fn = f.fn('worker');
    const queue = fn.addQueueTrigger({ batchSize: 5 });
    expect(fn.addQueueTrigger({ batchSize: 5 })).toBe(queue);
    const error = errorOf(() => fn.addQueueTrigger({ batchSize: 6 }));
    expect(error).toMatchObject({ code: 'INVALID_PROP', prop: 'queue' });
    expect(error.message).toContain('a function has one queue trigger');
    expect(queue).toBeInstanceOf(FunctionQueue);
  });
});

describe('FunctionQueue.grantSend', () => {
  test('send to this queue only, encrypt through SQS for this queue only, and reach SQS through its endpoint', () => {
    const f = functionStack();
    const queue = f.fn('worker').addQueueTrigger();
    const producer = fakeGrantee();
    const grant = queue.grantSend(producer);
    expect(grant.statements).toEqual([
      { sid: 'SendToQueueOfWorker', actions: ['sqs:SendMessage'], resources: [QUEUE_ARN] },
      expect.objectContaining({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [f.key.keyArn],
        conditions: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: ['sqs.eu-west-1.amazonaws.com'] },
          { test: 'StringEquals', variable: 'kms:EncryptionContext:aws:sqs:arn', values: [QUEUE_ARN] },
        ],
      }),
    ]);
    expect(producer.services).toEqual(['sqs']);
    // Granting twice adds nothing.
    queue.grantSend(producer);
    expect(producer.statements).toHaveLength(2);
    const statement = keyPolicy(f.synth()).find((s) =>
      conditionsOf(s).includes('ArnEquals aws:PrincipalArn arn:aws:iam::111111111111:role/fn-role'),
    );
    expect(conditionsOf(statement)).toContain(`StringEquals kms:EncryptionContext:aws:sqs:arn ${QUEUE_ARN}`);
  });

  test('between two platform functions: the producer role gets the statements and the SQS endpoint', () => {
    const f = functionStack();
    const worker = f.fn('worker');
    const api = f.fn('api');
    worker.addQueueTrigger().grantSend(api);
    const json = f.synth();
    const statements = statementsOf(json, resourceAt(json, 'aws_iam_role_policy', 'api/role-policy').policy);
    expect(statements.find((s) => s.sid === 'SendToQueueOfWorker')?.resources).toEqual([QUEUE_ARN]);
    expect(api.services).toContain('sqs');
    expect(resourcesOf(json, 'aws_lambda_event_source_mapping')).toHaveLength(1);
  });
});
