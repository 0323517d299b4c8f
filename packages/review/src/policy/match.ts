/**
 * Matching, as IAM matches: patterns (`*`, `?`; actions case-insensitive), principals (an account's root
 * stands for every principal of that account), and conditions (one condition implies another when it
 * allows no more requests; operators that mean the same are compared as the same).
 */
import { type Condition, type Principal, type Statement, UNKNOWN_VALUE } from './model';
import { isNarrowedBySimulation } from './simulate';

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

/** `"*"`, or `{"AWS": "*"}`: anyone. */
export function isPublicPrincipal(p: Principal): boolean {
  return p.type === '*' || (p.type === 'AWS' && p.id === '*');
}

/** The account an AWS principal belongs to (`arn:aws:iam::123456789012:role/x` → `123456789012`). */
export function principalAccount(p: Principal): string | undefined {
  if (p.type !== 'AWS') return undefined;
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(p.id)?.[1];
}

/**
 * Whether `general` names every caller `specific` names: the same principal, or the root of the account
 * `specific` belongs to (`arn:aws:iam::A:root` stands for every role and user of account A).
 */
export function principalCovers(general: Principal, specific: Principal): boolean {
  if (general.id === UNKNOWN_VALUE || specific.id === UNKNOWN_VALUE) return false;
  if (isPublicPrincipal(general)) return true;
  if (general.type !== specific.type) return false;
  if (general.id === specific.id) return true;
  const root = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(general.id);
  return root !== null && principalAccount(specific) === root[1];
}

export function coversAction(
  s: Statement,
  action: string,
  afterNotAction: readonly string[] | undefined,
): boolean {
  if (afterNotAction !== undefined) {
    // The new statement allows everything except a list: covered by `*`, or by a NotAction excluding less.
    if (s.notAction) return s.actions.every((a) => afterNotAction.some((b) => patternCovers(b, a, true)));
    return s.actions.includes('*');
  }
  if (s.notAction) return !action.includes('*') && !s.actions.some((a) => patternCovers(a, action, true));
  return s.actions.some((a) => patternCovers(a, action, true));
}

export function coversResource(
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

export function coversPrincipal(s: Statement, principal: Principal | undefined): boolean {
  if (principal === undefined || s.principals === undefined) return true;
  if (s.notPrincipal)
    return !isPublicPrincipal(principal) && !s.principals.some((p) => principalCovers(p, principal));
  return s.principals.some((p) => principalCovers(p, principal));
}

/**
 * Condition keys every authenticated or anonymous request carries, so `...IfExists` on them changes
 * nothing: `BoolIfExists aws:SecureTransport` is `Bool aws:SecureTransport`.
 */
const ALWAYS_PRESENT_KEYS = new Set([
  'aws:securetransport',
  'aws:currenttime',
  'aws:epochtime',
  'aws:requestedregion',
  'aws:sourceip',
  'aws:useragent',
  'aws:viaawsservice',
  'aws:principalisawsservice',
]);

/**
 * An operator reduced to what it does: `IfExists` dropped on keys always present, `StringLike` with no
 * wildcard in its values is `StringEquals`, `ArnEquals` is `ArnLike` (both take wildcards in AWS).
 */
export function canonicalOperator(condition: Condition): string {
  let op = condition.operator;
  if (/IfExists$/.test(op) && ALWAYS_PRESENT_KEYS.has(condition.key)) op = op.replace(/IfExists$/, '');
  const wildcardFree = condition.values.every((v) => !/[*?]/.test(v));
  if (wildcardFree) op = op.replace(/^(ForAnyValue:|ForAllValues:)?String(Not)?Like/, '$1String$2Equals');
  op = op.replace(/^(ForAnyValue:|ForAllValues:)?Arn(Not)?Equals/, '$1Arn$2Like');
  return op;
}

const NEGATED = /Not/;

type Tri = boolean | 'unknown';

/** Whether condition `specific` restricts at least as much as `general` (same key, same canonical operator). */
export function implies(specific: Condition, general: Condition): Tri {
  if (specific.values.includes(UNKNOWN_VALUE)) return 'unknown';
  if (specific.key !== general.key || canonicalOperator(specific) !== canonicalOperator(general))
    return false;
  const op = canonicalOperator(general).replace(/IfExists$/, '');
  if (/^(Bool|Null)$/.test(op) || /(LessThan|GreaterThan)/.test(op)) {
    return sameSet(
      specific.values.map((v) => v.toLowerCase()),
      general.values.map((v) => v.toLowerCase()),
    );
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
export function conditionsCovered(general: readonly Condition[], specific: readonly Condition[]): Tri {
  let unknown = false;
  for (const g of general) {
    const results = specific.filter((s) => s.key === g.key).map((s) => implies(s, g));
    if (results.includes(true)) continue;
    if (results.includes('unknown') || specific.some((s) => s.key === UNKNOWN_VALUE)) {
      unknown = true;
      continue;
    }
    return false;
  }
  return unknown ? 'unknown' : true;
}

/**
 * Whether conditions keep a statement that names anyone (or a foreign account) away from strangers,
 * judged by simulating an anonymous caller and a role of an unrelated account (see simulate.ts):
 * `aws:PrincipalOrgID = o-...` narrows; `...IfExists` on an absent key, `Null = true`, `IpAddress
 * 0.0.0.0/0` or `StringLike "*"` do not. Conditions with values known only after apply count as narrowing
 * (they are reported as "cannot judge until apply").
 *
 * @example
 * isNarrowed([{ operator: 'StringEquals', key: 'aws:sourceaccount', name: 'aws:SourceAccount', values: ['123456789012'] }]); // true
 */
export function isNarrowed(conditions: readonly Condition[], account?: string): boolean {
  if (conditions.some((c) => c.values.includes(UNKNOWN_VALUE) || c.key === UNKNOWN_VALUE)) return true;
  return isNarrowedBySimulation(conditions, account);
}

/**
 * Whether a statement's conditions can hold back a grant on every resource of a type: a positive
 * condition that a request must meet (`ArnEquals ec2:Vpc`, `StringEquals aws:ResourceTag/team`,
 * `kms:ViaService`). `...IfExists`, `Null`, negated operators and bare `*` values cannot.
 */
export function narrowsResources(conditions: readonly Condition[]): boolean {
  return conditions.some((c) => {
    const op = canonicalOperator(c);
    if (/IfExists$|Not|^Null$|^Bool$/.test(op)) return false;
    return c.values.length > 0 && !c.values.includes('*');
  });
}
