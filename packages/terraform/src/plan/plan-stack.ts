/** One stack through the offline plan lane: work copy, init, validate, plan, show. */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { countPlanChanges, type PlanChangeCounts } from '@secure-lambda/contracts';
import { DEFAULT_OUT_DIR, PlanLane } from '../constants';
import { PlanError } from '../errors';
import { writeFileAtomic } from '../files';
import { errorMessage, seconds } from '../process';
import {
  formatDiagnostics,
  parseTerraformJson,
  type TerraformRunner,
  terraformStep,
  type ValidateResult,
} from '../terraform-json';
import { checkProviderVersion, readStackConfig, type SynthesizedStack } from './stacks';
import { prepareWorkDir } from './work-dir';

/** Seconds per step. */
export interface PlanTimings {
  readonly init: number;
  readonly validate: number;
  readonly plan: number;
  readonly show: number;
  readonly total: number;
}

/** A stack that planned. */
export interface PlannedStack {
  readonly ok: true;
  readonly stack: string;
  readonly workDir: string;
  /** `<outDir>/plans/<stack>.json`: `terraform show -json` of the plan. */
  readonly planJsonPath: string;
  /** What the plan does, counted as terraform's own summary line counts it. */
  readonly counts: PlanChangeCounts;
  /** `terraform validate` warnings, one line each. */
  readonly warnings: readonly string[];
  readonly timings: PlanTimings;
}

/** A stack that did not plan; `error` names the step. */
export interface FailedStack {
  readonly ok: false;
  readonly stack: string;
  readonly error: PlanError;
}

export type PlanResult = PlannedStack | FailedStack;

export interface PlanStackOptions {
  /** The environment from `prepareTerraform()`. */
  readonly env: NodeJS.ProcessEnv;
  /** @default `<repo>/cdktf.out` */
  readonly outDir?: string;
  /** @default 'terraform' */
  readonly terraform?: string;
}

/**
 * Plans one stack: init, validate, plan, show; writes the plan JSON atomically.
 *
 * @throws PlanError naming the step that failed
 * @example
 * ```ts
 * const { env } = prepareTerraform();
 * const result = await planStack(listStacks()[0], { env });
 * console.log(planChangesText(result.counts), result.planJsonPath);
 * ```
 */
export async function planStack(stack: SynthesizedStack, options: PlanStackOptions): Promise<PlannedStack> {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const started = performance.now();
  const config = readStackConfig(stack);
  let workDir: string;
  try {
    workDir = prepareWorkDir(stack, config, { outDir });
  } catch (error) {
    throw new PlanError('prepare work directory', stack.name, errorMessage(error), { cause: error });
  }
  checkProviderVersion(stack, config);
  const runner: TerraformRunner = {
    stack: stack.name,
    cwd: workDir,
    env: options.env,
    ...(options.terraform === undefined ? {} : { terraform: options.terraform }),
  };

  const init = await terraformStep(runner, 'terraform init', [
    'init',
    '-input=false',
    '-reconfigure',
    '-no-color',
  ]);

  const validate = await terraformStep(runner, 'terraform validate', ['validate', '-json', '-no-color'], {
    okCodes: [0, 1],
  });
  const validation = parseTerraformJson<ValidateResult>(
    validate.result.stdout,
    'terraform validate',
    stack.name,
  );
  const diagnostics = formatDiagnostics(validation);
  if (!validation.valid) {
    throw new PlanError(
      'terraform validate',
      stack.name,
      `${validation.error_count} error(s), ${validation.warning_count} warning(s):\n${diagnostics.map((d) => `  - ${d}`).join('\n')}`,
    );
  }

  const plan = await terraformStep(runner, 'terraform plan', [
    'plan',
    '-input=false',
    '-lock=false',
    `-out=${PlanLane.PLAN_FILE}`,
    '-no-color',
  ]);
  const show = await terraformStep(runner, 'terraform show', [
    'show',
    '-json',
    '-no-color',
    PlanLane.PLAN_FILE,
  ]);
  const planJson = parseTerraformJson<unknown>(show.result.stdout, 'terraform show', stack.name);
  let counts: PlanChangeCounts;
  try {
    counts = countPlanChanges(planJson);
  } catch (error) {
    throw new PlanError('terraform show', stack.name, errorMessage(error), { cause: error });
  }

  const planJsonPath = path.join(outDir, PlanLane.PLANS_DIR, `${stack.name}.json`);
  writeFileAtomic(planJsonPath, show.result.stdout);
  return {
    ok: true,
    stack: stack.name,
    workDir,
    planJsonPath,
    counts,
    warnings: diagnostics.filter((d) => d.startsWith('warning')),
    timings: {
      init: init.seconds,
      validate: validate.seconds,
      plan: plan.seconds,
      show: show.seconds,
      total: seconds(performance.now() - started),
    },
  };
}
