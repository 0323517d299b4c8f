/** The stacks `cdktf synth` wrote, and what the plan lane reads of their configuration. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AWS_PROVIDER, DEFAULT_OUT_DIR, PlanLane } from '../constants';
import { PlanError } from '../errors';
import { display, errorMessage } from '../process';

/** A synthesized stack: `<outDir>/stacks/<name>/cdk.tf.json`. */
export interface SynthesizedStack {
  readonly name: string;
  readonly dir: string;
  readonly configFile: string;
}

/** The parts of a stack's `cdk.tf.json` the plan lane reads. */
export interface StackConfig {
  readonly provider?: { readonly aws?: ProviderBlock | readonly ProviderBlock[] };
  readonly terraform?: {
    readonly required_providers?: { readonly aws?: { readonly version?: string } };
  };
}

/** One `provider "aws"` block as cdktf writes it. */
export type ProviderBlock = Readonly<Record<string, unknown>> & { readonly alias?: unknown };

/**
 * The synthesized stacks, sorted by name.
 *
 * @throws PlanError (step "find stacks") when there is none: synthesize first
 * @example
 * listStacks(); // [{ name: 'secure-lambda-dev', dir: '/repo/cdktf.out/stacks/secure-lambda-dev', ... }]
 */
export function listStacks({ outDir = DEFAULT_OUT_DIR }: { outDir?: string } = {}): SynthesizedStack[] {
  const stacksDir = path.join(outDir, 'stacks');
  const names = existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [];
  const stacks = names
    .map((name) => ({ name, dir: path.join(stacksDir, name) }))
    .map((stack) => ({ ...stack, configFile: path.join(stack.dir, PlanLane.STACK_CONFIG_FILE) }))
    .filter((stack) => existsSync(stack.configFile));
  if (stacks.length === 0) {
    throw new PlanError(
      'find stacks',
      undefined,
      `no ${path.join(display(stacksDir), '*', PlanLane.STACK_CONFIG_FILE)} found. Synthesize first (npx cdktf synth).`,
    );
  }
  return stacks;
}

/**
 * The stacks to plan: all, or the named ones.
 *
 * @throws PlanError (step "find stacks") naming the stacks that were not synthesized
 * @example
 * selectStacks(listStacks(), ['secure-lambda-dev']);
 */
export function selectStacks(
  all: readonly SynthesizedStack[],
  only: readonly string[] | undefined,
  outDir: string,
): SynthesizedStack[] {
  if (!only || only.length === 0) return [...all];
  const unknown = only.filter((name) => !all.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw new PlanError(
      'find stacks',
      unknown.join(', '),
      `not synthesized; the stacks in ${display(outDir)} are ${all.map((s) => s.name).join(', ')}.`,
    );
  }
  return all.filter((s) => only.includes(s.name));
}

/**
 * A stack's parsed `cdk.tf.json`.
 *
 * @throws PlanError (step "read stack") when it is not JSON
 * @example
 * readStackConfig(stack).terraform?.required_providers?.aws?.version; // '5.100.0'
 */
export function readStackConfig(stack: SynthesizedStack): StackConfig {
  try {
    return JSON.parse(readFileSync(stack.configFile, 'utf8')) as StackConfig;
  } catch (error) {
    throw new PlanError(
      'read stack',
      stack.name,
      `cannot parse ${display(stack.configFile)}: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * The mirror holds one provider version; a stack pinned to another fails at init with a message about
 * "no available releases". Say what to do instead.
 *
 * @throws PlanError (step "check provider version")
 * @example
 * checkProviderVersion(stack, readStackConfig(stack));
 */
export function checkProviderVersion(stack: SynthesizedStack, config: StackConfig): void {
  const required = config.terraform?.required_providers?.aws?.version;
  if (required && required !== AWS_PROVIDER.version) {
    throw new PlanError(
      'check provider version',
      stack.name,
      `the stack requires hashicorp/aws ${required}, but the offline lane provides ${AWS_PROVIDER.version} ` +
        '(@secure-lambda/terraform, AWS_PROVIDER). Keep @cdktf/provider-aws on the version that wraps the ' +
        'mirrored provider, or add the new provider to the mirror and update AWS_PROVIDER.',
    );
  }
}
