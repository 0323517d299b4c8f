/**
 * `npm run new:function`, end to end, in a copy of the repository: one function per trigger is generated,
 * type-checked, bundled (twice, in two copies under different paths: the zips must be identical) and
 * tested with its own tests; then the system tests that judge a stack (synth invariants, offline
 * validate/plan with the plan review, checkov, the IAM simulation) run on the copy's synth, which holds
 * the samples plus the four new functions. Nothing here edits the repository itself.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../src/synth';

const TRIGGERS = ['s3', 'url', 'sqs', 'schedule'] as const;
/** The bundler every app's `bundle` script runs, by package name. */
const BUNDLER = require.resolve('@secure-lambda/bundle-runner/bundle-app.mjs');
const TIMEOUT_MS = 1_500_000;
/** The system tests run again on the copy's synth. */
const STACK_TESTS = [
  'test/synth-invariants.test.ts',
  'test/offline-terraform.test.ts',
  'test/checkov.test.ts',
  'test/iam-simulation.test.ts',
];

const copies: string[] = [];

/** The tracked files and the built outputs (dist/) of the repository, with node_modules linked, not copied. */
function copyRepository(): string {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'Secure-Lambda-Gen-')), 'Repo-Copy');
  copies.push(path.dirname(root));
  const files = spawnSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).stdout.split('\0');
  for (const file of files.filter(Boolean)) {
    if (!existsSync(path.join(repoRoot, file))) continue;
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    cpSync(path.join(repoRoot, file), path.join(root, file));
  }
  for (const group of ['packages', 'apps', 'stacks']) {
    const dirs = group === 'stacks' ? [''] : readdirSync(path.join(repoRoot, group));
    for (const dir of dirs) {
      const dist = path.join(repoRoot, group, dir, 'dist');
      if (existsSync(dist)) cpSync(dist, path.join(root, group, dir, 'dist'), { recursive: true });
    }
  }
  for (const shared of ['node_modules', '.venv', '.terraform-cli']) {
    symlinkSync(path.join(repoRoot, shared), path.join(root, shared));
  }
  return root;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, [...args], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: TIMEOUT_MS,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} in ${cwd} failed (${result.status ?? result.error?.message}):\n` +
        `${result.stdout}\n${result.stderr}`.slice(-6000),
    );
  }
  return `${result.stdout}\n${result.stderr}`;
}

function generateAndBuild(root: string): Record<string, string> {
  const zips: Record<string, string> = {};
  for (const trigger of TRIGGERS) {
    const name = `gen-${trigger}`;
    run(
      process.execPath,
      ['packages/generator/bin/secure-lambda-new-function.cjs', name, '--trigger', trigger, '--no-install'],
      root,
    );
    const app = path.join(root, 'apps', name);
    run(
      process.execPath,
      [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'],
      app,
    );
    run(process.execPath, [BUNDLER], app);
    zips[name] = createHash('sha256')
      .update(readFileSync(path.join(app, 'dist', `${name}.zip`)))
      .digest('hex');
  }
  return zips;
}

afterAll(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

let root: string;
let zips: Record<string, string>;

beforeAll(() => {
  root = copyRepository();
  zips = generateAndBuild(root);
}, TIMEOUT_MS);

test(
  'each generated app passes its own unit and bundle tests',
  () => {
    for (const trigger of TRIGGERS) {
      const app = path.join(root, 'apps', `gen-${trigger}`);
      const output = run(
        process.execPath,
        [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'],
        app,
      );
      expect(output).toMatch(/Tests:\s+3 passed, 3 total/);
    }
  },
  TIMEOUT_MS,
);

test(
  'each generated bundle is byte-for-byte the same when built again from another path',
  () => {
    const other = copyRepository();
    expect(generateAndBuild(other)).toEqual(zips);
    expect(Object.keys(zips)).toHaveLength(TRIGGERS.length);
  },
  TIMEOUT_MS,
);

test(
  'the stack with the samples and four generated functions passes the invariants, plan, review, checkov and IAM simulation',
  () => {
    const output = run(
      process.execPath,
      [path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--runInBand', ...STACK_TESTS],
      path.join(repoRoot, 'system-tests'),
      { ...process.env, SECURE_LAMBDA_SYNTH_DIR: root, SECURE_LAMBDA_SKIP_SYNTH: '' },
    );
    const synthesized = JSON.parse(
      readFileSync(path.join(root, 'cdktf.out', 'stacks', 'secure-lambda-dev', 'cdk.tf.json'), 'utf8'),
    ) as { resource: Record<string, Record<string, { function_name?: string }>> };
    const functions = Object.values(synthesized.resource.aws_lambda_function ?? {}).map(
      (f) => f.function_name,
    );
    for (const trigger of TRIGGERS) expect(functions).toContain(`secure-lambda-dev-gen-${trigger}`);
    for (const type of [
      'aws_lambda_event_source_mapping',
      'aws_scheduler_schedule',
      'aws_secretsmanager_secret',
    ]) {
      expect(Object.keys(synthesized.resource)).toContain(type);
    }
    expect(output).toMatch(/Test Suites: 4 passed, 4 total/);
    console.log(
      output
        .split('\n')
        .filter((l) => /Tests:|Test Suites:|to add|checkov:|review:/.test(l))
        .join('\n'),
    );
  },
  TIMEOUT_MS,
);
