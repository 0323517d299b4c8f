/**
 * The diff that says how an "after" policy document grants more than a "before" one.
 *
 * It works on grants: every Allow statement is expanded into (action, resource, principal) tuples, and a
 * tuple of the new document is "covered" when some statement of the old one allows it with no more
 * conditions than the new one has. What is not covered is a widening, classified by what it allows: a
 * wildcard (by expansion, see actions.ts), privilege escalation, every resource of a type, a public or
 * foreign principal (conditions judged by simulation, see simulate.ts), a removed condition, a new
 * principal, a new action or a new resource. Deny statements are compared the other way round.
 *
 * Limits, on purpose: each document is compared with its own previous version only (not with the union of
 * every policy of a role).
 */
import { BROAD_ESCALATION_ACTIONS, PRIVILEGE_ESCALATION_ACTIONS } from '../constants';
import {
  coversWholeType,
  expandAction,
  isListOnlyAction,
  isWildcardAction,
  isWildcardOnlyAction,
} from './actions';
import {
  conditionsCovered,
  coversAction,
  coversPrincipal,
  coversResource,
  implies,
  isNarrowed,
  isPublicPrincipal,
  narrowsResources,
  patternCovers,
  principalAccount,
} from './match';
import {
  type Condition,
  type PolicyDocument,
  type PolicyKind,
  type Principal,
  type Statement,
  UNKNOWN_VALUE,
} from './model';

export type DeltaKind =
  | 'wildcard-action'
  | 'wildcard-resource'
  | 'public-principal'
  | 'privilege-escalation'
  | 'foreign-principal'
  | 'unscoped-federation'
  | 'new-principal'
  | 'new-action'
  | 'new-resource'
  | 'condition-removed'
  | 'deny-removed';

/** One way the new document grants more, grouped per statement. */
export interface PolicyDelta {
  readonly kind: DeltaKind;
  /** The new statement (for deny-removed: the old Deny statement). */
  readonly statement: Statement;
  /** The old statement it replaces: same Sid, or the one that allowed the same without the conditions. */
  readonly previous: Statement | undefined;
  /** What is new, e.g. `s3:PutObject on arn:aws:s3:::b/*`, or the removed condition. */
  readonly items: readonly string[];
}

/** An uncovered grant: how it widens, the old statement it replaces, and its description. */
interface Grant {
  readonly kind: DeltaKind;
  readonly previous: Statement | undefined;
  readonly item: string;
}

export interface DiffOptions {
  readonly kind: PolicyKind;
  /**
   * The policy belongs to something created in this plan (a new role, key, bucket, endpoint). Nothing is
   * deployed to widen, so only what is risky on its own is reported: wildcards and public principals.
   */
  readonly holderIsNew: boolean;
  /**
   * The account the plan deploys to, when known: principals of other accounts are "foreign". Unknown:
   * every account principal counts as foreign for the checks that need it (never a silent pass).
   */
  readonly account?: string | undefined;
}

/**
 * How `after` grants more than `before`.
 *
 * @example
 * const deltas = diffPolicies(parsePolicyJson(before), parsePolicyJson(after), { kind: 'identity', holderIsNew: false });
 * deltas.map((d) => d.kind); // ['new-action']
 */
export function diffPolicies(
  before: PolicyDocument,
  after: PolicyDocument,
  options: DiffOptions,
): PolicyDelta[] {
  const deltas = new Map<
    string,
    { kind: DeltaKind; statement: Statement; previous: Statement | undefined; items: string[] }
  >();
  const add = (kind: DeltaKind, statement: Statement, previous: Statement | undefined, item: string) => {
    const key = `${kind}\u0000${statement.effect}\u0000${statement.index}`;
    const delta = deltas.get(key) ?? { kind, statement, previous, items: [] };
    if (!delta.items.includes(item)) delta.items.push(item);
    deltas.set(key, delta);
  };
  const beforeAllows = before.statements.filter((s) => s.effect === 'Allow');
  const afterAllows = after.statements.filter((s) => s.effect === 'Allow');

  for (const statement of afterAllows) {
    const notActions = statement.notAction ? statement.actions : undefined;
    const notResources = statement.notResource ? statement.resources : undefined;
    const actions = statement.notAction ? ['*'] : statement.actions;
    const resources =
      statement.resources === undefined || statement.notResource ? ['*'] : statement.resources;
    const principals: (Principal | undefined)[] =
      statement.principals === undefined
        ? [undefined]
        : statement.notPrincipal
          ? [{ type: 'AWS', id: '*' }]
          : [...statement.principals];
    const sameSid =
      statement.sid === undefined ? undefined : before.statements.find((s) => s.sid === statement.sid);
    for (const action of actions) {
      for (const resource of resources) {
        for (const principal of principals) {
          const grant = classifyGrant(
            statement,
            action,
            resource,
            principal,
            notActions,
            notResources,
            sameSid,
          );
          if (grant !== undefined) add(grant.kind, statement, grant.previous, grant.item);
        }
      }
    }
  }

  function classifyGrant(
    statement: Statement,
    action: string,
    resource: string,
    principal: Principal | undefined,
    notActions: readonly string[] | undefined,
    notResources: readonly string[] | undefined,
    sameSid: Statement | undefined,
  ): Grant | undefined {
    if (action === UNKNOWN_VALUE) return undefined; // listed in unknownParts; nothing can be said about it
    const unknownTarget = resource === UNKNOWN_VALUE || principal?.id === UNKNOWN_VALUE;
    const matching = beforeAllows.filter(
      (s) =>
        coversAction(s, action, notActions) &&
        (unknownTarget || coversResource(s, resource, notResources)) &&
        (unknownTarget || coversPrincipal(s, principal)),
    );
    const describe = () => grantText(action, resource, principal, notActions, notResources, options.kind);
    const wildcardAction = statement.notAction || isWildcardAction(action);
    const allServices = statement.notAction || action === '*';
    const publicPrincipal =
      principal !== undefined &&
      (statement.notPrincipal || isPublicPrincipal(principal)) &&
      !isNarrowed(statement.conditions, options.account);

    if (!unknownTarget && matching.length > 0) {
      const covered = matching.map((s) => conditionsCovered(s.conditions, statement.conditions));
      if (covered.includes(true) || covered.includes('unknown')) return undefined; // unknown: listed in unknownParts
      const previous = sameSid ?? matching[0];
      // Losing the condition that kept `Principal: "*"` to one account makes the statement public.
      if (publicPrincipal && options.kind !== 'identity')
        return { kind: 'public-principal', previous: previous, item: describe() };
      if (options.kind !== 'identity' && isForeign(principal, statement, options.account))
        return { kind: 'foreign-principal', previous, item: describe() };
      const lost = (previous?.conditions ?? []).filter(
        (c) => !statement.conditions.some((s) => s.key === c.key && implies(s, c) === true),
      );
      return {
        kind: 'condition-removed',
        previous,
        item:
          lost.length > 0
            ? lost.map((c) => `${c.operator} ${c.name}`).join(', ')
            : `condition on ${describe()}`,
      };
    }

    if (options.kind === 'identity') {
      if (wildcardAction) return { kind: 'wildcard-action', previous: sameSid, item: describe() };
      const wholeType =
        !unknownTarget && (statement.notResource || coversWholeType(action, resource, coversPattern));
      if (!unknownTarget && isEscalation(action, wholeType)) {
        return { kind: 'privilege-escalation', previous: sameSid, item: describe() };
      }
      if (
        wholeType &&
        !isWildcardOnlyAction(action) &&
        !isListOnlyAction(action) &&
        !narrowsResources(statement.conditions)
      ) {
        return { kind: 'wildcard-resource', previous: sameSid, item: describe() };
      }
    } else if (options.kind === 'trust') {
      if (publicPrincipal) return { kind: 'public-principal', previous: sameSid, item: describe() };
      if (principal !== undefined && !unknownTarget) {
        if (isUnscopedFederation(principal, statement.conditions))
          return { kind: 'unscoped-federation', previous: sameSid, item: describe() };
        if (isForeign(principal, statement, options.account))
          return { kind: 'foreign-principal', previous: sameSid, item: describe() };
      }
    } else {
      if (publicPrincipal) return { kind: 'public-principal', previous: sameSid, item: describe() };
      if (allServices) return { kind: 'wildcard-action', previous: sameSid, item: describe() };
      if (!unknownTarget && isForeign(principal, statement, options.account))
        return { kind: 'foreign-principal', previous: sameSid, item: describe() };
    }
    if (options.holderIsNew) return undefined;

    const actionGranted = beforeAllows.some((s) => coversAction(s, action, notActions));
    if (!actionGranted) return { kind: 'new-action', previous: sameSid, item: describe() };
    if (unknownTarget) return undefined; // the action was granted before; on what is known only after apply
    if (principal !== undefined && !beforeAllows.some((s) => coversPrincipal(s, principal))) {
      return { kind: 'new-principal', previous: sameSid, item: describe() };
    }
    if (options.kind === 'trust' && principal !== undefined) {
      return { kind: 'new-principal', previous: sameSid, item: describe() };
    }
    return { kind: 'new-resource', previous: sameSid, item: describe() };
  }

  // Deny statements: each old tuple must still be denied at least as broadly.
  if (!options.holderIsNew) {
    const afterDenies = after.statements.filter((s) => s.effect === 'Deny');
    for (const deny of before.statements.filter((s) => s.effect === 'Deny')) {
      const actions = deny.notAction ? ['*'] : deny.actions;
      const resources = deny.resources === undefined || deny.notResource ? ['*'] : deny.resources;
      const principals: (Principal | undefined)[] =
        deny.principals === undefined ? [undefined] : [...deny.principals];
      let removed = false;
      let unsure = false;
      for (const action of actions) {
        for (const resource of resources) {
          for (const principal of principals) {
            const results = afterDenies
              .filter(
                (s) =>
                  coversAction(s, action, deny.notAction ? deny.actions : undefined) &&
                  coversResource(s, resource, deny.notResource ? deny.resources : undefined) &&
                  coversPrincipal(s, principal),
              )
              .map((s) => conditionsCovered(s.conditions, deny.conditions));
            if (results.includes(true)) continue;
            if (results.includes('unknown')) unsure = true;
            else removed = true;
          }
        }
      }
      if (removed) {
        const replacement =
          deny.sid === undefined ? undefined : after.statements.find((s) => s.sid === deny.sid);
        add('deny-removed', deny, replacement, statementLabel(deny));
      } else if (unsure) {
        // Listed in the new document's unknownParts.
      }
    }
  }

  return [...deltas.values()];
}

function grantText(
  action: string,
  resource: string,
  principal: Principal | undefined,
  notActions: readonly string[] | undefined,
  notResources: readonly string[] | undefined,
  kind: PolicyKind,
): string {
  const what = notActions !== undefined ? `every action except ${notActions.join(', ')}` : action;
  const where =
    notResources !== undefined
      ? ` on every resource except ${notResources.join(', ')}`
      : kind === 'identity' || resource !== '*'
        ? ` on ${resource}`
        : '';
  const who = principal === undefined ? '' : ` for ${principalText(principal)}`;
  return `${what}${where}${who}`;
}

/** `*`, `AWS arn:aws:iam::123456789012:root`, `Service lambda.amazonaws.com`. */
export function principalText(principal: Principal): string {
  return isPublicPrincipal(principal) ? '* (anyone)' : `${principal.type} ${principal.id}`;
}

/** `statement "Sid"` or `statement 3`. */
export function statementLabel(statement: Statement): string {
  return statement.sid !== undefined ? `statement "${statement.sid}"` : `statement ${statement.index + 1}`;
}

/**
 * Whether a statement is the TLS-only guard of a bucket policy: Deny when `aws:SecureTransport` is false.
 *
 * @example
 * isTlsOnlyDeny(parsePolicyJson(bucketPolicy).statements[0]!); // true
 */
export function isTlsOnlyDeny(statement: Statement): boolean {
  return (
    statement.effect === 'Deny' &&
    statement.conditions.some(
      (c) =>
        c.operator.replace(/IfExists$/, '') === 'Bool' &&
        c.key === 'aws:securetransport' &&
        c.values.includes('false'),
    )
  );
}

const coversPattern = (general: string, specific: string) => patternCovers(general, specific, false);

/** A principal of another account that the statement's conditions do not hold back. */
function isForeign(
  principal: Principal | undefined,
  statement: Statement,
  account: string | undefined,
): boolean {
  if (principal === undefined) return false;
  const owner = principalAccount(principal);
  return owner !== undefined && owner !== account && !isNarrowed(statement.conditions, account);
}

/**
 * Whether an action pattern on a resource lets its holder raise privileges: an action of
 * PRIVILEGE_ESCALATION_ACTIONS on anything, or of BROAD_ESCALATION_ACTIONS (or any "Permissions
 * management" action, per iam-data) on every resource of its type.
 */
export function isEscalation(actionPattern: string, onWholeType: boolean): boolean {
  const expanded = expandAction(actionPattern)?.map((facts) => facts.action);
  const matches = (list: readonly string[]) =>
    expanded !== undefined
      ? expanded.some((action) => list.some((item) => item.toLowerCase() === action.toLowerCase()))
      : list.some((item) => patternCovers(actionPattern, item, true));
  if (matches(PRIVILEGE_ESCALATION_ACTIONS)) return true;
  if (!onWholeType) return false;
  if (matches(BROAD_ESCALATION_ACTIONS)) return true;
  return (expandAction(actionPattern) ?? []).some((facts) =>
    facts.accessLevel.includes('Permissions management'),
  );
}

/** Identity providers whose tokens say who they are for in `<provider>:aud` rather than `:sub`. */
const AUDIENCE_SCOPED_PROVIDERS = new Set(['cognito-identity.amazonaws.com']);
/** A subject no condition of a careful team would allow: someone else's repository or app. */
const STRANGER_SUBJECT = 'repo:someone-else/other:ref:refs/heads/main';

/**
 * A web-identity principal whose conditions do not pin the subject: GitHub OIDC with only an `aud`
 * condition lets every repository on GitHub assume the role.
 */
export function isUnscopedFederation(principal: Principal, conditions: readonly Condition[]): boolean {
  if (principal.type !== 'Federated' || principal.id === UNKNOWN_VALUE) return false;
  const provider = principal.id.replace(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\//, '').toLowerCase();
  if (!provider.includes('.') || provider.startsWith('arn:')) return false; // SAML providers: not judged here
  const key = `${provider}:${AUDIENCE_SCOPED_PROVIDERS.has(provider) ? 'aud' : 'sub'}`;
  const pinning = conditions.filter(
    (c) => c.key === key && !/IfExists$|Not|^Null$/.test(c.operator) && c.values.length > 0,
  );
  if (pinning.length === 0) return true;
  return pinning.some(
    (c) =>
      c.values.includes(UNKNOWN_VALUE) === false &&
      c.values.some((v) => (/Like/.test(c.operator) ? patternCovers(v, STRANGER_SUBJECT, false) : false)),
  );
}
