/**
 * `--format markdown`: a pull-request comment. A summary table, then per stack one collapsible
 * `<details>` block per resource with its findings and the relevant attributes before → after.
 *
 * Every value from a plan is escaped (TM-REVIEW-01): control, bidirectional and invisible characters become
 * visible escapes; in prose, HTML and Markdown syntax are escaped and GitHub's mentions, autolinks and
 * issue references are broken with a zero-width space entity (as Dependabot does for `@&#8203;user`), so a
 * value can neither change the comment's structure nor ping people or turn into a link; values shown as
 * code sit in spans or fences longer than any backtick run in them, where GitHub links nothing.
 */
import type { ReviewOutput } from '../accepted-risks';
import { Defaults, SEVERITIES, type Severity } from '../constants';
import { type Finding, maxSeverity, reachesThreshold } from '../finding';
import type { JsonValue } from '../plan';
import { escapeUnsafe, safeJson, truncate } from './escape';
import { changesText, entryText } from './shared';

const BADGE: Record<Severity, string> = {
  high: '🔴 high',
  medium: '🟠 medium',
  low: '🟡 low',
  info: '⚪ info',
};

/** A zero-width space as an entity: GitHub then sees `@&#8203;team`, not a mention. */
const BREAK = '&#8203;';

/** Escapes text for HTML (inside `<summary>`), after making invisible characters visible. */
function escapeHtml(text: string): string {
  return escapeUnsafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Plan text as Markdown prose (also table cells): HTML, Markdown and GitHub math syntax escaped; mentions,
 * URL and www autolinks and issue references broken.
 *
 * @example
 * markdownText('see @org/team at https://x.example'); // 'see @&#8203;org/team at https:&#8203;//x.example'
 */
export function markdownText(text: string): string {
  return escapeHtml(text)
    .replace(/[\\`*_|[\]~#$]/g, '\\$&')
    .replace(/#(?=\d)/g, `#${BREAK}`) // first: BREAK itself is `#` and digits
    .replace(/@/g, `@${BREAK}`)
    .replace(/:\/\//g, `:${BREAK}//`)
    .replace(/www\./gi, (www) => `${www.slice(0, 3)}${BREAK}.`);
}

/** A fenced block that no backtick run in the value can close early. */
function codeBlock(value: JsonValue): string {
  if (value === null) return '_(none)_';
  let text = typeof value === 'string' ? escapeUnsafe(value) : safeJson(JSON.stringify(value, null, 2));
  if (text.length > Defaults.MAX_MARKDOWN_VALUE_CHARS) {
    const more = text.length - Defaults.MAX_MARKDOWN_VALUE_CHARS;
    text = `${truncate(text, Defaults.MAX_MARKDOWN_VALUE_CHARS)}\n… (${more} more characters; see the JSON report)`;
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
export function formatMarkdown(report: ReviewOutput): string {
  const { summary, acceptedRisks } = report;
  const out: string[] = [];
  out.push('## Terraform plan review', '');
  const totals = SEVERITIES.map((s) => `${summary.counts[s]} ${s}`).join(' · ');
  const findingFails = report.findings.some(
    (f) => f.accepted === undefined && reachesThreshold(f.severity, summary.failOn),
  );
  const verdict =
    summary.failOn === 'none'
      ? '`--fail-on none`'
      : !summary.failed
        ? `✅ passes: nothing reaches \`${summary.failOn}\``
        : findingFails
          ? `❌ fails: a finding reaches \`${summary.failOn}\``
          : '❌ fails: an accepted risk has expired';
  out.push(`**${totals}** — ${verdict}`, '');
  if (acceptedRisks !== undefined) {
    out.push(
      `Accepted risks (\`${markdownFileName(acceptedRisks.file)}\`): ${acceptedRisks.accepted} finding(s) accepted; they are shown below and do not fail the review.`,
      '',
    );
    for (const entry of acceptedRisks.expired) {
      out.push(`- ⛔ **expired**: ${markdownText(entryText(entry))}. Renew it with a new date or remove it.`);
    }
    for (const entry of acceptedRisks.stale) {
      out.push(`- ⚠️ **stale**: ${markdownText(entryText(entry))} matches no finding. Remove it.`);
    }
    if (acceptedRisks.expired.length + acceptedRisks.stale.length > 0) out.push('');
  }
  out.push('| stack | changes | high | medium | low | info |', '|---|---|--:|--:|--:|--:|');
  for (const plan of summary.plans) {
    const c = plan.counts;
    out.push(
      `| ${markdownText(plan.stack)} | ${changesText(plan.changes)} | ${c.high} | ${c.medium} | ${c.low} | ${c.info} |`,
    );
  }
  for (const plan of summary.plans) {
    out.push('', `### ${markdownText(plan.stack)}`, '');
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
      const allAccepted = list.every((f) => f.accepted !== undefined) ? ' (accepted)' : '';
      out.push(
        '<details>',
        `<summary>${BADGE[worst]} <code>${escapeHtml(address)}</code> — ${escapeHtml(rules)}${allAccepted}</summary>`,
        '',
      );
      for (const finding of list) {
        const accepted =
          finding.accepted === undefined
            ? ''
            : ` — ✅ **accepted** by ${markdownText(finding.accepted.owner)} until ${markdownText(finding.accepted.expires)}: ${markdownText(finding.accepted.reason)}`;
        out.push(
          `- **${finding.severity}** \`${finding.rule}\`: ${markdownText(finding.message)}${accepted}`,
        );
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
    out.push('', `Skipped (not plans): ${summary.skipped.map((s) => markdownText(s)).join('; ')}`);
  }
  out.push('', '<sub>secure-lambda-review; rule ids are documented in packages/review/README.md.</sub>', '');
  return out.join('\n');
}

const SHORT = 80;

function isShortScalar(value: JsonValue): boolean {
  return value === null || (typeof value !== 'object' && String(value).length <= SHORT);
}

/** A file name as inline-code content: escaped, without backticks (it sits in a single-backtick span). */
function markdownFileName(file: string): string {
  return escapeUnsafe(file).replace(/`/g, "'");
}

/** A scalar as inline code (a fence longer than any backtick run in it), `_(none)_` for null. */
function inlineValue(value: JsonValue): string {
  if (value === null) return '_(none)_';
  const text = escapeUnsafe(typeof value === 'string' ? value : JSON.stringify(value));
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
