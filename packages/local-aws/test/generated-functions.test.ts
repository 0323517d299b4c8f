/**
 * `deploy:local` with generated functions: one function per trigger is generated with `npm run new:function`'s
 * generator in a temporary apps folder (never the repository's apps/, which other tests read), built with its
 * own `bundle` script, deployed to a fresh emulator (`deployLocal({ appsDir })`: the stack holds exactly these
 * four), and smoke-tested through each trigger; then a plan must find no drift. The samples are covered by the
 * deploy:local end-to-end test (system-tests/test/local-deploy.test.ts). About three minutes on 2 cores.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { generateFunction } from '@secure-lambda/generator';
import { EMULATOR_GAPS } from '@secure-lambda/stacks/emulator';
import { recordedBackend } from '../src/backend';
import { emulatorClients } from '../src/clients';
import { type DeployReport, deployLocal, planLocal } from '../src/deploy';
import { stopEmulator } from '../src/emulator';
import { localLayout, REPO_ROOT } from '../src/layout';

const TRIGGERS = ['s3', 'schedule', 'sqs', 'url'] as const;
const STACK = 'secure-lambda-local';
const CALLER = 'arn:aws:sts::111111111111:user/moto';

let root: string;
let localDir: string;
let report: DeployReport;
const log: string[] = [];

/** The bundler every app's `bundle` script runs, by package name. */
const BUNDLER = require.resolve('@secure-lambda/bundle-runner/bundle-app.mjs');

/** A folder laid out like the repository for the generated apps: `apps/`, the shared node_modules, the base tsconfig. */
function appsRoot(): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'Secure-Lambda-Generated-')), 'Root');
  mkdirSync(path.join(dir, 'apps'), { recursive: true });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  copyFileSync(path.join(REPO_ROOT, 'tsconfig.base.json'), path.join(dir, 'tsconfig.base.json'));
  return dir;
}

beforeAll(async () => {
  root = appsRoot();
  localDir = path.join(path.dirname(root), 'local');
  for (const trigger of TRIGGERS) {
    generateFunction({ root, name: `gen-${trigger}`, trigger });
    const bundle = spawnSync(process.execPath, [BUNDLER], {
      cwd: path.join(root, 'apps', `gen-${trigger}`),
      encoding: 'utf8',
    });
    if (bundle.status !== 0)
      throw new Error(`bundling gen-${trigger} failed:\n${bundle.stdout}\n${bundle.stderr}`);
  }
  report = await deployLocal({
    localDir,
    appsDir: path.join(root, 'apps'),
    ownerPid: process.pid,
    // The state in the emulated CI state bucket, with the lock file: the backend an account uses.
    backend: 's3',
    log: (line) => log.push(line),
  });
}, 600_000);

afterAll(async () => {
  // The transcript: what each check saw (also where a failure left off).
  console.log(log.filter((line) => !/^\s+\[/.test(line)).join('\n'));
  if (localDir) await stopEmulator(localLayout(localDir));
  if (root) rmSync(path.dirname(root), { recursive: true, force: true });
}, 60_000);

test('deploys exactly the generated functions, one per trigger', () => {
  expect(report.functions).toEqual(
    TRIGGERS.map((trigger) => ({ app: `gen-${trigger}`, functionName: `${STACK}-gen-${trigger}`, trigger })),
  );
  expect(report.planned).toEqual({ add: report.applied.add, change: 0, remove: 0 });
});

test('each trigger is exercised through the deployed resources, then the platform checks run for all four', () => {
  expect(report.smoke.map((check) => check.name)).toEqual([
    's3 trigger gen-s3',
    'schedule trigger gen-schedule',
    'sqs trigger gen-sqs',
    'url trigger gen-url',
    'live alias',
    'vpc_config',
    'log group',
    'role policies',
    'key rotation',
  ]);
  const detail = Object.fromEntries(report.smoke.map((check) => [check.name, check.detail]));
  expect(detail['s3 trigger gen-s3']).toMatch(
    new RegExp(
      `notifies ${STACK}-gen-s3:live for "gen-s3/"; put .*/gen-s3/smoke/.*ran the bundle on its S3 event: \\{"records":1\\}; ` +
        's3://\\S+-output/gen-s3/\\S+\\.enc \\(\\d+ B\\) decrypts with the stack key under app=gen-s3 to the same bytes',
    ),
  );
  expect(detail['sqs trigger gen-sqs']).toMatch(
    new RegExp(
      `\\(Enabled, max concurrency 2, ReportBatchItemFailures\\) reads ${STACK}-gen-sqs-queue into ${STACK}-gen-sqs:live; ` +
        'sent and received message (\\S+) .*\\{"batchItemFailures":\\[\\]\\}; s3://\\S+-output/gen-sqs/\\1\\.enc .*under app=gen-sqs to the same bytes; deleted it',
    ),
  );
  expect(detail['url trigger gen-url']).toMatch(
    `signed as ${CALLER} with the STS proof: 200 caller ${CALLER}; without the proof: 403 IDENTITY_NOT_VERIFIED`,
  );
  expect(detail['schedule trigger gen-schedule']).toMatch(
    new RegExp(
      `\\(rate\\(1 hour\\), ENABLED\\): target ${STACK}-gen-schedule:live, DLQ ${STACK}-gen-schedule-schedule-dlq, ` +
        `3 retries within 3600 s, stack key; set secretsmanager:${STACK}/gen-schedule-token; ran the bundle on \\{\\}: ` +
        '\\{"written":"gen-schedule/.*"\\}; wrote s3://\\S+-output/gen-schedule/\\S+\\.json; no secret value in its logs, answer or output',
    ),
  );
});

test('every emulator gap is confirmed by its probe, the trigger gaps included', () => {
  expect(report.gaps.map((gap) => ({ id: gap.id, confirmed: gap.probe?.confirmed }))).toEqual(
    EMULATOR_GAPS.map((gap) => ({ id: gap.id, confirmed: true })),
  );
});

test('no drift: a plan after the smoke test (which paused and resumed the SQS mapping) has no changes', async () => {
  const plan = await planLocal({ localDir });
  expect({ exitCode: plan.exitCode, noChanges: /No changes\./.test(plan.output) }).toEqual({
    exitCode: 0,
    noChanges: true,
  });
}, 120_000);

test('the state lives in the emulated CI state bucket (bootstrapped first), encrypted, with no lock left and no local file', async () => {
  const layout = localLayout(localDir);
  const backend = recordedBackend(layout);
  expect(backend).toMatchObject({ use_lockfile: true, encrypt: true, use_path_style: true });
  const bucket = String(backend?.bucket);
  const key = String(backend?.key);
  expect(log.some((line) => line.includes('step 2 of 2'))).toBe(true);
  const emulator = report.emulator;
  const clients = emulatorClients(
    emulator.endpoint,
    emulator.region,
    readFileSync(emulator.certFile, 'utf8'),
  );
  try {
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ServerSideEncryption).toBe('aws:kms');
    const state = JSON.parse(
      await (
        await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
      ).Body!.transformToString(),
    ) as { resources: unknown[] };
    expect(state.resources.length).toBeGreaterThan(100);
    // Terraform removes its lock object when the apply (and the plan above) end.
    const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([key]);
  } finally {
    clients.destroy();
  }
  expect(existsSync(layout.stateFile)).toBe(false);
}, 120_000);
