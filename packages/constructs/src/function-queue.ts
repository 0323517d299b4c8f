import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { Defaults } from './constants';
import { InvalidPropError } from './errors';
import { applyGrant, type Grant, type IGrantee, sid } from './grants';
import { encryptedQueue } from './private/encrypted-queue';
import { deadLetterAlarm, TriggerDefaults, wholeNumberIn } from './private/trigger-defaults';
import type { SecureFunction } from './secure-function';

/** How a queue feeds its function. Every field is optional: the defaults are the safe, small choice. */
export interface QueueTriggerOptions {
  /**
   * Messages per invocation, 1..10000. Above 10, Lambda requires a batching window of at least 1 s.
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Seconds Lambda waits to fill a batch, 0..300.
   * @default 0 (1 when batchSize is above 10)
   */
  readonly maximumBatchingWindowSeconds?: number;
  /**
   * The most concurrent invocations this queue drives, 2..1000 (Lambda's range for SQS). It bounds what
   * a flood of messages can cost and leaves concurrency for the rest of the account.
   * @default 2
   */
  readonly maximumConcurrency?: number;
  /**
   * Receives before SQS moves a message to the dead-letter queue, 1..1000.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Seconds a received message stays invisible to other consumers. At least 6 times the function timeout
   * plus the batching window (AWS's guidance, so a throttled or retried batch is not received twice while
   * in flight), at most 43200 (12 hours).
   * @default 6 x timeout + batching window
   */
  readonly visibilityTimeoutSeconds?: number;
}

export interface FunctionQueueProps extends QueueTriggerOptions {
  /** The consumer. */
  readonly function: SecureFunction;
}

/** SQS's limits and Lambda's for SQS event sources. */
const LIMITS = {
  batchSize: [1, 10_000],
  maximumBatchingWindowSeconds: [0, 300],
  maximumConcurrency: [2, 1000],
  maxReceiveCount: [1, 1000],
  visibilityTimeoutSeconds: [0, 43_200],
} as const satisfies Record<keyof QueueTriggerOptions, readonly [number, number]>;

/** Above this batch size Lambda requires a batching window. */
const MAX_BATCH_WITHOUT_WINDOW = 10;
/** AWS's guidance: the queue's visibility timeout is at least six times the function's timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * The SQS trigger of a function (`fn.addQueueTrigger()`): a queue `<fn>-queue` encrypted with the platform
 * key, its dead-letter queue `<fn>-queue-dlq` (redrive after `maxReceiveCount` receives; only this queue
 * may redrive into it), TLS-only queue policies on both, an event source mapping on the `live` alias with
 * partial batch responses and a maximum concurrency, and an alarm on the dead-letter queue's depth.
 *
 * The function's role may receive, delete and change the visibility of messages of this queue only, and
 * decrypt them only through SQS for this queue. Lambda polls the queue from outside the VPC with the
 * function's role: the function needs no SQS endpoint to consume. Producers get `grantSend`.
 *
 * @example
 * ```ts
 * const queue = worker.addQueueTrigger({ batchSize: 5 });
 * queue.grantSend(api);
 * ```
 */
export class FunctionQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly eventSourceMapping: LambdaEventSourceMapping;
  /** The alarm on the dead-letter queue's depth, sent to the function's alarm topic. */
  readonly alarms: readonly CloudwatchMetricAlarm[];
  /** `<fn>-queue`. */
  readonly queueName: string;
  /** The queue's ARN, built from configuration (known at plan time). */
  readonly queueArn: string;
  /** The queue's URL (the resource's `url`, for the producers' configuration). */
  readonly queueUrl: string;
  /** The options as declared (what `addQueueTrigger` compares a second call with). */
  readonly options: QueueTriggerOptions;
  readonly #fn: SecureFunction;

  constructor(scope: Construct, id: string, props: FunctionQueueProps) {
    super(scope, id);
    const { function: fn, ...options } = props;
    this.options = options;
    this.#fn = fn;
    const settings = this.#settings(options);
    const sqsArn = (name: string) => `arn:${fn.partition}:sqs:${fn.region}:${fn.accountId}:${name}`;
    this.queueName = `${fn.functionName}-queue`;
    const dlqName = `${fn.functionName}-queue-dlq`;
    this.queueArn = sqsArn(this.queueName);
    const dlqArn = sqsArn(dlqName);

    this.deadLetterQueue = encryptedQueue(this, 'dlq', {
      name: dlqName,
      keyArn: fn.key.keyArn,
      configuredArn: dlqArn,
      messageRetentionSeconds: Defaults.DLQ_RETENTION_SECONDS,
      // Only this function's queue may move messages here (built from configuration: the queue names the
      // dead-letter queue, so the reverse reference would be a cycle).
      redriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [this.queueArn] }),
    });
    this.queue = encryptedQueue(this, 'queue', {
      name: this.queueName,
      keyArn: fn.key.keyArn,
      configuredArn: this.queueArn,
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      messageRetentionSeconds: TriggerDefaults.QUEUE_RETENTION_SECONDS,
      redrivePolicy: Fn.jsonencode({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: settings.maxReceiveCount,
      }),
    });
    this.queueUrl = this.queue.url;

    // The function's role is what Lambda polls with. No fn.useService('sqs'): the poller runs outside the
    // function's VPC, so consuming needs no endpoint (sending does: grantSend adds it to the producer).
    fn.addToRolePolicy({
      sid: sid('ConsumeQueueOf', fn.functionName),
      actions: [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ChangeMessageVisibility',
      ],
      resources: [this.queueArn],
    });
    fn.key.grantUseVia(fn, 'sqs', { encryptionContext: { 'aws:sqs:arn': this.queueArn } });
    // SQS moves a message to the dead-letter queue inside the receive that exceeds maxReceiveCount, on the
    // receiver's behalf: without the key for the dead-letter queue the move could fail and the message be
    // lost. Through SQS and for that queue only; the role cannot send to it (no sqs:SendMessage).
    fn.key.grantUseVia(fn, 'sqs', { encryptionContext: { 'aws:sqs:arn': dlqArn } });

    this.eventSourceMapping = new LambdaEventSourceMapping(this, 'event-source', {
      eventSourceArn: this.queue.arn,
      functionName: fn.alias.aliasArn,
      batchSize: settings.batchSize,
      ...(settings.maximumBatchingWindowSeconds > 0
        ? { maximumBatchingWindowInSeconds: settings.maximumBatchingWindowSeconds }
        : {}),
      // The handler returns { batchItemFailures } (Powertools BatchProcessor): only those messages return
      // to the queue, the others are deleted.
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency: settings.maximumConcurrency },
      // Lambda checks at create that the role may receive from the queue.
      dependsOn: [fn.rolePolicy],
    });

    this.alarms = [
      deadLetterAlarm(this, 'alarm-dead-letters', {
        fn,
        alarmName: `${fn.functionName}-queue-dead-letters`,
        description: `Messages of ${this.queueArn} that failed ${settings.maxReceiveCount} receives`,
        queueName: this.deadLetterQueue.name,
      }),
    ];
  }

  /**
   * Lets the grantee send messages to this queue (and have SQS encrypt them with the key, through SQS and
   * for this queue only). The grantee reaches SQS through the network's SQS endpoint. Idempotent.
   *
   * @example
   * ```ts
   * worker.addQueueTrigger().grantSend(api);
   * ```
   */
  grantSend(grantee: IGrantee): Grant {
    const send = applyGrant(
      grantee,
      ['sqs'],
      [
        {
          sid: sid('SendToQueueOf', this.#fn.functionName),
          actions: ['sqs:SendMessage'],
          resources: [this.queueArn],
        },
      ],
    );
    const kms = this.#fn.key.grantUseVia(grantee, 'sqs', {
      encryptionContext: { 'aws:sqs:arn': this.queueArn },
    });
    return { grantee, statements: [...send.statements, ...kms.statements] };
  }

  #settings(options: QueueTriggerOptions): Required<QueueTriggerOptions> {
    const batchSize = this.#check('batchSize', options.batchSize ?? TriggerDefaults.QUEUE_BATCH_SIZE);
    const window = this.#check(
      'maximumBatchingWindowSeconds',
      options.maximumBatchingWindowSeconds ?? (batchSize > MAX_BATCH_WITHOUT_WINDOW ? 1 : 0),
    );
    if (batchSize > MAX_BATCH_WITHOUT_WINDOW && window < 1) {
      throw new InvalidPropError(
        this.node.path,
        'maximumBatchingWindowSeconds',
        `a batch size above ${MAX_BATCH_WITHOUT_WINDOW} needs a batching window of at least 1 second (Lambda's rule); raise it or lower batchSize.`,
      );
    }
    const minimumVisibility = VISIBILITY_TIMEOUT_FACTOR * this.#fn.timeoutSeconds + window;
    const visibility = this.#check(
      'visibilityTimeoutSeconds',
      options.visibilityTimeoutSeconds ?? minimumVisibility,
    );
    if (visibility < minimumVisibility) {
      throw new InvalidPropError(
        this.node.path,
        'visibilityTimeoutSeconds',
        `${visibility} s is below ${minimumVisibility} s, six times the function's ${this.#fn.timeoutSeconds} s timeout plus the batching window (AWS's guidance); raise it or leave it unset.`,
      );
    }
    return {
      batchSize,
      maximumBatchingWindowSeconds: window,
      maximumConcurrency: this.#check(
        'maximumConcurrency',
        options.maximumConcurrency ?? TriggerDefaults.QUEUE_MAXIMUM_CONCURRENCY,
      ),
      maxReceiveCount: this.#check(
        'maxReceiveCount',
        options.maxReceiveCount ?? TriggerDefaults.QUEUE_MAX_RECEIVE_COUNT,
      ),
      visibilityTimeoutSeconds: visibility,
    };
  }

  #check(prop: keyof QueueTriggerOptions, value: number): number {
    const [min, max] = LIMITS[prop];
    return wholeNumberIn(this.node.path, prop, value, min, max);
  }
}
