/**
 * checkov over the synthesized stacks, offline. No Prisma Cloud/Bridgecrew API key is used and nothing is
 * downloaded: checkov otherwise asks PyPI for a newer version when it is imported
 * (`CKV_SKIP_PACKAGE_UPDATE_CHECK=true` stops it), fetches policy metadata (`--skip-download` and
 * `BC_SKIP_MAPPING=TRUE` stop it), and reads an API key from `~/.bridgecrew/credentials` and extra config
 * from `~/.checkov.yaml` (it runs with `HOME` set to an empty directory, and inherited `BC_*`, `CKV_*`,
 * `CHECKOV_*` and `PRISMA_*` variables are dropped). It runs in the results directory, so the only config
 * file it reads is the one passed with `--config-file`. Verified with strace: no connect() other than to
 * local sockets.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveVenvDir, venvExecutable } from '@secure-lambda/moto/python-env';
import { Checkov, DEFAULT_OUT_DIR, repoRoot } from '../constants';
import { CheckovError, ProcessStartError, TerraformErrorCode } from '../errors';
import { seconds, spawnCollect, tail } from '../process';

/** The project virtualenv, where `npm run setup:python` installs checkov. */
export interface CheckovInstall {
  readonly venvDir: string;
  readonly checkov: string;
  /** The virtualenv's interpreter (it has PyYAML, a checkov dependency). */
  readonly python: string;
}

/** One failed check of the report. */
export interface CheckovFailedCheck {
  readonly id: string;
  readonly name: string;
  readonly resource: string;
  readonly file: string;
  readonly lines: readonly number[];
  readonly guideline?: string;
}

export interface CheckovSummary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly parsingErrors: number;
  readonly resourceCount: number;
}

export interface CheckovResult {
  readonly summary: CheckovSummary;
  readonly failedChecks: readonly CheckovFailedCheck[];
  readonly resultsPath: string;
  readonly stackCount: number;
  readonly seconds: number;
  /** checkov's own exit code: 0 all passed, 1 a check failed. */
  readonly exitCode: 0 | 1;
}

export interface RunCheckovOptions {
  /** @default `<repo>/cdktf.out` */
  readonly outDir?: string;
  /** The skip file; `null` scans without skips. @default `<repo>/.checkov.yaml` */
  readonly skipFile?: string | null;
  /** Where the JSON report goes. @default `<outDir>/checkov` */
  readonly resultsDir?: string;
  /** @default process.env */
  readonly baseEnv?: NodeJS.ProcessEnv;
  /** Receives checkov's own output (its failed checks) as it runs. */
  readonly onOutput?: (chunk: Buffer) => void;
}

/**
 * Where checkov is: SECURE_LAMBDA_VENV (relative to the repository root) or `<repo>/.venv`, the rule the
 * virtualenv is created by.
 *
 * @example
 * checkovInstall().checkov; // '/repo/.venv/bin/checkov'
 */
export function checkovInstall(env: NodeJS.ProcessEnv = process.env): CheckovInstall {
  const { venvDir } = resolveVenvDir(repoRoot, env);
  return { venvDir, checkov: venvExecutable(venvDir, 'checkov'), python: venvExecutable(venvDir, 'python') };
}

/**
 * The environment checkov runs with: inherited, minus anything that could select a platform or change the
 * scan, plus the switches that keep it offline.
 *
 * @example
 * checkovEnv({ home: '/repo/cdktf.out/checkov/home' }).CKV_SKIP_PACKAGE_UPDATE_CHECK; // 'true'
 */
export function checkovEnv({
  home,
  baseEnv = process.env,
}: {
  home: string;
  baseEnv?: NodeJS.ProcessEnv;
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(baseEnv)) {
    if (!Checkov.DROPPED_ENV_PREFIXES.some((prefix) => key.startsWith(prefix))) env[key] = value;
  }
  return {
    ...env,
    HOME: home,
    BC_SKIP_MAPPING: 'TRUE',
    CKV_SKIP_PACKAGE_UPDATE_CHECK: 'true',
    // The defaults are 3 tries with 1 s sleeps; if anything were still to try the network, fail at once.
    REQUEST_MAX_TRIES: '1',
    PYTHONUNBUFFERED: '1',
  };
}

/**
 * Runs checkov over `<outDir>/stacks` and reads its JSON report.
 *
 * @throws CheckovError `CHECKOV_NOT_INSTALLED`, `NOTHING_SCANNED`, `CHECKOV_TIMEOUT`, `CHECKOV_CRASHED`
 * @example
 * ```ts
 * const result = await runCheckov();
 * console.log(formatSummary(result)); // checkov terraform_json: Passed checks: 140, Failed checks: 0, ...
 * ```
 */
export async function runCheckov(options: RunCheckovOptions = {}): Promise<CheckovResult> {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const skipFile = options.skipFile === undefined ? Checkov.SKIP_FILE : options.skipFile;
  const resultsDir = options.resultsDir ?? path.join(outDir, 'checkov');
  const baseEnv = options.baseEnv ?? process.env;
  const binary = checkovInstall(baseEnv).checkov;
  if (!existsSync(binary)) {
    throw new CheckovError(
      TerraformErrorCode.CHECKOV_NOT_INSTALLED,
      `${binary} does not exist. Run \`npm run setup:python\` (it installs requirements.txt into the virtualenv).`,
    );
  }
  const stacksDir = path.join(outDir, 'stacks');
  const stackCount = existsSync(stacksDir)
    ? readdirSync(stacksDir).filter((name) => existsSync(path.join(stacksDir, name, 'cdk.tf.json'))).length
    : 0;
  if (stackCount === 0) {
    throw new CheckovError(
      TerraformErrorCode.NOTHING_SCANNED,
      `no ${stacksDir}/*/cdk.tf.json. Synthesize first (npx cdktf synth).`,
    );
  }
  const home = path.join(resultsDir, 'home');
  const resultsPath = path.join(resultsDir, Checkov.RESULTS_FILE_NAME);
  rmSync(resultsPath, { force: true });
  mkdirSync(home, { recursive: true });

  const args = [
    '--directory',
    stacksDir,
    '--framework',
    Checkov.FRAMEWORK,
    ...(skipFile ? ['--config-file', skipFile] : []),
    '--skip-download',
    '--compact',
    '--quiet',
    '--output',
    'cli',
    '--output',
    'json',
    '--output-file-path',
    `console,${resultsPath}`,
  ];
  const started = performance.now();
  const run = await spawnCollect(binary, args, {
    cwd: resultsDir,
    env: checkovEnv({ home, baseEnv }),
    timeoutMs: Checkov.TIMEOUT_MS,
    ...(options.onOutput ? { onStdout: options.onOutput } : {}),
  }).catch((error: unknown) => {
    if (error instanceof ProcessStartError) {
      throw new CheckovError(TerraformErrorCode.CHECKOV_CRASHED, error.message, { cause: error });
    }
    throw error;
  });
  const elapsed = seconds(performance.now() - started);
  if (run.timedOut) {
    throw new CheckovError(
      TerraformErrorCode.CHECKOV_TIMEOUT,
      `checkov did not finish within ${Checkov.TIMEOUT_MS / 1000} s`,
    );
  }
  // 0: all passed, 1: some check failed; anything else (2 is its crash code) means no trustworthy result.
  if ((run.code !== 0 && run.code !== 1) || !existsSync(resultsPath)) {
    throw new CheckovError(
      TerraformErrorCode.CHECKOV_CRASHED,
      `checkov ${run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`} without a report:\n` +
        tail(run.stderr || run.stdout, 30),
    );
  }
  const { summary, failedChecks } = readReport(resultsPath);
  if (summary.passed + summary.failed + summary.skipped === 0) {
    throw new CheckovError(
      TerraformErrorCode.NOTHING_SCANNED,
      `checkov ran no checks over ${stacksDir}: the ${Checkov.FRAMEWORK} framework found no resources.`,
    );
  }
  return { summary, failedChecks, resultsPath, stackCount, seconds: elapsed, exitCode: run.code };
}

type Counts = Partial<Record<'passed' | 'failed' | 'skipped' | 'parsing_errors' | 'resource_count', number>>;

/**
 * One framework's part of checkov's JSON report (a list of them when several frameworks ran). With nothing
 * to report checkov writes the counts at the top level instead of under `summary`.
 */
interface ReportPart extends Counts {
  readonly summary?: Counts;
  readonly results?: {
    readonly failed_checks?: readonly {
      readonly check_id: string;
      readonly check_name: string;
      readonly resource: string;
      readonly file_path: string;
      readonly file_line_range: number[];
      readonly guideline?: string | null;
    }[];
  };
}

function readReport(resultsPath: string): { summary: CheckovSummary; failedChecks: CheckovFailedCheck[] } {
  const report = JSON.parse(readFileSync(resultsPath, 'utf8')) as ReportPart | ReportPart[];
  const parts = Array.isArray(report) ? report : [report];
  const summary = { passed: 0, failed: 0, skipped: 0, parsingErrors: 0, resourceCount: 0 };
  const failedChecks: CheckovFailedCheck[] = [];
  for (const part of parts) {
    summary.passed += part.summary?.passed ?? part.passed ?? 0;
    summary.failed += part.summary?.failed ?? part.failed ?? 0;
    summary.skipped += part.summary?.skipped ?? part.skipped ?? 0;
    summary.parsingErrors += part.summary?.parsing_errors ?? part.parsing_errors ?? 0;
    summary.resourceCount += part.summary?.resource_count ?? part.resource_count ?? 0;
    for (const c of part.results?.failed_checks ?? []) {
      failedChecks.push({
        id: c.check_id,
        name: c.check_name,
        resource: c.resource,
        file: c.file_path,
        lines: c.file_line_range,
        ...(c.guideline ? { guideline: c.guideline } : {}),
      });
    }
  }
  return { summary, failedChecks };
}

/**
 * checkov's own summary line, prefixed with the framework and suffixed with the scope.
 *
 * @example
 * formatSummary(result); // 'checkov terraform_json: Passed checks: 140, Failed checks: 0, ... (2 stack(s), 3.1 s)'
 */
export function formatSummary({
  summary,
  stackCount,
  seconds: took,
}: Pick<CheckovResult, 'summary' | 'stackCount' | 'seconds'>): string {
  return (
    `checkov ${Checkov.FRAMEWORK}: Passed checks: ${summary.passed}, Failed checks: ${summary.failed}, ` +
    `Skipped checks: ${summary.skipped}, Parsing errors: ${summary.parsingErrors} ` +
    `(${stackCount} stack(s), ${took} s)`
  );
}
