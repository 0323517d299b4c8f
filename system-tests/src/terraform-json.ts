import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cdktfOutDir } from './synth';

/** Repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/**
 * The synth output the tests read: the app's (`SECURE_LAMBDA_SYNTH_DIR`, e.g. the generator test's copy of the
 * repository with generated functions), by default this repository's `cdktf.out`.
 */
export const CDKTF_OUT = cdktfOutDir();

export type Block = Record<string, unknown>;

/** The parts of a synthesized `cdk.tf.json` the system tests read. */
export interface TerraformJson {
  readonly provider?: { readonly aws?: readonly Block[] };
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly output?: Record<string, Block>;
  readonly terraform?: Block;
}

export interface SynthesizedStack {
  readonly name: string;
  readonly dir: string;
  readonly json: TerraformJson;
}

/**
 * The bootstrap stacks' names start with this (stacks/src/bootstrap-config.ts, `bootstrapStackName`): each
 * makes an account ready for CI and holds no platform resource, so the platform invariants do not apply.
 */
export const BOOTSTRAP_STACK_PREFIX = 'secure-lambda-bootstrap-';

/** Whether a synthesized stack is a bootstrap stack (by its name). */
export const isBootstrapStack = (name: string): boolean => name.startsWith(BOOTSTRAP_STACK_PREFIX);

/** Every stack `cdktf synth` wrote, platform and bootstrap alike. */
export function loadAllStacks(out = CDKTF_OUT): SynthesizedStack[] {
  const stacksDir = path.join(out, 'stacks');
  if (!existsSync(stacksDir)) throw new Error(`${stacksDir} is missing: synthesize first (npm run synth).`);
  return readdirSync(stacksDir)
    .sort()
    .map((name) => ({ name, dir: path.join(stacksDir, name) }))
    .filter((s) => existsSync(path.join(s.dir, 'cdk.tf.json')))
    .map((s) => ({
      ...s,
      json: JSON.parse(readFileSync(path.join(s.dir, 'cdk.tf.json'), 'utf8')) as TerraformJson,
    }));
}

/**
 * The platform stacks `cdktf synth` wrote (`secure-lambda-<env>`): what the synth invariants, the guardrail
 * and the function-role simulation hold to the platform's bar. Bootstrap stacks are left out.
 */
export function loadStacks(out = CDKTF_OUT): SynthesizedStack[] {
  return loadAllStacks(out).filter((s) => !isBootstrapStack(s.name));
}

/** The bootstrap stacks `cdktf synth` wrote (`secure-lambda-bootstrap-<env>`). */
export function loadBootstrapStacks(out = CDKTF_OUT): SynthesizedStack[] {
  return loadAllStacks(out).filter((s) => isBootstrapStack(s.name));
}

/** `[address, block]` for every resource of one type. */
export function resourcesOf(stack: SynthesizedStack, type: string): Array<[string, Block]> {
  return Object.entries(stack.json.resource?.[type] ?? {}).map(([name, block]) => [`${type}.${name}`, block]);
}

/** Every resource of the stack as `[type, name, block]`. */
export function allResources(stack: SynthesizedStack): Array<[string, string, Block]> {
  return Object.entries(stack.json.resource ?? {}).flatMap(([type, blocks]) =>
    Object.entries(blocks).map(([name, block]) => [type, name, block] as [string, string, Block]),
  );
}

/** The construct path cdktf records on each block. */
export function constructPath(block: Block): string {
  return ((block['//'] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? '') as string;
}
