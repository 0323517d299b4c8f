import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';
import { InvalidPropError } from '../errors';

/**
 * Defaults of the queue and schedule triggers, each documented with `@default` on its option.
 * (Kept here until they join `Defaults` in constants.ts.)
 */
export const TriggerDefaults = {
  /** Lambda's own default for SQS, and the largest batch that needs no batching window. */
  QUEUE_BATCH_SIZE: 10,
  /** The minimum Lambda accepts: a flood of messages cannot take the account's concurrency. */
  QUEUE_MAXIMUM_CONCURRENCY: 2,
  /** A message that failed five receives is not going to succeed on the sixth: it goes to the DLQ. */
  QUEUE_MAX_RECEIVE_COUNT: 5,
  /** SQS's default (4 days); the dead-letter queue keeps messages 14 days. */
  QUEUE_RETENTION_SECONDS: 4 * 24 * 60 * 60,
  /**
   * Scheduler retries delivery to Lambda (an asynchronous invoke; the function's own errors go to its own
   * dead-letter queue). Failing delivery is a configuration fault: a few retries within an hour, then the
   * dead-letter queue and its alarm, rather than Scheduler's 185 retries over 24 hours.
   */
  SCHEDULE_MAXIMUM_RETRY_ATTEMPTS: 3,
  SCHEDULE_MAXIMUM_EVENT_AGE_SECONDS: 60 * 60,
  SCHEDULE_TIMEZONE: 'UTC',
  /** The threshold of every dead-letter alarm unless the function's alarms say otherwise. */
  DEAD_LETTER_MESSAGES: 1,
} as const;

/** What a dead-letter alarm needs from its function. */
export interface AlarmingFunction {
  readonly alarmTopicArn: string;
  readonly alarmOptions: { readonly deadLetterMessages?: number };
}

/**
 * An alarm on a dead-letter queue's depth, in the shape of the function's own alarms: every minute, to the
 * function's alarm topic (ALARM and OK), missing data as not breaching.
 *
 * @example
 * ```ts
 * deadLetterAlarm(this, 'alarm-dead-letters', { fn, alarmName, description, queueName: dlq.name });
 * ```
 */
export function deadLetterAlarm(
  scope: Construct,
  id: string,
  props: {
    readonly fn: AlarmingFunction;
    readonly alarmName: string;
    readonly description: string;
    readonly queueName: string;
  },
): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmActions: [props.fn.alarmTopicArn],
    okActions: [props.fn.alarmTopicArn],
    evaluationPeriods: 1,
    period: 60,
    treatMissingData: 'notBreaching',
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    alarmName: props.alarmName,
    alarmDescription: props.description,
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: props.queueName },
    statistic: 'Maximum',
    threshold: props.fn.alarmOptions.deadLetterMessages ?? TriggerDefaults.DEAD_LETTER_MESSAGES,
  });
}

/**
 * A whole number within AWS's range for a trigger option, or an InvalidPropError naming the prop.
 *
 * @example
 * ```ts
 * const concurrency = wholeNumberIn(this.node.path, 'maximumConcurrency', 5, 2, 1000);
 * ```
 */
export function wholeNumberIn(path: string, prop: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidPropError(
      path,
      prop,
      `${value} is outside ${min}..${max}; use a whole number in that range.`,
    );
  }
  return value;
}
