#!/usr/bin/env node
/**
 * secure-lambda-review: security review of Terraform plans for pull requests.
 *
 *   secure-lambda-review [PLAN.json | DIR]... [--format text|markdown|json|sarif] [--out FILE] [--sarif FILE]
 *                        [--fail-on high|medium|low|none] [--accepted FILE]
 *
 * Without paths it reads every plan in cdktf.out/plans (written by `npm run plan`).
 * Without --out the report goes to stdout in --format. With --out the report in --format is written to FILE
 * (atomically: a temporary file, then rename) and stdout gets the text summary, so one run can feed a PR
 * comment and a terminal. --sarif FILE also writes SARIF (for code scanning) in the same run.
 * Accepted risks come from --accepted FILE, or from .secure-lambda-review.json in the working directory when
 * it exists: accepted findings are marked and do not fail; an expired entry fails the review.
 * Exit codes: 0 no finding reaches --fail-on, 1 one does (or an accepted risk has expired), 2 bad input
 * (unreadable file, not a plan, unsupported format_version, unknown option, invalid accepted-risks file)
 * or an internal error.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ACCEPTED_RISKS_FILE,
  acceptedRiskNotices,
  applyAcceptedRisks,
  loadAcceptedRisks,
  type ReviewOutput,
} from './accepted-risks';
import {
  Defaults,
  ExitCode,
  FAIL_ON_VALUES,
  type FailOn,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './constants';
import { errorMessage, ReviewError, UsageError, WriteFailedError } from './errors';
import { escapeUnsafe } from './format/escape';
import { formatJson } from './format/json';
import { formatMarkdown } from './format/markdown';
import { findResourceRegion, formatSarif, type SarifOptions, type SarifRegion } from './format/sarif';
import { formatText } from './format/text';
import { collectPlanFiles, readPlans } from './plan';
import { reviewPlans } from './review';

export const USAGE = `usage: secure-lambda-review [PLAN.json | DIR]... [--format text|markdown|json|sarif] [--out FILE] [--sarif FILE] [--fail-on high|medium|low|none] [--accepted FILE]

  PLAN.json | DIR   terraform show -json output, or folders of them (default ${Defaults.PLAN_DIR}; review.* files are skipped)
  --format          text (default), markdown (a PR comment), json or sarif (code scanning)
  --out FILE        write the report to FILE (atomic); stdout then gets the text summary
  --sarif FILE      also write the report as SARIF 2.1.0 to FILE (atomic)
  --fail-on LEVEL   exit 1 when a finding is at least this severe (default ${Defaults.FAIL_ON}; none never fails)
  --accepted FILE   accepted risks (default ${ACCEPTED_RISKS_FILE} in the working directory, if it exists)
  --help            this text

exit codes: 0 nothing reaches --fail-on, 1 a finding does or an accepted risk has expired, 2 bad input`;

export interface CliOptions {
  readonly paths: readonly string[];
  readonly format: OutputFormat;
  readonly out: string | undefined;
  readonly sarif: string | undefined;
  readonly failOn: FailOn;
  /** The accepted-risks file given with --accepted; undefined means the default file, if present. */
  readonly accepted: string | undefined;
  readonly help: boolean;
}

/**
 * Parses the command line.
 *
 * @throws UsageError for an unknown option or a bad value
 * @example
 * parseArgs(['cdktf.out/plans', '--format', 'markdown', '--fail-on=medium']);
 * // { paths: ['cdktf.out/plans'], format: 'markdown', out: undefined, sarif: undefined, failOn: 'medium', accepted: undefined, help: false }
 */
export function parseArgs(argv: readonly string[]): CliOptions {
  const paths: string[] = [];
  let format: OutputFormat = Defaults.FORMAT;
  let out: string | undefined;
  let sarif: string | undefined;
  let accepted: string | undefined;
  let failOn: FailOn = Defaults.FAIL_ON;
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new UsageError(`${name} needs a value.\n${USAGE}`);
      i += 1;
      return next;
    };
    switch (name) {
      case '--format': {
        const v = value();
        if (!(OUTPUT_FORMATS as readonly string[]).includes(v)) {
          throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, not "${v}".\n${USAGE}`);
        }
        format = v as OutputFormat;
        break;
      }
      case '--out':
        out = value();
        break;
      case '--sarif':
        sarif = value();
        break;
      case '--accepted':
        accepted = value();
        break;
      case '--fail-on': {
        const v = value();
        if (!(FAIL_ON_VALUES as readonly string[]).includes(v)) {
          throw new UsageError(
            `--fail-on must be one of ${FAIL_ON_VALUES.join(', ')}, not "${v}".\n${USAGE}`,
          );
        }
        failOn = v as FailOn;
        break;
      }
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        if (name.startsWith('-')) throw new UsageError(`unknown option ${name}.\n${USAGE}`);
        paths.push(arg);
    }
  }
  return {
    paths: paths.length > 0 ? paths : [Defaults.PLAN_DIR],
    format,
    out,
    sarif,
    failOn,
    accepted,
    help,
  };
}

/** Renders the report in a format. */
export function render(
  report: ReviewOutput,
  format: OutputFormat,
  options: { readonly color: boolean; readonly sarif: SarifOptions },
): string {
  if (format === 'json') return formatJson(report);
  if (format === 'markdown') return formatMarkdown(report);
  if (format === 'sarif') return formatSarif(report, options.sarif);
  return formatText(report, { color: options.color });
}

/** The reviewer's version, from its package.json (one level above src/ and dist/). */
function ownVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/**
 * SARIF options for this run: paths relative to the working directory; in GitHub Actions, the README on
 * the repository host as the tool's documentation; regions found by reading each plan file once.
 */
function sarifOptions(env: NodeJS.ProcessEnv): SarifOptions {
  const server = env.GITHUB_SERVER_URL;
  const repository = env.GITHUB_REPOSITORY;
  const sha = env.GITHUB_SHA;
  const commit = sha !== undefined && /^[0-9a-f]{40}$/.test(sha) ? sha : undefined;
  const repositoryUri =
    server !== undefined && /^https:\/\/[\w.-]+$/.test(server) && /^[\w.-]+\/[\w.-]+$/.test(repository ?? '')
      ? `${server}/${repository}`
      : undefined;
  const informationUri =
    repositoryUri === undefined
      ? undefined
      : `${repositoryUri}/blob/${commit ?? 'HEAD'}/packages/review/README.md`;
  const versionControl =
    repositoryUri !== undefined && commit !== undefined ? { repositoryUri, revisionId: commit } : undefined;
  const texts = new Map<string, string | undefined>();
  const locate = (file: string, address: string): SarifRegion | undefined => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(file, 'utf8'));
      } catch {
        // The plan was read a moment ago; without it the result simply has no region.
        texts.set(file, undefined);
      }
    }
    const text = texts.get(file);
    return text === undefined ? undefined : findResourceRegion(text, address);
  };
  return {
    version: ownVersion(),
    srcRoot: process.cwd(),
    ...(informationUri === undefined ? {} : { informationUri }),
    ...(versionControl === undefined ? {} : { versionControl }),
    locate,
  };
}

/** Error text for stderr: each line escaped, so a file name cannot forge the terminal either. */
function safeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => escapeUnsafe(line))
    .join('\n');
}

/**
 * Writes `text` to `file` through a temporary file and a rename, so a reader never sees half a report.
 *
 * @example
 * writeAtomic('cdktf.out/plans/review.md', markdown);
 */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (error) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The folder itself is unusable: there is no temporary file to clean up.
    }
    throw new WriteFailedError(`cannot write the report to ${file}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (colors). */
  readonly isTty: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** Today, for accepted-risk expiry and deprecated runtimes. @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * Runs the CLI and returns its exit code.
 *
 * @example
 * const code = run(['cdktf.out/plans', '--format', 'json'], { stdout: (t) => process.stdout.write(t), ... });
 */
export function run(argv: readonly string[], io: CliIo): number {
  try {
    const options = parseArgs(argv);
    if (options.help) {
      io.stdout(`${USAGE}\n`);
      return ExitCode.OK;
    }
    const now = (io.now ?? (() => new Date()))();
    // Read the accepted risks before the plans: a broken file is bad input, whatever the plans hold.
    const acceptedFile = options.accepted ?? ACCEPTED_RISKS_FILE;
    const risks = loadAcceptedRisks(acceptedFile, { now, optional: options.accepted === undefined });
    const { plans, skipped } = readPlans(collectPlanFiles(options.paths));
    for (const note of skipped) io.stderr(`secure-lambda-review: skipped ${escapeUnsafe(note)}\n`);
    const report = applyAcceptedRisks(reviewPlans(plans, { failOn: options.failOn, skipped, now }), risks, {
      now,
    });
    for (const line of acceptedRiskNotices(report, acceptedFile)) io.stderr(`${escapeUnsafe(line)}\n`);
    const color = io.isTty && !io.env.NO_COLOR;
    const needsSarif = options.format === 'sarif' || options.sarif !== undefined;
    const renderOptions = { color, sarif: needsSarif ? sarifOptions(io.env) : { version: '' } };
    if (options.sarif !== undefined) {
      writeAtomic(options.sarif, formatSarif(report, renderOptions.sarif));
    }
    if (options.out !== undefined) {
      writeAtomic(options.out, render(report, options.format, { ...renderOptions, color: false }));
      io.stdout(formatText(report, { color }));
      io.stdout(`secure-lambda-review: ${options.format} report written to ${escapeUnsafe(options.out)}\n`);
    } else {
      io.stdout(render(report, options.format, renderOptions));
    }
    if (options.sarif !== undefined) {
      io.stdout(`secure-lambda-review: sarif report written to ${escapeUnsafe(options.sarif)}\n`);
    }
    return report.summary.failed ? ExitCode.FINDINGS : ExitCode.OK;
  } catch (error) {
    if (error instanceof ReviewError) {
      io.stderr(`secure-lambda-review: ${safeLines(error.message)}\n`);
      return ExitCode.BAD_INPUT;
    }
    // Never exit 1 for a crash: 1 means "findings" to the callers.
    io.stderr(
      `secure-lambda-review: unexpected error (a bug in the reviewer, please report it with the plan's shape):\n${
        error instanceof Error ? (error.stack ?? error.message) : String(error)
      }\n`,
    );
    return ExitCode.BAD_INPUT;
  }
}

if (require.main === module) {
  process.exitCode = run(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    env: process.env,
  });
}
