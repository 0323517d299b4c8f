/**
 * The plan command (`npm run plan`, `node scripts/plan.mjs`): the offline plan lane over every synthesized
 * stack, then the security review of the plans this run wrote. The exit codes are in the package README.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FAIL_ON_VALUES, type FailOn } from '@secure-lambda/review';
import { DEFAULT_OUT_DIR, ExitCode, PlanLane, PlanReview } from '../constants';
import { TerraformError } from '../errors';
import { formatResult, planStacks } from '../plan/plan-stacks';
import { reviewFiles, reviewPlanFiles } from '../plan/review';
import { display, seconds } from '../process';
import type { CommandIo } from './io';
import { badValue, type CommandSpec, parseCommandLine, usage } from './options';

export const PLAN_COMMAND: CommandSpec = {
  usage: 'node scripts/plan.mjs',
  summary:
    'Offline terraform init, validate, plan and show for every synthesized stack (stub credentials, the AWS\n' +
    'provider from the local mirror), then the security review of the plans: text to the terminal, Markdown to\n' +
    '<out>/plans/review.md, SARIF to <out>/plans/review.sarif.',
  positionals: {
    name: 'stack...',
    description: 'plan only these stacks (default: every stack in <out>/stacks)',
  },
  options: {
    concurrency: {
      type: 'string',
      short: 'j',
      value: 'N',
      description: `stacks planned at once (default ${PlanLane.DEFAULT_CONCURRENCY})`,
    },
    out: { type: 'string', value: 'DIR', description: 'the synth output directory (default cdktf.out)' },
    'fail-on': {
      type: 'string',
      value: 'LEVEL',
      description: `fail the review on findings this severe: ${FAIL_ON_VALUES.join(', ')} (default ${PlanReview.DEFAULT_FAIL_ON})`,
    },
    accepted: {
      type: 'string',
      value: 'FILE',
      description: 'accepted risks (default .secure-lambda-review.json at the repository root, if present)',
    },
    'no-review': {
      type: 'boolean',
      description: 'plans only; an earlier review.md and review.sarif are removed',
    },
  },
  epilogue: [
    'exit codes: 0 every stack planned and the review passed; 1 a stack failed to plan, or the review has a',
    'finding at or above --fail-on (or an expired accepted risk); 2 the command could not run as asked (bad',
    'option, no synthesized stack, no provider mirror, an unreadable plan or accepted-risks file).',
  ],
};

/** What the plan command was asked to do. */
export interface PlanCommandOptions {
  readonly stacks: readonly string[];
  readonly concurrency: number;
  readonly outDir: string;
  readonly failOn: FailOn;
  readonly accepted: string | undefined;
  readonly review: boolean;
}

/**
 * Reads the plan command's arguments; `undefined` when `--help` was asked for.
 *
 * @throws UsageError for an unknown option or a bad value
 * @example
 * parsePlanOptions(['-j', '1', '--fail-on', 'medium']); // { concurrency: 1, failOn: 'medium', review: true, ... }
 */
export function parsePlanOptions(argv: readonly string[]): PlanCommandOptions | undefined {
  const { values, positionals, help } = parseCommandLine(PLAN_COMMAND, argv);
  if (help) return undefined;
  const concurrency =
    values.concurrency === undefined ? PlanLane.DEFAULT_CONCURRENCY : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw badValue(PLAN_COMMAND, 'concurrency', 'a whole number >= 1');
  }
  const failOn = (values['fail-on'] ?? PlanReview.DEFAULT_FAIL_ON) as string;
  if (!(FAIL_ON_VALUES as readonly string[]).includes(failOn)) {
    throw badValue(PLAN_COMMAND, 'fail-on', FAIL_ON_VALUES.join(', '));
  }
  return {
    stacks: positionals,
    concurrency,
    outDir: typeof values.out === 'string' ? path.resolve(values.out) : DEFAULT_OUT_DIR,
    failOn: failOn as FailOn,
    accepted: typeof values.accepted === 'string' ? path.resolve(values.accepted) : undefined,
    review: values['no-review'] !== true,
  };
}

/**
 * Runs the plan command and resolves with its exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runPlanCommand(process.argv.slice(2), processIo());
 * ```
 */
export async function runPlanCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const started = performance.now();
  try {
    const options = parsePlanOptions(argv);
    if (options === undefined) {
      io.stdout(`${usage(PLAN_COMMAND)}\n`);
      return ExitCode.OK;
    }
    const results = await planStacks({
      outDir: options.outDir,
      stacks: options.stacks,
      concurrency: options.concurrency,
      baseEnv: io.env,
      onResult: (r) => io.stdout(`${formatResult(r)}\n`),
    });
    const failed = results.filter((r) => !r.ok);
    io.stdout(
      `plan: ${results.length - failed.length} of ${results.length} stack(s) planned in ` +
        `${seconds(performance.now() - started)} s (plans in ${display(path.join(options.outDir, PlanLane.PLANS_DIR))})\n`,
    );
    let exitCode: number = ExitCode.OK;
    for (const r of failed) {
      if (!r.ok) io.stderr(`plan: ${r.error.message}\n`);
      exitCode = ExitCode.FAILED;
    }
    const files = reviewFiles(options.outDir);
    if (!options.review) {
      // A review from an earlier run must not be mistaken for the review of these plans.
      rmSync(files.markdown, { force: true });
      rmSync(files.sarif, { force: true });
      return exitCode;
    }
    const planned = results.flatMap((r) => (r.ok ? [r.planJsonPath] : []));
    if (planned.length === 0) return exitCode;
    const review = reviewPlanFiles(planned, io, {
      outDir: options.outDir,
      failOn: options.failOn,
      ...(options.accepted === undefined ? {} : { accepted: options.accepted }),
    });
    if (review === 1) {
      io.stderr(
        `plan: the security review has findings at or above ${options.failOn}; see ${display(files.markdown)}\n`,
      );
      return ExitCode.FAILED;
    }
    if (review !== 0) {
      io.stderr('plan: the security review could not run; see the message above\n');
      return ExitCode.CANNOT_RUN;
    }
    return exitCode;
  } catch (error) {
    if (error instanceof TerraformError) {
      io.stderr(`plan: ${error.message}\n`);
      return ExitCode.CANNOT_RUN;
    }
    throw error;
  }
}
