/**
 * What every rule works with: one plan's resource changes, the configuration's references between them,
 * the data sources read while planning, and the collector of findings and of values that are known only
 * after apply.
 */
import { SEVERITY_RANK, type Severity } from './constants';
import type { Finding } from './finding';
import {
  type ConfigResource,
  isObject,
  type JsonValue,
  type Plan,
  type ResourceChange,
  type StateResource,
} from './plan';
import type { RuleId } from './rules/catalog';
import { EMPTY_SIDE, getPath, type PathSegment, Side } from './values';

/** Reference roots that are not resources. */
const NON_RESOURCE_ROOTS = new Set(['var', 'local', 'each', 'count', 'path', 'terraform', 'self', 'module']);

/** Attributes by which other resources name a resource. */
const HOLDER_KEYS = ['id', 'name', 'arn', 'bucket', 'url', 'key_id'] as const;

interface UnknownItem {
  readonly attribute: string;
  readonly detail: string;
  /** What to show as the attribute's after value instead of "(known after apply)", e.g. a rebuilt document. */
  readonly shown: JsonValue | undefined;
  /** The severity of the worst value it could take, when the rule knows it (see {@link ReviewContext.unknown}). */
  readonly severity: Severity | undefined;
}

/** An account id inside an ARN: `arn:aws:iam::123456789012:role/x`. */
const ARN_ACCOUNT = /arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/g;

/** Strips instance keys: `module.a[0].aws_x.y["k"]` → `module.a.aws_x.y`. */
export function configAddress(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, '');
}

/**
 * The review of one plan while rules run. Rules call {@link ReviewContext.report} for findings and
 * {@link ReviewContext.unknown} when a value they need is known only after apply; {@link ReviewContext.finish}
 * turns the latter into "cannot judge until apply" findings, one per resource.
 *
 * @example
 * const ctx = new ReviewContext(plan, 'secure-lambda-dev');
 * for (const rc of ctx.ofType('aws_kms_key')) if (ctx.isDestroyed(rc)) ctx.report(rc, 'kms.key-deleted', 'high', '...');
 * const findings = ctx.finish();
 */
export class ReviewContext {
  /** Managed resources whose plan does something (no-op, read and forget are left out). */
  readonly changes: readonly ResourceChange[];
  private readonly byAddress = new Map<string, ResourceChange>();
  private readonly byConfigAddress = new Map<string, ResourceChange[]>();
  private readonly config = new Map<string, ConfigResource>();
  private readonly priorState = new Map<string, StateResource>();
  private readonly findings: Finding[] = [];
  private readonly unknowns = new Map<string, { rc: ResourceChange; items: UnknownItem[] }>();
  private account: string | null | undefined;

  /**
   * @param now the day of the review: rules that depend on dates (deprecated runtimes) judge by it.
   */
  constructor(
    readonly plan: Plan,
    readonly stack: string,
    readonly now: Date = new Date(),
  ) {
    for (const rc of plan.resourceChanges) {
      this.byAddress.set(rc.address, rc);
      const key = configAddress(rc.address);
      const list = this.byConfigAddress.get(key) ?? [];
      list.push(rc);
      this.byConfigAddress.set(key, list);
    }
    for (const resource of plan.configResources) this.config.set(resource.address, resource);
    for (const resource of plan.priorState) this.priorState.set(resource.address, resource);
    this.changes = plan.resourceChanges.filter(
      (rc) =>
        rc.mode === 'managed' &&
        rc.change.actions.some((a) => a === 'create' || a === 'update' || a === 'delete'),
    );
  }

  /**
   * Resource types some rule asked for (through {@link ofType} or {@link allOfType}): what the rules
   * inspect. The review names the changed types no rule asked for, so a silent pass is visible.
   */
  readonly inspectedTypes = new Set<string>();

  /** Managed resource changes of the given types. */
  ofType(...types: readonly string[]): ResourceChange[] {
    for (const type of types) this.inspectedTypes.add(type);
    return this.changes.filter((rc) => types.includes(rc.type));
  }

  /** Every managed resource change of a type, including no-ops: for rules that look at siblings. */
  allOfType(...types: readonly string[]): ResourceChange[] {
    for (const type of types) this.inspectedTypes.add(type);
    return this.plan.resourceChanges.filter((rc) => rc.mode === 'managed' && types.includes(rc.type));
  }

  before(rc: ResourceChange): Side {
    return rc.change.before === null
      ? EMPTY_SIDE
      : new Side(rc.change.before, false, rc.change.beforeSensitive);
  }

  after(rc: ResourceChange): Side {
    return rc.change.after === null
      ? EMPTY_SIDE
      : new Side(rc.change.after, rc.change.afterUnknown, rc.change.afterSensitive);
  }

  /** Created in this plan (not a replacement). */
  isCreated(rc: ResourceChange): boolean {
    return rc.change.actions.length === 1 && rc.change.actions[0] === 'create';
  }

  /** Destroyed without a replacement. */
  isDeleted(rc: ResourceChange): boolean {
    return rc.change.actions.length === 1 && rc.change.actions[0] === 'delete';
  }

  isReplaced(rc: ResourceChange): boolean {
    return rc.change.actions.includes('create') && rc.change.actions.includes('delete');
  }

  /** Destroyed, with or without a replacement: the object and what it holds are gone. */
  isDestroyed(rc: ResourceChange): boolean {
    return rc.change.actions.includes('delete');
  }

  /** Exists before and after (updated in place or replaced). */
  isChanged(rc: ResourceChange): boolean {
    return rc.change.before !== null && rc.change.actions.includes(this.isReplaced(rc) ? 'create' : 'update');
  }

  /** The configuration block of a resource, when the plan carries the configuration. */
  configOf(rc: ResourceChange): ConfigResource | undefined {
    return this.config.get(configAddress(rc.address));
  }

  /** The expression of an argument (nested blocks by index), e.g. `['dead_letter_config', 0, 'target_arn']`. */
  expression(rc: ResourceChange, path: readonly PathSegment[]): JsonValue | undefined {
    let current: JsonValue | undefined = this.configOf(rc)?.expressions;
    for (const segment of path) {
      if (current === undefined || current === null) return undefined;
      if (typeof segment === 'number') current = Array.isArray(current) ? current[segment] : undefined;
      else current = isObject(current) ? current[segment] : undefined;
    }
    return current;
  }

  /** Whether the configuration sets an argument (an unknown value of an unset, computed argument is no news). */
  isConfigured(rc: ResourceChange, path: readonly PathSegment[]): boolean {
    const config = this.configOf(rc);
    // Without configuration in the plan, assume it is set: better a "cannot judge" than a silent pass.
    if (config === undefined) return true;
    return this.expression(rc, path) !== undefined;
  }

  /**
   * Resource addresses an argument refers to, resolved against the resource's module, e.g.
   * `['aws_iam_role.fn']` for `role = aws_iam_role.fn.id`.
   */
  references(rc: ResourceChange, path: readonly PathSegment[]): string[] {
    const expression = this.expression(rc, path);
    const refs = isObject(expression) && Array.isArray(expression.references) ? expression.references : [];
    const modulePath = this.configOf(rc)?.modulePath ?? '';
    const out: string[] = [];
    for (const ref of refs) {
      if (typeof ref !== 'string') continue;
      const parts = configAddress(ref).split('.');
      const root = parts[0] ?? '';
      if (NON_RESOURCE_ROOTS.has(root)) continue;
      const length = root === 'data' ? 3 : 2;
      if (parts.length < length) continue;
      const address = parts.slice(0, length).join('.');
      const full = modulePath ? `${modulePath}.${address}` : address;
      if (!out.includes(full)) out.push(full);
    }
    return out;
  }

  /** The changes (all instances) of the resource an argument refers to, e.g. the role of a role policy. */
  referencedChanges(rc: ResourceChange, path: readonly PathSegment[], type?: string): ResourceChange[] {
    return this.references(rc, path)
      .filter((address) => type === undefined || address.split('.').slice(-2)[0] === type)
      .flatMap((address) => this.byConfigAddress.get(address) ?? []);
  }

  /** Every instance of a configuration address (`aws_x.y` for `aws_x.y["a"]`, `aws_x.y["b"]`), in plan order. */
  instancesOf(configAddr: string): ResourceChange[] {
    return this.byConfigAddress.get(configAddr) ?? [];
  }

  /** A data source read while planning (fully known), by instance address. */
  priorStateOf(address: string): StateResource | undefined {
    return this.priorState.get(address);
  }

  /** Data source instances read while planning whose configuration address is `configAddr`. */
  priorStateInstances(configAddr: string): StateResource[] {
    return [...this.priorState.values()].filter((resource) => configAddress(resource.address) === configAddr);
  }

  /**
   * Whether a resource of `type` that `value` names (by id, name, ARN, bucket name or queue URL) is
   * destroyed in this plan. Deleted resources are not in the configuration, so their before values are
   * the only link between, say, a bucket policy and its bucket.
   */
  isDestroyedHolder(type: string, value: JsonValue | undefined): boolean {
    if (typeof value !== 'string' || value === '') return false;
    return this.ofType(type).some(
      (rc) => this.isDestroyed(rc) && HOLDER_KEYS.some((key) => getPath(rc.change.before, [key]) === value),
    );
  }

  /**
   * The account the plan deploys to, as far as the plan shows it: the account most ARNs of the deployed
   * resources (prior state, before values) name. Undefined when nothing deployed names one (a first
   * apply): rules then treat every account principal as possibly foreign.
   *
   * @example
   * ctx.accountId(); // '123456789012'
   */
  accountId(): string | undefined {
    if (this.account !== undefined) return this.account ?? undefined;
    const counts = new Map<string, number>();
    const scan = (value: unknown) => {
      for (const match of JSON.stringify(value ?? null).matchAll(ARN_ACCOUNT)) {
        const id = match[1] as string;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    };
    for (const rc of this.plan.resourceChanges) if (rc.mode === 'managed') scan(rc.change.before);
    for (const resource of this.priorState.values()) scan(resource.values);
    // A first apply: the ARNs the configuration itself builds (key policies, role ARNs) name the account.
    if (counts.size === 0)
      for (const rc of this.plan.resourceChanges) if (rc.mode === 'managed') scan(rc.change.after);
    const best = [...counts].sort((a, b) => b[1] - a[1])[0];
    this.account = best?.[0] ?? null;
    return this.account ?? undefined;
  }

  /** A resource change by its exact address. */
  change(address: string): ResourceChange | undefined {
    return this.byAddress.get(address);
  }

  /**
   * Records a finding. `before`/`after` must already be safe to print (use `Side.show`).
   */
  report(
    rc: ResourceChange,
    rule: RuleId,
    severity: Severity,
    message: string,
    values: { before?: JsonValue; after?: JsonValue } = {},
  ): void {
    this.findings.push({
      severity,
      rule,
      address: rc.address,
      stack: this.stack,
      message,
      before: values.before ?? null,
      after: values.after ?? null,
    });
  }

  /**
   * Notes that a rule needs a value that is known only after apply. Never a silent pass: each resource
   * with such values gets one `review.unknown-until-apply` finding listing them. `severity` is the
   * severity the rule would give the worst value the unknown could take, when that touches something
   * that exists (a new policy on an existing role is a change of that role, not a harmless create).
   */
  unknown(
    rc: ResourceChange,
    attribute: string,
    detail: string,
    shown?: JsonValue,
    severity?: Severity,
  ): void {
    const entry = this.unknowns.get(rc.address) ?? { rc, items: [] };
    if (!entry.items.some((item) => item.attribute === attribute && item.detail === detail)) {
      entry.items.push({ attribute, detail, shown, severity });
    }
    this.unknowns.set(rc.address, entry);
  }

  /** The findings, with the "cannot judge until apply" ones added, deduplicated and sorted. */
  finish(): Finding[] {
    for (const { rc, items } of this.unknowns.values()) {
      // A new resource on its own has nothing deployed to compare with; a changed one hides what the change
      // does; a rule that knows the worst value the unknown could take on something existing says so.
      const stated = items.map((item) => item.severity).filter((s): s is Severity => s !== undefined);
      const fallback: Severity = this.isCreated(rc) ? 'low' : 'medium';
      const severity: Severity = [fallback, ...stated].reduce((worst, s) =>
        SEVERITY_RANK[s] > SEVERITY_RANK[worst] ? s : worst,
      );
      const attributes = [...new Set(items.map((item) => item.attribute))];
      const details = items.map((item) => `${item.attribute}: ${item.detail}`).join('; ');
      const after: Record<string, JsonValue> = {};
      const before: Record<string, JsonValue> = {};
      const afterSide = this.after(rc);
      const beforeSide = this.before(rc);
      for (const attribute of attributes) {
        const shown = items.find((item) => item.attribute === attribute && item.shown !== undefined)?.shown;
        after[attribute] = shown ?? afterSide.show([attribute]);
        if (rc.change.before !== null) before[attribute] = beforeSide.show([attribute]);
      }
      this.report(
        rc,
        'review.unknown-until-apply',
        severity,
        `cannot judge until apply: ${details}. The known parts were reviewed; check the rest after apply ` +
          '(or plan again once the referenced resources exist).',
        { before: rc.change.before === null ? null : before, after },
      );
    }
    this.unknowns.clear();
    const seen = new Set<string>();
    const unique = this.findings.filter((finding) => {
      const key = `${finding.rule}\u0000${finding.address}\u0000${finding.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return unique.sort(compareFindings);
  }
}

/** Most severe first, then by address and rule, so reports are stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.stack.localeCompare(b.stack) ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.address.localeCompare(b.address) ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}
