/**
 * IAM rules outside policy documents: managed-policy attachments (and `managed_policy_arns`), permissions
 * boundaries, access keys, group membership, KMS grants, a function's execution role, and Lambda
 * resource-policy statements (`aws_lambda_permission`). Policy documents are in policies.ts.
 *
 * What is attached to something that exists is judged as a change of that thing; what moves from one
 * holder to another is a grant to the new one.
 */
import { ADMIN_LIKE_MANAGED_POLICIES, ADMIN_LIKE_NAME_PATTERNS } from '../constants';
import type { ReviewContext } from '../context';
import type { JsonValue, ResourceChange } from '../plan';
import { isNarrowed } from '../policy/match';
import type { Condition } from '../policy/model';
import type { Side } from '../values';
import { documentOf } from './policies';

/** Attachment types, the argument naming the principal and that principal's resource type. */
const ATTACHMENTS = [
  { type: 'aws_iam_role_policy_attachment', principal: 'role', principalType: 'aws_iam_role' },
  { type: 'aws_iam_user_policy_attachment', principal: 'user', principalType: 'aws_iam_user' },
  { type: 'aws_iam_group_policy_attachment', principal: 'group', principalType: 'aws_iam_group' },
] as const;

/** `aws_iam_policy_attachment` (exclusive): lists of principals, by argument. */
const EXCLUSIVE_LISTS = [
  { argument: 'roles', noun: 'role', type: 'aws_iam_role' },
  { argument: 'users', noun: 'user', type: 'aws_iam_user' },
  { argument: 'groups', noun: 'group', type: 'aws_iam_group' },
] as const;

/**
 * Reviews attachments, boundaries, credentials, memberships, grants, execution roles and Lambda
 * permissions.
 *
 * @example
 * reviewIam(new ReviewContext(plan, 'dev'));
 */
export function reviewIam(ctx: ReviewContext): void {
  reviewAttachments(ctx);
  reviewExclusiveAttachments(ctx);
  reviewManagedPolicyArns(ctx);
  reviewBoundaries(ctx);
  reviewAccessKeys(ctx);
  reviewGroupMembership(ctx);
  reviewKmsGrants(ctx);
  reviewFunctionRoles(ctx);
  reviewLambdaPermissions(ctx);
}

/**
 * An AWS-managed policy that grants administrator-like access or data access on everything:
 * `AdministratorAccess`, `ReadOnlyAccess`, any `...FullAccess` (`AWSLambda_FullAccess` too),
 * `SecretsManagerReadWrite`, `AmazonS3ReadOnlyAccess`.
 *
 * @example
 * isAdminLike('arn:aws:iam::aws:policy/AWSLambda_FullAccess'); // true
 * isAdminLike('arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess'); // false
 */
export function isAdminLike(policyArn: string): boolean {
  if ((ADMIN_LIKE_MANAGED_POLICIES as readonly string[]).includes(policyArn)) return true;
  const name = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(policyArn)?.[1];
  return name !== undefined && ADMIN_LIKE_NAME_PATTERNS.some((pattern) => pattern.test(name));
}

/**
 * ARNs of the customer-managed policies in the plan whose document allows every action on every resource:
 * administrator policies by what they say, not by their name.
 */
function adminPolicyArns(ctx: ReviewContext): Set<string> {
  const out = new Set<string>();
  for (const rc of ctx.allOfType('aws_iam_policy')) {
    const after = ctx.after(rc);
    const arn = after.get(['arn']);
    if (typeof arn !== 'string' || after.isSensitive(['policy'])) continue;
    const doc = documentOf(after.get(['policy']));
    const everything = doc.statements.some(
      (s) =>
        s.effect === 'Allow' &&
        !s.notAction &&
        s.actions.includes('*') &&
        s.conditions.length === 0 &&
        (s.resources ?? ['*']).includes('*'),
    );
    if (everything) out.add(arn);
  }
  return out;
}

/** Names of the resources of a type that this plan creates (by `name`), to tell new principals apart. */
function createdNames(ctx: ReviewContext, type: string): Set<string> {
  const out = new Set<string>();
  for (const rc of ctx.ofType(type)) {
    const name = ctx.after(rc).get(['name']);
    if (ctx.isCreated(rc) && typeof name === 'string') out.add(name);
  }
  return out;
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
      const moved = rc.change.before !== null && !samePrincipal;
      const principals = ctx.referencedChanges(rc, [kind.principal], kind.principalType);
      const principalIsNew = principals.length > 0 && principals.every((p) => ctx.isCreated(p));
      const values = {
        before: rc.change.before === null ? null : pick(before, ['policy_arn', kind.principal]),
        after: pick(after, ['policy_arn', kind.principal]),
      };
      const from = moved ? ` (moved from ${kind.principal} ${before.text([kind.principal])})` : '';
      reportAttachment(
        ctx,
        rc,
        after.get(arnPath),
        after,
        arnPath,
        `${kind.principal} ${principalText}${from}`,
        principalIsNew,
        values,
      );
    }
  }
}

function reportAttachment(
  ctx: ReviewContext,
  rc: ResourceChange,
  policyArn: JsonValue | undefined,
  side: Side,
  arnPath: readonly (string | number)[],
  target: string,
  targetIsNew: boolean,
  values: { before: JsonValue; after: JsonValue },
): void {
  const customAdmin = typeof policyArn === 'string' && adminPolicyArns(ctx).has(policyArn);
  if (
    typeof policyArn === 'string' &&
    !side.isSensitive(arnPath) &&
    (isAdminLike(policyArn) || customAdmin)
  ) {
    const what = customAdmin ? 'policy (it allows every action on every resource)' : 'AWS-managed policy';
    ctx.report(
      rc,
      'iam.managed-policy-attached',
      'high',
      `attaches the administrator-like ${what} ${policyArn} to ${target}`,
      values,
    );
  } else if (!targetIsNew) {
    const what = side.isUnknown(arnPath)
      ? 'a policy created in this plan (its document is reviewed on its own resource)'
      : side.text(arnPath);
    ctx.report(
      rc,
      'iam.managed-policy-attached',
      'medium',
      `attaches ${what} to the existing ${target}: it gains every permission of that policy`,
      values,
    );
  }
}

/** `aws_iam_policy_attachment`: every role, user or group it adds gets the policy. */
function reviewExclusiveAttachments(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_iam_policy_attachment')) {
    if (ctx.isDeleted(rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const samePolicy =
      !after.isUnknown(['policy_arn']) && before.get(['policy_arn']) === after.get(['policy_arn']);
    for (const list of EXCLUSIVE_LISTS) {
      const created = createdNames(ctx, list.type);
      const old = samePolicy ? strings(before.get([list.argument])) : [];
      if (after.isUnknown([list.argument])) {
        ctx.unknown(rc, list.argument, `which ${list.noun}s get the policy`, undefined, 'medium');
        continue;
      }
      for (const name of strings(after.get([list.argument]))) {
        if (old.includes(name)) continue;
        reportAttachment(
          ctx,
          rc,
          after.get(['policy_arn']),
          after,
          ['policy_arn'],
          `${list.noun} ${name}`,
          created.has(name),
          {
            before: rc.change.before === null ? null : pick(before, ['policy_arn', list.argument]),
            after: pick(after, ['policy_arn', list.argument]),
          },
        );
      }
    }
  }
}

/** `aws_iam_role.managed_policy_arns` (exclusive, deprecated in provider 5.x): an added ARN is an attachment. */
function reviewManagedPolicyArns(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_iam_role')) {
    if (ctx.isDeleted(rc)) continue;
    const path = ['managed_policy_arns'];
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (!ctx.isConfigured(rc, path) && after.isUnknown(path)) continue;
    const roleIsNew = ctx.isCreated(rc);
    if (after.isUnknown(path)) {
      if (!roleIsNew)
        ctx.unknown(rc, 'managed_policy_arns', 'which managed policies the role gets', undefined, 'high');
      continue;
    }
    const old = strings(before.get(path));
    const added = strings(after.get(path)).filter((arn) => !old.includes(arn));
    added.forEach((arn) => {
      reportAttachment(ctx, rc, arn, after, path, `role ${after.text(['name'])}`, roleIsNew, {
        before: before.show(path),
        after: after.show(path),
      });
    });
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

/**
 * A long-lived access key: a credential that works from anywhere until someone deletes it. Without
 * `pgp_key` its secret is written to the Terraform state in plain text (high).
 */
function reviewAccessKeys(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_iam_access_key')) {
    if (ctx.isDeleted(rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const values = {
      before: rc.change.before === null ? null : pick(before, ['user', 'status']),
      after: pick(after, ['user', 'status', 'pgp_key']),
    };
    const encrypted =
      after.isUnknown(['pgp_key']) ||
      (typeof after.get(['pgp_key']) === 'string' && after.get(['pgp_key']) !== '');
    if (rc.change.actions.includes('create')) {
      if (after.get(['status']) === 'Inactive') continue;
      ctx.report(
        rc,
        'iam.access-key-created',
        encrypted ? 'medium' : 'high',
        `creates a long-lived access key for user ${after.text(['user'])}` +
          (encrypted
            ? ' (its secret is encrypted with pgp_key): prefer roles and short-lived credentials'
            : ': its secret is written to the Terraform state in plain text (no pgp_key), and it works from anywhere until deleted'),
        values,
      );
    } else if (before.get(['status']) === 'Inactive' && after.get(['status']) !== 'Inactive') {
      ctx.report(
        rc,
        'iam.access-key-created',
        'medium',
        `re-activates the access key of user ${after.text(['user'])}`,
        values,
      );
    }
  }
}

/** Groups that this plan leaves with an administrator-like managed policy attached. */
function adminGroups(ctx: ReviewContext): Set<string> {
  const out = new Set<string>();
  const custom = adminPolicyArns(ctx);
  for (const rc of ctx.allOfType('aws_iam_group_policy_attachment')) {
    const after = ctx.after(rc);
    const arn = after.get(['policy_arn']);
    const group = after.get(['group']);
    if (typeof arn === 'string' && typeof group === 'string' && (isAdminLike(arn) || custom.has(arn)))
      out.add(group);
  }
  return out;
}

/** A user who joins a group gains every permission of the group. */
function reviewGroupMembership(ctx: ReviewContext): void {
  const admins = adminGroups(ctx);
  const newUsers = createdNames(ctx, 'aws_iam_user');
  const report = (
    rc: ResourceChange,
    user: string,
    group: string,
    values: { before: JsonValue; after: JsonValue },
  ) => {
    const admin = admins.has(group);
    if (!admin && newUsers.has(user)) return; // a new user in an ordinary group: nothing deployed changes
    ctx.report(
      rc,
      'iam.group-membership-added',
      admin ? 'high' : 'medium',
      `user ${user} joins group ${group}` +
        (admin
          ? ', which has an administrator-like managed policy attached'
          : ': the user gains every permission of the group'),
      values,
    );
  };
  for (const rc of ctx.ofType('aws_iam_user_group_membership')) {
    if (ctx.isDeleted(rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const sameUser = before.get(['user']) === after.get(['user']);
    const old = sameUser ? strings(before.get(['groups'])) : [];
    const values = {
      before: rc.change.before === null ? null : pick(before, ['user', 'groups']),
      after: pick(after, ['user', 'groups']),
    };
    for (const group of strings(after.get(['groups']))) {
      if (!old.includes(group)) report(rc, after.text(['user']), group, values);
    }
  }
  for (const rc of ctx.ofType('aws_iam_group_membership')) {
    if (ctx.isDeleted(rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const sameGroup = before.get(['group']) === after.get(['group']);
    const old = sameGroup ? strings(before.get(['users'])) : [];
    const values = {
      before: rc.change.before === null ? null : pick(before, ['group', 'users']),
      after: pick(after, ['group', 'users']),
    };
    for (const user of strings(after.get(['users']))) {
      if (!old.includes(user)) report(rc, user, after.text(['group']), values);
    }
  }
}

/** KMS operations that let the grantee hand the key on. */
const REGRANT_OPERATIONS = ['CreateGrant'];

/**
 * A KMS grant is a permission on a key outside its key policy: on an existing key it is a change of that
 * key; to another account, or with CreateGrant (the grantee can re-grant), it is high.
 */
function reviewKmsGrants(ctx: ReviewContext): void {
  const account = ctx.accountId();
  for (const rc of ctx.ofType('aws_kms_grant')) {
    if (!rc.change.actions.includes('create')) continue;
    const after = ctx.after(rc);
    const values = { before: null, after: pick(after, ['key_id', 'grantee_principal', 'operations']) };
    const grantee = after.get(['grantee_principal']);
    if (after.isUnknown(['grantee_principal'])) {
      ctx.unknown(rc, 'grantee_principal', 'who gets the grant', undefined, 'medium');
      continue;
    }
    const granteeAccount = typeof grantee === 'string' ? /:(\d{12}):/.exec(grantee)?.[1] : undefined;
    const foreign = granteeAccount !== undefined && granteeAccount !== account;
    const operations = strings(after.get(['operations']));
    const regrant = operations.some((op) => REGRANT_OPERATIONS.includes(op));
    const keyIsNew = ctx.referencedChanges(rc, ['key_id'], 'aws_kms_key').some((k) => ctx.isCreated(k));
    if (!foreign && !regrant && keyIsNew) continue;
    ctx.report(
      rc,
      'kms.grant-added',
      foreign || regrant ? 'high' : 'medium',
      `grants ${operations.join(', ')} on key ${after.text(['key_id'])} to ${after.text(['grantee_principal'])}` +
        (foreign ? ', a principal of another account' : '') +
        (regrant ? ' including CreateGrant: the grantee can hand the key on' : '') +
        ': grants are not visible in the key policy',
      values,
    );
  }
}

/** A function that moves to another execution role runs with that role's permissions. */
function reviewFunctionRoles(ctx: ReviewContext): void {
  for (const rc of ctx.ofType('aws_lambda_function')) {
    if (!ctx.isChanged(rc)) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    const path = ['role'];
    if (!after.isUnknown(path) && before.get(path) === after.get(path)) continue;
    if (after.isUnknown(path)) {
      const roles = ctx.referencedChanges(rc, path, 'aws_iam_role');
      if (!roles.some((role) => ctx.isCreated(role) || ctx.isReplaced(role))) continue;
    }
    ctx.report(
      rc,
      'iam.function-role-changed',
      'medium',
      `${after.text(['function_name'])} changes its execution role from ${before.text(path)} to ${after.text(path)}: its code runs with the new role's permissions`,
      { before: before.show(path), after: after.show(path) },
    );
  }
}

function reviewLambdaPermissions(ctx: ReviewContext): void {
  const account = ctx.accountId();
  for (const rc of ctx.ofType('aws_lambda_permission')) {
    if (!rc.change.actions.includes('create') && !rc.change.actions.includes('update')) continue;
    const before = ctx.before(rc);
    const after = ctx.after(rc);
    if (after.isUnknown(['principal'])) {
      ctx.unknown(rc, 'principal', 'who may invoke the function');
      continue;
    }
    const principal = after.get(['principal']);
    // A permission moved to another function is a grant on that function.
    const sameFunction =
      rc.change.before !== null &&
      !after.isUnknown(['function_name']) &&
      before.get(['function_name']) === after.get(['function_name']);
    const previous = sameFunction ? before.get(['principal']) : undefined;
    const names = ['principal', 'function_name', 'source_arn', 'source_account', 'principal_org_id'];
    const values = {
      before: rc.change.before === null ? null : pick(before, names),
      after: pick(after, names),
    };
    const what = `${after.text(['action'])} on ${after.text(['function_name'])}`;
    const moved =
      rc.change.before !== null && !sameFunction ? ` (moved from ${before.text(['function_name'])})` : '';
    if (principal === '*' && previous !== '*') {
      const conditions = permissionConditions(after);
      const orgOnly =
        present(after, 'principal_org_id') &&
        isNarrowed(
          conditions.filter((c) => c.key === 'aws:principalorgid'),
          account,
        );
      if (orgOnly) {
        ctx.report(
          rc,
          'iam.lambda-permission-cross-account',
          'medium',
          `lets every account of organization ${after.text(['principal_org_id'])} call ${what}${moved}`,
          values,
        );
        continue;
      }
      const narrowed = present(after, 'source_account') || present(after, 'source_arn');
      ctx.report(
        rc,
        'iam.lambda-permission-public',
        'high',
        `lets principal "*" call ${what}${moved}` +
          (narrowed
            ? ' (narrowed only by a source condition)'
            : ': anyone with an AWS account (or none, for a URL) can invoke it'),
        values,
      );
      continue;
    }
    if (typeof principal !== 'string') continue;
    const owner = /^\d{12}$/.test(principal)
      ? principal
      : /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
    if (owner !== undefined && owner !== account && previous !== principal) {
      ctx.report(
        rc,
        'iam.lambda-permission-cross-account',
        'high',
        `lets account ${owner} (${principal}) call ${what}${moved}: a principal outside this account`,
        values,
      );
      continue;
    }
    if (!principal.endsWith('.amazonaws.com')) continue;
    reviewServicePermission(ctx, rc, principal, values, sameFunction);
  }
}

/** The conditions Lambda writes into the function policy for a permission's arguments. */
function permissionConditions(side: Side): Condition[] {
  const out: Condition[] = [];
  const add = (operator: string, name: string, argument: string) => {
    const value = side.get([argument]);
    if (typeof value === 'string' && value !== '')
      out.push({ operator, key: name.toLowerCase(), name, values: [value] });
  };
  add('StringEquals', 'AWS:SourceAccount', 'source_account');
  add('ArnLike', 'AWS:SourceArn', 'source_arn');
  add('StringEquals', 'aws:PrincipalOrgID', 'principal_org_id');
  return out;
}

/**
 * A service principal without `source_arn`/`source_account` lets any resource of that service, in any
 * account, invoke the function (the confused-deputy problem).
 */
function reviewServicePermission(
  ctx: ReviewContext,
  rc: ResourceChange,
  principal: string,
  values: { before: JsonValue; after: JsonValue },
  sameFunction: boolean,
): void {
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const had = ['source_arn', 'source_account'].filter((name) => present(before, name));
  const has = ['source_arn', 'source_account'].filter((name) => present(after, name));
  if (rc.change.before !== null && sameFunction && before.get(['principal']) === principal) {
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

function present(side: Side, name: string): boolean {
  if (side.isUnknown([name])) return true; // a reference to a resource not created yet: it will be set
  const value = side.get([name]);
  return typeof value === 'string' && value !== '';
}

function pick(side: Side, names: readonly string[]): JsonValue {
  const out: Record<string, JsonValue> = {};
  for (const name of names) out[name] = side.show([name]);
  return out;
}

function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
