import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FunctionNotFoundError, OutputsMissingError } from './errors';

/** How a function's new versions reach its alias (stacks' `release` output, format 1). */
export type Strategy =
  | { readonly type: 'all-at-once' }
  | { readonly type: 'canary' | 'linear'; readonly percent: number; readonly minutes: number };

export interface ReleaseTarget {
  /** The app id in the stack (e.g. `crypto-api`). */
  readonly id: string;
  readonly functionName: string;
  readonly alias: string;
  readonly strategy: Strategy;
  readonly codedeploy?: {
    readonly application: string;
    readonly deploymentGroup: string;
    readonly alarms: readonly string[];
    /** Hook functions the AppSpec names (`BeforeAllowTraffic`, `AfterAllowTraffic`). */
    readonly hooks?: { readonly preTraffic?: string; readonly postTraffic?: string };
  };
}

export interface ReleaseManifest {
  readonly stack: string;
  readonly region: string;
  readonly accountId: string;
  readonly functions: readonly ReleaseTarget[];
}

/** The repository root (this file runs from packages/cli/dist or packages/cli/src). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** The local stack lives under `.local/` (see packages/local-aws). */
export const LOCAL_STACK = 'secure-lambda-local';

/** Where `cdktf synth` (or deploy:local) put a stack: terraform runs there and knows its outputs. */
export function stackDirectory(stack: string, root = REPO_ROOT): string {
  return stack === LOCAL_STACK
    ? path.join(root, '.local', 'cdktf.out', 'stacks', stack)
    : path.join(root, 'cdktf.out', 'stacks', stack);
}

function problem(stack: string, what: string): OutputsMissingError {
  return new OutputsMissingError(
    `${what}. Deploy the stack first (npx cdktf deploy ${stack}, or npm run deploy:local for ${LOCAL_STACK}), ` +
      'or pass --outputs FILE with the output of `terraform output -json`.',
  );
}

/**
 * Parses `terraform output -json` into the release manifest. Checks the format so that a stack from
 * another version of the platform is refused with a clear message rather than half-understood.
 *
 * @example
 * parseManifest('secure-lambda-dev', JSON.parse(readFileSync('outputs.json', 'utf8')));
 */
export function parseManifest(stack: string, outputs: unknown): ReleaseManifest {
  const release = (outputs as Record<string, { value?: unknown }> | null)?.release?.value as
    | { format?: unknown; region?: unknown; accountId?: unknown; functions?: unknown }
    | undefined;
  if (!release) throw problem(stack, `the outputs of ${stack} have no "release" output`);
  if (release.format !== 1) {
    throw new OutputsMissingError(
      `the "release" output of ${stack} has format ${JSON.stringify(release.format)}; this CLI reads format 1. ` +
        'Use the CLI from the same commit as the stack.',
    );
  }
  if (
    typeof release.region !== 'string' ||
    typeof release.functions !== 'object' ||
    release.functions === null
  ) {
    throw problem(stack, `the "release" output of ${stack} lacks region or functions`);
  }
  const functions = Object.entries(release.functions as Record<string, Record<string, unknown>>).map(
    ([id, fn]): ReleaseTarget => {
      if (
        typeof fn.functionName !== 'string' ||
        typeof fn.alias !== 'string' ||
        typeof fn.strategy !== 'object'
      ) {
        throw problem(stack, `function ${id} in the "release" output of ${stack} is incomplete`);
      }
      const codedeploy = fn.codedeploy as ReleaseTarget['codedeploy'];
      return {
        id,
        functionName: fn.functionName,
        alias: fn.alias,
        strategy: fn.strategy as Strategy,
        ...(codedeploy ? { codedeploy } : {}),
      };
    },
  );
  return { stack, region: release.region, accountId: String(release.accountId ?? ''), functions };
}

/**
 * The release manifest of a stack: from `--outputs FILE`, else `terraform output -json` in the stack's
 * synthesized folder.
 */
export function readManifest(
  stack: string,
  options: { outputsFile?: string; root?: string } = {},
): ReleaseManifest {
  if (options.outputsFile) {
    if (!existsSync(options.outputsFile)) throw problem(stack, `${options.outputsFile} does not exist`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(options.outputsFile, 'utf8'));
    } catch (error) {
      throw new OutputsMissingError(`${options.outputsFile} is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return parseManifest(stack, parsed);
  }
  const dir = stackDirectory(stack, options.root);
  if (!existsSync(path.join(dir, 'cdk.tf.json'))) throw problem(stack, `${dir} holds no synthesized stack`);
  const result = spawnSync('terraform', ['output', '-json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
  });
  if (result.error) {
    throw new OutputsMissingError(`could not run terraform (${result.error.message}); is it on PATH?`, {
      cause: result.error,
    });
  }
  if (result.status !== 0) throw problem(stack, `terraform output failed in ${dir}: ${result.stderr.trim()}`);
  const parsed = JSON.parse(result.stdout || '{}') as Record<string, unknown>;
  if (Object.keys(parsed).length === 0) throw problem(stack, `${stack} has no outputs in its state yet`);
  return parseManifest(stack, parsed);
}

/** The functions a command acts on: all, or the one named by app id or function name. */
export function selectFunctions(
  manifest: ReleaseManifest,
  name: string | undefined,
): readonly ReleaseTarget[] {
  if (name === undefined) return manifest.functions;
  const found = manifest.functions.filter((fn) => fn.id === name || fn.functionName === name);
  if (found.length === 0) {
    throw new FunctionNotFoundError(
      'select function',
      `${manifest.stack} has no function ${name}; it has ${manifest.functions.map((f) => f.id).join(', ')}.`,
    );
  }
  return found;
}
