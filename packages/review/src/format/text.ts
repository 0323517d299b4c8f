/** `--format text`: a terminal summary grouped by stack and severity, colored when the terminal allows. */
import type { ReviewOutput } from '../accepted-risks';
import { SEVERITIES, type Severity } from '../constants';
import { reachesThreshold } from '../finding';
import { escapeUnsafe } from './escape';
import { acceptanceText, changesText, entryText, valueText } from './shared';

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
 * Renders the report for a terminal. Every value from a plan (messages, addresses, stack names, before and
 * after) is escaped first, so a plan cannot move the cursor, erase lines or reorder text (TM-REVIEW-01); the
 * only escape sequences in the output are the reviewer's own colors.
 *
 * @example
 * process.stdout.write(formatText(report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
 */
export function formatText(report: ReviewOutput, options: TextOptions): string {
  const paint = (style: keyof typeof COLORS, text: string) =>
    options.color ? `${COLORS[style]}${text}${RESET}` : text;
  const { summary, acceptedRisks } = report;
  const lines: string[] = [];
  const counts = SEVERITIES.map((s) => paint(s, `${s} ${summary.counts[s]}`)).join(', ');
  const findingFails = report.findings.some(
    (f) => f.accepted === undefined && reachesThreshold(f.severity, summary.failOn),
  );
  const verdict =
    summary.failOn === 'none'
      ? 'fail-on none'
      : !summary.failed
        ? paint('green', `pass (nothing reaches ${summary.failOn})`)
        : findingFails
          ? paint('high', `FAIL (a finding reaches ${summary.failOn})`)
          : paint('high', 'FAIL (an accepted risk has expired)');
  const accepted = acceptedRisks === undefined ? '' : ` (${acceptedRisks.accepted} accepted)`;
  lines.push(
    `${paint('bold', 'Terraform plan review')}: ${summary.plans.length} plan(s), ${summary.total} finding(s)${accepted}: ${counts}; ${verdict}`,
  );
  for (const plan of summary.plans) {
    lines.push('');
    lines.push(
      `${paint('bold', escapeUnsafe(plan.stack))}  ${paint('dim', `(${changesText(plan.changes)})`)}`,
    );
    const findings = report.findings.filter((f) => f.stack === plan.stack);
    if (findings.length === 0) lines.push('  no findings');
    for (const severity of SEVERITIES) {
      const group = findings.filter((f) => f.severity === severity);
      if (group.length === 0) continue;
      lines.push(`  ${paint(severity, `${severity.toUpperCase()} (${group.length})`)}`);
      for (const finding of group) {
        const mark = finding.accepted === undefined ? '' : `  ${paint('green', '[accepted]')}`;
        lines.push(`    ${paint(severity, finding.rule)}  ${escapeUnsafe(finding.address)}${mark}`);
        lines.push(`      ${escapeUnsafe(finding.message)}`);
        if (finding.accepted !== undefined) {
          lines.push(paint('green', `      ${acceptanceText(finding.accepted)}`));
        }
        if (finding.before !== null || finding.after !== null) {
          lines.push(
            paint('dim', `      before: ${valueText(finding.before, VALUE_WIDTH)}`),
            paint('dim', `      after:  ${valueText(finding.after, VALUE_WIDTH)}`),
          );
        }
      }
    }
  }
  if (acceptedRisks !== undefined) {
    lines.push(
      '',
      `accepted risks (${escapeUnsafe(acceptedRisks.file)}): ${acceptedRisks.entries} entr${acceptedRisks.entries === 1 ? 'y' : 'ies'}, ${acceptedRisks.accepted} finding(s) accepted`,
    );
    for (const entry of acceptedRisks.expired) {
      lines.push(paint('high', `  EXPIRED ${entryText(entry)}: renew it with a new date or remove it`));
    }
    for (const entry of acceptedRisks.stale) {
      lines.push(paint('medium', `  stale ${entryText(entry)}: matches no finding; remove it`));
    }
  }
  for (const skipped of summary.skipped) {
    lines.push('', paint('dim', `skipped (not a plan): ${escapeUnsafe(skipped)}`));
  }
  return `${lines.join('\n')}\n`;
}
