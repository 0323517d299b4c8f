/**
 * IAM rules outside policy documents: managed-policy attachments, permissions boundaries and Lambda
 * resource-policy statements (`aws_lambda_permission`). Policy documents are in policies.ts.
 */
import { ADMIN_LIKE_MANAGED_POLICIES } from '../constants';
import type { ReviewContext } from '../context';
import type { ResourceChange } from '../plan';

/** Attachment types, the argument naming the principal and that principal's resource type. */
const ATTACHMENTS = [
  { type: 'aws_iam_role_policy_attachment', principal: 'role', principalType: 'aws_iam_role' },
  { type: 'aws_iam_user_policy_attachment', principal: 'user', principalType: 'aws_iam_user' },
  { type: 'aws_iam_group_policy_attachment', principal: 'group', principalType: 'aws_iam_group' },
] as const;

/**
 * Reviews attachments, boundaries and Lambda permissions.
 *
 * @example
 * reviewIam(new ReviewContext(plan, 'dev'));
 */
export function reviewIam(ctx: ReviewContext): void {
  reviewAttachments(ctx);
  reviewBoundaries(ctx);
  reviewLambdaPermissions(ctx);
}

/**
 * `arn:aws:iam::aws:policy/AdministratorAccess` and any AWS-managed `...FullAccess` policy.
 *
 * @example
 * isAdminLike('arn:aws:iam::aws:policy/AmazonS3FullAccess'); // true
 */
export function isAdminLike(policyArn: string): boolean {
  return (
    (ADMIN_LIKE_MANAGED_POLICIES as readonly string[]).includes(policyArn) ||
    /^arn:aws[a-z-]*:iam::aws:policy\/(.*\/)?[A-Za-z0-9]*FullAccess$/.test(policyArn)
  );
}

function reviewAttachments(ctx: ReviewContext): void {
  for (const kind of ATTACHMENTS) {
    for (const rc of ctx.ofType(kind.type)) {
      if (!rc.change.actions.includes('create')) continue;
      const after = ctx.after(rc);
      const before = ctx.before(rc);
      const arnPath = ['policy_arn'];
      const principalText = after.text([kind.principal]);
      const samePolicy = !after.isUnknown(arnPath) && before.get(arnPath) === after.get(arnPath);
      const samePrincipal =
        !after.isUnknown([kind.principal]) && before.get([kind.principal]) === after.get([kind.principal]);
      if (samePolicy && samePrincipal) continue; // replaced for another reason: nothing new is attached
      const policyArn = after.get(arnPath);
      const principals = ctx.referencedChanges(rc, [kind.principal], kind.principalType);
      const principalIsNew = principals.length > 0 && principals.every((p) => ctx.isCreated(p));
      const values = { before: before.show(arnPath), after: after.show(arnPath) };
      if (typeof policyArn === 'string' && !after.isSensitive(arnPath) && isAdminLike(policyArn)) {
        ctx.report(
          rc,
          'iam.managed-policy-attached',
          'high',
          `attaches the administrator-like AWS-managed policy ${policyArn} to ${kind.principal} ${principalText}`,
          values,
        );
      } else if (!principalIsNew) {
        const what = after.isUnknown(arnPath)
          ? 'a policy created in this plan (its document is reviewed on its own resource)'
          : after.text(arnPath);
        ctx.report(
          rc,
          'iam.managed-policy-attached',
          'medium',
          `attaches ${what} to the existing ${kind.principal} ${principalText}: it gains every permission of that policy`,
          values,
        );
      }
    }
  }
}

function reviewBoundaries(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_iam_role', 'aws_iam_user')) {
    if (!ctx.isChanged(rc)) continue;
    const path = ['permissions_boundary'];
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const old = before.get(path);
    if (typeof old !== 'string' || old === '') continue;
    const values = { before: before.show(path), after: after.show(path) };
    const next = after.get(path);
    if (!after.isUnknown(path) && (next === null || next === undefined || next === '')) {
      ctx.report(
        rc,
        'iam.permissions-boundary-removed',
        'high',
        `the permissions boundary ${before.text(path)} is removed: the ${rc.type === 'aws_iam_role' ? 'role' : 'user'} is limited only by its own policies`,
        values,
      );
    } else if (after.isUnknown(path) || next !== old) {
      ctx.report(
        rc,
        'iam.permissions-boundary-removed',
        'medium',
        `the permissions boundary changes from ${before.text(path)} to ${after.text(path)}: review the new boundary`,
        values,
      );
    }
  }
}

function reviewLambdaPermissions(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_lambda_permission')) {
    if (!rc.change.actions.includes('create') && !rc.change.actions.includes('update')) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (after.isUnknown(['principal'])) {
      ctx.unknown(rc, 'principal', 'who may invoke the function');
      continue;
    }
    const principal = after.get(['principal']);
    const values = {
      before:
        rc.change.before === null
          ? null
          : pick(before, ['principal', 'source_arn', 'source_account', 'principal_org_id']),
      after: pick(after, ['principal', 'source_arn', 'source_account', 'principal_org_id']),
    };
    if (principal === '*' && before.get(['principal']) !== '*') {
      const narrowed =
        present(after, 'source_account') ||
        present(after, 'principal_org_id') ||
        present(after, 'source_arn');
      ctx.report(
        rc,
        'iam.lambda-permission-public',
        'high',
        `lets principal "*" call ${after.text(['action'])} on ${after.text(['function_name'])}` +
          (narrowed
            ? ' (narrowed only by a source condition)'
            : ': anyone with an AWS account (or none, for a URL) can invoke it'),
        values,
      );
      continue;
    }
    if (typeof principal !== 'string' || !principal.endsWith('.amazonaws.com')) continue;
    reviewServicePermission(ctx, rc, principal, values);
  }
}

/**
 * A service principal without `source_arn`/`source_account` lets any resource of that service, in any
 * account, invoke the function (the confused-deputy problem).
 */
function reviewServicePermission(
  ctx: ReviewContext,
  rc: ResourceChange,
  principal: string,
  values: { before: ReturnType<typeof pick> | null; after: ReturnType<typeof pick> },
): void {
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const had = ['source_arn', 'source_account'].filter((name) => present(before, name));
  const has = ['source_arn', 'source_account'].filter((name) => present(after, name));
  if (rc.change.before !== null && before.get(['principal']) === principal) {
    const lost = had.filter((name) => !has.includes(name));
    if (lost.length === 0) return;
    ctx.report(
      rc,
      'iam.lambda-permission-unscoped',
      has.length === 0 ? 'high' : 'medium',
      `the permission for ${principal} loses ${lost.join(' and ')}` +
        (has.length === 0
          ? ': any resource of that service, in any account, can invoke the function'
          : `: it is now scoped only by ${has.join(' and ')}`),
      values,
    );
    return;
  }
  if (has.length === 0) {
    ctx.report(
      rc,
      'iam.lambda-permission-unscoped',
      'medium',
      `the permission for ${principal} has neither source_arn nor source_account: any resource of that service, in any account, can invoke the function`,
      values,
    );
  }
}

function present(side: ReturnType<ReviewContext['after']>, name: string): boolean {
  if (side.isUnknown([name])) return true; // a reference to a resource not created yet: it will be set
  const value = side.get([name]);
  return typeof value === 'string' && value !== '';
}

function pick(side: ReturnType<ReviewContext['after']>, names: readonly string[]) {
  const out: Record<string, ReturnType<typeof side.show>> = {};
  for (const name of names) out[name] = side.show([name]);
  return out;
}
