/** The one checked-in list of skipped checkov checks, `.checkov.yaml`, each with its reason. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Checkov, repoRoot } from '../constants';
import { CheckovError, TerraformErrorCode } from '../errors';

/** One skipped check and the reason written next to it. */
export interface SkipEntry {
  readonly id: string;
  readonly reason: string;
  /** 1-based line of the entry. */
  readonly line: number;
}

const CHECK_ID = /^[A-Z][A-Z0-9]*_[A-Z0-9_]*\d$/;

/**
 * Reads the skip file. The format is plain YAML that checkov reads as `--skip-check`, written so that every
 * entry's reason sits next to it:
 *
 *   skip-check:
 *     # Why this check cannot pass for these stacks (one or more comment lines directly above the entry,
 *     # and/or a comment after it on the same line).
 *     - CKV_AWS_999
 *
 * or `skip-check: []` when nothing is skipped. Anything else under `skip-check` is rejected, so a reader of
 * this function and checkov always see the same list.
 *
 * @throws CheckovError (`INVALID_SKIP_FILE`) naming the line
 * @example
 * readSkipFile(); // [{ id: 'CKV_AWS_272', reason: 'Code signing is enforced by ...', line: 12 }]
 */
export function readSkipFile(file: string = Checkov.SKIP_FILE): SkipEntry[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const invalid = (index: number, why: string) =>
    new CheckovError(
      TerraformErrorCode.INVALID_SKIP_FILE,
      `${path.relative(repoRoot, file)}:${index + 1}: ${why}`,
    );
  const start = lines.findIndex((l) => /^skip-check:/.test(l));
  if (start === -1) return [];
  const header = (lines[start] as string).replace(/#.*$/, '').trim();
  if (header === 'skip-check: []') return [];
  if (header !== 'skip-check:') {
    throw invalid(
      start,
      'write `skip-check:` followed by one `- CHECK_ID` line per skip, or `skip-check: []`',
    );
  }
  const entries: SkipEntry[] = [];
  let pending: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      pending = [];
      continue;
    }
    if (!/^\s/.test(line)) break; // the next top-level key
    const comment = /^\s+#\s?(.*)$/.exec(line);
    if (comment) {
      pending.push((comment[1] ?? '').trim());
      continue;
    }
    const item = /^\s+-\s+([^\s#]+)\s*(?:#\s?(.*))?$/.exec(line);
    if (!item) throw invalid(i, 'expected `- CHECK_ID` (with its reason in a comment)');
    const id = item[1] as string;
    if (!CHECK_ID.test(id))
      throw invalid(i, `${JSON.stringify(id)} is not a checkov check id such as CKV_AWS_272`);
    const reason = [...pending, (item[2] ?? '').trim()].filter(Boolean).join(' ');
    entries.push({ id, reason, line: i + 1 });
    pending = [];
  }
  return entries;
}

/**
 * Problems with the skip entries: duplicates, and reasons missing, too short or placeholders.
 *
 * @example
 * skipFileProblems(readSkipFile()); // [] when every skip says why
 */
export function skipFileProblems(entries: readonly SkipEntry[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { id, reason, line } of entries) {
    if (seen.has(id)) problems.push(`line ${line}: ${id} is listed twice`);
    seen.add(id);
    if (reason.length < Checkov.MIN_REASON_LENGTH || /^(todo|tbd|fixme|n\/a|none)\b/i.test(reason)) {
      problems.push(`line ${line}: ${id} needs a reason (a comment saying why the check cannot pass here)`);
    }
  }
  return problems;
}
