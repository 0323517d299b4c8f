/**
 * The real `cdktf synth`, run once per jest run (from `global-setup.ts`) and shared by every test file.
 *
 * Test files call `synthesizedOutDir()`: it returns the output directory and checks, through a marker file
 * that the synth writes, that the output comes from this jest run and not from an older synth.
 *
 * Environment:
 *   SECURE_LAMBDA_SYNTH_DIR    the directory holding cdktf.json (default: the repository root); for trying
 *                              the system tests on another cdktf app
 *   SECURE_LAMBDA_SKIP_SYNTH=1 reuse the existing output instead of synthesizing (fast local iteration)
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SystemTestError, SystemTestErrorCode } from './errors';

export const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * How the tests synthesize: the one place to change when the synth entry point moves (for example to
 * `npm run synth`). Run in the cdktf app directory.
 */
export const SYNTH_COMMAND = { command: 'npx', args: ['--no', 'cdktf', 'synth'] } as const;

/** Synth of the two stacks takes ~10 s; this only stops a hung process. */
export const SYNTH_TIMEOUT_MS = 600_000;

/** Written into the output directory after a successful synth. */
export const SYNTH_MARKER_FILE = '.secure-lambda-synth.json';

/** Set by the global setup to the id of this jest run; the marker must carry the same id. */
export const SYNTH_RUN_ID_ENV = 'SECURE_LAMBDA_SYNTH_RUN_ID';

export interface SynthRun {
  readonly runId: string;
  readonly appDir: string;
  readonly outDir: string;
  readonly command: string;
  readonly seconds: number;
  readonly stacks: readonly string[];
}

/** The directory holding cdktf.json. */
export function appDir(): string {
  const fromEnv = process.env.SECURE_LAMBDA_SYNTH_DIR;
  return fromEnv ? path.resolve(repoRoot, fromEnv) : repoRoot;
}

/**
 * The synth output directory named by cdktf.json (`output`, default `cdktf.out`).
 *
 * @example
 * cdktfOutDir(); // '/work/main/cdktf.out'
 */
export function cdktfOutDir(dir: string = appDir()): string {
  const config = JSON.parse(readFileSync(path.join(dir, 'cdktf.json'), 'utf8')) as { output?: string };
  return path.resolve(dir, config.output ?? 'cdktf.out');
}

/**
 * The stacks in a synth output directory, sorted: every `stacks/<name>/cdk.tf.json`.
 *
 * @example
 * synthesizedStacks(synthesizedOutDir()); // ['secure-lambda-dev', 'secure-lambda-prod']
 */
export function synthesizedStacks(outDir: string): string[] {
  const stacksDir = path.join(outDir, 'stacks');
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir)
    .filter((name) => existsSync(path.join(stacksDir, name, 'cdk.tf.json')))
    .sort();
}

/**
 * Runs `SYNTH_COMMAND` in the app directory and writes the marker. Throws `SYNTH_FAILED` with the end of
 * the output when synth fails or produces no stack.
 *
 * @example
 * const run = synthesize(randomUUID());
 * console.log(`${run.stacks.join(', ')} in ${run.seconds} s`);
 */
export function synthesize(runId: string = randomUUID()): SynthRun {
  const dir = appDir();
  const outDir = cdktfOutDir(dir);
  const command = [SYNTH_COMMAND.command, ...SYNTH_COMMAND.args].join(' ');
  const started = performance.now();
  const result = spawnSync(SYNTH_COMMAND.command, [...SYNTH_COMMAND.args], {
    cwd: dir,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1' },
    encoding: 'utf8',
    timeout: SYNTH_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  if (result.error || result.status !== 0) {
    const how = result.error ? result.error.message : `exit code ${result.status}`;
    const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new SystemTestError(
      SystemTestErrorCode.SYNTH_FAILED,
      `\`${command}\` in ${dir} failed (${how}). Run it there by hand to see why; the end of its output:\n${output}`,
      { cause: result.error },
    );
  }
  const stacks = synthesizedStacks(outDir);
  if (stacks.length === 0) {
    throw new SystemTestError(
      SystemTestErrorCode.SYNTH_FAILED,
      `\`${command}\` in ${dir} succeeded but wrote no ${path.join(outDir, 'stacks', '*', 'cdk.tf.json')}.`,
    );
  }
  const run: SynthRun = { runId, appDir: dir, outDir, command, seconds, stacks };
  writeFileSync(path.join(outDir, SYNTH_MARKER_FILE), `${JSON.stringify(run, null, 2)}\n`);
  return run;
}

/**
 * The output directory of this jest run's synth. Fails with `SYNTH_OUTPUT_STALE` when the marker is missing
 * or belongs to another run, unless SECURE_LAMBDA_SKIP_SYNTH=1 says to reuse what is there.
 *
 * @example
 * const outDir = synthesizedOutDir();
 */
export function synthesizedOutDir(): string {
  const outDir = cdktfOutDir();
  if (process.env.SECURE_LAMBDA_SKIP_SYNTH === '1') return outDir;
  const runId = process.env[SYNTH_RUN_ID_ENV];
  const markerPath = path.join(outDir, SYNTH_MARKER_FILE);
  const marker = existsSync(markerPath)
    ? (JSON.parse(readFileSync(markerPath, 'utf8')) as Partial<SynthRun>)
    : {};
  if (!runId || marker.runId !== runId) {
    throw new SystemTestError(
      SystemTestErrorCode.SYNTH_OUTPUT_STALE,
      `${markerPath} is not from this jest run. Run these tests through system-tests/jest.config.cjs, whose global ` +
        'setup synthesizes once per run, or set SECURE_LAMBDA_SKIP_SYNTH=1 to reuse the existing output.',
    );
  }
  return outDir;
}
