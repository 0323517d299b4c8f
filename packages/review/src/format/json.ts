/** `--format json`: the report as is, for tools. */
import type { ReviewReport } from '../review';

/**
 * Renders the report as JSON: `{ findings: [...], summary: {...} }`, two-space indented, newline-terminated.
 *
 * @example
 * JSON.parse(formatJson(report)).findings[0].rule; // 'iam.policy-widened'
 */
export function formatJson(report: ReviewReport): string {
  return `${JSON.stringify({ findings: report.findings, summary: report.summary }, null, 2)}\n`;
}
