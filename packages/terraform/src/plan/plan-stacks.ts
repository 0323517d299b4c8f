/** Every synthesized stack (or the named ones) through the plan lane, a few at a time. */
import { planChangesText } from '@secure-lambda/contracts';
import { prepareTerraform } from '../cli-config';
import { DEFAULT_OUT_DIR, PlanLane } from '../constants';
import { PlanError, TerraformConfigError } from '../errors';
import { errorMessage } from '../process';
import { type PlanResult, planStack } from './plan-stack';
import { listStacks, selectStacks } from './stacks';

export interface PlanStacksOptions {
  /** @default `<repo>/cdktf.out` */
  readonly outDir?: string;
  /** @default every synthesized stack */
  readonly stacks?: readonly string[];
  /** Stacks planned at once. @default 2 */
  readonly concurrency?: number;
  /** The environment terraform's is derived from (AWS_* and TF_* are dropped). @default process.env */
  readonly baseEnv?: NodeJS.ProcessEnv;
  /** Called as each stack finishes, in the order they finish. */
  readonly onResult?: (result: PlanResult) => void;
}

/**
 * Plans every synthesized stack (or the named ones), `concurrency` at a time. Never rejects for one stack's
 * failure: each result is `{ ok: true, ... }` or `{ ok: false, stack, error }`, in stack-name order.
 *
 * @throws PlanError before any stack is planned: no stacks, an unknown stack name, no provider mirror
 * @example
 * ```ts
 * const results = await planStacks({ concurrency: 2, onResult: (r) => console.log(formatResult(r)) });
 * if (results.some((r) => !r.ok)) process.exitCode = 1;
 * ```
 */
export async function planStacks(options: PlanStacksOptions = {}): Promise<PlanResult[]> {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const stacks = selectStacks(listStacks({ outDir }), options.stacks, outDir);
  let env: NodeJS.ProcessEnv;
  try {
    ({ env } = prepareTerraform({ baseEnv: options.baseEnv ?? process.env }));
  } catch (error) {
    if (error instanceof TerraformConfigError) {
      throw new PlanError('configure terraform', undefined, error.message, { cause: error });
    }
    throw error;
  }

  const results = new Array<PlanResult>(stacks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < stacks.length) {
      const index = next++;
      const stack = stacks[index] as (typeof stacks)[number];
      let result: PlanResult;
      try {
        result = await planStack(stack, { env, outDir });
      } catch (error) {
        const planError =
          error instanceof PlanError
            ? error
            : new PlanError('plan', stack.name, errorMessage(error), { cause: error });
        result = { ok: false, stack: stack.name, error: planError };
      }
      results[index] = result;
      options.onResult?.(result);
    }
  };
  const concurrency = options.concurrency ?? PlanLane.DEFAULT_CONCURRENCY;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, stacks.length)) }, worker));
  return results;
}

/**
 * One line for a result, with the counts in terraform's words.
 *
 * @example
 * formatResult(result);
 * // 'plan secure-lambda-dev: 53 to add, 0 to change, 0 to destroy in 6.1 s (init 0.7, validate 1.9, plan 2.6, show 0.9)'
 */
export function formatResult(result: PlanResult): string {
  if (!result.ok) return `plan ${result.stack}: FAILED, ${result.error.message}`;
  const { timings } = result;
  const steps = (['init', 'validate', 'plan', 'show'] as const)
    .map((s) => `${s} ${timings[s].toFixed(1)}`)
    .join(', ');
  const warned = result.warnings.length ? `; ${result.warnings.length} validate warning(s)` : '';
  return `plan ${result.stack}: ${planChangesText(result.counts)} in ${timings.total.toFixed(1)} s (${steps})${warned}`;
}
