#!/usr/bin/env node
/**
 * secure-lambda-review: security review of Terraform plans for pull requests.
 *
 *   secure-lambda-review [PLAN.json | DIR]... [--format text|markdown|json] [--out FILE] [--fail-on high|medium|low|none]
 *
 * Without paths it reads every plan in cdktf.out/plans (written by `npm run plan`).
 * Without --out the report goes to stdout in --format. With --out the report in --format is written to FILE
 * (atomically: a temporary file, then rename) and stdout gets the text summary, so one run can feed a PR
 * comment and a terminal.
 * Exit codes: 0 no finding reaches --fail-on, 1 one does, 2 bad input (unreadable file, not a plan,
 * unsupported format_version, unknown option) or an internal error.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  Defaults,
  ExitCode,
  FAIL_ON_VALUES,
  type FailOn,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './constants';
import { errorMessage, ReviewError, UsageError, WriteFailedError } from './errors';
import { formatJson } from './format/json';
import { formatMarkdown } from './format/markdown';
import { formatText } from './format/text';
import { collectPlanFiles, readPlans } from './plan';
import { type ReviewReport, reviewPlans } from './review';

export const USAGE = `usage: secure-lambda-review [PLAN.json | DIR]... [--format text|markdown|json] [--out FILE] [--fail-on high|medium|low|none]

  PLAN.json | DIR   terraform show -json output, or folders of them (default ${Defaults.PLAN_DIR}; review.* files are skipped)
  --format          text (default), markdown (a PR comment) or json
  --out FILE        write the report to FILE (atomic); stdout then gets the text summary
  --fail-on LEVEL   exit 1 when a finding is at least this severe (default ${Defaults.FAIL_ON}; none never fails)
  --help            this text

exit codes: 0 nothing reaches --fail-on, 1 a finding does, 2 bad input`;

export interface CliOptions {
  readonly paths: readonly string[];
  readonly format: OutputFormat;
  readonly out: string | undefined;
  readonly failOn: FailOn;
  readonly help: boolean;
}

/**
 * Parses the command line.
 *
 * @throws UsageError for an unknown option or a bad value
 * @example
 * parseArgs(['cdktf.out/plans', '--format', 'markdown', '--fail-on=medium']);
 * // { paths: ['cdktf.out/plans'], format: 'markdown', out: undefined, failOn: 'medium', help: false }
 */
export function parseArgs(argv: readonly string[]): CliOptions {
  const paths: string[] = [];
  let format: OutputFormat = Defaults.FORMAT;
  let out: string | undefined;
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
  return { paths: paths.length > 0 ? paths : [Defaults.PLAN_DIR], format, out, failOn, help };
}

/** Renders the report in a format. */
export function render(report: ReviewReport, format: OutputFormat, color: boolean): string {
  if (format === 'json') return formatJson(report);
  if (format === 'markdown') return formatMarkdown(report);
  return formatText(report, { color });
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
    const { plans, skipped } = readPlans(collectPlanFiles(options.paths));
    for (const note of skipped) io.stderr(`secure-lambda-review: skipped ${note}\n`);
    const report = reviewPlans(plans, { failOn: options.failOn, skipped });
    const color = io.isTty && !io.env.NO_COLOR;
    if (options.out !== undefined) {
      writeAtomic(options.out, render(report, options.format, false));
      io.stdout(formatText(report, { color }));
      io.stdout(`secure-lambda-review: ${options.format} report written to ${options.out}\n`);
    } else {
      io.stdout(render(report, options.format, color));
    }
    return report.summary.failed ? ExitCode.FINDINGS : ExitCode.OK;
  } catch (error) {
    if (error instanceof ReviewError) {
      io.stderr(`secure-lambda-review: ${error.message}\n`);
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
