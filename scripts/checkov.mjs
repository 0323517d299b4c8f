#!/usr/bin/env node
/**
 * Scans the synthesized stacks with checkov, offline, and fails on any failed check.
 *
 *   node scripts/checkov.mjs                     # scans cdktf.out/stacks (run synth first)
 *   node scripts/checkov.mjs --out DIR           # another synth output directory
 *
 * Prints checkov's failed checks (compact) and one summary line, writes the full JSON report to
 * `cdktf.out/checkov/results_json.json`, and exits 1 when a check failed, a file did not parse, or nothing
 * was scanned.
 *
 * Framework `terraform_json`: it reads cdktf's `cdk.tf.json`. The `terraform` framework finds no resources
 * in it (measured: 0 checks run), so it would pass anything.
 *
 * Skips live in one checked-in file, `.checkov.yaml` at the repository root (`readSkipFile()` documents
 * its format); every entry carries its reason as a comment.
 *
 * Offline: no Prisma Cloud/Bridgecrew API key is used, nothing is downloaded. checkov otherwise asks PyPI
 * for a newer version when it is imported (`CKV_SKIP_PACKAGE_UPDATE_CHECK=true` stops it), fetches policy
 * metadata (`--skip-download` and `BC_SKIP_MAPPING=TRUE` stop it), and reads an API key from
 * `~/.bridgecrew/credentials` and extra config from `~/.checkov.yaml` (it runs with `HOME` set to an empty
 * directory, and inherited `BC_*`, `CKV_*`, `CHECKOV_*` and `PRISMA_*` variables are dropped). It runs in the
 * results directory, so the only config file it reads is the one passed with `--config-file`. Verified with
 * strace: no connect() other than to local sockets.
 *
 * Environment:
 *   SECURE_LAMBDA_VENV  the virtualenv holding checkov (default `<repo>/.venv`, created by
 *                       `npm run setup:python`)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT_DIR = path.join(repoRoot, 'cdktf.out');
export const SKIP_FILE = path.join(repoRoot, '.checkov.yaml');
export const CHECKOV_FRAMEWORK = 'terraform_json';
export const RESULTS_FILE_NAME = 'results_json.json';
/** A scan of two stacks takes about 3 s; anything near this means checkov is waiting on something. */
export const CHECKOV_TIMEOUT_MS = 300_000;

/** Environment prefixes that change what checkov scans or where it reports: never inherited. */
const DROPPED_ENV_PREFIXES = Object.freeze(['BC_', 'CKV_', 'CHECKOV_', 'PRISMA_']);
const CHECK_ID = /^[A-Z][A-Z0-9]*_[A-Z0-9_]*\d$/;
/** Shorter than this is not a reason, it is a label. */
export const MIN_REASON_LENGTH = 20;

export class CheckovError extends Error {
  /**
   * @param {string} code CHECKOV_NOT_INSTALLED, CHECKOV_CRASHED, CHECKOV_TIMEOUT, NOTHING_SCANNED, INVALID_SKIP_FILE
   * @param {string} message what went wrong and what to do next
   * @param {{ cause?: unknown }} [options]
   */
  constructor(code, message, options = {}) {
    super(message, { cause: options.cause });
    this.name = 'CheckovError';
    this.code = code;
  }
}

/** The checkov executable in the project virtualenv. */
export function checkovBinary() {
  const venv = process.env.SECURE_LAMBDA_VENV
    ? path.resolve(repoRoot, process.env.SECURE_LAMBDA_VENV)
    : path.join(repoRoot, '.venv');
  return path.join(venv, 'bin', 'checkov');
}

/**
 * The environment checkov runs with: inherited, minus anything that could select a platform or change the
 * scan, plus the switches that keep it offline.
 * @param {{ home: string, baseEnv?: NodeJS.ProcessEnv }} options
 * @returns {NodeJS.ProcessEnv}
 */
export function checkovEnv({ home, baseEnv = process.env }) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [key, value] of Object.entries(baseEnv)) {
    if (!DROPPED_ENV_PREFIXES.some((prefix) => key.startsWith(prefix))) env[key] = value;
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
 * Reads the skip file. The format is plain YAML that checkov reads as `--skip-check`, written so that every
 * entry's reason sits next to it:
 *
 *   skip-check:
 *     # Why this check cannot pass for these stacks (one or more comment lines directly above the entry,
 *     # and/or a comment after it on the same line).
 *     - CKV_AWS_999
 *
 * or `skip-check: []` when nothing is skipped. Anything else under `skip-check` is rejected, so a reader of
 * this function and checkov always see the same list.
 *
 * @example
 * readSkipFile(); // [{ id: 'CKV_AWS_272', reason: 'Code signing is enforced by ...', line: 12 }]
 * @param {string} [file]
 * @returns {{ id: string, reason: string, line: number }[]}
 */
export function readSkipFile(file = SKIP_FILE) {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const invalid = (/** @type {number} */ index, /** @type {string} */ why) =>
    new CheckovError('INVALID_SKIP_FILE', `${path.relative(repoRoot, file)}:${index + 1}: ${why}`);
  const start = lines.findIndex((l) => /^skip-check:/.test(l));
  if (start === -1) return [];
  const header = /** @type {string} */ (lines[start]).replace(/#.*$/, '').trim();
  if (header === 'skip-check: []') return [];
  if (header !== 'skip-check:') {
    throw invalid(
      start,
      'write `skip-check:` followed by one `- CHECK_ID` line per skip, or `skip-check: []`',
    );
  }
  /** @type {{ id: string, reason: string, line: number }[]} */
  const entries = [];
  /** @type {string[]} */
  let pending = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = /** @type {string} */ (lines[i]);
    if (line.trim() === '') {
      pending = [];
      continue;
    }
    if (!/^\s/.test(line)) break; // the next top-level key
    const comment = /^\s+#\s?(.*)$/.exec(line);
    if (comment) {
      pending.push((comment[1] ?? '').trim());
      continue;
    }
    const item = /^\s+-\s+([^\s#]+)\s*(?:#\s?(.*))?$/.exec(line);
    if (!item) throw invalid(i, 'expected `- CHECK_ID` (with its reason in a comment)');
    const id = /** @type {string} */ (item[1]);
    if (!CHECK_ID.test(id))
      throw invalid(i, `${JSON.stringify(id)} is not a checkov check id such as CKV_AWS_272`);
    const reason = [...pending, (item[2] ?? '').trim()].filter(Boolean).join(' ');
    entries.push({ id, reason, line: i + 1 });
    pending = [];
  }
  return entries;
}

/**
 * Problems with the skip entries: duplicates, and reasons missing, too short or placeholders.
 * @param {{ id: string, reason: string, line: number }[]} entries
 * @returns {string[]}
 */
export function skipFileProblems(entries) {
  const problems = [];
  const seen = new Set();
  for (const { id, reason, line } of entries) {
    if (seen.has(id)) problems.push(`line ${line}: ${id} is listed twice`);
    seen.add(id);
    if (reason.length < MIN_REASON_LENGTH || /^(todo|tbd|fixme|n\/a|none)\b/i.test(reason)) {
      problems.push(`line ${line}: ${id} needs a reason (a comment saying why the check cannot pass here)`);
    }
  }
  return problems;
}

/**
 * Runs checkov over `<outDir>/stacks` and reads its JSON report.
 *
 * @example
 * const result = await runCheckov();
 * console.log(formatSummary(result)); // checkov terraform_json: Passed checks: 140, Failed checks: 0, ...
 * @param {{ outDir?: string, skipFile?: string | null, resultsDir?: string, baseEnv?: NodeJS.ProcessEnv,
 *           echo?: boolean }} [options] `skipFile: null` scans without any skips; `echo` streams checkov's
 *           own output (its failed checks) to this process's stdout
 */
export async function runCheckov({
  outDir = DEFAULT_OUT_DIR,
  skipFile = SKIP_FILE,
  resultsDir = path.join(outDir, 'checkov'),
  baseEnv = process.env,
  echo = false,
} = {}) {
  const binary = checkovBinary();
  if (!existsSync(binary)) {
    throw new CheckovError(
      'CHECKOV_NOT_INSTALLED',
      `${binary} does not exist. Run \`npm run setup:python\` (it installs requirements.txt into the virtualenv).`,
    );
  }
  const stacksDir = path.join(outDir, 'stacks');
  const stackCount = existsSync(stacksDir)
    ? readdirSync(stacksDir).filter((name) => existsSync(path.join(stacksDir, name, 'cdk.tf.json'))).length
    : 0;
  if (stackCount === 0) {
    throw new CheckovError(
      'NOTHING_SCANNED',
      `no ${stacksDir}/*/cdk.tf.json. Synthesize first (npx cdktf synth).`,
    );
  }
  const home = path.join(resultsDir, 'home');
  const resultsPath = path.join(resultsDir, RESULTS_FILE_NAME);
  rmSync(resultsPath, { force: true });
  mkdirSync(home, { recursive: true });

  const args = [
    '--directory',
    stacksDir,
    '--framework',
    CHECKOV_FRAMEWORK,
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
    echo,
    timeoutMs: CHECKOV_TIMEOUT_MS,
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  if (run.timedOut) {
    throw new CheckovError('CHECKOV_TIMEOUT', `checkov did not finish within ${CHECKOV_TIMEOUT_MS / 1000} s`);
  }
  // 0: all passed, 1: some check failed; anything else (2 is its crash code) means no trustworthy result.
  if ((run.code !== 0 && run.code !== 1) || !existsSync(resultsPath)) {
    throw new CheckovError(
      'CHECKOV_CRASHED',
      `checkov ${run.signal ? `was killed by ${run.signal}` : `exited with code ${run.code}`} without a report:\n` +
        `${(run.stderr || run.stdout).trim().split('\n').slice(-30).join('\n')}`,
    );
  }
  const report = JSON.parse(readFileSync(resultsPath, 'utf8'));
  const reports = Array.isArray(report) ? report : [report];
  const summary = { passed: 0, failed: 0, skipped: 0, parsingErrors: 0, resourceCount: 0 };
  /** @type {{ id: string, name: string, resource: string, file: string, lines: number[], guideline?: string }[]} */
  const failedChecks = [];
  for (const r of reports) {
    summary.passed += r.summary?.passed ?? r.passed ?? 0;
    summary.failed += r.summary?.failed ?? r.failed ?? 0;
    summary.skipped += r.summary?.skipped ?? r.skipped ?? 0;
    summary.parsingErrors += r.summary?.parsing_errors ?? r.parsing_errors ?? 0;
    summary.resourceCount += r.summary?.resource_count ?? r.resource_count ?? 0;
    for (const c of r.results?.failed_checks ?? []) {
      failedChecks.push({
        id: c.check_id,
        name: c.check_name,
        resource: c.resource,
        file: c.file_path,
        lines: c.file_line_range,
        guideline: c.guideline ?? undefined,
      });
    }
  }
  if (summary.passed + summary.failed + summary.skipped === 0) {
    throw new CheckovError(
      'NOTHING_SCANNED',
      `checkov ran no checks over ${stacksDir}: the ${CHECKOV_FRAMEWORK} framework found no resources.`,
    );
  }
  return { summary, failedChecks, resultsPath, stackCount, seconds, exitCode: run.code };
}

/**
 * checkov's own summary line, prefixed with the framework and suffixed with the scope.
 * @param {{ summary: { passed: number, failed: number, skipped: number, parsingErrors: number }, stackCount: number, seconds: number }} result
 */
export function formatSummary({ summary, stackCount, seconds }) {
  return (
    `checkov ${CHECKOV_FRAMEWORK}: Passed checks: ${summary.passed}, Failed checks: ${summary.failed}, ` +
    `Skipped checks: ${summary.skipped}, Parsing errors: ${summary.parsingErrors} ` +
    `(${stackCount} stack(s), ${seconds} s)`
  );
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, echo: boolean, timeoutMs: number }} options
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, timedOut: boolean }>}
 */
function spawnCollect(command, args, { cwd, env, echo, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const out = [];
    /** @type {Buffer[]} */
    const err = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      out.push(chunk);
      if (echo) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(
        new CheckovError('CHECKOV_CRASHED', `could not start ${command}: ${error.message}`, { cause: error }),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}

async function main() {
  const argv = process.argv.slice(2);
  let outDir = DEFAULT_OUT_DIR;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) outDir = path.resolve(/** @type {string} */ (argv[++i]));
    else {
      console.error(`checkov: unknown argument ${argv[i]}. Usage: node scripts/checkov.mjs [--out DIR]`);
      process.exitCode = 1;
      return;
    }
  }
  try {
    const problems = skipFileProblems(readSkipFile());
    if (problems.length > 0) {
      console.error(`checkov: ${path.relative(repoRoot, SKIP_FILE)}:\n  ${problems.join('\n  ')}`);
      process.exitCode = 1;
      return;
    }
    const result = await runCheckov({ outDir, echo: true });
    console.log(formatSummary(result));
    console.log(`checkov: full report in ${path.relative(process.cwd(), result.resultsPath)}`);
    if (result.summary.failed > 0 || result.summary.parsingErrors > 0) {
      const ids = [...new Set(result.failedChecks.map((c) => c.id))].sort();
      console.error(
        `checkov: ${result.summary.failed} failed check(s) (${ids.join(', ')}). Fix the construct or stack; ` +
          'skip a check only in .checkov.yaml, with the reason it cannot pass.',
      );
      process.exitCode = 1;
    }
  } catch (error) {
    console.error(error instanceof CheckovError ? `checkov: ${error.message}` : error);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
