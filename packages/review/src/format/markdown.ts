/**
 * `--format markdown`: a pull-request comment. A summary table, then per stack one collapsible
 * `<details>` block per resource with its findings and the relevant attributes before → after.
 */
import { Defaults, SEVERITIES, type Severity } from '../constants';
import { type Finding, maxSeverity } from '../finding';
import type { JsonValue } from '../plan';
import type { ReviewReport } from '../review';
import { changesText } from './shared';

const BADGE: Record<Severity, string> = {
  high: '🔴 high',
  medium: '🟠 medium',
  low: '🟡 low',
  info: '⚪ info',
};

/** Escapes text for HTML (inside `<summary>`) and Markdown table cells. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeMarkdown(text: string): string {
  return escapeHtml(text).replace(/([\\`*_|[\]])/g, '\\$1');
}

/** A fenced block that no backtick run in the value can close early. */
function codeBlock(value: JsonValue): string {
  if (value === null) return '_(none)_';
  let text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  if (text.length > Defaults.MAX_MARKDOWN_VALUE_CHARS) {
    text = `${text.slice(0, Defaults.MAX_MARKDOWN_VALUE_CHARS)}\n… (${text.length - Defaults.MAX_MARKDOWN_VALUE_CHARS} more characters; see the JSON report)`;
  }
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${typeof value === 'string' ? '' : 'json'}\n${text}\n${fence}`;
}

/**
 * Renders the report as Markdown for a PR comment.
 *
 * @example
 * writeFileSync('cdktf.out/plans/review.md', formatMarkdown(report));
 */
export function formatMarkdown(report: ReviewReport): string {
  const { summary } = report;
  const out: string[] = [];
  out.push('## Terraform plan review', '');
  const totals = SEVERITIES.map((s) => `${summary.counts[s]} ${s}`).join(' · ');
  const verdict =
    summary.failOn === 'none'
      ? '`--fail-on none`'
      : summary.failed
        ? `❌ fails: a finding reaches \`${summary.failOn}\``
        : `✅ passes: nothing reaches \`${summary.failOn}\``;
  out.push(`**${totals}** — ${verdict}`, '');
  out.push('| stack | changes | high | medium | low | info |', '|---|---|--:|--:|--:|--:|');
  for (const plan of summary.plans) {
    const c = plan.counts;
    out.push(
      `| ${escapeMarkdown(plan.stack)} | ${changesText(plan.changes)} | ${c.high} | ${c.medium} | ${c.low} | ${c.info} |`,
    );
  }
  for (const plan of summary.plans) {
    out.push('', `### ${escapeMarkdown(plan.stack)}`, '');
    const findings = report.findings.filter((f) => f.stack === plan.stack);
    if (findings.length === 0) {
      out.push('No findings.');
      continue;
    }
    const byAddress = new Map<string, Finding[]>();
    for (const finding of findings)
      byAddress.set(finding.address, [...(byAddress.get(finding.address) ?? []), finding]);
    const resources = [...byAddress.entries()]
      .map(([address, list]) => ({
        address,
        list,
        worst: maxSeverity(list.map((f) => f.severity)) ?? 'info',
      }))
      .sort(
        (a, b) =>
          SEVERITIES.indexOf(a.worst) - SEVERITIES.indexOf(b.worst) || a.address.localeCompare(b.address),
      );
    for (const { address, list, worst } of resources) {
      const rules = [...new Set(list.map((f) => f.rule))].join(', ');
      out.push(
        '<details>',
        `<summary>${BADGE[worst]} <code>${escapeHtml(address)}</code> — ${escapeHtml(rules)}</summary>`,
        '',
      );
      for (const finding of list) {
        out.push(`- **${finding.severity}** \`${finding.rule}\`: ${escapeMarkdown(finding.message)}`);
        if (finding.before === null && finding.after === null) continue;
        if (isShortScalar(finding.before) && isShortScalar(finding.after)) {
          out.push(`  - before → after: ${inlineValue(finding.before)} → ${inlineValue(finding.after)}`);
        } else {
          out.push('', '  before → after:', '');
          out.push(indent(codeBlock(finding.before)), '', '  →', '', indent(codeBlock(finding.after)), '');
        }
      }
      out.push('', '</details>');
    }
  }
  if (summary.skipped.length > 0) {
    out.push('', `Skipped (not plans): ${summary.skipped.map((s) => escapeMarkdown(s)).join('; ')}`);
  }
  out.push('', '<sub>secure-lambda-review; rule ids are documented in packages/review/README.md.</sub>', '');
  return out.join('\n');
}

const SHORT = 80;

function isShortScalar(value: JsonValue): boolean {
  return value === null || (typeof value !== 'object' && String(value).length <= SHORT);
}

/** A scalar as inline code (a fence longer than any backtick run in it), `_(none)_` for null. */
function inlineValue(value: JsonValue): string {
  if (value === null) return '_(none)_';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const fence = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
