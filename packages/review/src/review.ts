/** Reviewing plans: runs every rule set over each plan and builds the report the formats render. */
import type { FailOn } from './constants';
import { ReviewContext } from './context';
import { countBySeverity, type Finding, reachesThreshold, type SeverityCounts } from './finding';
import type { Plan } from './plan';
import { RULE_SETS } from './rules/index';

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
export function reviewPlan(plan: Plan, stack: string): Finding[] {
  const ctx = new ReviewContext(plan, stack);
  for (const ruleSet of RULE_SETS) ruleSet(ctx);
  return ctx.finish();
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
  options: { readonly failOn: FailOn; readonly skipped?: readonly string[] },
): ReviewReport {
  const findings: Finding[] = [];
  const summaries: PlanSummary[] = [];
  for (const { plan, stack } of plans) {
    const planFindings = reviewPlan(plan, stack);
    findings.push(...planFindings);
    summaries.push({
      stack,
      file: plan.source,
      terraformVersion: plan.terraformVersion ?? null,
      formatVersion: plan.formatVersion,
      changes: countChanges(plan),
      counts: countBySeverity(planFindings),
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
