import { SqsQueue, type SqsQueueConfig } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import type { Construct } from 'constructs';
import { PolicyDocument } from './policy-document';

/** Seconds SQS reuses a data key before asking KMS again: one KMS call per window, not per message. */
export const KMS_DATA_KEY_REUSE_SECONDS = 300;

export interface EncryptedQueueProps
  extends Pick<
    SqsQueueConfig,
    'messageRetentionSeconds' | 'visibilityTimeoutSeconds' | 'redrivePolicy' | 'redriveAllowPolicy'
  > {
  readonly name: string;
  /** ARN of the customer-managed key (`kms_master_key_id`). */
  readonly keyArn: string;
  /** The queue's ARN built from configuration, so its policy and grants never wait for the queue. */
  readonly configuredArn: string;
}

/**
 * A queue policy that denies every SQS action over plain HTTP (`aws:SecureTransport = false`) to every
 * principal. Access itself comes from the callers' IAM policies; the queue policy only takes away. Created
 * beside the queue as `<id>-policy` (and its document `<id>-tls-only`), so existing queues keep their
 * addresses.
 *
 * @example
 * ```ts
 * tlsOnlyQueuePolicy(this, 'dlq', dlq, 'arn:aws:sqs:eu-west-1:111111111111:fn-dlq');
 * ```
 */
export function tlsOnlyQueuePolicy(
  scope: Construct,
  id: string,
  queue: SqsQueue,
  configuredArn: string,
): SqsQueuePolicy {
  const document = new PolicyDocument(scope, `${id}-tls-only`);
  document.add({
    sid: 'DenyInsecureTransport',
    effect: 'Deny',
    principals: [{ type: '*', identifiers: ['*'] }],
    actions: ['sqs:*'],
    resources: [configuredArn],
    conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
  });
  return new SqsQueuePolicy(scope, `${id}-policy`, { queueUrl: queue.url, policy: document.json });
}

/**
 * An SQS queue encrypted with the customer-managed key, with its TLS-only queue policy.
 *
 * @example
 * ```ts
 * const dlq = encryptedQueue(this, 'dlq', { name: 'fn-queue-dlq', keyArn, configuredArn });
 * ```
 */
export function encryptedQueue(scope: Construct, id: string, props: EncryptedQueueProps): SqsQueue {
  const { name, keyArn, configuredArn, ...rest } = props;
  const queue = new SqsQueue(scope, id, {
    name,
    kmsMasterKeyId: keyArn,
    kmsDataKeyReusePeriodSeconds: KMS_DATA_KEY_REUSE_SECONDS,
    ...rest,
  });
  tlsOnlyQueuePolicy(scope, id, queue, configuredArn);
  return queue;
}
