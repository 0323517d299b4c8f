/** `--format text`: a terminal summary grouped by stack and severity, colored when the terminal allows. */
import { SEVERITIES, type Severity } from '../constants';
import type { ReviewReport } from '../review';
import { changesText, valueText } from './shared';

export interface TextOptions {
  /** Use ANSI colors. The CLI decides: stdout is a TTY and NO_COLOR is not set. */
  readonly color: boolean;
}

const COLORS: Record<Severity | 'bold' | 'dim' | 'green', string> = {
  high: '\u001b[1;31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  green: '\u001b[32m',
};
const RESET = '\u001b[0m';
const VALUE_WIDTH = 160;

/**
 * Renders the report for a terminal.
 *
 * @example
 * process.stdout.write(formatText(report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
 */
export function formatText(report: ReviewReport, options: TextOptions): string {
  const paint = (style: keyof typeof COLORS, text: string) =>
    options.color ? `${COLORS[style]}${text}${RESET}` : text;
  const { summary } = report;
  const lines: string[] = [];
  const counts = SEVERITIES.map((s) => paint(s, `${s} ${summary.counts[s]}`)).join(', ');
  const verdict =
    summary.failOn === 'none'
      ? 'fail-on none'
      : summary.failed
        ? paint('high', `FAIL (a finding reaches ${summary.failOn})`)
        : paint('green', `pass (nothing reaches ${summary.failOn})`);
  lines.push(
    `${paint('bold', 'Terraform plan review')}: ${summary.plans.length} plan(s), ${summary.total} finding(s): ${counts}; ${verdict}`,
  );
  for (const plan of summary.plans) {
    lines.push('');
    lines.push(`${paint('bold', plan.stack)}  ${paint('dim', `(${changesText(plan.changes)})`)}`);
    const findings = report.findings.filter((f) => f.stack === plan.stack);
    if (findings.length === 0) lines.push('  no findings');
    for (const severity of SEVERITIES) {
      const group = findings.filter((f) => f.severity === severity);
      if (group.length === 0) continue;
      lines.push(`  ${paint(severity, `${severity.toUpperCase()} (${group.length})`)}`);
      for (const finding of group) {
        lines.push(`    ${paint(severity, finding.rule)}  ${finding.address}`);
        lines.push(`      ${finding.message}`);
        if (finding.before !== null || finding.after !== null) {
          lines.push(
            paint('dim', `      before: ${valueText(finding.before, VALUE_WIDTH)}`),
            paint('dim', `      after:  ${valueText(finding.after, VALUE_WIDTH)}`),
          );
        }
      }
    }
  }
  for (const skipped of summary.skipped) lines.push('', paint('dim', `skipped (not a plan): ${skipped}`));
  return `${lines.join('\n')}\n`;
}
