/**
 * KMS rules: keys (rotation, deletion, disabling), aliases, and the customer-managed-key encryption of
 * log groups, queues, topics, buckets and function environments. Key policies are in policies.ts.
 */
import type { ReviewContext } from '../context';
import type { ResourceChange } from '../plan';
import type { Side } from '../values';

/**
 * Reviews keys, aliases and encryption settings.
 *
 * @example
 * reviewKms(new ReviewContext(plan, 'dev'));
 */
export function reviewKms(ctx: ReviewContext): void {
  reviewKeys(ctx);
  reviewAliases(ctx);
  reviewEncryption(ctx);
}

function reviewKeys(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_kms_key', 'aws_kms_replica_key', 'aws_kms_external_key')) {
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (ctx.isDestroyed(rc)) {
      const window = before.text(['deletion_window_in_days']);
      const replaced = ctx.isReplaced(rc)
        ? `the key is replaced${replaceReason(rc)}: the old key is`
        : 'the key is';
      ctx.report(
        rc,
        'kms.key-deleted',
        'high',
        `${replaced} scheduled for deletion${window === 'unset' ? '' : ` (after ${window} days)`}: ` +
          'everything encrypted under it becomes unreadable for good',
        { before: pickKey(before), after: ctx.isReplaced(rc) ? pickKey(after) : null },
      );
      if (!ctx.isReplaced(rc)) continue;
    }
    if (rc.type !== 'aws_kms_key') continue;
    const rotation = ['enable_key_rotation'];
    const symmetric =
      after.get(['customer_master_key_spec']) === 'SYMMETRIC_DEFAULT' ||
      after.get(['customer_master_key_spec']) === null;
    if (after.isUnknown(rotation)) {
      if (ctx.isConfigured(rc, rotation))
        ctx.unknown(
          rc,
          'enable_key_rotation',
          'whether the key rotates',
          undefined,
          ctx.isChanged(rc) && before.get(rotation) === true ? 'high' : undefined,
        );
    } else if (ctx.isChanged(rc) && before.get(rotation) === true && after.get(rotation) !== true) {
      ctx.report(rc, 'kms.rotation-disabled', 'high', 'automatic key rotation is turned off', {
        before: before.show(rotation),
        after: after.show(rotation),
      });
    } else if (ctx.isCreated(rc) && after.get(rotation) !== true && symmetric) {
      ctx.report(
        rc,
        'kms.rotation-disabled',
        'medium',
        'the new symmetric key does not rotate automatically',
        {
          before: null,
          after: after.show(rotation),
        },
      );
    }
    reviewDeletionWindow(ctx, rc, before, after);
    const enabled = ['is_enabled'];
    if (ctx.isChanged(rc) && before.get(enabled) !== false && after.isUnknown(enabled)) {
      ctx.unknown(rc, 'is_enabled', 'whether the key stays enabled', undefined, 'medium');
    }
    if (
      ctx.isChanged(rc) &&
      before.get(enabled) !== false &&
      !after.isUnknown(enabled) &&
      after.get(enabled) === false
    ) {
      ctx.report(
        rc,
        'kms.key-disabled',
        'medium',
        'the key is disabled: nothing encrypted under it can be decrypted until it is enabled again',
        { before: before.show(enabled), after: after.show(enabled) },
      );
    }
  }
}

/** A shorter deletion window leaves less time to notice and cancel a scheduled deletion. */
function reviewDeletionWindow(ctx: ReviewContext, rc: ResourceChange, before: Side, after: Side): void {
  const path = ['deletion_window_in_days'];
  if (!ctx.isChanged(rc) || after.isUnknown(path)) return;
  const old = before.get(path);
  const next = after.get(path);
  // Unset means AWS's default and maximum, 30 days.
  const days = (value: unknown) => (typeof value === 'number' ? value : 30);
  if (days(next) >= days(old)) return;
  ctx.report(
    rc,
    'kms.deletion-window-lowered',
    'low',
    `the deletion window drops from ${days(old)} to ${days(next)} days: a key scheduled for deletion (by mistake or by an ` +
      'intruder) can be cancelled only within the window, after which everything encrypted under it is lost',
    { before: before.show(path), after: after.show(path) },
  );
}

function replaceReason(rc: ResourceChange): string {
  return rc.actionReason !== undefined ? ` (${rc.actionReason})` : '';
}

function pickKey(side: Side) {
  return {
    description: side.show(['description']),
    enable_key_rotation: side.show(['enable_key_rotation']),
    deletion_window_in_days: side.show(['deletion_window_in_days']),
  };
}

function reviewAliases(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_kms_alias')) {
    if (!ctx.isChanged(rc)) continue;
    const path = ['target_key_id'];
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (!after.isUnknown(path) && after.get(path) === before.get(path)) continue;
    ctx.report(
      rc,
      'kms.alias-retargeted',
      'medium',
      `the alias ${before.text(['name'])} moves from key ${before.text(path)} to ${after.text(path)}: callers that encrypt ` +
        'by alias switch keys, and data they encrypt from now on needs the new key (and its policy) to decrypt',
      { before: before.show(path), after: after.show(path) },
    );
  }
}

/** Encryption attributes: where the key is named, and what the service falls back to without it. */
const ENCRYPTED = [
  {
    type: 'aws_cloudwatch_log_group',
    attribute: 'kms_key_id',
    what: 'log events',
    fallback: 'a key owned by CloudWatch Logs',
  },
  {
    type: 'aws_sns_topic',
    attribute: 'kms_master_key_id',
    what: 'messages',
    fallback: 'no encryption at rest',
  },
  {
    type: 'aws_lambda_function',
    attribute: 'kms_key_arn',
    what: 'environment variables',
    fallback: 'the AWS-managed aws/lambda key',
  },
] as const;

function reviewEncryption(ctx: ReviewContext): void {
  for (const spec of ENCRYPTED) {
    for (const rc of ctx.ofType(spec.type)) {
      if (!ctx.isChanged(rc)) continue;
      const before = ctx.before(rc);
      const after = ctx.after(rc);
      const path = [spec.attribute];
      if (isSet(before, path) && after.isUnknown(path)) {
        unknownKey(ctx, rc, spec.attribute, spec.what);
        continue;
      }
      if (!isSet(before, path) || isSet(after, path)) {
        if (isSet(before, path) && isAwsManagedKey(after.get(path)) && !isAwsManagedKey(before.get(path))) {
          ctx.report(
            rc,
            'kms.encryption-weakened',
            'medium',
            `${spec.what} move from the customer-managed key to an AWS-managed key`,
            {
              before: before.show(path),
              after: after.show(path),
            },
          );
        }
        continue;
      }
      ctx.report(
        rc,
        'kms.encryption-removed',
        'high',
        `${spec.what} lose their customer-managed key (${before.text(path)}); they fall back to ${spec.fallback}: ` +
          'no key policy, no per-key audit trail, no way to revoke access by disabling the key',
        { before: before.show(path), after: after.show(path) },
      );
    }
  }
  for (const rc of ctx.ofType('aws_sqs_queue')) reviewQueue(ctx, rc);
  for (const rc of ctx.ofType('aws_s3_bucket_server_side_encryption_configuration'))
    reviewBucketEncryption(ctx, rc);
}

function reviewQueue(ctx: ReviewContext, rc: ResourceChange): void {
  if (!ctx.isChanged(rc)) return;
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const path = ['kms_master_key_id'];
  if (!isSet(before, path)) {
    reviewSseSqs(ctx, rc, before, after);
    return;
  }
  if (after.isUnknown(path)) {
    unknownKey(ctx, rc, 'kms_master_key_id', 'messages');
    return;
  }
  const values = { before: before.show(path), after: after.show(path) };
  if (isSet(after, path)) {
    if (isAwsManagedKey(after.get(path)) && !isAwsManagedKey(before.get(path))) {
      ctx.report(
        rc,
        'kms.encryption-weakened',
        'medium',
        'messages move from the customer-managed key to the AWS-managed aws/sqs key',
        values,
      );
    }
    return;
  }
  if (after.get(['sqs_managed_sse_enabled']) === true) {
    ctx.report(
      rc,
      'kms.encryption-weakened',
      'medium',
      `messages move from the customer-managed key (${before.text(path)}) to SSE-SQS (keys owned by SQS): no key policy, no per-key audit trail`,
      values,
    );
    return;
  }
  ctx.report(
    rc,
    'kms.encryption-removed',
    'high',
    `messages lose their customer-managed key (${before.text(path)}) and SSE-SQS is not enabled: the queue may store messages unencrypted`,
    values,
  );
}

function reviewBucketEncryption(ctx: ReviewContext, rc: ResourceChange): void {
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const rule = ['rule', 0, 'apply_server_side_encryption_by_default', 0];
  const algorithm = [...rule, 'sse_algorithm'];
  const key = [...rule, 'kms_master_key_id'];
  const values = { before: before.show(['rule']), after: after.show(['rule']) };
  if (ctx.isDeleted(rc)) {
    if (isBucketDestroyed(ctx, before.get(['bucket']))) return;
    ctx.report(
      rc,
      'kms.encryption-removed',
      'high',
      `the default encryption of bucket ${before.text(['bucket'])} is removed: new objects get SSE-S3 (keys owned by S3) ` +
        'instead of the customer-managed key: no key policy, no per-key audit trail',
      { before: values.before, after: null },
    );
    return;
  }
  if (!ctx.isChanged(rc)) return;
  const wasKms = String(before.get(algorithm) ?? '').startsWith('aws:kms');
  if (!wasKms) return;
  if (after.isUnknown(algorithm)) {
    ctx.unknown(rc, 'rule', 'the new default encryption algorithm');
    return;
  }
  const nowKms = String(after.get(algorithm) ?? '').startsWith('aws:kms');
  if (!nowKms) {
    ctx.report(
      rc,
      'kms.encryption-weakened',
      'medium',
      `bucket ${before.text(['bucket'])} moves from SSE-KMS to ${after.text(algorithm)} (keys owned by S3): no key policy, no per-key audit trail`,
      values,
    );
  } else if (isSet(before, key) && after.isUnknown(key)) {
    unknownKey(ctx, rc, 'rule', `objects of bucket ${before.text(['bucket'])}`);
  } else if (isSet(before, key) && !isSet(after, key)) {
    ctx.report(
      rc,
      'kms.encryption-weakened',
      'medium',
      `bucket ${before.text(['bucket'])} moves from its customer-managed key to the AWS-managed aws/s3 key`,
      values,
    );
  }
}

/**
 * A customer-managed key that becomes a value known only after apply. The worst value it can take is an
 * empty one (the customer-managed key is removed) or a key of another account (the data is held by whoever
 * controls that key): judged as that, high, until the plan shows the value.
 */
function unknownKey(ctx: ReviewContext, rc: ResourceChange, attribute: string, what: string): void {
  ctx.unknown(
    rc,
    attribute,
    `the key that encrypts ${what} (an empty value removes the customer-managed key; a key of another account hands the data to it)`,
    undefined,
    'high',
  );
}

/** SSE-SQS turned off on a queue without a customer-managed key: messages are stored unencrypted. */
function reviewSseSqs(ctx: ReviewContext, rc: ResourceChange, before: Side, after: Side): void {
  const sse = ['sqs_managed_sse_enabled'];
  if (before.get(sse) !== true || isSet(after, ['kms_master_key_id'])) return;
  if (after.isUnknown(sse)) {
    ctx.unknown(
      rc,
      'sqs_managed_sse_enabled',
      'whether messages stay encrypted (SSE-SQS)',
      undefined,
      'high',
    );
    return;
  }
  if (after.get(sse) === true) return;
  ctx.report(
    rc,
    'kms.encryption-removed',
    'high',
    `SSE-SQS is turned off and the queue ${before.text(['name'])} has no KMS key: messages are stored unencrypted at rest`,
    {
      before: { sqs_managed_sse_enabled: before.show(sse) },
      after: { sqs_managed_sse_enabled: after.show(sse) },
    },
  );
}

/** Whether the bucket named `bucket` is destroyed in this plan (then its settings go with it). */
export function isBucketDestroyed(ctx: ReviewContext, bucket: unknown): boolean {
  return typeof bucket === 'string' && ctx.isDestroyedHolder('aws_s3_bucket', bucket);
}

/**
 * A value that is set, or known only after apply. Rules that would pass on "set" check the unknown case
 * first (see `unknownKey`): an unknown never passes where a changed resource had a key.
 */
function isSet(side: Side, path: readonly (string | number)[]): boolean {
  if (side.isUnknown(path)) return true;
  const value = side.get(path);
  return value !== null && value !== undefined && value !== '';
}

function isAwsManagedKey(value: unknown): boolean {
  return typeof value === 'string' && /(^|:)alias\/aws\//.test(value);
}
