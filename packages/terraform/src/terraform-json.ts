/**
 * Terraform runs as steps of a lane: each step names itself in errors, keeps its timing, and reads
 * terraform's `-json` output strictly.
 */
import { performance } from 'node:perf_hooks';
import { PlanLane } from './constants';
import { PlanError, ProcessStartError } from './errors';
import { errorMessage, exitText, type ProcessResult, seconds, spawnCollect, tail } from './process';

/** Where and how one stack's terraform runs. */
export interface TerraformRunner {
  /** The stack the steps run for (named in errors). */
  readonly stack: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** @default 'terraform' (on PATH) */
  readonly terraform?: string;
  /** @default 600000 */
  readonly timeoutMs?: number;
}

/** One diagnostic of `terraform validate -json`. */
export interface TerraformDiagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
  readonly snippet?: { readonly context?: string | null };
}

/** `terraform validate -json`. */
export interface ValidateResult {
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics?: readonly TerraformDiagnostic[];
}

/**
 * Runs `terraform <args>` as the named step and returns its output and how long it took (seconds).
 *
 * @throws PlanError naming the step and the stack, when terraform cannot start, times out, or exits with a
 *   code outside `okCodes` (the message ends with the end of its output; `output` has all of it)
 * @example
 * ```ts
 * const { result } = await terraformStep(runner, 'terraform init', ['init', '-input=false', '-no-color']);
 * ```
 */
export async function terraformStep(
  runner: TerraformRunner,
  step: string,
  args: readonly string[],
  { okCodes = [0] }: { okCodes?: readonly number[] } = {},
): Promise<{ result: ProcessResult; seconds: number }> {
  const terraform = runner.terraform ?? PlanLane.TERRAFORM;
  const timeoutMs = runner.timeoutMs ?? PlanLane.STEP_TIMEOUT_MS;
  const started = performance.now();
  let result: ProcessResult;
  try {
    result = await spawnCollect(terraform, args, { cwd: runner.cwd, env: runner.env, timeoutMs });
  } catch (error) {
    if (error instanceof ProcessStartError) {
      throw new PlanError(step, runner.stack, error.message, { cause: error });
    }
    throw error;
  }
  const elapsed = seconds(performance.now() - started);
  const output = `${result.stderr}\n${result.stdout}`.trim();
  if (result.timedOut) {
    throw new PlanError(
      step,
      runner.stack,
      `${terraform} ${args[0]} did not finish within ${timeoutMs / 1000} s`,
      {
        output,
      },
    );
  }
  if (!okCodes.includes(result.code ?? -1)) {
    throw new PlanError(step, runner.stack, `${terraform} ${args[0]} ${exitText(result)}:\n${tail(output)}`, {
      output,
    });
  }
  return { result, seconds: elapsed };
}

/**
 * Parses the `-json` output of a step.
 *
 * @throws PlanError when it is not JSON (the message shows the end of the text)
 * @example
 * parseTerraformJson<ValidateResult>(result.stdout, 'terraform validate', 'secure-lambda-dev');
 */
export function parseTerraformJson<T>(text: string, step: string, stack: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new PlanError(step, stack, `output is not JSON (${errorMessage(error)}):\n${tail(text)}`, {
      cause: error,
    });
  }
}

/**
 * One line per diagnostic of `terraform validate -json`.
 *
 * @example
 * formatDiagnostics(validation);
 * // ['error: Missing required argument: The argument "role" is required ... (cdk.tf.json:93, resource.aws_lambda_function.fn)']
 */
export function formatDiagnostics(result: Pick<ValidateResult, 'diagnostics'>): string[] {
  return (result.diagnostics ?? []).map((d) => {
    const where = [d.range ? `${d.range.filename}:${d.range.start.line}` : '', d.snippet?.context ?? '']
      .filter(Boolean)
      .join(', ');
    const detail = d.detail ? `: ${d.detail.replace(/\s+/g, ' ').trim()}` : '';
    return `${d.severity}: ${d.summary}${detail}${where ? ` (${where})` : ''}`;
  });
}
