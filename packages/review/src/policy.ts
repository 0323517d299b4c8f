/**
 * IAM policy documents: parsing (policy JSON, or the statement blocks of an `aws_iam_policy_document`
 * data source), and the diff that says how an "after" document grants more than a "before" one.
 *
 * The diff works on grants: every Allow statement is expanded into (action, resource, principal) tuples,
 * and a tuple of the new document is "covered" when some statement of the old one allows it with no more
 * conditions than the new one has. What is not covered is a widening, classified as a wildcard, a public
 * principal, a removed condition, a new principal, a new action or a new resource. Deny statements are
 * compared the other way round. Patterns are matched as IAM does (`*` and `?`, actions case-insensitive).
 *
 * Limits, on purpose: each document is compared with its own previous version only (not with the union of
 * every policy of a role), and condition operators are compared by name, values as sets.
 */
import { NARROWING_CONDITION_KEYS, Placeholder, RESOURCE_STAR_ONLY_ACTIONS } from './constants';
import { asArray, isObject, type JsonObject, type JsonValue } from './plan';
import { getPath, maskedAt } from './values';

/** Marks a value inside a statement that is known only after apply. */
export const UNKNOWN_VALUE = Placeholder.UNKNOWN;

export type PolicyKind = 'identity' | 'trust' | 'key' | 'bucket' | 'queue' | 'topic' | 'endpoint';

export interface Principal {
  /** `*` for `"Principal": "*"`, otherwise AWS, Service, Federated or CanonicalUser. */
  readonly type: string;
  readonly id: string;
}

export interface Condition {
  readonly operator: string;
  /** Lower case, for matching: condition keys are case-insensitive. */
  readonly key: string;
  /** The key as written, for messages. */
  readonly name: string;
  readonly values: readonly string[];
}

export interface Statement {
  /** Position in the document, for messages when there is no Sid. */
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: 'Allow' | 'Deny';
  /** Action patterns, or the NotAction list when `notAction`. */
  readonly actions: readonly string[];
  readonly notAction: boolean;
  /** Resource patterns, the NotResource list when `notResource`, undefined when the element is absent. */
  readonly resources: readonly string[] | undefined;
  readonly notResource: boolean;
  /** Undefined in identity policies, which name no principal. */
  readonly principals: readonly Principal[] | undefined;
  readonly notPrincipal: boolean;
  readonly conditions: readonly Condition[];
  /** The statement as policy JSON, unknown values shown as "(known after apply)". */
  readonly display: JsonObject;
}

export interface PolicyDocument {
  readonly statements: readonly Statement[];
  /** Parts known only after apply, e.g. `statement "SendToDlq": Resource`. */
  readonly unknownParts: readonly string[];
  /** Set when the text is not a policy document. */
  readonly invalid?: string;
}

/** A document with no statements: the "before" of a new policy. */
export const EMPTY_POLICY: PolicyDocument = { statements: [], unknownParts: [] };

/** A document known only after apply, as a whole. */
export function unknownPolicy(reason: string): PolicyDocument {
  return { statements: [], unknownParts: [reason] };
}

/**
 * Parses policy JSON text.
 *
 * @example
 * const doc = parsePolicyJson('{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}');
 * doc.statements[0]?.actions; // ['s3:GetObject']
 */
export function parsePolicyJson(text: string): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { statements: [], unknownParts: [], invalid: 'not JSON' };
  }
  if (!isObject(raw)) return { statements: [], unknownParts: [], invalid: 'not a JSON object' };
  const list = Array.isArray(raw.Statement) ? raw.Statement : isObject(raw.Statement) ? [raw.Statement] : [];
  const statements = list.filter(isObject).map((statement, index) => statementFromJson(statement, index));
  return { statements, unknownParts: [] };
}

function statementFromJson(raw: JsonObject, index: number): Statement {
  const notAction = raw.NotAction !== undefined;
  const notResource = raw.NotResource !== undefined;
  const notPrincipal = raw.NotPrincipal !== undefined;
  const principalValue = notPrincipal ? raw.NotPrincipal : raw.Principal;
  return {
    index,
    sid: typeof raw.Sid === 'string' && raw.Sid !== '' ? raw.Sid : undefined,
    effect: raw.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: strings(notAction ? raw.NotAction : raw.Action),
    notAction,
    resources:
      raw.Resource === undefined && raw.NotResource === undefined
        ? undefined
        : strings(notResource ? raw.NotResource : raw.Resource),
    notResource,
    principals: principalValue === undefined ? undefined : principalsFromJson(principalValue),
    notPrincipal,
    conditions: conditionsFromJson(raw.Condition),
    display: raw,
  };
}

function principalsFromJson(value: JsonValue): Principal[] {
  if (value === '*') return [{ type: '*', id: '*' }];
  if (!isObject(value)) return [];
  const out: Principal[] = [];
  for (const [type, ids] of Object.entries(value)) {
    for (const id of strings(ids)) out.push(normalizePrincipal(type, id));
  }
  return out;
}

function conditionsFromJson(value: JsonValue | undefined): Condition[] {
  if (!isObject(value)) return [];
  const out: Condition[] = [];
  for (const [operator, entries] of Object.entries(value)) {
    if (!isObject(entries)) continue;
    for (const [key, values] of Object.entries(entries)) {
      out.push({ operator, key: key.toLowerCase(), name: key, values: strings(values) });
    }
  }
  return out;
}

/**
 * Builds a document from an `aws_iam_policy_document` data source's arguments as planned, where parts can
 * be unknown (`after_unknown`). Used when the policy attribute that refers to it is unknown.
 *
 * @example
 * const doc = policyFromDocumentData(rc.change.after, rc.change.afterUnknown);
 * doc.unknownParts; // ['statement "SendToDlq": Resource']
 */
export function policyFromDocumentData(values: JsonValue, unknownMask: JsonValue): PolicyDocument {
  if (maskedAt(unknownMask, ['statement'])) return unknownPolicy('the whole document (its statements)');
  const unknownParts: string[] = [];
  const bySid = new Map<string, Statement>();
  const ordered: Statement[] = [];
  const add = (statement: Statement) => {
    if (statement.sid !== undefined && bySid.has(statement.sid)) {
      const at = ordered.indexOf(bySid.get(statement.sid) as Statement);
      ordered[at] = statement;
    } else {
      ordered.push(statement);
    }
    if (statement.sid !== undefined) bySid.set(statement.sid, statement);
  };
  // The provider merges source documents first, then the own statements, then overrides, by Sid.
  for (const attribute of ['source_policy_documents', 'source_json']) {
    for (const doc of nestedDocuments(values, unknownMask, attribute, unknownParts))
      doc.statements.forEach(add);
  }
  asArray(getPath(values, ['statement'])).forEach((block, index) => {
    add(statementFromBlock(block, getPath(unknownMask, ['statement', index]), index, unknownParts));
  });
  for (const attribute of ['override_policy_documents', 'override_json']) {
    for (const doc of nestedDocuments(values, unknownMask, attribute, unknownParts))
      doc.statements.forEach(add);
  }
  return { statements: ordered.map((s, index) => ({ ...s, index })), unknownParts };
}

function nestedDocuments(
  values: JsonValue,
  mask: JsonValue,
  attribute: string,
  unknownParts: string[],
): PolicyDocument[] {
  if (maskedAt(mask, [attribute])) {
    unknownParts.push(attribute);
    return [];
  }
  const value = getPath(values, [attribute]);
  const texts = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  const out: PolicyDocument[] = [];
  texts.forEach((text, index) => {
    if (maskedAt(mask, [attribute, index]) || typeof text !== 'string')
      unknownParts.push(`${attribute}[${index}]`);
    else out.push(parsePolicyJson(text));
  });
  return out;
}

function statementFromBlock(
  block: JsonValue,
  mask: JsonValue | undefined,
  index: number,
  unknownParts: string[],
): Statement {
  const sid =
    typeof getPath(block, ['sid']) === 'string' && getPath(block, ['sid']) !== ''
      ? (getPath(block, ['sid']) as string)
      : undefined;
  const label = sid !== undefined ? `statement "${sid}"` : `statement ${index + 1}`;
  const unknownIn: string[] = [];
  const list = (attribute: string, element: string): string[] | undefined => {
    const value = getPath(block, [attribute]);
    if (maskedAt(mask ?? false, [attribute])) {
      unknownIn.push(element);
      return [UNKNOWN_VALUE];
    }
    if (!Array.isArray(value)) return undefined;
    return value.map((item, i) => {
      if (maskedAt(mask ?? false, [attribute, i]) || typeof item !== 'string') {
        if (!unknownIn.includes(element)) unknownIn.push(element);
        return UNKNOWN_VALUE;
      }
      return item;
    });
  };
  const notActions = list('not_actions', 'NotAction');
  const actions = list('actions', 'Action');
  const notResources = list('not_resources', 'NotResource');
  const resources = list('resources', 'Resource');
  const notAction = (notActions?.length ?? 0) > 0;
  const notResource = (notResources?.length ?? 0) > 0;
  const principalBlocks = (attribute: string): Principal[] | undefined => {
    const blocks = asArray(getPath(block, [attribute]));
    if (blocks.length === 0) return undefined;
    const out: Principal[] = [];
    blocks.forEach((principal, i) => {
      const type = getPath(principal, ['type']);
      const ids = getPath(principal, ['identifiers']);
      if (maskedAt(mask ?? false, [attribute, i]) || typeof type !== 'string') {
        unknownIn.push('Principal');
        out.push({ type: 'AWS', id: UNKNOWN_VALUE });
        return;
      }
      asArray(ids).forEach((id, j) => {
        if (maskedAt(mask ?? false, [attribute, i, 'identifiers', j]) || typeof id !== 'string') {
          if (!unknownIn.includes('Principal')) unknownIn.push('Principal');
          out.push({ type, id: UNKNOWN_VALUE });
        } else if (type === '*' && id === '*') {
          out.push({ type: '*', id: '*' });
        } else {
          out.push(normalizePrincipal(type, id));
        }
      });
    });
    return out;
  };
  const notPrincipals = principalBlocks('not_principals');
  const principals = notPrincipals ?? principalBlocks('principals');
  const conditions: Condition[] = [];
  asArray(getPath(block, ['condition'])).forEach((condition, i) => {
    const operator = getPath(condition, ['test']);
    const key = getPath(condition, ['variable']);
    if (typeof operator !== 'string' || typeof key !== 'string') {
      unknownIn.push('Condition');
      conditions.push({
        operator: UNKNOWN_VALUE,
        key: UNKNOWN_VALUE,
        name: UNKNOWN_VALUE,
        values: [UNKNOWN_VALUE],
      });
      return;
    }
    const values = asArray(getPath(condition, ['values'])).map((value, j) => {
      if (
        maskedAt(mask ?? false, ['condition', i, 'values', j]) ||
        maskedAt(mask ?? false, ['condition', i, 'values']) ||
        typeof value !== 'string'
      ) {
        const part = `Condition ${key}`;
        if (!unknownIn.includes(part)) unknownIn.push(part);
        return UNKNOWN_VALUE;
      }
      return value;
    });
    conditions.push({ operator, key: key.toLowerCase(), name: key, values });
  });
  if (unknownIn.length > 0) unknownParts.push(`${label}: ${unknownIn.join(', ')}`);
  const effect = getPath(block, ['effect']) === 'Deny' ? 'Deny' : 'Allow';
  const statement = {
    index,
    sid,
    effect,
    actions: (notAction ? notActions : actions) ?? [],
    notAction,
    resources: notResource ? notResources : resources && resources.length > 0 ? resources : undefined,
    notResource,
    principals,
    notPrincipal: notPrincipals !== undefined,
    conditions,
  } as const;
  return { ...statement, display: displayStatement(statement) };
}

/** Policy JSON for a statement built from data-source blocks (what the provider would render). */
function displayStatement(s: Omit<Statement, 'display'>): JsonObject {
  const out: JsonObject = {};
  if (s.sid !== undefined) out.Sid = s.sid;
  out.Effect = s.effect;
  if (s.principals !== undefined) {
    const key = s.notPrincipal ? 'NotPrincipal' : 'Principal';
    if (s.principals.some((p) => p.type === '*')) out[key] = '*';
    else {
      const grouped: JsonObject = {};
      for (const p of s.principals) {
        const list = (grouped[p.type] as JsonValue[] | undefined) ?? [];
        list.push(p.id);
        grouped[p.type] = list;
      }
      out[key] = grouped;
    }
  }
  out[s.notAction ? 'NotAction' : 'Action'] = [...s.actions];
  if (s.resources !== undefined) out[s.notResource ? 'NotResource' : 'Resource'] = [...s.resources];
  if (s.conditions.length > 0) {
    const conditions: JsonObject = {};
    for (const c of s.conditions) {
      const op = (conditions[c.operator] as JsonObject | undefined) ?? {};
      op[c.name] = [...c.values];
      conditions[c.operator] = op;
    }
    out.Condition = conditions;
  }
  return out;
}

function strings(value: JsonValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

/** A 12-digit account id and `arn:aws:iam::<id>:root` name the same principal. */
function normalizePrincipal(type: string, id: string): Principal {
  if (type === '*' || (type === 'AWS' && id === '*')) return { type: 'AWS', id: '*' };
  if (type === 'AWS' && /^\d{12}$/.test(id)) return { type, id: `arn:aws:iam::${id}:root` };
  if (type === 'Service') return { type, id: id.toLowerCase() };
  return { type, id };
}

// ---------------------------------------------------------------------------------------------------------
// Matching

const regexCache = new Map<string, RegExp>();

/**
 * Whether `general` (an IAM pattern) matches every string `specific` (itself maybe a pattern) matches.
 *
 * @example
 * patternCovers('s3:Get*', 's3:GetObject', true); // true
 */
export function patternCovers(general: string, specific: string, caseInsensitive: boolean): boolean {
  if (general === UNKNOWN_VALUE || specific === UNKNOWN_VALUE) return false;
  if (general === '*') return true;
  const g = caseInsensitive ? general.toLowerCase() : general;
  const s = caseInsensitive ? specific.toLowerCase() : specific;
  if (g === s) return true;
  let regex = regexCache.get(g);
  if (regex === undefined) {
    const source = g
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`, 's');
    regexCache.set(g, regex);
  }
  // A `*` in the specific pattern is matched literally by the general one's `.*`: "s3:*" covers "s3:Get*".
  return regex.test(s);
}

function isWildcardAction(action: string): boolean {
  return action === '*' || /^[^:*]+:\*$/.test(action);
}

function isStarOnlyAction(action: string): boolean {
  return RESOURCE_STAR_ONLY_ACTIONS.some((pattern) => patternCovers(pattern, action, true));
}

function isPublicPrincipal(p: Principal): boolean {
  return p.type === '*' || (p.type === 'AWS' && p.id === '*');
}

/**
 * A condition that ties a statement to an account, organization, network or source resource.
 *
 * @example
 * isNarrowed([{ operator: 'StringEquals', key: 'aws:sourceaccount', name: 'aws:SourceAccount', values: ['123456789012'] }]); // true
 */
export function isNarrowed(conditions: readonly Condition[]): boolean {
  return conditions.some(
    (c) => !/Not/.test(c.operator) && (NARROWING_CONDITION_KEYS as readonly string[]).includes(c.key),
  );
}

type Tri = boolean | 'unknown';

function coversAction(s: Statement, action: string, afterNotAction: readonly string[] | undefined): boolean {
  if (afterNotAction !== undefined) {
    // The new statement allows everything except a list: covered by `*`, or by a NotAction excluding less.
    if (s.notAction) return s.actions.every((a) => afterNotAction.some((b) => patternCovers(b, a, true)));
    return s.actions.includes('*');
  }
  if (s.notAction) return !action.includes('*') && !s.actions.some((a) => patternCovers(a, action, true));
  return s.actions.some((a) => patternCovers(a, action, true));
}

function coversResource(
  s: Statement,
  resource: string,
  afterNotResource: readonly string[] | undefined,
): boolean {
  if (s.resources === undefined) return true;
  if (afterNotResource !== undefined) {
    if (s.notResource)
      return s.resources.every((r) => afterNotResource.some((b) => patternCovers(b, r, false)));
    return s.resources.includes('*');
  }
  if (s.notResource)
    return !resource.includes('*') && !s.resources.some((r) => patternCovers(r, resource, false));
  return s.resources.some((r) => patternCovers(r, resource, false));
}

function coversPrincipal(s: Statement, principal: Principal | undefined): boolean {
  if (principal === undefined || s.principals === undefined) return true;
  if (s.notPrincipal)
    return !isPublicPrincipal(principal) && !s.principals.some((p) => samePrincipal(p, principal));
  return s.principals.some((p) => isPublicPrincipal(p) || samePrincipal(p, principal));
}

function samePrincipal(a: Principal, b: Principal): boolean {
  return a.type === b.type && a.id === b.id && a.id !== UNKNOWN_VALUE;
}

const NEGATED = /Not/;

/** Whether condition `specific` restricts at least as much as `general` (same operator and key). */
function implies(specific: Condition, general: Condition): Tri {
  if (specific.values.includes(UNKNOWN_VALUE)) return 'unknown';
  const op = general.operator.replace(/IfExists$/, '');
  if (/^(Bool|Null)$/.test(op) || /(LessThan|GreaterThan)/.test(op)) {
    return sameSet(specific.values, general.values);
  }
  if (NEGATED.test(op)) {
    // A negated condition excludes more when it lists more values.
    return general.values.every((g) => specific.values.includes(g));
  }
  const ci = /IgnoreCase/.test(op);
  const like = /Like$/.test(op);
  return specific.values.every((s) =>
    general.values.some((g) =>
      like ? patternCovers(g, s, ci) : ci ? g.toLowerCase() === s.toLowerCase() : g === s,
    ),
  );
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v) => b.includes(v));
}

/** True when every condition of `general` is implied by one of `specific`: `general` allows at least as much. */
function conditionsCovered(general: readonly Condition[], specific: readonly Condition[]): Tri {
  let unknown = false;
  for (const g of general) {
    const candidates = specific.filter((s) => s.operator === g.operator && s.key === g.key);
    const results = candidates.map((s) => implies(s, g));
    if (results.includes(true)) continue;
    if (results.includes('unknown') || specific.some((s) => s.key === UNKNOWN_VALUE)) {
      unknown = true;
      continue;
    }
    return false;
  }
  return unknown ? 'unknown' : true;
}

// ---------------------------------------------------------------------------------------------------------
// Diff

export type DeltaKind =
  | 'wildcard-action'
  | 'wildcard-resource'
  | 'public-principal'
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
      !isNarrowed(statement.conditions);

    if (!unknownTarget && matching.length > 0) {
      const covered = matching.map((s) => conditionsCovered(s.conditions, statement.conditions));
      if (covered.includes(true) || covered.includes('unknown')) return undefined; // unknown: listed in unknownParts
      const previous = sameSid ?? matching[0];
      // Losing the condition that kept `Principal: "*"` to one account makes the statement public.
      if (publicPrincipal && options.kind !== 'identity')
        return { kind: 'public-principal', previous: previous, item: describe() };
      const lost = (previous?.conditions ?? []).filter(
        (c) =>
          !statement.conditions.some(
            (s) => s.operator === c.operator && s.key === c.key && implies(s, c) === true,
          ),
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
      if (!unknownTarget && (statement.notResource || resource === '*') && !isStarOnlyAction(action)) {
        return { kind: 'wildcard-resource', previous: sameSid, item: describe() };
      }
    } else if (options.kind === 'trust') {
      if (publicPrincipal) return { kind: 'public-principal', previous: sameSid, item: describe() };
    } else {
      if (publicPrincipal) return { kind: 'public-principal', previous: sameSid, item: describe() };
      if (allServices) return { kind: 'wildcard-action', previous: sameSid, item: describe() };
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
