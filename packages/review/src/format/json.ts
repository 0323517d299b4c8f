/** `--format json`: the report as is, for tools. */
import type { ReviewOutput } from '../accepted-risks';
import { safeJson } from './escape';

/**
 * Renders the report as JSON: `{ findings: [...], summary: {...}, acceptedRisks }`, two-space indented,
 * newline-terminated. Each finding has `accepted`: `{ reason, owner, expires }` or null; `acceptedRisks`
 * is null when no accepted-risks file was read. Values keep their exact text for tools, but every control,
 * bidirectional and invisible character is written as a `\uXXXX` escape, so printing the file cannot
 * forge anything either (TM-REVIEW-01).
 *
 * @example
 * JSON.parse(formatJson(report)).findings[0].rule; // 'iam.policy-widened'
 */
export function formatJson(report: ReviewOutput): string {
  const findings = report.findings.map((finding) => ({ ...finding, accepted: finding.accepted ?? null }));
  const acceptedRisks = report.acceptedRisks ?? null;
  return `${safeJson(JSON.stringify({ findings, summary: report.summary, acceptedRisks }, null, 2))}\n`;
}
