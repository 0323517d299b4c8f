#!/usr/bin/env node
/**
 * The offline plan lane: `terraform init`, `validate` and `plan` for every synthesized stack, with stub
 * credentials and the AWS provider from the local filesystem mirror, keeping `terraform show -json` of each
 * plan for review.
 *
 *   node scripts/plan.mjs                          # every stack in cdktf.out/stacks (run synth first)
 *   node scripts/plan.mjs secure-lambda-dev        # only the named stacks
 *   node scripts/plan.mjs --concurrency 1          # one stack at a time (default 2)
 *   node scripts/plan.mjs --out path/to/cdktf.out  # another synth output directory
 *   node scripts/plan.mjs --fail-on medium         # fail the review on medium findings too (default high)
 *   node scripts/plan.mjs --no-review              # plans only, no security review
 *
 * Output: `cdktf.out/plans/<stack>.json` per stack, and one line per stack with what the plan adds,
 * changes and destroys and how long each step took. Exit code 1 names the step and the stack that failed;
 * the other stacks are still planned.
 *
 * Then the plans written by this run are reviewed by @secure-lambda/review (packages/review, built by
 * `npm run plan`): the text summary goes to the terminal and the Markdown report, for the pull request, to
 * `cdktf.out/plans/review.md`, and SARIF for code scanning to `cdktf.out/plans/review.sarif`. A finding at or
 * above --fail-on (default high) that `.secure-lambda-review.json` does not accept, or an expired entry of
 * that file, makes the exit code 1; the rule ids are documented in packages/review/README.md.
 *
 * The stack directories that `cdktf synth` writes are never modified. `cdktf synth` does not clear them
 * (only orphaned stack directories are removed), and `cdktf deploy` runs terraform in them: a plan-lane
 * override left there would deploy with local state and without the account guard. So each stack is
 * planned in `cdktf.out/plan-work/<stack>/`: a copy of its Terraform files, symlinks to everything else
 * (assets), and `zz_plan_override.tf.json`, which for this lane only
 *   - sets `skip_credentials_validation`, `skip_requesting_account_id`, `skip_metadata_api_check` and
 *     `skip_region_validation` on every `aws` provider configuration (matched by alias),
 *   - sets `allowed_account_ids` to null (the account id is unknown offline, so the guard would reject
 *     it), and nulls `profile`/shared-file settings and any `assume_role` when the stack has them,
 *   - replaces the backend with `local` (an S3 backend cannot initialise without AWS; `init
 *     -backend=false` leaves plan refusing to run).
 * Terraform merges override files attribute by attribute into the provider block with the same name and
 * alias; an attribute set to null there counts as unset.
 *
 * As a module:
 *   import { planStacks } from './plan.mjs';
 *   const results = await planStacks({ concurrency: 2 });
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { AWS_PROVIDER, prepareTerraform, repoRoot, TerraformConfigError } from './terraform-config.mjs';

export const DEFAULT_OUT_DIR = path.join(repoRoot, 'cdktf.out');
export const STACK_CONFIG_FILE = 'cdk.tf.json';
export const OVERRIDE_FILE = 'zz_plan_override.tf.json';
export const PLAN_FILE = 'tfplan';
/** Local state path inside the work directory; plan never writes it, but the backend needs a path. */
export const PLAN_LANE_STATE = 'plan-lane.tfstate';
/**
 * Two stacks at a time: each step is mostly one terraform or provider process on one core, and CI has 2.
 * Measured on 2 cores with the dev and prod stacks (62 and 65 resources): 8.8 s for both at once, 13.9 s one
 * after the other.
 */
export const DEFAULT_CONCURRENCY = 2;
/** The plan reviewer's bin (packages/review) and the Markdown and SARIF reports it writes next to the plans. */
export const REVIEW_BIN = path.join(repoRoot, 'packages', 'review', 'dist', 'cli.js');
export const REVIEW_FILE = 'review.md';
export const REVIEW_SARIF_FILE = 'review.sarif';
/** The team's accepted risks (rule, address, reason, owner, expiry), read when present. */
export const ACCEPTED_RISKS_PATH = path.join(repoRoot, '.secure-lambda-review.json');
export const DEFAULT_REVIEW_FAIL_ON = 'high';

/** Provider settings that the plan lane sets for every aws provider configuration. */
const OFFLINE_PROVIDER_SETTINGS = Object.freeze({
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
});
/** Provider arguments unset for the plan lane when the stack sets them: each needs AWS or a local profile. */
const PROVIDER_ARGUMENTS_TO_UNSET = Object.freeze([
  'allowed_account_ids',
  'profile',
  'shared_config_files',
  'shared_credentials_files',
]);

export class PlanError extends Error {
  /**
   * @param {string} step what was running: "find stacks", "terraform init", "terraform validate", ...
   * @param {string | undefined} stack the stack it ran for
   * @param {string} message what went wrong and what to do next
   * @param {{ cause?: unknown, output?: string }} [options]
   */
  constructor(step, stack, message, options = {}) {
    super(
      stack ? `step "${step}" failed for stack ${stack}: ${message}` : `step "${step}" failed: ${message}`,
      {
        cause: options.cause,
      },
    );
    this.name = 'PlanError';
    this.code = 'PLAN_FAILED';
    this.step = step;
    // Not `stack`: that is the Error's stack trace.
    this.stackName = stack;
    this.output = options.output;
  }
}

/**
 * The synthesized stacks: every `<outDir>/stacks/<name>/cdk.tf.json`, sorted by name.
 *
 * @example
 * listStacks(); // [{ name: 'secure-lambda-dev', dir: '/repo/cdktf.out/stacks/secure-lambda-dev', ... }]
 * @param {{ outDir?: string }} [options]
 * @returns {{ name: string, dir: string, configFile: string }[]}
 */
export function listStacks({ outDir = DEFAULT_OUT_DIR } = {}) {
  const stacksDir = path.join(outDir, 'stacks');
  const names = existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [];
  const stacks = names
    .map((name) => ({ name, dir: path.join(stacksDir, name) }))
    .map((stack) => ({ ...stack, configFile: path.join(stack.dir, STACK_CONFIG_FILE) }))
    .filter((stack) => existsSync(stack.configFile));
  if (stacks.length === 0) {
    throw new PlanError(
      'find stacks',
      undefined,
      `no ${path.join(display(stacksDir), '*', STACK_CONFIG_FILE)} found. Synthesize first (npx cdktf synth).`,
    );
  }
  return stacks;
}

/**
 * The override for one stack's configuration (the parsed cdk.tf.json).
 *
 * @example
 * planOverride({ provider: { aws: [{ region: 'eu-west-1', allowed_account_ids: ['111111111111'] }] } });
 * // { provider: { aws: [{ allowed_account_ids: null, skip_credentials_validation: true, ... }] },
 * //   terraform: { backend: { local: { path: 'plan-lane.tfstate' } } } }
 * @param {{ provider?: Record<string, unknown> }} config
 */
export function planOverride(config) {
  const declared = config.provider?.aws;
  const awsProviders = declared === undefined ? [{}] : Array.isArray(declared) ? declared : [declared];
  return {
    '//': 'Written by scripts/plan.mjs for the offline plan lane only; never used to deploy.',
    provider: {
      aws: awsProviders.map((provider) => {
        /** @type {Record<string, unknown>} */
        const override = {};
        if (provider.alias !== undefined) override.alias = provider.alias;
        for (const name of PROVIDER_ARGUMENTS_TO_UNSET) {
          if (name in provider) override[name] = null;
        }
        // A nested block in an override replaces the original's blocks; one without role_arn assumes nothing.
        if ('assume_role' in provider) override.assume_role = [{ role_arn: null }];
        return { ...override, ...OFFLINE_PROVIDER_SETTINGS };
      }),
    },
    terraform: { backend: { local: { path: PLAN_LANE_STATE } } },
  };
}

/**
 * Builds `<outDir>/plan-work/<stack>/` from the stack directory and writes the override there.
 * Terraform files are copied (the plan sees one consistent snapshot); anything else, such as `assets/`,
 * is symlinked so relative paths in the configuration resolve as they do in the stack directory (both
 * directories are two levels below outDir). `.terraform/` is kept between runs: init is then a no-op.
 * @param {{ name: string, dir: string, configFile: string }} stack
 * @param {{ outDir?: string }} [options]
 * @returns {string} the work directory
 */
export function prepareWorkDir(stack, { outDir = DEFAULT_OUT_DIR } = {}) {
  const workDir = path.join(outDir, 'plan-work', stack.name);
  mkdirSync(workDir, { recursive: true });
  for (const entry of readdirSync(workDir)) {
    if (entry === '.terraform') continue;
    rmSync(path.join(workDir, entry), { recursive: true, force: true });
  }
  for (const entry of readdirSync(stack.dir)) {
    if (entry.startsWith('.terraform') || entry.includes('.tfstate') || entry === OVERRIDE_FILE) continue;
    const source = path.join(stack.dir, entry);
    const target = path.join(workDir, entry);
    if (/\.tf(\.json)?$/.test(entry) && lstatSync(source).isFile()) copyFileSync(source, target);
    else symlinkSync(source, target);
  }
  const config = readStackConfig(stack);
  writeFileSync(path.join(workDir, OVERRIDE_FILE), `${JSON.stringify(planOverride(config), null, 2)}\n`);
  return workDir;
}

/**
 * Counts a plan's resource changes by what they do. A replacement counts once as `replace`.
 * @param {{ resource_changes?: { change: { actions: string[] } }[] }} planJson `terraform show -json` output
 */
export function summarizePlan(planJson) {
  const counts = { add: 0, change: 0, destroy: 0, replace: 0, noop: 0, read: 0 };
  for (const { change } of planJson.resource_changes ?? []) {
    const actions = change.actions.join(',');
    if (actions === 'create') counts.add += 1;
    else if (actions === 'update') counts.change += 1;
    else if (actions === 'delete') counts.destroy += 1;
    else if (actions === 'delete,create' || actions === 'create,delete') counts.replace += 1;
    else if (actions === 'read') counts.read += 1;
    else counts.noop += 1;
  }
  return counts;
}

/**
 * One line per diagnostic of `terraform validate -json`, e.g.
 * `error: Missing required argument: The argument "role" is required ... (cdk.tf.json:93, resource.aws_lambda_function.fn)`.
 * @param {{ diagnostics?: { severity: string, summary: string, detail?: string, range?: { filename: string, start: { line: number } }, snippet?: { context?: string | null } }[] }} result
 * @returns {string[]}
 */
export function formatDiagnostics(result) {
  return (result.diagnostics ?? []).map((d) => {
    const where = [d.range ? `${d.range.filename}:${d.range.start.line}` : '', d.snippet?.context ?? '']
      .filter(Boolean)
      .join(', ');
    const detail = d.detail ? `: ${d.detail.replace(/\s+/g, ' ').trim()}` : '';
    return `${d.severity}: ${d.summary}${detail}${where ? ` (${where})` : ''}`;
  });
}

/**
 * Plans one stack: init, validate, plan, show. Resolves with counts and timings; rejects with a PlanError
 * naming the step.
 *
 * @example
 * const { env } = prepareTerraform();
 * const result = await planStack(listStacks()[0], { env });
 * console.log(result.counts.add, result.planJsonPath);
 * @param {{ name: string, dir: string, configFile: string }} stack
 * @param {{ env: NodeJS.ProcessEnv, outDir?: string, terraform?: string }} options
 */
export async function planStack(stack, { env, outDir = DEFAULT_OUT_DIR, terraform = 'terraform' }) {
  const started = performance.now();
  const timings = /** @type {Record<string, number>} */ ({});
  let workDir;
  try {
    workDir = prepareWorkDir(stack, { outDir });
  } catch (error) {
    if (error instanceof PlanError) throw error;
    throw new PlanError('prepare work directory', stack.name, errorMessage(error), { cause: error });
  }
  checkProviderVersion(stack);

  /**
   * @param {string} step
   * @param {string[]} args
   * @param {{ okCodes?: number[] }} [options]
   */
  const step = async (step, args, { okCodes = [0] } = {}) => {
    const t0 = performance.now();
    const result = await run(terraform, args, { cwd: workDir, env }).catch((error) => {
      throw new PlanError(
        step,
        stack.name,
        `could not start ${terraform} (${errorMessage(error)}). Is it on PATH?`,
        {
          cause: error,
        },
      );
    });
    timings[step.replace('terraform ', '')] = seconds(performance.now() - t0);
    if (!okCodes.includes(result.code ?? -1)) {
      const output = `${result.stderr}\n${result.stdout}`.trim();
      throw new PlanError(step, stack.name, `${terraform} ${args[0]} ${exitText(result)}:\n${tail(output)}`, {
        output,
      });
    }
    return result;
  };

  await step('terraform init', ['init', '-input=false', '-reconfigure', '-no-color']);

  const validate = await step('terraform validate', ['validate', '-json', '-no-color'], { okCodes: [0, 1] });
  const validation = parseJson(validate.stdout, 'terraform validate', stack.name);
  const diagnostics = formatDiagnostics(validation);
  if (!validation.valid) {
    throw new PlanError(
      'terraform validate',
      stack.name,
      `${validation.error_count} error(s), ${validation.warning_count} warning(s):\n${diagnostics.map((d) => `  - ${d}`).join('\n')}`,
    );
  }
  const warnings = diagnostics.filter((d) => d.startsWith('warning'));

  await step('terraform plan', ['plan', '-input=false', '-lock=false', `-out=${PLAN_FILE}`, '-no-color']);
  const show = await step('terraform show', ['show', '-json', '-no-color', PLAN_FILE]);
  const planJson = parseJson(show.stdout, 'terraform show', stack.name);

  const plansDir = path.join(outDir, 'plans');
  const planJsonPath = path.join(plansDir, `${stack.name}.json`);
  mkdirSync(plansDir, { recursive: true });
  const tmp = `${planJsonPath}.${process.pid}.tmp`;
  writeFileSync(tmp, show.stdout);
  renameSync(tmp, planJsonPath);

  return {
    stack: stack.name,
    workDir,
    planJsonPath,
    counts: summarizePlan(planJson),
    warnings,
    timings: { ...timings, total: seconds(performance.now() - started) },
  };
}

/**
 * Plans every synthesized stack (or the named ones), `concurrency` at a time. Never rejects for one stack's
 * failure: each result is `{ ok: true, ... }` or `{ ok: false, stack, error }`.
 *
 * @example
 * const results = await planStacks({ concurrency: 2, onResult: (r) => console.log(formatResult(r)) });
 * if (results.some((r) => !r.ok)) process.exitCode = 1;
 * @param {{ outDir?: string, stacks?: string[], concurrency?: number, baseEnv?: NodeJS.ProcessEnv,
 *           onResult?: (result: PlanResult) => void }} [options]
 * @returns {Promise<PlanResult[]>}
 */
export async function planStacks({
  outDir = DEFAULT_OUT_DIR,
  stacks: only,
  concurrency = DEFAULT_CONCURRENCY,
  baseEnv = process.env,
  onResult = () => {},
} = {}) {
  let all = listStacks({ outDir });
  if (only && only.length > 0) {
    const unknown = only.filter((name) => !all.some((s) => s.name === name));
    if (unknown.length > 0) {
      throw new PlanError(
        'find stacks',
        unknown.join(', '),
        `not synthesized; the stacks in ${display(outDir)} are ${all.map((s) => s.name).join(', ')}.`,
      );
    }
    all = all.filter((s) => only.includes(s.name));
  }
  let env;
  try {
    ({ env } = prepareTerraform({ baseEnv }));
  } catch (error) {
    if (error instanceof TerraformConfigError)
      throw new PlanError('configure terraform', undefined, error.message);
    throw error;
  }

  /** @type {PlanResult[]} */
  const results = new Array(all.length);
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const index = next++;
      const stack = /** @type {{ name: string, dir: string, configFile: string }} */ (all[index]);
      /** @type {PlanResult} */
      let result;
      try {
        result = { ok: true, ...(await planStack(stack, { env, outDir })) };
      } catch (error) {
        const planError =
          error instanceof PlanError
            ? error
            : new PlanError('plan', stack.name, errorMessage(error), { cause: error });
        result = { ok: false, stack: stack.name, error: planError };
      }
      results[index] = result;
      onResult(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, all.length)) }, worker));
  return results;
}

/**
 * @typedef {({ ok: true } & Awaited<ReturnType<typeof planStack>>) | { ok: false, stack: string, error: PlanError }} PlanResult
 */

/**
 * Reviews plan files with @secure-lambda/review: text summary to the terminal, Markdown to
 * `<outDir>/plans/review.md`, SARIF (for code scanning) to `<outDir>/plans/review.sarif`; the accepted risks
 * of `.secure-lambda-review.json` at the repository root count when the file exists. Resolves with the reviewer's exit code: 0 nothing reaches `failOn`, 1 a finding
 * does, 2 bad input.
 *
 * @example
 * const code = await reviewPlanFiles(results.filter((r) => r.ok).map((r) => r.planJsonPath), { failOn: 'high' });
 * @param {string[]} planFiles
 * @param {{ outDir?: string, failOn?: string, reviewBin?: string }} [options]
 * @returns {Promise<number>}
 */
export async function reviewPlanFiles(
  planFiles,
  { outDir = DEFAULT_OUT_DIR, failOn = DEFAULT_REVIEW_FAIL_ON, reviewBin = REVIEW_BIN } = {},
) {
  if (!existsSync(reviewBin)) {
    throw new PlanError(
      'review',
      undefined,
      `${display(reviewBin)} is missing. Build it with \`npx turbo run build --filter=@secure-lambda/review\` ` +
        '(npm run plan does), or pass --no-review.',
    );
  }
  const reviewFile = path.join(outDir, 'plans', REVIEW_FILE);
  const sarifFile = path.join(outDir, 'plans', REVIEW_SARIF_FILE);
  const args = [reviewBin, ...planFiles, '--format', 'markdown', '--out', reviewFile, '--sarif', sarifFile];
  args.push('--fail-on', failOn);
  // Passed explicitly: the reviewer's default is the working directory, which need not be the repository root.
  if (existsSync(ACCEPTED_RISKS_PATH)) args.push('--accepted', ACCEPTED_RISKS_PATH);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('error', (error) =>
      reject(new PlanError('review', undefined, `could not start the reviewer: ${errorMessage(error)}`)),
    );
    child.on('close', (code) => resolve(code ?? 2));
  });
}

/**
 * One line for a result, e.g.
 * `plan secure-lambda-dev: 53 to add, 0 to change, 0 to destroy in 6.1 s (init 0.7, validate 1.9, plan 2.6, show 0.9)`.
 * @param {PlanResult} result
 */
export function formatResult(result) {
  if (!result.ok) return `plan ${result.stack}: FAILED, ${result.error.message}`;
  const { counts, timings } = result;
  const changes = `${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy${
    counts.replace ? `, ${counts.replace} to replace` : ''
  }`;
  const steps = ['init', 'validate', 'plan', 'show'].map((s) => `${s} ${timings[s]?.toFixed(1)}`).join(', ');
  const warned = result.warnings.length ? `; ${result.warnings.length} validate warning(s)` : '';
  return `plan ${result.stack}: ${changes} in ${timings.total?.toFixed(1)} s (${steps})${warned}`;
}

/** @param {{ name: string, configFile: string }} stack */
function readStackConfig(stack) {
  try {
    return JSON.parse(readFileSync(stack.configFile, 'utf8'));
  } catch (error) {
    throw new PlanError(
      'read stack',
      stack.name,
      `cannot parse ${display(stack.configFile)}: ${errorMessage(error)}`,
    );
  }
}

/**
 * The mirror holds one provider version; a stack pinned to another fails at init with a message about
 * "no available releases". Say what to do instead.
 * @param {{ name: string, configFile: string }} stack
 */
function checkProviderVersion(stack) {
  const required = readStackConfig(stack).terraform?.required_providers?.aws?.version;
  if (required && required !== AWS_PROVIDER.version) {
    throw new PlanError(
      'check provider version',
      stack.name,
      `the stack requires hashicorp/aws ${required}, but the offline lane provides ${AWS_PROVIDER.version} ` +
        '(scripts/terraform-config.mjs, AWS_PROVIDER). Keep @cdktf/provider-aws on the version that wraps the ' +
        'mirrored provider, or add the new provider to the mirror and update AWS_PROVIDER.',
    );
  }
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv }} options
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>}
 */
function run(command, args, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const out = [];
    /** @type {Buffer[]} */
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/**
 * @param {string} text
 * @param {string} step
 * @param {string} stack
 */
function parseJson(text, step, stack) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PlanError(step, stack, `output is not JSON (${errorMessage(error)}):\n${tail(text)}`);
  }
}

/** @param {{ code: number | null, signal: NodeJS.Signals | null }} result */
function exitText(result) {
  return result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
}

/** The end of a long output, where terraform puts the error. @param {string} text */
function tail(text, lines = 40) {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? ['...', ...all.slice(-lines)] : all).map((l) => `    ${l}`).join('\n');
}

/** @param {number} ms */
function seconds(ms) {
  return Math.round(ms / 100) / 10;
}

/** @param {unknown} error */
function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}

/** @param {string} p */
function display(p) {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ stacks: string[], concurrency: number, outDir: string, review: boolean, failOn: string }} */
  const options = {
    stacks: [],
    concurrency: DEFAULT_CONCURRENCY,
    outDir: DEFAULT_OUT_DIR,
    review: true,
    failOn: DEFAULT_REVIEW_FAIL_ON,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    if (arg === '--concurrency' || arg === '-j') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1)
        throw new PlanError('parse arguments', undefined, `${arg} takes a whole number >= 1`);
      options.concurrency = value;
    } else if (arg === '--out') {
      const value = argv[++i];
      if (!value) throw new PlanError('parse arguments', undefined, '--out takes a directory');
      options.outDir = path.resolve(value);
    } else if (arg === '--no-review') {
      options.review = false;
    } else if (arg === '--fail-on') {
      const value = argv[++i];
      if (!['high', 'medium', 'low', 'none'].includes(value ?? ''))
        throw new PlanError('parse arguments', undefined, '--fail-on takes high, medium, low or none');
      options.failOn = /** @type {string} */ (value);
    } else if (arg.startsWith('-')) {
      throw new PlanError(
        'parse arguments',
        undefined,
        `unknown option ${arg}. Usage: node scripts/plan.mjs [--concurrency N] [--out DIR] [--fail-on LEVEL] [--no-review] [stack...]`,
      );
    } else {
      options.stacks.push(arg);
    }
  }
  return options;
}

async function main() {
  const started = performance.now();
  try {
    const options = parseArgs(process.argv.slice(2));
    const results = await planStacks({ ...options, onResult: (r) => console.log(formatResult(r)) });
    const failed = results.filter((r) => !r.ok);
    const total = seconds(performance.now() - started);
    console.log(
      `plan: ${results.length - failed.length} of ${results.length} stack(s) planned in ${total} s` +
        ` (plans in ${display(path.join(options.outDir, 'plans'))})`,
    );
    if (failed.length > 0) {
      for (const r of failed) if (!r.ok) console.error(`plan: ${r.error.message}`);
      process.exitCode = 1;
    }
    const planned = results.flatMap((r) => (r.ok ? [r.planJsonPath] : []));
    const reviewPath = path.join(options.outDir, 'plans', REVIEW_FILE);
    // A review.md or review.sarif from an earlier run must not be mistaken for the review of these plans.
    if (!options.review) {
      rmSync(reviewPath, { force: true });
      rmSync(path.join(options.outDir, 'plans', REVIEW_SARIF_FILE), { force: true });
    }
    if (options.review && planned.length > 0) {
      const reviewFile = display(reviewPath);
      const code = await reviewPlanFiles(planned, { outDir: options.outDir, failOn: options.failOn });
      if (code === 1) {
        console.error(
          `plan: the security review has findings at or above ${options.failOn}; see ${reviewFile}`,
        );
        process.exitCode = 1;
      } else if (code !== 0) {
        console.error(`plan: the security review could not run (exit code ${code}); see the message above`);
        process.exitCode = 1;
      }
    }
  } catch (error) {
    console.error(error instanceof PlanError ? `plan: ${error.message}` : error);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
