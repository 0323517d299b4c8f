/**
 * The security review of the plans a run wrote, in-process through `@secure-lambda/review`'s exported
 * functions: the text summary to the terminal, Markdown (for the pull request) to `<outDir>/plans/review.md`,
 * SARIF (for code scanning) to `<outDir>/plans/review.sarif`; accepted risks from
 * `.secure-lambda-review.json` at the repository root when it exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  acceptedRiskNotices,
  applyAcceptedRisks,
  collectPlanFiles,
  escapeUnsafe,
  type FailOn,
  findResourceRegion,
  formatMarkdown,
  formatSarif,
  formatText,
  loadAcceptedRisks,
  ReviewError,
  ExitCode as ReviewExitCode,
  type ReviewOutput,
  readPlans,
  reviewPlans,
  type SarifOptions,
  type SarifRegion,
} from '@secure-lambda/review';
import { DEFAULT_OUT_DIR, PlanLane, PlanReview, repoRoot } from '../constants';
import { writeFileAtomic } from '../files';
import { display } from '../process';

/** Where the review's text goes. */
export interface ReviewIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (colors, unless NO_COLOR). */
  readonly isTty: boolean;
  /** GITHUB_* (SARIF provenance) and NO_COLOR are read from it. */
  readonly env: NodeJS.ProcessEnv;
}

export interface ReviewPlanFilesOptions {
  /** @default `<repo>/cdktf.out` */
  readonly outDir?: string;
  /** @default 'high' */
  readonly failOn?: FailOn;
  /**
   * The accepted-risks file; it must then exist. @default `<repo>/.secure-lambda-review.json` when present
   */
  readonly accepted?: string;
  /** Today, for accepted-risk expiry. @default new Date() */
  readonly now?: Date;
}

/** The reviewer's exit code: 0 nothing reaches `failOn`, 1 a finding does (or an accepted risk expired), 2 bad input. */
export type ReviewExitCodeValue = (typeof ReviewExitCode)[keyof typeof ReviewExitCode];

/** The two report files of a review, under `<outDir>/plans/`. */
export function reviewFiles(outDir: string = DEFAULT_OUT_DIR): { markdown: string; sarif: string } {
  const plansDir = path.join(outDir, PlanLane.PLANS_DIR);
  return {
    markdown: path.join(plansDir, PlanReview.MARKDOWN_FILE),
    sarif: path.join(plansDir, PlanReview.SARIF_FILE),
  };
}

/**
 * Reviews plan files and writes the reports. Resolves with the reviewer's exit code; a bad input (an
 * unreadable plan, an invalid accepted-risks file) is reported on `io.stderr` and gives 2.
 *
 * @example
 * ```ts
 * const code = reviewPlanFiles(planned.map((r) => r.planJsonPath), processIo(), { failOn: 'high' });
 * ```
 */
export function reviewPlanFiles(
  planFiles: readonly string[],
  io: ReviewIo,
  options: ReviewPlanFilesOptions = {},
): ReviewExitCodeValue {
  const files = reviewFiles(options.outDir);
  const failOn = options.failOn ?? (PlanReview.DEFAULT_FAIL_ON as FailOn);
  const now = options.now ?? new Date();
  const acceptedFile = options.accepted ?? PlanReview.ACCEPTED_RISKS_PATH;
  try {
    // Read the accepted risks before the plans: a broken file is bad input, whatever the plans hold.
    const risks = loadAcceptedRisks(acceptedFile, { now, optional: options.accepted === undefined });
    const { plans, skipped } = readPlans(collectPlanFiles(planFiles));
    for (const note of skipped) io.stderr(`secure-lambda-review: skipped ${escapeUnsafe(note)}\n`);
    const report = applyAcceptedRisks(reviewPlans(plans, { failOn, skipped }), risks, { now });
    reportAcceptedRisks(report, acceptedFile, io);
    writeFileAtomic(files.sarif, formatSarif(report, sarifOptions(io.env)));
    writeFileAtomic(files.markdown, formatMarkdown(report));
    io.stdout(formatText(report, { color: io.isTty && !io.env.NO_COLOR }));
    io.stdout(`secure-lambda-review: markdown report written to ${escapeUnsafe(display(files.markdown))}\n`);
    io.stdout(`secure-lambda-review: sarif report written to ${escapeUnsafe(display(files.sarif))}\n`);
    return report.summary.failed ? ReviewExitCode.FINDINGS : ReviewExitCode.OK;
  } catch (error) {
    if (!(error instanceof ReviewError)) throw error;
    io.stderr(`secure-lambda-review: ${error.message.split('\n').map(escapeUnsafe).join('\n')}\n`);
    return ReviewExitCode.BAD_INPUT;
  }
}

/** Expired entries fail the review; stale ones (matching nothing) only warn. */
function reportAcceptedRisks(report: ReviewOutput, acceptedFile: string, io: ReviewIo): void {
  for (const line of acceptedRiskNotices(report, acceptedFile)) io.stderr(`${escapeUnsafe(line)}\n`);
}

/**
 * SARIF options as the reviewer's own CLI builds them: paths relative to the repository root; in GitHub
 * Actions the reviewer's README on the repository host as documentation and the commit as provenance;
 * regions found by reading each plan file once.
 */
function sarifOptions(env: NodeJS.ProcessEnv): SarifOptions {
  const server = env.GITHUB_SERVER_URL;
  const sha = env.GITHUB_SHA;
  const commit = sha !== undefined && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  const repositoryUri =
    server !== undefined &&
    /^https:\/\/[\w.-]+$/.test(server) &&
    /^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY ?? '')
      ? `${server}/${env.GITHUB_REPOSITORY}`
      : undefined;
  const texts = new Map<string, string | undefined>();
  const locate = (file: string, address: string): SarifRegion | undefined => {
    if (!texts.has(file)) texts.set(file, existsSync(file) ? readFileSync(file, 'utf8') : undefined);
    const text = texts.get(file);
    return text === undefined ? undefined : findResourceRegion(text, address);
  };
  return {
    version: reviewerVersion(),
    srcRoot: repoRoot,
    ...(repositoryUri === undefined
      ? {}
      : { informationUri: `${repositoryUri}/blob/${commit ?? 'HEAD'}/packages/review/README.md` }),
    ...(repositoryUri !== undefined && commit !== undefined
      ? { versionControl: { repositoryUri, revisionId: commit } }
      : {}),
    locate,
  };
}

function reviewerVersion(): string {
  const manifest = require.resolve('@secure-lambda/review/package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
