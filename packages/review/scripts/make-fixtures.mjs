#!/usr/bin/env node
/**
 * Generates the plan fixtures of @secure-lambda/review with terraform itself, offline:
 *
 *   node packages/review/scripts/make-fixtures.mjs                       # every case (about 10 minutes on 2 cores)
 *   node packages/review/scripts/make-fixtures.mjs --case iam-wildcard-action [--case ...]
 *   node packages/review/scripts/make-fixtures.mjs --group logging        # one baseline and its cases
 *   node packages/review/scripts/make-fixtures.mjs --case logging-retention-lowered --out /tmp/plans
 *   node packages/review/scripts/make-fixtures.mjs --shipped              # copy cdktf.out/plans/secure-lambda-{dev,prod}.json
 *   node packages/review/scripts/make-fixtures.mjs --manifest             # rewrite the manifest from the cases (expectations)
 *
 * How (cases are in cases/<area>.mjs, listed by fixture-cases.mjs):
 *   1. For each group, its baseline configuration is applied with terraform 1.11.4 and the AWS provider
 *      5.100.0 (from the offline mirror, via @secure-lambda/terraform/config) to a moto server on 127.0.0.1
 *      (@secure-lambda/testkit). That gives a real state, as the provider records it.
 *   2. Where the emulator cannot do something (the emulator gaps of packages/local-aws), a listed, explained patch writes
 *      the attribute into that state (and configuration).
 *   3. Each case changes a copy of the baseline configuration, and `terraform plan -refresh=false -out=tfplan`
 *      against a copy of the state plans it without calling AWS (the provider points at a closed port);
 *      `terraform show -json tfplan` is the fixture, written unchanged to test/fixtures/plans/<case>.json.
 *   4. The set of resources each plan changes must be exactly the case's `changes`, so no fixture carries
 *      drift or a second change by accident.
 * With the default --out, test/fixtures/manifest.json records every case, its description, the findings a
 * careful reviewer expects (`expect`, `benign`), the patches behind it and the tool versions; `--manifest`
 * rewrites only that record from the case files, for an expectation changed without a new plan. Needs: terraform on PATH, the provider mirror, and moto in .venv
 * (`npm run setup:python`). Exit code 1 names the failing step and case.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { zipFiles } from '@secure-lambda/deterministic-zip';
import { ACCOUNT, clone, GROUPS, REGION } from './fixture-cases.mjs';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(packageDir, '..', '..');
export const FIXTURES_DIR = path.join(packageDir, 'test', 'fixtures');
export const DEFAULT_OUT = path.join(FIXTURES_DIR, 'plans');
const MANIFEST = path.join(FIXTURES_DIR, 'manifest.json');
const SHIPPED_DIR = path.join(FIXTURES_DIR, 'shipped');
const SHIPPED_STACKS = ['secure-lambda-dev', 'secure-lambda-prod'];
/** Case plans run with -refresh=false and must not call AWS: the provider points at a port nobody serves. */
const CLOSED_ENDPOINT = 'http://127.0.0.1:1';
const AWS_PROVIDER_VERSION = '5.100.0';
const SERVICES = [
  'cloudtrail',
  'cloudwatch',
  'configservice',
  'ec2',
  'guardduty',
  'iam',
  'kms',
  'lambda',
  'logs',
  'rds',
  's3',
  'secretsmanager',
  'securityhub',
  'sns',
  'sqs',
  'sts',
];

class FixtureError extends Error {
  constructor(step, message) {
    super(`step "${step}" failed: ${message}`);
    this.name = 'FixtureError';
    this.code = 'FIXTURE_FAILED';
  }
}

function parseArgs(argv) {
  const options = {
    cases: [],
    groups: [],
    out: DEFAULT_OUT,
    concurrency: 2,
    keep: false,
    shipped: false,
    manifest: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new FixtureError('parse arguments', `${arg} needs a value`);
      return next;
    };
    if (arg === '--case') options.cases.push(value());
    else if (arg === '--group') options.groups.push(value());
    else if (arg === '--out') options.out = path.resolve(value());
    else if (arg === '--concurrency') options.concurrency = Math.max(1, Number(value()) || 1);
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--shipped') options.shipped = true;
    else if (arg === '--manifest') options.manifest = true;
    else
      throw new FixtureError(
        'parse arguments',
        `unknown option ${arg}. Usage: make-fixtures.mjs [--case NAME]... [--group NAME]... [--out DIR] [--concurrency N] [--keep] | --shipped | --manifest`,
      );
  }
  const known = GROUPS.flatMap((g) => g.cases.map((c) => c.name));
  const unknown = options.cases.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new FixtureError(
      'parse arguments',
      `unknown case(s) ${unknown.join(', ')}; known: ${known.join(', ')}`,
    );
  const unknownGroups = options.groups.filter((name) => !GROUPS.some((g) => g.name === name));
  if (unknownGroups.length > 0)
    throw new FixtureError('parse arguments', `unknown group(s) ${unknownGroups.join(', ')}`);
  return options;
}

function providerBlock(endpoint, { forPlan }) {
  return {
    aws: {
      region: REGION,
      access_key: 'testing',
      secret_key: 'testing',
      skip_credentials_validation: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
      // Applying asks moto (STS) for the account, as with AWS; planning asks nothing.
      skip_requesting_account_id: forPlan,
      s3_use_path_style: true,
      endpoints: [Object.fromEntries(SERVICES.map((service) => [service, endpoint]))],
    },
  };
}

function writeConfig(dir, config, endpoint, { forPlan }) {
  const document = {
    '//': 'Generated by packages/review/scripts/make-fixtures.mjs; see fixture-cases.mjs.',
    terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_VERSION } } },
    provider: providerBlock(endpoint, { forPlan }),
    ...config,
  };
  writeFileSync(path.join(dir, 'main.tf.json'), `${JSON.stringify(document, null, 2)}\n`);
}

// The function code for aws_lambda_function.filename: moto checks nothing in it. Written by the workspace's one
// zip writer, so the same bytes come out everywhere.
export function lambdaZip() {
  return zipFiles([
    { name: 'index.js', data: Buffer.from('exports.handler = async () => ({ statusCode: 200 });\n') },
  ]);
}

function run(command, args, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

function tail(text, lines = 30) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function terraform(step, args, { cwd, env }) {
  const result = await run('terraform', args, { cwd, env });
  if (result.code !== 0) {
    throw new FixtureError(
      step,
      `terraform ${args[0]} exited with ${result.code} in ${cwd}:\n${tail(`${result.stderr}\n${result.stdout}`)}`,
    );
  }
  return result;
}

function patchState(statePath, patches, planConfig) {
  const state = JSON.parse(readFileSync(statePath, 'utf8'));
  for (const patch of patches) {
    const [type, name] = patch.address.split('.');
    const resource = state.resources.find((r) => r.mode === 'managed' && r.type === type && r.name === name);
    if (!resource) throw new FixtureError('patch state', `${patch.address} is not in the baseline state`);
    Object.assign(resource.instances[0].attributes, patch.attributes(state));
    patch.config?.(planConfig);
  }
  state.serial += 1;
  writeFileSync(statePath, `${JSON.stringify(state, null, 2)}\n`);
}

/** Exactly the managed resources the plan creates, updates, replaces or destroys. */
function changedAddresses(plan) {
  return (plan.resource_changes ?? [])
    .filter(
      (rc) =>
        rc.mode === 'managed' &&
        rc.change.actions.some((a) => a === 'create' || a === 'update' || a === 'delete'),
    )
    .map((rc) => rc.address)
    .sort();
}

async function pool(items, size, worker) {
  let next = 0;
  const errors = [];
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        try {
          await worker(item);
        } catch (error) {
          errors.push(error);
        }
      }
    }),
  );
  if (errors.length > 0) throw errors[0];
}

async function runGroup(group, { cases, env, moto, workRoot, out, concurrency, log }) {
  const started = performance.now();
  const dir = path.join(workRoot, group.name);
  const baseDir = path.join(dir, '_baseline');
  mkdirSync(baseDir, { recursive: true });
  const zip = group.lambdaZip ? lambdaZip() : undefined;
  if (zip) writeFileSync(path.join(baseDir, 'fn.zip'), zip);
  writeConfig(baseDir, group.baseline(), moto.endpoint, { forPlan: false });
  await moto.reset();
  await terraform(`terraform init (${group.name})`, ['init', '-input=false', '-no-color'], {
    cwd: baseDir,
    env,
  });
  await terraform(
    `terraform apply (${group.name} baseline)`,
    ['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false'],
    {
      cwd: baseDir,
      env,
    },
  );
  const planConfig = clone(group.baseline());
  patchState(path.join(baseDir, 'terraform.tfstate'), group.statePatches ?? [], planConfig);
  log(`group ${group.name}: baseline applied to moto in ${seconds(started)} s`);

  const planEnv = { ...env, TF_DATA_DIR: path.join(baseDir, '.terraform') };
  await pool(cases, concurrency, async (fixture) => {
    const t0 = performance.now();
    const caseDir = path.join(dir, fixture.name);
    mkdirSync(caseDir, { recursive: true });
    const config = clone(planConfig);
    fixture.mutate(config);
    writeConfig(caseDir, config, CLOSED_ENDPOINT, { forPlan: true });
    copyFileSync(path.join(baseDir, '.terraform.lock.hcl'), path.join(caseDir, '.terraform.lock.hcl'));
    copyFileSync(path.join(baseDir, 'terraform.tfstate'), path.join(caseDir, 'terraform.tfstate'));
    if (zip) writeFileSync(path.join(caseDir, 'fn.zip'), zip);
    const step = `terraform plan (${fixture.name})`;
    await terraform(
      step,
      ['plan', '-refresh=false', '-input=false', '-lock=false', '-no-color', '-out=tfplan'],
      {
        cwd: caseDir,
        env: planEnv,
      },
    );
    const show = await terraform(`terraform show (${fixture.name})`, ['show', '-json', 'tfplan'], {
      cwd: caseDir,
      env: planEnv,
    });
    const plan = JSON.parse(show.stdout);
    const changed = changedAddresses(plan);
    const expected = [...fixture.changes].sort();
    if (JSON.stringify(changed) !== JSON.stringify(expected)) {
      throw new FixtureError(
        `check ${fixture.name}`,
        `the plan changes ${changed.join(', ') || 'nothing'}, but the case declares ${expected.join(', ')}. ` +
          'Fix the case (or the baseline patches) so the plan holds exactly the intended change.',
      );
    }
    mkdirSync(out, { recursive: true });
    const file = path.join(out, `${fixture.name}.json`);
    writeFileSync(`${file}.tmp`, show.stdout);
    renameSync(`${file}.tmp`, file);
    log(`  ${fixture.name}: ${changed.join(', ')} (${seconds(t0)} s)`);
  });
}

function seconds(since) {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function motoVersion() {
  const lib = path.join(repoRoot, '.venv', 'lib');
  for (const python of existsSync(lib) ? readdirSync(lib) : []) {
    const site = path.join(lib, python, 'site-packages');
    const info = existsSync(site)
      ? readdirSync(site).find((name) => /^moto-[\d.]+\.dist-info$/.test(name))
      : undefined;
    if (info) return info.replace(/^moto-/, '').replace(/\.dist-info$/, '');
  }
  return 'unknown';
}

function writeManifest(selected, terraformVersion) {
  const previous = existsSync(MANIFEST) ? JSON.parse(readFileSync(MANIFEST, 'utf8')) : { cases: [] };
  for (const { fixture } of selected) {
    if (!Array.isArray(fixture.expect))
      throw new FixtureError('write manifest', `case ${fixture.name} has no \`expect\` list of findings.`);
  }
  const entries = new Map(previous.cases.map((entry) => [entry.name, entry]));
  for (const { group, fixture } of selected) {
    entries.set(fixture.name, {
      name: fixture.name,
      group: group.name,
      description: fixture.description,
      file: `plans/${fixture.name}.json`,
      expect: [...fixture.expect].sort(),
      ...(fixture.benign ? { benign: true } : {}),
      ...(fixture.class ? { class: fixture.class } : {}),
      changes: [...fixture.changes].sort(),
      statePatches: (group.statePatches ?? []).map((patch) => `${patch.address}: ${patch.reason}`),
    });
  }
  const order = GROUPS.flatMap((g) => g.cases.map((c) => c.name));
  const manifest = {
    '//': 'Written by packages/review/scripts/make-fixtures.mjs. Every plans/*.json is `terraform show -json` output.',
    generator: 'packages/review/scripts/make-fixtures.mjs',
    terraform: terraformVersion,
    awsProvider: AWS_PROVIDER_VERSION,
    moto: motoVersion(),
    account: ACCOUNT,
    region: REGION,
    cases: [...entries.values()].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name)),
  };
  writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Rewrites the manifest from the case files, keeping the tool versions the plans were made with. */
function rewriteManifest(log) {
  if (!existsSync(MANIFEST))
    throw new FixtureError('rewrite manifest', 'no manifest yet: generate the fixtures first.');
  const previous = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  const all = GROUPS.flatMap((group) => group.cases.map((fixture) => ({ group, fixture })));
  const planned = ({ fixture }) => existsSync(path.join(DEFAULT_OUT, `${fixture.name}.json`));
  const missing = all.filter((entry) => !planned(entry));
  const selected = all.filter(planned);
  // Entries of cases that no longer exist go; cases without a plan yet are left out (and named).
  const names = new Set(selected.map(({ fixture }) => fixture.name));
  writeFileSync(
    MANIFEST,
    `${JSON.stringify({ ...previous, cases: previous.cases.filter((c) => names.has(c.name)) }, null, 2)}\n`,
  );
  writeManifest(selected, previous.terraform);
  log(`manifest rewritten from ${selected.length} case(s)`);
  if (missing.length > 0)
    log(
      `not in the manifest, no plan yet: ${missing.map(({ fixture }) => fixture.name).join(', ')} (--case NAME)`,
    );
}

function copyShipped(log) {
  mkdirSync(SHIPPED_DIR, { recursive: true });
  for (const stack of SHIPPED_STACKS) {
    const source = path.join(repoRoot, 'cdktf.out', 'plans', `${stack}.json`);
    if (!existsSync(source)) {
      throw new FixtureError(
        'copy shipped plans',
        `${source} is missing. Run \`npm run synth && node scripts/plan.mjs\` at the repository root first.`,
      );
    }
    const text = readFileSync(source, 'utf8');
    const plan = JSON.parse(text);
    if (typeof plan.format_version !== 'string' || !('planned_values' in plan)) {
      throw new FixtureError('copy shipped plans', `${source} is not a plan`);
    }
    writeFileSync(path.join(SHIPPED_DIR, `${stack}.json`), text);
    log(
      `copied ${path.relative(repoRoot, source)} -> ${path.relative(repoRoot, path.join(SHIPPED_DIR, `${stack}.json`))}`,
    );
  }
}

/**
 * Generates the selected fixtures. Resolves with the cases written.
 * @param {{ cases?: string[], groups?: string[], out?: string, concurrency?: number, keep?: boolean, log?: (line: string) => void }} options
 */
export async function makeFixtures(options = {}) {
  const {
    cases = [],
    groups = [],
    out = DEFAULT_OUT,
    concurrency = 2,
    keep = false,
    log = (line) => console.log(line),
  } = options;
  const selected = GROUPS.flatMap((group) =>
    group.cases
      .filter(
        (fixture) =>
          (cases.length === 0 && groups.length === 0) ||
          cases.includes(fixture.name) ||
          groups.includes(group.name),
      )
      .map((fixture) => ({ group, fixture })),
  );
  // By package name, not a path into scripts/. Not a declared dependency: @secure-lambda/terraform depends on
  // this package (its plan command runs the review), so declaring it here would make a cycle.
  const { prepareTerraform } = await import('@secure-lambda/terraform/config');
  const { env } = prepareTerraform();
  const version = await run('terraform', ['version', '-json'], { cwd: packageDir, env });
  const terraformVersion = JSON.parse(version.stdout).terraform_version;
  const { startMotoServer } = await import('@secure-lambda/testkit');
  const moto = await startMotoServer();
  const workRoot = mkdtempSync(path.join(os.tmpdir(), 'review-fixtures-'));
  const started = performance.now();
  try {
    for (const group of GROUPS) {
      const groupCases = selected.filter((s) => s.group === group).map((s) => s.fixture);
      if (groupCases.length === 0) continue;
      await runGroup(group, { cases: groupCases, env, moto, workRoot, out, concurrency, log });
    }
  } finally {
    await moto.stop();
    if (keep) log(`work directories kept in ${workRoot}`);
    else rmSync(workRoot, { recursive: true, force: true });
  }
  if (path.resolve(out) === DEFAULT_OUT) writeManifest(selected, terraformVersion);
  log(`${selected.length} fixture(s) written to ${out} in ${seconds(started)} s`);
  return selected.map((s) => s.fixture.name);
}

async function main() {
  try {
    const options = parseArgs(process.argv.slice(2));
    if (options.shipped) {
      copyShipped((line) => console.log(line));
      return;
    }
    if (options.manifest) {
      rewriteManifest((line) => console.log(line));
      return;
    }
    await makeFixtures(options);
  } catch (error) {
    console.error(error instanceof FixtureError ? `make-fixtures: ${error.message}` : error);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
