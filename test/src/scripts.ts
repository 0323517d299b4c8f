/**
 * Typed access to the repository's lane scripts (`scripts/plan.mjs`, `scripts/checkov.mjs`) from the jest
 * tests. Each call runs the script's exported function in a child node process (see `call-script.mjs`), so
 * the tests exercise exactly the code `npm run plan` and the checkov lane run. The types below mirror the
 * scripts' JSDoc.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SystemTestError, SystemTestErrorCode } from './errors';
import { repoRoot } from './synth';

const execFileAsync = promisify(execFile);
const BRIDGE = path.join(__dirname, 'call-script.mjs');

/** An error as it crosses the process boundary: its name, code, message and the script's extra fields. */
export interface ScriptErrorJson {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  /** PlanError: the step that failed, e.g. "terraform validate". */
  readonly step?: string;
  /** PlanError: the stack it failed for. */
  readonly stackName?: string;
}

export interface PlanCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly replace: number;
  readonly noop: number;
  readonly read: number;
}

export type PlanResult =
  | {
      readonly ok: true;
      readonly stack: string;
      readonly workDir: string;
      readonly planJsonPath: string;
      readonly counts: PlanCounts;
      readonly warnings: readonly string[];
      readonly timings: Readonly<Record<'init' | 'validate' | 'plan' | 'show' | 'total', number>>;
    }
  | { readonly ok: false; readonly stack: string; readonly error: ScriptErrorJson };

export interface PlanStacksOptions {
  /** @default `<repo>/cdktf.out` */
  readonly outDir?: string;
  /** @default every synthesized stack */
  readonly stacks?: readonly string[];
  /** @default 2 (scripts/plan.mjs DEFAULT_CONCURRENCY) */
  readonly concurrency?: number;
}

export interface CheckovFailedCheck {
  readonly id: string;
  readonly name: string;
  readonly resource: string;
  readonly file: string;
  readonly lines: readonly number[];
  readonly guideline?: string;
}

export interface CheckovResult {
  readonly summary: {
    readonly passed: number;
    readonly failed: number;
    readonly skipped: number;
    readonly parsingErrors: number;
    readonly resourceCount: number;
  };
  readonly failedChecks: readonly CheckovFailedCheck[];
  readonly resultsPath: string;
  readonly stackCount: number;
  readonly seconds: number;
}

export interface RunCheckovOptions {
  /** @default `<repo>/cdktf.out` */
  readonly outDir?: string;
  /** The skip file; `null` scans without skips. @default `<repo>/.checkov.yaml` */
  readonly skipFile?: string | null;
  /** Where the JSON report goes. @default `<outDir>/checkov` */
  readonly resultsDir?: string;
}

export interface SkipEntry {
  readonly id: string;
  readonly reason: string;
  readonly line: number;
}

export const SCRIPTS = {
  plan: path.join(repoRoot, 'scripts', 'plan.mjs'),
  checkov: path.join(repoRoot, 'scripts', 'checkov.mjs'),
} as const;

/**
 * Calls `fn(...args)` exported by `modulePath` in a child node process and returns its JSON-able result.
 * A thrown error becomes a `SystemTestError` (code SCRIPT_FAILED) whose message is the script's own.
 *
 * @example
 * const results = await callScript<PlanResult[]>(SCRIPTS.plan, 'planStacks', [{ concurrency: 2 }]);
 */
export async function callScript<T>(modulePath: string, fn: string, args: readonly unknown[]): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'secure-lambda-script-'));
  const responsePath = path.join(dir, 'response.json');
  try {
    const request = JSON.stringify({ module: modulePath, fn, args });
    await execFileAsync(process.execPath, [BRIDGE, request, responsePath], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
    const response = JSON.parse(readFileSync(responsePath, 'utf8')) as
      | { ok: true; value: T }
      | { ok: false; error: ScriptErrorJson };
    if (!response.ok) {
      throw new SystemTestError(
        SystemTestErrorCode.SCRIPT_FAILED,
        `${path.basename(modulePath)} ${fn}() failed: ${response.error.message}`,
      );
    }
    return response.value;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `planStacks()` of scripts/plan.mjs: init, validate, plan and show for every stack; never rejects for one
 * stack's failure.
 *
 * @example
 * const results = await planStacks({ outDir });
 */
export function planStacks(options: PlanStacksOptions = {}): Promise<PlanResult[]> {
  return callScript<PlanResult[]>(SCRIPTS.plan, 'planStacks', [options]);
}

/**
 * `runCheckov()` of scripts/checkov.mjs: the offline checkov scan of `<outDir>/stacks`.
 *
 * @example
 * const { summary, failedChecks } = await runCheckov({ outDir });
 */
export function runCheckov(options: RunCheckovOptions = {}): Promise<CheckovResult> {
  return callScript<CheckovResult>(SCRIPTS.checkov, 'runCheckov', [options]);
}

/**
 * The entries of the checkov skip file, with their reasons, as scripts/checkov.mjs reads them.
 *
 * @example
 * const skips = await readSkipFile(); // [{ id: 'CKV_AWS_272', reason: '...', line: 14 }]
 */
export function readSkipFile(file?: string): Promise<SkipEntry[]> {
  return callScript<SkipEntry[]>(SCRIPTS.checkov, 'readSkipFile', file === undefined ? [] : [file]);
}

/**
 * What is wrong with skip entries (duplicates, missing or placeholder reasons), as scripts/checkov.mjs says.
 *
 * @example
 * expect(await skipFileProblems(await readSkipFile())).toEqual([]);
 */
export function skipFileProblems(entries: readonly SkipEntry[]): Promise<string[]> {
  return callScript<string[]>(SCRIPTS.checkov, 'skipFileProblems', [entries]);
}

/** The skip file checkov reads. */
export const SKIP_FILE = path.join(repoRoot, '.checkov.yaml');

/** Python of the project virtualenv, which has PyYAML (a checkov dependency). */
export function venvPython(): string {
  const venv = process.env.SECURE_LAMBDA_VENV
    ? path.resolve(repoRoot, process.env.SECURE_LAMBDA_VENV)
    : path.join(repoRoot, '.venv');
  return path.join(venv, 'bin', 'python');
}

/**
 * The `skip-check` list as a YAML parser sees it: what checkov itself will skip.
 *
 * @example
 * await skipChecksAsYaml(); // ['CKV_AWS_272']
 */
export async function skipChecksAsYaml(file: string = SKIP_FILE): Promise<string[]> {
  const code = [
    'import json, sys, yaml',
    'data = yaml.safe_load(open(sys.argv[1])) or {}',
    'print(json.dumps(data.get("skip-check") or []))',
  ].join('\n');
  const { stdout } = await execFileAsync(venvPython(), ['-c', code, file], { cwd: repoRoot });
  return JSON.parse(stdout) as string[];
}
