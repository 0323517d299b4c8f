/**
 * Accepted risks: a checked-in file (`.secure-lambda-review.json` at the repository root) in which a team
 * accepts a finding by rule and address, with a reason, an owner and an expiry date. Accepted findings are
 * still reported, marked accepted, and do not fail `--fail-on`; an expired entry fails the review; an entry
 * that matches no finding is reported as stale.
 *
 * This post-processes `reviewPlans`' report and never changes what the rules find.
 */
import { existsSync, readFileSync } from 'node:fs';
import { AcceptedRisksError, errorMessage, UnreadableFileError } from './errors';
import { type Acceptance, type Finding, reachesThreshold } from './finding';
import type { ReviewReport } from './review';
import { RULES, type RuleId } from './rules/catalog';

/** The file name the CLI and `npm run plan` read from the working directory (the repository root). */
export const ACCEPTED_RISKS_FILE = '.secure-lambda-review.json';

export const AcceptedRiskLimits = {
  /** The only schema version. */
  VERSION: 1,
  /** An acceptance is looked at again at least once a year: `expires` at most this many days ahead. */
  MAX_DAYS_AHEAD: 366,
  /** A reason shorter than this is not a reason ("ok", "n/a"). */
  MIN_REASON_CHARS: 15,
} as const;

/** One entry of the file, checked. `index` is its position in `accepted`, for messages. */
export interface AcceptedRiskEntry {
  readonly index: number;
  readonly rule: RuleId;
  /** A resource address; `*` matches any run of characters (e.g. `aws_iam_role_policy.fn["*"]`). */
  readonly address: string;
  /** Only findings of this stack (plan file name without `.json`); every stack when absent. */
  readonly stack?: string;
  readonly reason: string;
  readonly owner: string;
  /** Last day the acceptance holds, `YYYY-MM-DD`, UTC. */
  readonly expires: string;
}

export interface AcceptedRisks {
  readonly file: string;
  readonly entries: readonly AcceptedRiskEntry[];
}

/** What applying the file did, for the reports. */
export interface AcceptedRisksOutcome {
  readonly file: string;
  /** Entries in the file. */
  readonly entries: number;
  /** Findings covered by a current entry. */
  readonly accepted: number;
  /** Entries past their `expires` date: they accept nothing and fail the review. */
  readonly expired: readonly AcceptedRiskEntry[];
  /** Current entries that match no finding of the stacks reviewed: remove them. */
  readonly stale: readonly AcceptedRiskEntry[];
}

/** A review report after accepted risks were applied (`acceptedRisks` absent when no file was used). */
export type ReviewOutput = ReviewReport & { readonly acceptedRisks?: AcceptedRisksOutcome };

export interface ClockOptions {
  /** Today, for expiry. Injected so tests do not depend on the date they run. */
  readonly now: Date;
}

const ENTRY_KEYS = ['rule', 'address', 'stack', 'reason', 'owner', 'expires'] as const;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a moment, in UTC. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function dayNumber(day: string): number | undefined {
  const match = DATE.exec(day);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  // Date.UTC rolls 2027-02-30 over to March: a date that does not round-trip does not exist.
  return utcDay(new Date(ms)) === day ? ms / DAY_MS : undefined;
}

/** A short name of an entry for messages: `accepted[2] (iam.wildcard-action on aws_iam_role_policy.fn)`. */
export function describeEntry(
  entry: Pick<AcceptedRiskEntry, 'index' | 'rule' | 'address' | 'stack'>,
): string {
  const stack = entry.stack === undefined ? '' : ` in ${entry.stack}`;
  return `accepted[${entry.index}] (${entry.rule} on ${entry.address}${stack})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses and checks the text of an accepted-risks file. Every problem is collected, so one run tells the
 * author everything to fix.
 *
 * @throws AcceptedRisksError listing each problem (not JSON, unknown key, unknown rule id, no reason or
 *   owner, a date that is not `YYYY-MM-DD` or lies more than a year ahead, an address that is only `*`,
 *   duplicate entries)
 * @example
 * const risks = parseAcceptedRisks(
 *   '{"version":1,"accepted":[{"rule":"lambda.url-public","address":"aws_lambda_function_url.webhook",' +
 *     '"reason":"Public webhook; the handler verifies an HMAC signature","owner":"@org/payments",' +
 *     '"expires":"2027-03-31"}]}',
 *   '.secure-lambda-review.json',
 *   { now: new Date() },
 * );
 * risks.entries[0].rule; // 'lambda.url-public'
 */
export function parseAcceptedRisks(text: string, file: string, options: ClockOptions): AcceptedRisks {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AcceptedRisksError(file, [`it is not JSON (${errorMessage(error)})`], { cause: error });
  }
  const problems: string[] = [];
  if (!isRecord(raw)) {
    throw new AcceptedRisksError(file, [
      'the top level must be an object: { "version": 1, "accepted": [...] }',
    ]);
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'version' && key !== 'accepted' && key !== '$comment') {
      problems.push(`unknown top-level key "${key}": only "version", "accepted" and "$comment" are read`);
    }
  }
  if (raw.version !== AcceptedRiskLimits.VERSION) {
    problems.push(`"version" must be ${AcceptedRiskLimits.VERSION}, not ${JSON.stringify(raw.version)}`);
  }
  if (!Array.isArray(raw.accepted)) {
    problems.push('"accepted" must be a list of entries ([] when nothing is accepted)');
    throw new AcceptedRisksError(file, problems);
  }
  const today = dayNumber(utcDay(options.now)) as number;
  const entries: AcceptedRiskEntry[] = [];
  const seen = new Map<string, number>();
  raw.accepted.forEach((item: unknown, index: number) => {
    const at = `accepted[${index}]`;
    if (!isRecord(item)) {
      problems.push(`${at} must be an object with rule, address, reason, owner and expires`);
      return;
    }
    const before = problems.length;
    for (const key of Object.keys(item)) {
      if (!(ENTRY_KEYS as readonly string[]).includes(key)) {
        problems.push(`${at} has an unknown key "${key}": the keys are ${ENTRY_KEYS.join(', ')}`);
      }
    }
    const text = (key: (typeof ENTRY_KEYS)[number], required: boolean): string | undefined => {
      const value = item[key];
      if (value === undefined && !required) return undefined;
      if (typeof value !== 'string' || value.trim() === '') {
        problems.push(
          `${at}.${key} must be a non-empty string${value === undefined ? ' (it is missing)' : ''}`,
        );
        return undefined;
      }
      return value;
    };
    const rule = text('rule', true);
    if (rule !== undefined && !Object.hasOwn(RULES, rule)) {
      problems.push(
        `${at}.rule "${rule}" is not a rule id of this reviewer: use an id from a finding (the README lists them)`,
      );
    }
    const address = text('address', true);
    if (address !== undefined && /^\**$/.test(address.trim())) {
      problems.push(
        `${at}.address "${address}" matches every resource: accept findings resource by resource (\`*\` may stand for part of an address)`,
      );
    }
    const stack = text('stack', false);
    const reason = text('reason', true);
    if (reason !== undefined && reason.trim().length < AcceptedRiskLimits.MIN_REASON_CHARS) {
      problems.push(
        `${at}.reason is too short to say why the risk is acceptable (at least ${AcceptedRiskLimits.MIN_REASON_CHARS} characters)`,
      );
    }
    const owner = text('owner', true);
    const expires = text('expires', true);
    if (expires !== undefined) {
      const day = dayNumber(expires);
      if (day === undefined) {
        problems.push(`${at}.expires "${expires}" is not a date: write YYYY-MM-DD, e.g. "2027-03-31"`);
      } else if (day - today > AcceptedRiskLimits.MAX_DAYS_AHEAD) {
        problems.push(
          `${at}.expires ${expires} is more than ${AcceptedRiskLimits.MAX_DAYS_AHEAD} days after today (${utcDay(options.now)}): accept a risk for a year at most, then review it again`,
        );
      }
    }
    if (problems.length > before || rule === undefined || address === undefined) return;
    const key = JSON.stringify([rule, address, stack ?? null]);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(`${at} repeats accepted[${first}] (same rule, address and stack): keep one of them`);
      return;
    }
    seen.set(key, index);
    entries.push({
      index,
      rule: rule as RuleId,
      address,
      ...(stack === undefined ? {} : { stack }),
      reason: reason as string,
      owner: owner as string,
      expires: expires as string,
    });
  });
  if (problems.length > 0) throw new AcceptedRisksError(file, problems);
  return { file, entries };
}

/**
 * Reads an accepted-risks file. With `optional`, a missing file means "no accepted risks" (the CLI's
 * default file); otherwise a missing file is an error.
 *
 * @throws UnreadableFileError, AcceptedRisksError
 * @example
 * const risks = loadAcceptedRisks('.secure-lambda-review.json', { now: new Date(), optional: true });
 */
export function loadAcceptedRisks(
  file: string,
  options: ClockOptions & { readonly optional?: boolean },
): AcceptedRisks | undefined {
  if (options.optional === true && !existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UnreadableFileError(
      file,
      `cannot read the accepted-risks file ${file}: ${errorMessage(error)}. Check the --accepted path.`,
      { cause: error },
    );
  }
  return parseAcceptedRisks(text, file, options);
}

/** `*` matches any run of characters; everything else matches itself. */
function addressPattern(address: string): RegExp {
  const body = address
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^]*');
  return new RegExp(`^${body}$`);
}

/**
 * Whether an entry covers a finding: same rule, matching address, and same stack when the entry names one.
 *
 * @example
 * entryMatches(entry, finding);
 */
export function entryMatches(
  entry: AcceptedRiskEntry,
  finding: Pick<Finding, 'rule' | 'address' | 'stack'>,
): boolean {
  return (
    entry.rule === finding.rule &&
    (entry.stack === undefined || entry.stack === finding.stack) &&
    addressPattern(entry.address).test(finding.address)
  );
}

/** Whether an entry's last day is before today (UTC). */
export function isExpired(entry: Pick<AcceptedRiskEntry, 'expires'>, now: Date): boolean {
  return entry.expires < utcDay(now);
}

/**
 * Marks the findings the file accepts and decides pass or fail again: accepted findings do not count
 * towards `failOn`; an expired entry fails the review (unless `failOn` is `none`), whatever it matched.
 *
 * @example
 * const report = reviewPlans(plans, { failOn: 'high' });
 * const output = applyAcceptedRisks(report, loadAcceptedRisks('.secure-lambda-review.json', { now }), { now });
 * process.exitCode = output.summary.failed ? 1 : 0;
 */
export function applyAcceptedRisks(
  report: ReviewReport,
  risks: AcceptedRisks | undefined,
  options: ClockOptions,
): ReviewOutput {
  if (risks === undefined) return report;
  const expired = risks.entries.filter((entry) => isExpired(entry, options.now));
  const current = risks.entries.filter((entry) => !isExpired(entry, options.now));
  const used = new Set<AcceptedRiskEntry>();
  const findings = report.findings.map((finding): Finding => {
    const entry = current.find((candidate) => entryMatches(candidate, finding));
    for (const old of expired) if (entryMatches(old, finding)) used.add(old);
    if (entry === undefined) return finding;
    used.add(entry);
    const accepted: Acceptance = { reason: entry.reason, owner: entry.owner, expires: entry.expires };
    return { ...finding, accepted };
  });
  const stacks = new Set(report.summary.plans.map((plan) => plan.stack));
  const stale = current.filter(
    (entry) => !used.has(entry) && (entry.stack === undefined || stacks.has(entry.stack)),
  );
  const failOn = report.summary.failOn;
  const failed =
    findings.some((f) => f.accepted === undefined && reachesThreshold(f.severity, failOn)) ||
    (failOn !== 'none' && expired.length > 0);
  return {
    findings,
    summary: { ...report.summary, failed },
    acceptedRisks: {
      file: risks.file,
      entries: risks.entries.length,
      accepted: findings.filter((f) => f.accepted !== undefined).length,
      expired,
      stale,
    },
  };
}

/**
 * What a run says about the accepted-risks file on stderr: each expired entry (which fails the review) and
 * each stale one (which matches no finding), one line each, not yet escaped for a terminal.
 *
 * @example
 * for (const line of acceptedRiskNotices(report, '.secure-lambda-review.json')) console.error(escapeUnsafe(line));
 */
export function acceptedRiskNotices(report: ReviewOutput, acceptedFile: string): string[] {
  return [
    ...(report.acceptedRisks?.expired ?? []).map(
      (entry) =>
        `secure-lambda-review: accepted risk accepted[${entry.index}] (${entry.rule} on ${entry.address}, owner ${entry.owner}) in ${acceptedFile} expired on ${entry.expires}: renew it with a new date or remove it`,
    ),
    ...(report.acceptedRisks?.stale ?? []).map(
      (entry) =>
        `secure-lambda-review: warning: accepted risk accepted[${entry.index}] (${entry.rule} on ${entry.address}) in ${acceptedFile} matches no finding: remove it`,
    ),
  ];
}
