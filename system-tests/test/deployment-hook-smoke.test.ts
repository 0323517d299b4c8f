/**
 * The smoke events the prod deployment hook sends each new version (stacks/src/platform-stack.ts,
 * smokeTests), run against the built bundles the way Lambda runs them: each must pass today, or the hook
 * would fail every release. No AWS call is needed: both events are refused or empty before any.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { smokeTests } from '@secure-lambda/stacks/platform-stack';
import { repoRoot } from '../src/synth';

const RUNNER = require.resolve('@secure-lambda/bundle-runner/run-bundle.mjs');
const PREFIX = 'secure-lambda-prod';
const ENV = {
  KEY_ARN: 'arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000000',
  INPUT_BUCKET: `${PREFIX}-222222222222-input`,
  OUTPUT_BUCKET: `${PREFIX}-222222222222-output`,
};

function contains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) => contains((actual as Record<string, unknown>)[k], v));
}

test.each(Object.entries(smokeTests(PREFIX)))('%s passes its smoke test', (functionName, smoke) => {
  const app = functionName.slice(PREFIX.length + 1);
  const run = spawnSync(process.execPath, [RUNNER, path.join(repoRoot, 'apps', app, 'dist', `${app}.zip`)], {
    input: JSON.stringify(smoke.event),
    encoding: 'utf8',
    // Unreachable endpoint and fake credentials: a smoke event that made an AWS call would fail here.
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      ...ENV,
    },
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('@@RESULT@@')) ?? '@@RESULT@@{}';
  const outcome = JSON.parse(line.slice('@@RESULT@@'.length)) as { ok?: boolean; result?: unknown };
  expect(outcome.ok).toBe(true);
  expect({ functionName, matches: contains(outcome.result, smoke.expect) }).toEqual({
    functionName,
    matches: true,
  });
});
