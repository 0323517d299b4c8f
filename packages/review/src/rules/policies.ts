/**
 * Every policy document in the plan — identity policies, trust policies, key, bucket, queue, topic and
 * VPC endpoint policies — diffed against its previous version (see policy.ts). Documents that refer to an
 * `aws_iam_policy_document` data source not readable while planning are rebuilt from the data source's
 * planned arguments, so their known parts are still judged.
 */
import type { Severity } from '../constants';
import type { ReviewContext } from '../context';
import type { JsonValue, ResourceChange } from '../plan';
import {
  type DeltaKind,
  diffPolicies,
  isTlsOnlyDeny,
  type PolicyDelta,
  statementLabel,
} from '../policy/diff';
import {
  EMPTY_POLICY,
  type PolicyDocument,
  type PolicyKind,
  UNKNOWN_VALUE,
  unknownPolicy,
} from '../policy/model';
import { parsePolicyJson, policyFromDocumentData } from '../policy/parse';
import type { Side } from '../values';
import type { RuleId } from './catalog';

/** Where policy documents live. */
export interface PolicySource {
  readonly type: string;
  readonly attribute: string;
  readonly kind: PolicyKind;
  /** The argument naming what the policy belongs to, and that resource's type; absent: the resource itself. */
  readonly holder?: { readonly argument: string; readonly type: string };
}

export const POLICY_SOURCES: readonly PolicySource[] = [
  {
    type: 'aws_iam_role_policy',
    attribute: 'policy',
    kind: 'identity',
    holder: { argument: 'role', type: 'aws_iam_role' },
  },
  {
    type: 'aws_iam_user_policy',
    attribute: 'policy',
    kind: 'identity',
    holder: { argument: 'user', type: 'aws_iam_user' },
  },
  {
    type: 'aws_iam_group_policy',
    attribute: 'policy',
    kind: 'identity',
    holder: { argument: 'group', type: 'aws_iam_group' },
  },
  { type: 'aws_iam_policy', attribute: 'policy', kind: 'identity' },
  { type: 'aws_iam_role', attribute: 'assume_role_policy', kind: 'trust' },
  { type: 'aws_kms_key', attribute: 'policy', kind: 'key' },
  {
    type: 'aws_kms_key_policy',
    attribute: 'policy',
    kind: 'key',
    holder: { argument: 'key_id', type: 'aws_kms_key' },
  },
  {
    type: 'aws_s3_bucket_policy',
    attribute: 'policy',
    kind: 'bucket',
    holder: { argument: 'bucket', type: 'aws_s3_bucket' },
  },
  { type: 'aws_sqs_queue', attribute: 'policy', kind: 'queue' },
  {
    type: 'aws_sqs_queue_policy',
    attribute: 'policy',
    kind: 'queue',
    holder: { argument: 'queue_url', type: 'aws_sqs_queue' },
  },
  { type: 'aws_sns_topic', attribute: 'policy', kind: 'topic' },
  {
    type: 'aws_sns_topic_policy',
    attribute: 'policy',
    kind: 'topic',
    holder: { argument: 'arn', type: 'aws_sns_topic' },
  },
  { type: 'aws_secretsmanager_secret', attribute: 'policy', kind: 'secret' },
  {
    type: 'aws_secretsmanager_secret_policy',
    attribute: 'policy',
    kind: 'secret',
    holder: { argument: 'secret_arn', type: 'aws_secretsmanager_secret' },
  },
  { type: 'aws_vpc_endpoint', attribute: 'policy', kind: 'endpoint' },
  {
    type: 'aws_vpc_endpoint_policy',
    attribute: 'policy',
    kind: 'endpoint',
    holder: { argument: 'vpc_endpoint_id', type: 'aws_vpc_endpoint' },
  },
];

const MAX_ITEMS = 6;

/**
 * Reviews every policy document of the plan.
 *
 * @example
 * const ctx = new ReviewContext(plan, 'dev');
 * reviewPolicies(ctx);
 */
export function reviewPolicies(ctx: ReviewContext): void {
  for (const source of POLICY_SOURCES) {
    for (const rc of ctx.ofType(source.type)) reviewDocument(ctx, rc, source);
  }
  reviewInlinePolicies(ctx);
}

function reviewDocument(ctx: ReviewContext, rc: ResourceChange, source: PolicySource): void {
  const path = [source.attribute];
  const beforeSide = ctx.before(rc);
  const afterSide = ctx.after(rc);
  const secret = beforeSide.hasSensitive(path) || afterSide.hasSensitive(path);
  const before = documentOf(beforeSide.get(path));

  if (ctx.isDeleted(rc)) {
    // A deleted document cannot widen a grant, but its Deny statements (guardrails) go with it, and an
    // endpoint without its policy falls back to full access. Unless what it belongs to goes too.
    if (source.holder === undefined) return; // the role, key or endpoint itself goes, and its policy with it
    if (ctx.isDestroyedHolder(source.holder.type, beforeSide.get([source.holder.argument]))) return;
    if (source.kind === 'endpoint' && before.statements.length > 0) {
      ctx.report(rc, 'network.endpoint-policy-widened', 'high', endpointDefaultMessage('is destroyed'), {
        before: shown(beforeSide, path, secret),
        after: null,
      });
    }
    report(
      ctx,
      rc,
      source,
      diffPolicies(before, EMPTY_POLICY, { kind: source.kind, holderIsNew: false, account: ctx.accountId() }),
      secret,
    );
    return;
  }

  if (afterSide.isUnknown(path) && !ctx.isConfigured(rc, path)) return; // computed, not set by this configuration
  const after = afterDocument(ctx, rc, source, afterSide);
  if (after === undefined) return;

  if (
    source.kind === 'endpoint' &&
    before.statements.length > 0 &&
    after.statements.length === 0 &&
    after.unknownParts.length === 0
  ) {
    ctx.report(rc, 'network.endpoint-policy-widened', 'high', endpointDefaultMessage('is removed'), {
      before: shown(beforeSide, path, secret),
      after: shown(afterSide, path, secret),
    });
  }
  const holderIsNew = isHolderNew(ctx, rc, source);
  if (after.unknownParts.length > 0) {
    ctx.unknown(
      rc,
      source.attribute,
      secret
        ? 'a sensitive policy document with parts known only after apply'
        : after.unknownParts.join('; '),
      secret || after.statements.length === 0
        ? undefined
        : {
            Statement: after.statements
              .filter((s) => JSON.stringify(s.display).includes(UNKNOWN_VALUE))
              .map((s) => s.display),
          },
      worstUnknown(after, holderIsNew),
    );
  }
  const move = movedHolder(ctx, rc, source);
  const account = ctx.accountId();
  if (move !== undefined) {
    // A move is a removal from the old holder and a grant to the new one: the new holder gains the
    // whole document, and the old one loses its Deny statements.
    const prefix = `moves from ${move.from} to ${move.to}: `;
    const gained = diffPolicies(EMPTY_POLICY, after, {
      kind: source.kind,
      holderIsNew: move.toIsNew,
      account,
    });
    report(
      ctx,
      rc,
      source,
      gained.filter((d) => d.kind !== 'deny-removed'),
      secret,
      prefix,
    );
    const lost = diffPolicies(before, EMPTY_POLICY, { kind: source.kind, holderIsNew: false, account });
    report(
      ctx,
      rc,
      source,
      lost.filter((d) => d.kind === 'deny-removed'),
      secret,
      `${move.from} loses: `,
    );
    return;
  }
  report(ctx, rc, source, diffPolicies(before, after, { kind: source.kind, holderIsNew, account }), secret);
}

/**
 * The severity of the worst document an unknown could turn out to be, where it changes something that
 * exists: a whole document known only after apply could be `Action: "*"` (high); a statement whose
 * resource or principal comes from a reference names one resource of that reference (medium). On a
 * holder created in this plan nothing deployed changes: left to the default (low).
 */
function worstUnknown(after: PolicyDocument, holderIsNew: boolean): Severity | undefined {
  if (holderIsNew) return undefined;
  return after.statements.length === 0 ? 'high' : 'medium';
}

/** Where a policy now points, when its holder argument changed (a replaced role policy on another role). */
function movedHolder(
  ctx: ReviewContext,
  rc: ResourceChange,
  source: PolicySource,
): { from: string; to: string; toIsNew: boolean } | undefined {
  if (source.holder === undefined || !ctx.isChanged(rc)) return undefined;
  const path = [source.holder.argument];
  const before = ctx.before(rc);
  const after = ctx.after(rc);
  const old = before.get(path);
  if (typeof old !== 'string' || old === '') return undefined;
  if (!after.isUnknown(path) && after.get(path) === old) return undefined;
  const holders = ctx.referencedChanges(rc, path, source.holder.type);
  if (after.isUnknown(path) && !holders.some((h) => ctx.isCreated(h) || ctx.isReplaced(h))) return undefined;
  const noun = source.holder.type.replace(/^aws_(iam_)?/, '').replace(/_/g, ' ');
  return {
    from: `${noun} ${before.text(path)}`,
    to: `${noun} ${after.text(path)}`,
    toIsNew: holders.length > 0 && holders.every((h) => ctx.isCreated(h)),
  };
}

/**
 * `aws_iam_role.inline_policy` blocks (deprecated in provider 5.x, still applied): each named block is
 * an identity policy of the role, compared with the block of the same name before.
 */
function reviewInlinePolicies(ctx: ReviewContext): void {
  const source: PolicySource = { type: 'aws_iam_role', attribute: 'policy', kind: 'identity' };
  for (const rc of ctx.ofType('aws_iam_role')) {
    if (ctx.isDeleted(rc)) continue;
    const beforeSide = ctx.before(rc);
    const afterSide = ctx.after(rc);
    if (afterSide.isUnknown(['inline_policy']) && !ctx.isConfigured(rc, ['inline_policy'])) continue;
    const blocks = (side: Side) =>
      new Map(
        asBlocks(side.get(['inline_policy'])).map((block, index) => [
          typeof block.name === 'string' ? block.name : `#${index}`,
          index,
        ]),
      );
    const beforeBlocks = blocks(beforeSide);
    const afterBlocks = blocks(afterSide);
    const holderIsNew = ctx.isCreated(rc);
    const account = ctx.accountId();
    for (const [name, index] of afterBlocks) {
      const path = ['inline_policy', index, 'policy'];
      const secret = afterSide.hasSensitive(path);
      const beforeIndex = beforeBlocks.get(name);
      const before =
        beforeIndex === undefined
          ? EMPTY_POLICY
          : documentOf(beforeSide.get(['inline_policy', beforeIndex, 'policy']));
      if (afterSide.isUnknown(path) || afterSide.isUnknown(['inline_policy'])) {
        ctx.unknown(
          rc,
          'inline_policy',
          `inline policy "${name}"`,
          undefined,
          holderIsNew ? undefined : 'high',
        );
        continue;
      }
      const after = documentOf(afterSide.get(path));
      report(
        ctx,
        rc,
        source,
        diffPolicies(before, after, { kind: 'identity', holderIsNew, account }),
        secret,
        `inline policy "${name}": `,
      );
    }
    for (const [name, index] of beforeBlocks) {
      if (afterBlocks.has(name) || afterSide.isUnknown(['inline_policy'])) continue;
      const before = documentOf(beforeSide.get(['inline_policy', index, 'policy']));
      const lost = diffPolicies(before, EMPTY_POLICY, { kind: 'identity', holderIsNew: false, account });
      report(
        ctx,
        rc,
        source,
        lost,
        beforeSide.hasSensitive(['inline_policy', index, 'policy']),
        `inline policy "${name}": `,
      );
    }
  }
}

function asBlocks(value: JsonValue | undefined): { name?: JsonValue; policy?: JsonValue }[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (block): block is { name?: JsonValue; policy?: JsonValue } =>
      block !== null &&
      typeof block === 'object' &&
      !Array.isArray(block) &&
      ((typeof block.name === 'string' && block.name !== '') ||
        (typeof block.policy === 'string' && block.policy !== '')),
  );
}

function endpointDefaultMessage(what: string): string {
  return `the endpoint policy ${what}: the endpoint falls back to its default policy, which allows any principal every action on every resource`;
}

/** A policy attribute's text as a document; empty or absent is no statements. */
export function documentOf(value: JsonValue | undefined): PolicyDocument {
  if (typeof value !== 'string' || value.trim() === '') return EMPTY_POLICY;
  return parsePolicyJson(value);
}

/** The new document: the attribute when known, else rebuilt from the data source it refers to. */
export function afterDocument(
  ctx: ReviewContext,
  rc: ResourceChange,
  source: PolicySource,
  after: Side,
): PolicyDocument | undefined {
  const path = [source.attribute];
  if (!after.isUnknown(path)) return documentOf(after.get(path));
  for (const address of ctx.references(rc, path)) {
    if (!address.split('.').includes('data') || !address.includes('aws_iam_policy_document')) continue;
    const read = ctx.priorStateInstances(address)[0];
    if (read !== undefined) {
      const json =
        read.values !== null && typeof read.values === 'object' && !Array.isArray(read.values)
          ? read.values.json
          : undefined;
      if (typeof json === 'string') return parsePolicyJson(json);
    }
    const planned = ctx.instancesOf(address).find((candidate) => candidate.mode === 'data');
    if (planned !== undefined)
      return policyFromDocumentData(planned.change.after, planned.change.afterUnknown);
  }
  return unknownPolicy('the whole document');
}

/** The policy belongs to something created in this plan, so there is nothing deployed to widen. */
function isHolderNew(ctx: ReviewContext, rc: ResourceChange, source: PolicySource): boolean {
  if (!ctx.isCreated(rc)) return false;
  if (source.holder === undefined) return true;
  const holders = ctx.referencedChanges(rc, [source.holder.argument], source.holder.type);
  return holders.length > 0 && holders.every((holder) => ctx.isCreated(holder));
}

interface RuleChoice {
  readonly rule: RuleId;
  readonly severity: Severity;
}

function ruleFor(kind: PolicyKind, delta: PolicyDelta): RuleChoice {
  const broad: DeltaKind[] = ['public-principal', 'wildcard-action', 'foreign-principal'];
  if (delta.kind === 'deny-removed') {
    if (kind === 'bucket' && isTlsOnlyDeny(delta.statement))
      return { rule: 'data.tls-only-removed', severity: 'high' };
    return { rule: 'iam.deny-removed', severity: 'medium' };
  }
  switch (kind) {
    case 'identity':
      if (delta.kind === 'wildcard-action') return { rule: 'iam.wildcard-action', severity: 'high' };
      if (delta.kind === 'privilege-escalation')
        return { rule: 'iam.privilege-escalation', severity: 'high' };
      if (delta.kind === 'wildcard-resource') return { rule: 'iam.wildcard-resource', severity: 'high' };
      if (delta.kind === 'condition-removed') return { rule: 'iam.condition-removed', severity: 'medium' };
      return { rule: 'iam.policy-widened', severity: 'medium' };
    case 'trust':
      return { rule: 'iam.trust-widened', severity: 'high' };
    case 'key':
      return { rule: 'kms.key-policy-widened', severity: broad.includes(delta.kind) ? 'high' : 'medium' };
    case 'endpoint':
      return {
        rule: 'network.endpoint-policy-widened',
        severity: broad.includes(delta.kind) ? 'high' : 'medium',
      };
    default:
      return {
        rule: 'iam.resource-policy-widened',
        severity: broad.includes(delta.kind) ? 'high' : 'medium',
      };
  }
}

const DELTA_TEXT: Record<DeltaKind, string> = {
  'wildcard-action': 'allows a wildcard action',
  'wildcard-resource':
    'allows actions on every resource of a type ("*" or an ARN pattern as wide) where narrower ARNs exist',
  'public-principal':
    'allows anyone (Principal "*" without a condition such as aws:SourceAccount, aws:PrincipalOrgID or aws:SourceVpce)',
  'privilege-escalation':
    'allows privilege escalation (rewriting or attaching policies, minting credentials, or passing, assuming or rewriting every role or function)',
  'foreign-principal':
    'grants to another account with no condition such as sts:ExternalId, aws:SourceAccount or aws:PrincipalOrgID',
  'unscoped-federation':
    'lets a web identity assume the role without pinning the subject (for GitHub OIDC: every repository on GitHub)',
  'new-principal': 'grants to a new principal',
  'new-action': 'allows new actions',
  'new-resource': 'allows existing actions on new resources',
  'condition-removed': 'loses the condition(s)',
  'deny-removed': '(Deny) is removed or narrowed: the guardrail no longer applies to everything it covered',
};

function report(
  ctx: ReviewContext,
  rc: ResourceChange,
  source: PolicySource,
  deltas: readonly PolicyDelta[],
  secret: boolean,
  prefix = '',
): void {
  for (const delta of deltas) {
    const { rule, severity } = ruleFor(source.kind, delta);
    const label = secret ? 'statement (sensitive)' : statementLabel(delta.statement);
    const items =
      secret || delta.kind === 'deny-removed'
        ? ''
        : `: ${delta.items.slice(0, MAX_ITEMS).join('; ')}${delta.items.length > MAX_ITEMS ? `; and ${delta.items.length - MAX_ITEMS} more` : ''}`;
    const whose =
      source.kind === 'trust'
        ? 'trust policy'
        : source.kind === 'identity'
          ? 'policy'
          : `${source.kind} policy`;
    const message =
      rule === 'data.tls-only-removed'
        ? `${whose} ${label} (Deny when aws:SecureTransport is false) is removed: the bucket accepts plain HTTP requests`
        : `${prefix}${whose} ${label} ${DELTA_TEXT[delta.kind]}${items}`;
    const isDeny = delta.kind === 'deny-removed';
    const oldStatement = isDeny ? delta.statement : delta.previous;
    const newStatement = isDeny ? delta.previous : delta.statement;
    ctx.report(rc, rule, severity, message, {
      before: oldStatement === undefined ? null : secret ? '(sensitive)' : oldStatement.display,
      after: newStatement === undefined ? null : secret ? '(sensitive)' : newStatement.display,
    });
  }
}

function shown(side: Side, path: readonly string[], secret: boolean): JsonValue {
  if (secret) return '(sensitive)';
  const value = side.show(path);
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    return value;
  }
}
