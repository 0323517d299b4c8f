/**
 * Data rules: stateful resources destroyed or replaced, S3 public access blocks and versioning. The
 * TLS-only bucket policy is judged with the other policy documents (policies.ts).
 */
import { STATEFUL_RESOURCE_TYPES } from '../constants';
import type { ReviewContext } from '../context';
import type { ResourceChange } from '../plan';
import { isBucketDestroyed } from './kms';

/**
 * Reviews destruction of stateful resources, public access blocks and versioning.
 *
 * @example
 * reviewData(new ReviewContext(plan, 'dev'));
 */
export function reviewData(ctx: ReviewContext): void {
  reviewStateful(ctx);
  reviewPublicAccessBlocks(ctx);
  reviewVersioning(ctx);
}

/** What a resource is called in messages: its name, bucket or id before the change. */
function nameOf(ctx: ReviewContext, rc: ResourceChange): string {
  const before = ctx.before(rc);
  for (const key of ['bucket', 'name', 'identifier', 'cluster_identifier', 'id']) {
    const value = before.get([key]);
    if (typeof value === 'string' && value !== '') return before.text([key]);
  }
  return rc.address;
}

function reviewStateful(ctx: ReviewContext): void {
  for (const rc of ctx.ofType(...STATEFUL_RESOURCE_TYPES)) {
    if (!ctx.isDestroyed(rc)) continue;
    const replaced = ctx.isReplaced(rc);
    const reason = replaced && rc.actionReason !== undefined ? ` (${rc.actionReason})` : '';
    const forceDestroy =
      ctx.before(rc).get(['force_destroy']) === true ? '; force_destroy deletes every object with it' : '';
    ctx.report(
      rc,
      'data.stateful-destroyed',
      'high',
      `${nameOf(ctx, rc)} is ${replaced ? `replaced${reason}: the old one is destroyed` : 'destroyed'} and its data with it${forceDestroy}`,
      { before: ctx.before(rc).show(['arn']), after: replaced ? ctx.after(rc).show(['arn']) : null },
    );
  }
}

const BLOCK_FLAGS = [
  'block_public_acls',
  'block_public_policy',
  'ignore_public_acls',
  'restrict_public_buckets',
] as const;

function reviewPublicAccessBlocks(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block')) {
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const where =
      rc.type === 'aws_s3_account_public_access_block' ? 'the account' : `bucket ${before.text(['bucket'])}`;
    const pick = (side: typeof before) =>
      Object.fromEntries(BLOCK_FLAGS.map((flag) => [flag, side.show([flag])]));
    if (ctx.isDeleted(rc)) {
      if (isBucketDestroyed(ctx, before.get(['bucket']))) continue;
      ctx.report(
        rc,
        'data.public-access-weakened',
        'high',
        `the public access block of ${where} is removed: a public bucket policy or ACL would take effect`,
        { before: pick(before), after: null },
      );
      continue;
    }
    const unknown = BLOCK_FLAGS.filter((flag) => after.isUnknown([flag]));
    for (const flag of unknown) ctx.unknown(rc, flag, 'whether public access stays blocked');
    const off = BLOCK_FLAGS.filter((flag) => !after.isUnknown([flag]) && after.get([flag]) !== true);
    if (ctx.isCreated(rc)) {
      if (off.length === 0) continue;
      ctx.report(
        rc,
        'data.public-access-weakened',
        'medium',
        `the new public access block of ${after.text(['bucket'])} leaves ${off.join(', ')} off`,
        { before: null, after: pick(after) },
      );
      continue;
    }
    const weakened = off.filter((flag) => before.get([flag]) === true);
    if (weakened.length === 0) continue;
    ctx.report(
      rc,
      'data.public-access-weakened',
      'high',
      `the public access block of ${where} turns off ${weakened.join(', ')}: public policies or ACLs can take effect`,
      { before: pick(before), after: pick(after) },
    );
  }
}

function reviewVersioning(ctx: ReviewContext): void {
  const status = ['versioning_configuration', 0, 'status'];
  for (const rc of ctx.ofType('aws_s3_bucket_versioning')) {
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (before.get(status) !== 'Enabled') continue;
    if (ctx.isDeleted(rc)) {
      if (isBucketDestroyed(ctx, before.get(['bucket']))) continue;
      ctx.report(
        rc,
        'data.versioning-suspended',
        'medium',
        `the versioning configuration of bucket ${before.text(['bucket'])} is removed, which suspends versioning: ` +
          'overwritten and deleted objects can no longer be recovered',
        { before: before.show(['versioning_configuration']), after: null },
      );
      continue;
    }
    if (after.isUnknown(status)) {
      ctx.unknown(rc, 'versioning_configuration', 'the versioning status');
      continue;
    }
    if (after.get(status) === 'Enabled') continue;
    ctx.report(
      rc,
      'data.versioning-suspended',
      'medium',
      `versioning of bucket ${before.text(['bucket'])} becomes ${after.text(status)}: overwritten and deleted objects ` +
        'can no longer be recovered',
      { before: before.show(['versioning_configuration']), after: after.show(['versioning_configuration']) },
    );
  }
}
