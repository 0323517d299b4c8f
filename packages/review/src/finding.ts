/** A finding and the arithmetic on severities that `--fail-on` and the summaries need. */
import { type FailOn, SEVERITIES, SEVERITY_RANK, type Severity } from './constants';
import type { JsonValue } from './plan';
import type { RuleId } from './rules/catalog';

/**
 * One thing a plan would do to security. `before`/`after` hold the relevant attribute(s) as they are
 * and as they would be, with sensitive values replaced by "(sensitive)" and unknown ones by
 * "(known after apply)"; null when there is nothing to show on that side.
 */
export interface Finding {
  readonly severity: Severity;
  readonly rule: RuleId;
  readonly address: string;
  readonly stack: string;
  readonly message: string;
  readonly before: JsonValue;
  readonly after: JsonValue;
  /**
   * Set when an entry of the accepted-risks file covers this finding (see `applyAcceptedRisks`): the
   * finding is still reported, marked accepted, and does not fail `--fail-on`. Absent otherwise.
   */
  readonly accepted?: Acceptance;
}

/** Why, by whom and until when a finding is accepted: copied from its accepted-risks entry. */
export interface Acceptance {
  readonly reason: string;
  readonly owner: string;
  /** Last day (UTC, `YYYY-MM-DD`) the acceptance holds. */
  readonly expires: string;
}

export type SeverityCounts = Record<Severity, number>;

/**
 * Counts findings per severity.
 *
 * @example
 * countBySeverity(findings); // { high: 0, medium: 2, low: 5, info: 1 }
 */
export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { high: 0, medium: 0, low: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

/**
 * Whether a finding of this severity fails the review at the given threshold.
 *
 * @example
 * reachesThreshold('medium', 'high'); // false
 * reachesThreshold('medium', 'medium'); // true
 * reachesThreshold('high', 'none'); // false
 */
export function reachesThreshold(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

/**
 * The most severe of the given severities (undefined for none).
 *
 * @example
 * maxSeverity(['low', 'high', 'info']); // 'high'
 */
export function maxSeverity(severities: readonly Severity[]): Severity | undefined {
  return SEVERITIES.find((severity) => severities.includes(severity));
}
