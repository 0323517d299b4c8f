/** Reviewing plans: runs every rule set over each plan and builds the report the formats render. */
import type { FailOn } from './constants';
import { compareFindings, ReviewContext } from './context';
import { countBySeverity, type Finding, reachesThreshold, type SeverityCounts } from './finding';
import type { Plan } from './plan';
import { RULE_SETS, type RuleSet } from './rules/index';

/** How a review runs. */
export interface ReviewOptions {
  /**
   * The day of the review: a runtime is deprecated from the day AWS deprecates it, so the same plan can pass
   * today and not next month. Tests pass a fixed day.
   * @default new Date()
   */
  readonly now?: Date;
}

/** What a plan does, counted by action (a replacement counts once, as `replace`). */
export interface ChangeCounts {
  create: number;
  update: number;
  delete: number;
  replace: number;
}

export interface PlanSummary {
  readonly stack: string;
  readonly file: string;
  readonly terraformVersion: string | null;
  readonly formatVersion: string;
  readonly changes: ChangeCounts;
  readonly counts: SeverityCounts;
  /** Resource types this plan changes that no rule reviewed (also reported as `review.unreviewed-types`). */
  readonly unreviewedTypes: readonly string[];
}

/** The address of the plan-wide `review.unreviewed-types` finding (it belongs to no one resource). */
export const PLAN_ADDRESS = 'plan';

/** What one plan's review found, and which resource types each rule set inspected. */
export interface PlanReview {
  readonly findings: Finding[];
  /** The resource types each rule set asked for (by its function name): what it reviews. */
  readonly inspectedByRuleSet: ReadonlyMap<string, readonly string[]>;
  readonly unreviewedTypes: readonly string[];
}

export interface ReviewReport {
  readonly findings: readonly Finding[];
  readonly summary: {
    readonly plans: readonly PlanSummary[];
    readonly counts: SeverityCounts;
    readonly total: number;
    readonly failOn: FailOn;
    /** At least one finding reaches `failOn`: the CLI exits 1. */
    readonly failed: boolean;
    /** Files in a plan folder that were not plans, with the reason. */
    readonly skipped: readonly string[];
  };
}

/**
 * Reviews one plan.
 *
 * @example
 * const findings = reviewPlan(loadPlanFile('cdktf.out/plans/secure-lambda-dev.json'), 'secure-lambda-dev');
 * findings.filter((f) => f.severity === 'high');
 */
export function reviewPlan(plan: Plan, stack: string, options: ReviewOptions = {}): Finding[] {
  return reviewPlanCoverage(plan, stack, RULE_SETS, options).findings;
}

/**
 * Reviews one plan and says what was reviewed: each rule set's list of the resource types it inspects
 * (the types it asks the context for), and the types the plan changes that none inspects. Those get one
 * info finding, `review.unreviewed-types`, so that "no finding" never hides "nothing looked".
 *
 * @example
 * const { unreviewedTypes } = reviewPlanCoverage(plan, 'dev');
 * unreviewedTypes; // ['aws_vpc', 'terraform_data']
 */
export function reviewPlanCoverage(
  plan: Plan,
  stack: string,
  ruleSets: readonly RuleSet[] = RULE_SETS,
  options: ReviewOptions = {},
): PlanReview {
  const ctx = new ReviewContext(plan, stack, options.now ?? new Date());
  const inspectedByRuleSet = new Map<string, readonly string[]>();
  for (const ruleSet of ruleSets) {
    const seen = new Set(ctx.inspectedTypes);
    ruleSet(ctx);
    const own = [...ctx.inspectedTypes].filter((type) => !seen.has(type));
    inspectedByRuleSet.set(ruleSet.name, [...(inspectedByRuleSet.get(ruleSet.name) ?? []), ...own].sort());
  }
  const unreviewed = new Map<string, string[]>();
  for (const rc of ctx.changes) {
    if (ctx.inspectedTypes.has(rc.type)) continue;
    unreviewed.set(rc.type, [...(unreviewed.get(rc.type) ?? []), rc.address]);
  }
  const findings = ctx.finish();
  const unreviewedTypes = [...unreviewed.keys()].sort();
  if (unreviewedTypes.length > 0) {
    findings.push({
      severity: 'info',
      rule: 'review.unreviewed-types',
      address: PLAN_ADDRESS,
      stack,
      message:
        `no rule reviews ${unreviewedTypes.length === 1 ? 'this resource type' : 'these resource types'}, so their changes ` +
        `were not judged: ${unreviewedTypes.map((type) => `${type} (${(unreviewed.get(type) ?? []).join(', ')})`).join('; ')}. ` +
        'Review them by hand, or add a rule.',
      before: null,
      after: unreviewedTypes,
    });
    findings.sort(compareFindings);
  }
  return { findings, inspectedByRuleSet, unreviewedTypes };
}

/**
 * Counts a plan's managed resource changes by action.
 *
 * @example
 * countChanges(loadPlanFile('cdktf.out/plans/secure-lambda-dev.json')); // { create: 85, update: 0, delete: 0, replace: 0 }
 */
export function countChanges(plan: Plan): ChangeCounts {
  const counts: ChangeCounts = { create: 0, update: 0, delete: 0, replace: 0 };
  for (const rc of plan.resourceChanges) {
    if (rc.mode !== 'managed') continue;
    const actions = rc.change.actions;
    if (actions.includes('create') && actions.includes('delete')) counts.replace += 1;
    else if (actions.includes('create')) counts.create += 1;
    else if (actions.includes('delete')) counts.delete += 1;
    else if (actions.includes('update')) counts.update += 1;
  }
  return counts;
}

/**
 * Reviews several plans (one per stack) and decides pass or fail at `failOn`.
 *
 * @example
 * const { plans, skipped } = readPlans(collectPlanFiles(['cdktf.out/plans']));
 * const report = reviewPlans(plans, { failOn: 'high', skipped });
 * process.exitCode = report.summary.failed ? 1 : 0;
 */
export function reviewPlans(
  plans: readonly { readonly plan: Plan; readonly stack: string }[],
  options: { readonly failOn: FailOn; readonly skipped?: readonly string[] } & ReviewOptions,
): ReviewReport {
  const findings: Finding[] = [];
  const summaries: PlanSummary[] = [];
  for (const { plan, stack } of plans) {
    const { findings: planFindings, unreviewedTypes } = reviewPlanCoverage(plan, stack, RULE_SETS, options);
    findings.push(...planFindings);
    summaries.push({
      stack,
      file: plan.source,
      terraformVersion: plan.terraformVersion ?? null,
      formatVersion: plan.formatVersion,
      changes: countChanges(plan),
      counts: countBySeverity(planFindings),
      unreviewedTypes,
    });
  }
  return {
    findings,
    summary: {
      plans: summaries,
      counts: countBySeverity(findings),
      total: findings.length,
      failOn: options.failOn,
      failed: findings.some((finding) => reachesThreshold(finding.severity, options.failOn)),
      skipped: options.skipped ?? [],
    },
  };
}
