import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  FUNCTION_NAME_PATTERN,
  GENERATED_TRIGGER_TYPES,
  type GeneratedTriggerType,
} from '@secure-lambda/contracts/functions';
import { GeneratorError, GeneratorErrorCode } from './errors';
import { renderApp } from './templates';

/** Names that would collide with the platform's own resources or folders. */
const RESERVED_NAMES = new Set([
  'deployment-hook',
  'key',
  'network',
  'code-signing',
  'input',
  'output',
  'artifacts',
]);

export interface GenerateOptions {
  /** The repository root (holds `apps/`). */
  readonly root: string;
  readonly name: string;
  readonly trigger: string;
}

/** Pinned versions the templates use: this package's own devDependencies, which its tests build against. */
export function pinnedVersions(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
    devDependencies: Record<string, string>;
  };
  return manifest.devDependencies;
}

function workspaceVersion(): string {
  return (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string })
    .version;
}

/**
 * Formats the new files with the repository's own Biome and configuration, so the app passes `biome check`
 * in `npm test` as written. A root without Biome installed (a bare folder) keeps the templates' layout.
 */
function formatLikeTheRepository(root: string, folder: string): void {
  let biome: string;
  try {
    biome = require.resolve('@biomejs/biome/bin/biome', { paths: [root] });
  } catch {
    return;
  }
  const result = spawnSync(
    process.execPath,
    [biome, 'check', '--write', '--no-errors-on-unmatched', folder],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `biome check failed on the generated files: ${(result.stdout + result.stderr).slice(-2000)}`,
    );
  }
}

/** Checks the name and trigger; throws a typed error that says what to write instead. */
export function checkRequest(root: string, name: string, trigger: string): GeneratedTriggerType {
  if (!FUNCTION_NAME_PATTERN.test(name)) {
    throw new GeneratorError(
      GeneratorErrorCode.INVALID_NAME,
      `${JSON.stringify(name)} is not a function name: use 1-40 of a-z, 0-9 and "-", starting with a letter (it becomes secure-lambda-<env>-<name>).`,
    );
  }
  if (RESERVED_NAMES.has(name)) {
    throw new GeneratorError(
      GeneratorErrorCode.INVALID_NAME,
      `${name} is reserved by the platform; choose another name.`,
    );
  }
  if (!(GENERATED_TRIGGER_TYPES as readonly string[]).includes(trigger)) {
    throw new GeneratorError(
      GeneratorErrorCode.INVALID_TRIGGER,
      `${JSON.stringify(trigger)} is not a trigger; use --trigger ${GENERATED_TRIGGER_TYPES.join('|')}.`,
    );
  }
  if (existsSync(path.join(root, 'apps', name))) {
    throw new GeneratorError(
      GeneratorErrorCode.NAME_TAKEN,
      `apps/${name} already exists; choose another name or edit that app's function.ts.`,
    );
  }
  return trigger as GeneratedTriggerType;
}

/**
 * Writes `apps/<name>` for the trigger: every file goes into a temporary folder beside it, which is renamed
 * into place only when all are written, so a failure leaves nothing half-written.
 *
 * @returns the files written, relative to the repository root.
 * @example
 * ```ts
 * generateFunction({ root: process.cwd(), name: 'thumbnailer', trigger: 's3' });
 * ```
 */
export function generateFunction(options: GenerateOptions): string[] {
  const trigger = checkRequest(options.root, options.name, options.trigger);
  const appsDir = path.join(options.root, 'apps');
  const files = renderApp({
    name: options.name,
    trigger,
    versions: pinnedVersions(),
    workspaceVersion: workspaceVersion(),
  });
  let staging: string | undefined;
  try {
    mkdirSync(appsDir, { recursive: true });
    // A dot folder: not an npm workspace (apps/*) and not an app the stacks would discover, even if left.
    staging = mkdtempSync(path.join(appsDir, `.new-${options.name}-`));
    for (const file of files) {
      const target = path.join(staging, file.path);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.text, { flag: 'wx' });
    }
    formatLikeTheRepository(options.root, staging);
    renameSync(staging, path.join(appsDir, options.name));
    staging = undefined;
  } catch (cause) {
    throw new GeneratorError(
      GeneratorErrorCode.WRITE_FAILED,
      `could not write apps/${options.name} (${(cause as Error).message}); nothing was created.`,
      { cause },
    );
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
  }
  return files.map((f) => path.posix.join('apps', options.name, f.path));
}
