import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_STACK_NAME, RELEASE_MANIFEST_FORMAT } from '@secure-lambda/contracts';
import { ReleaseManifestError } from '@secure-lambda/contracts/errors';
import { stackDirectory } from '@secure-lambda/contracts/local';
import {
  parseReleaseManifest,
  type ReleaseManifest,
  type ReleaseTarget,
} from '@secure-lambda/contracts/release-manifest';
import { FunctionNotFoundError, OutputsMissingError } from './errors';

export type {
  CodeDeployTarget,
  ExpectedVersion,
  FunctionConfiguration,
  ReleaseManifest,
  ReleaseTarget,
  Strategy,
} from '@secure-lambda/contracts/release-manifest';

/** The format of the `release` output this CLI reads (2 added `expected`). */
export const MANIFEST_FORMAT = RELEASE_MANIFEST_FORMAT;

function problem(stack: string, what: string): OutputsMissingError {
  return new OutputsMissingError(
    `${what}. Deploy the stack first (npx cdktf deploy ${stack}, or npm run deploy:local for ${LOCAL_STACK_NAME}), ` +
      'or pass --outputs FILE with the output of `terraform output -json`.',
  );
}

/**
 * Parses `terraform output -json` into the release manifest (the contract's strict reader), as the CLI's
 * OUTPUTS_MISSING error: a stack from another version of the platform is refused with a clear message
 * rather than half-understood.
 *
 * @example
 * parseManifest('secure-lambda-dev', JSON.parse(readFileSync('outputs.json', 'utf8')));
 */
export function parseManifest(stack: string, outputs: unknown): ReleaseManifest {
  try {
    return parseReleaseManifest(stack, outputs);
  } catch (error) {
    if (error instanceof ReleaseManifestError) throw new OutputsMissingError(error.message, { cause: error });
    throw error;
  }
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
