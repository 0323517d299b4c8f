/**
 * Data rules: stateful resources destroyed or replaced, S3 public access blocks (also moved to another
 * bucket), versioning, bucket ACLs, the inline bucket `policy`, lifecycle expiry, `force_destroy`, public
 * databases and shared snapshots. The TLS-only bucket policy of `aws_s3_bucket_policy` is judged with the
 * other policy documents (policies.ts).
 */
import { type Severity, STATEFUL_RESOURCE_TYPES } from '../constants';
import type { ReviewContext } from '../context';
import { asArray, isObject, type JsonValue, type ResourceChange } from '../plan';
import { diffPolicies, isTlsOnlyDeny, statementLabel } from '../policy/diff';
import type { Side } from '../values';
import { isBucketDestroyed } from './kms';
import { documentOf } from './policies';

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
  reviewBuckets(ctx);
  reviewBucketAcls(ctx);
  reviewLifecycle(ctx);
  reviewDatabases(ctx);
  reviewSnapshots(ctx);
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
    const previousBucket = before.get(['bucket']);
    if (
      ctx.isReplaced(rc) &&
      typeof previousBucket === 'string' &&
      (after.isUnknown(['bucket']) || after.get(['bucket']) !== previousBucket) &&
      !isBucketDestroyed(ctx, previousBucket)
    ) {
      ctx.report(
        rc,
        'data.public-access-weakened',
        'high',
        `the public access block moves from bucket ${before.text(['bucket'])} to ${after.text(['bucket'])}: ` +
          `${before.text(['bucket'])} is left without one, so a public bucket policy or ACL on it would take effect`,
        {
          before: { bucket: before.show(['bucket']), ...pick(before) },
          after: { bucket: after.show(['bucket']), ...pick(after) },
        },
      );
    }
    const unknown = BLOCK_FLAGS.filter((flag) => after.isUnknown([flag]));
    for (const flag of unknown)
      ctx.unknown(
        rc,
        flag,
        'whether public access stays blocked',
        undefined,
        ctx.isCreated(rc) ? undefined : 'high',
      );
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
      ctx.unknown(rc, 'versioning_configuration', 'the versioning status', undefined, 'medium');
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

/** The bucket a bucket-level resource names was created in this plan: it holds no data yet. */
function bucketIsNew(ctx: ReviewContext, rc: ResourceChange): boolean {
  const buckets = ctx.referencedChanges(rc, ['bucket'], 'aws_s3_bucket');
  return buckets.length > 0 && buckets.every((bucket) => ctx.isCreated(bucket));
}

/** `force_destroy` and the inline `policy` attribute of `aws_s3_bucket`. */
function reviewBuckets(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_s3_bucket')) {
    if (ctx.isDeleted(rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const force = ['force_destroy'];
    if (ctx.isChanged(rc) && before.get(force) !== true && after.get(force) === true) {
      ctx.report(
        rc,
        'data.force-destroy-enabled',
        'medium',
        `force_destroy is turned on for bucket ${before.text(['bucket'])}: a later destroy or replacement deletes every ` +
          'object (and version) without the "bucket not empty" stop',
        { before: before.show(force), after: after.show(force) },
      );
    }
    reviewInlineBucketPolicy(ctx, rc, before, after);
    reviewAclAttribute(ctx, rc, before, after);
  }
}

/**
 * The deprecated inline `policy` of `aws_s3_bucket` is a bucket policy like `aws_s3_bucket_policy`'s and
 * is judged the same way: public or `*` grants high, other new grants medium, a lost TLS-only Deny high.
 */
function reviewInlineBucketPolicy(ctx: ReviewContext, rc: ResourceChange, before: Side, after: Side): void {
  const path = ['policy'];
  if (!ctx.isConfigured(rc, path) && !(ctx.isChanged(rc) && typeof before.get(path) === 'string')) return;
  if (after.isUnknown(path)) {
    if (ctx.isConfigured(rc, path))
      ctx.unknown(rc, 'policy', 'the whole bucket policy', undefined, ctx.isCreated(rc) ? undefined : 'high');
    return;
  }
  if (JSON.stringify(before.get(path) ?? null) === JSON.stringify(after.get(path) ?? null)) return;
  const secret = before.hasSensitive(path) || after.hasSensitive(path);
  const deltas = diffPolicies(documentOf(before.get(path)), documentOf(after.get(path)), {
    kind: 'bucket',
    holderIsNew: ctx.isCreated(rc),
    account: ctx.accountId(),
  });
  for (const delta of deltas) {
    const label = secret ? 'statement (sensitive)' : statementLabel(delta.statement);
    const isDeny = delta.kind === 'deny-removed';
    const tls = isDeny && isTlsOnlyDeny(delta.statement);
    const severity: Severity =
      tls || delta.kind === 'public-principal' || delta.kind === 'wildcard-action' ? 'high' : 'medium';
    const rule = tls ? 'data.tls-only-removed' : isDeny ? 'iam.deny-removed' : 'iam.resource-policy-widened';
    const what = tls
      ? '(Deny when aws:SecureTransport is false) is removed: the bucket accepts plain HTTP requests'
      : isDeny
        ? '(Deny) is removed or narrowed'
        : delta.kind === 'public-principal'
          ? `allows anyone (Principal "*" without a narrowing condition)${secret ? '' : `: ${delta.items.slice(0, 6).join('; ')}`}`
          : `grants more (${delta.kind})${secret ? '' : `: ${delta.items.slice(0, 6).join('; ')}`}`;
    const oldStatement = isDeny ? delta.statement : delta.previous;
    const newStatement = isDeny ? delta.previous : delta.statement;
    ctx.report(rc, rule, severity, `inline bucket policy (aws_s3_bucket.policy) ${label} ${what}`, {
      before: oldStatement === undefined ? null : secret ? '(sensitive)' : oldStatement.display,
      after: newStatement === undefined ? null : secret ? '(sensitive)' : newStatement.display,
    });
  }
}

/** Canned ACLs that grant to everyone or to every AWS account. */
const PUBLIC_CANNED_ACLS = ['public-read', 'public-read-write', 'authenticated-read'];
const PUBLIC_GRANTEES = [
  'http://acs.amazonaws.com/groups/global/AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
];

/** What an ACL side grants publicly: the canned ACL or the public grantees with their permissions. */
function publicAcl(side: Side, grants: readonly (string | number)[]): string[] {
  const out: string[] = [];
  const acl = side.get(['acl']);
  if (typeof acl === 'string' && PUBLIC_CANNED_ACLS.includes(acl)) out.push(`canned ACL ${acl}`);
  const visit = (value: JsonValue | undefined): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) {
      const uri = value.uri;
      if (typeof uri === 'string' && PUBLIC_GRANTEES.includes(uri)) {
        const permissions = asArray(value.permissions ?? value.permission).join(', ');
        out.push(`${uri.split('/').pop()}${permissions ? ` (${permissions})` : ''}`);
      }
      for (const [key, child] of Object.entries(value)) if (key !== 'uri') visit(child);
    }
  };
  visit(side.get(grants));
  return [...new Set(out)];
}

function reportPublicAcl(ctx: ReviewContext, rc: ResourceChange, grants: readonly (string | number)[]): void {
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  // Computed parts (the grants AWS derives from a canned ACL) are unknown on create: only what the
  // configuration sets and the plan cannot show is "cannot judge".
  const unknownSet = [['acl'], grants].some(
    (path) => after.hasUnknown(path) && ctx.isConfigured(rc, path.slice(0, 1)),
  );
  if (unknownSet) {
    ctx.unknown(
      rc,
      'acl',
      'who the bucket ACL grants access to',
      undefined,
      ctx.isCreated(rc) ? undefined : 'high',
    );
    return;
  }
  const was = publicAcl(before, grants);
  const added = publicAcl(after, grants).filter((grant) => !was.includes(grant));
  if (added.length === 0) return;
  ctx.report(
    rc,
    'data.bucket-acl-public',
    'high',
    `the ACL of bucket ${after.text(['bucket'])} grants ${added.join(', ')}: everyone (or every AWS account) can use the ` +
      'bucket as the ACL allows, unless a public access block ignores public ACLs',
    { before: rc.change.before === null ? null : before.show(['acl']), after: after.show(['acl']) },
  );
}

function reviewAclAttribute(ctx: ReviewContext, rc: ResourceChange, before: Side, after: Side): void {
  if (!ctx.isConfigured(rc, ['acl']) && !ctx.isConfigured(rc, ['grant'])) return;
  if (
    JSON.stringify([before.get(['acl']), before.get(['grant'])]) ===
    JSON.stringify([after.get(['acl']), after.get(['grant'])])
  )
    return;
  reportPublicAcl(ctx, rc, ['grant']);
}

function reviewBucketAcls(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_s3_bucket_acl')) {
    if (ctx.isDeleted(rc)) continue;
    reportPublicAcl(ctx, rc, ['access_control_policy']);
  }
}

interface Expiry {
  readonly days: number;
  readonly wholeBucket: boolean;
}

/** Whether a lifecycle rule's filter selects every object (no prefix, no tag, no size bound). */
function wholeBucket(rule: JsonValue): boolean {
  if (!isObject(rule)) return false;
  const prefix = rule.prefix;
  if (typeof prefix === 'string' && prefix !== '') return false;
  const filters = asArray(rule.filter ?? null);
  return filters.every((filter) => {
    if (!isObject(filter)) return true;
    const hasPrefix = typeof filter.prefix === 'string' && filter.prefix !== '';
    const narrowed = asArray(filter.tag ?? null).length > 0 || asArray(filter.and ?? null).length > 0;
    const sized =
      (typeof filter.object_size_greater_than === 'number' && filter.object_size_greater_than > 0) ||
      (typeof filter.object_size_less_than === 'number' && filter.object_size_less_than > 0);
    return !hasPrefix && !narrowed && !sized;
  });
}

/** Expiries of the enabled rules: `current` for objects, `noncurrent` for old versions. */
function expiries(side: Side): { current: Expiry[]; noncurrent: Expiry[] } {
  const current: Expiry[] = [];
  const noncurrent: Expiry[] = [];
  for (const rule of asArray(side.get(['rule']))) {
    if (!isObject(rule) || rule.status !== 'Enabled') continue;
    const whole = wholeBucket(rule);
    for (const expiration of asArray(rule.expiration ?? null)) {
      if (isObject(expiration) && typeof expiration.days === 'number' && expiration.days > 0)
        current.push({ days: expiration.days, wholeBucket: whole });
      else if (isObject(expiration) && typeof expiration.date === 'string' && expiration.date !== '')
        current.push({ days: 0, wholeBucket: whole });
    }
    for (const expiration of asArray(rule.noncurrent_version_expiration ?? null)) {
      if (isObject(expiration) && typeof expiration.noncurrent_days === 'number')
        noncurrent.push({ days: expiration.noncurrent_days, wholeBucket: whole });
    }
  }
  return { current, noncurrent };
}

function shortest(list: readonly Expiry[], whole: boolean): number | undefined {
  const days = list.filter((e) => !whole || e.wholeBucket).map((e) => e.days);
  return days.length === 0 ? undefined : Math.min(...days);
}

function reviewLifecycle(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_s3_bucket_lifecycle_configuration')) {
    if (ctx.isDeleted(rc) || bucketIsNew(ctx, rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (after.hasUnknown(['rule'])) {
      ctx.unknown(rc, 'rule', 'when lifecycle rules delete objects', undefined, 'high');
      continue;
    }
    const was = expiries(before);
    const now = expiries(after);
    const sooner = (list: Expiry[], old: Expiry[], whole: boolean) => {
      const next = shortest(list, whole);
      const previous = shortest(old, whole);
      return next !== undefined && (previous === undefined || next < previous) ? next : undefined;
    };
    const values = {
      before: rc.change.before === null ? null : before.show(['rule']),
      after: after.show(['rule']),
    };
    const bucket = after.text(['bucket']);
    const whole = sooner(now.current, was.current, true);
    const part = sooner(now.current, was.current, false);
    const old = sooner(now.noncurrent, was.noncurrent, false);
    if (whole !== undefined) {
      ctx.report(
        rc,
        'data.lifecycle-expiry',
        'high',
        `a lifecycle rule deletes every object of bucket ${bucket} ${whole === 0 ? 'from a fixed date' : `${whole} day(s) after it is written`}: ` +
          'data that exists today is deleted by S3 itself, with no destroy in any plan',
        values,
      );
    } else if (part !== undefined || old !== undefined) {
      ctx.report(
        rc,
        'data.lifecycle-expiry',
        'medium',
        part !== undefined
          ? `a lifecycle rule deletes objects under a filter of bucket ${bucket} after ${part} day(s): check the filter selects only disposable data`
          : `a lifecycle rule deletes noncurrent versions of bucket ${bucket} after ${old} day(s): overwritten or deleted objects can no longer be recovered after that`,
        values,
      );
    }
  }
}

function reviewDatabases(ctx: ReviewContext): void {
  const path = ['publicly_accessible'];
  for (const rc of ctx.ofType('aws_db_instance', 'aws_rds_cluster_instance')) {
    if (ctx.isDeleted(rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (after.isUnknown(path)) {
      if (ctx.isConfigured(rc, path))
        ctx.unknown(
          rc,
          'publicly_accessible',
          'whether the database gets a public address',
          undefined,
          'high',
        );
      continue;
    }
    if (after.get(path) !== true || before.get(path) === true) continue;
    ctx.report(
      rc,
      'data.database-public',
      'high',
      `the database ${after.text(['identifier'])} ${ctx.isChanged(rc) ? 'becomes' : 'is created'} publicly accessible: it gets a public ` +
        'DNS name and address, and only its security groups and password stand between it and the internet',
      { before: rc.change.before === null ? null : before.show(path), after: after.show(path) },
    );
  }
}

function reviewSnapshots(ctx: ReviewContext): void {
  const path = ['shared_accounts'];
  for (const rc of ctx.ofType('aws_db_snapshot', 'aws_db_cluster_snapshot', 'aws_db_snapshot_copy')) {
    if (ctx.isDeleted(rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (after.isUnknown(path) || after.hasUnknown(path)) {
      if (ctx.isConfigured(rc, path))
        ctx.unknown(rc, 'shared_accounts', 'who the snapshot is shared with', undefined, 'high');
      continue;
    }
    const old = asArray(before.get(path));
    const added = asArray(after.get(path)).filter(
      (account): account is string => typeof account === 'string' && !old.includes(account),
    );
    if (added.length === 0) continue;
    const isPublic = added.includes('all');
    ctx.report(
      rc,
      'data.snapshot-shared',
      isPublic ? 'high' : 'medium',
      isPublic
        ? `the snapshot ${after.text(['db_snapshot_identifier'])} is made public (shared with "all"): any AWS account can restore the database from it`
        : `the snapshot is shared with account(s) ${added.join(', ')}: they can restore a copy of the database`,
      { before: before.show(path), after: after.show(path) },
    );
  }
}
