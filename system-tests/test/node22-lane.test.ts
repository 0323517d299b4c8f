/**
 * The Node lane: handler bundles run on the Node.js major of the Lambda runtime, from a pinned binary that
 * an npm package ships (`@secure-lambda/bundle-runner/lambda-node`), whatever Node runs the tests. Every
 * app's bundle tests spawn that binary (and assert the version they ran on); here, the smoke events the
 * deployment hook sends each new version run on it too, and the binary must be the major that
 * `LAMBDA_RUNTIME` names and every synthesized function deploys.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { lambdaNode, pinnedVersion } from '@secure-lambda/bundle-runner/lambda-node';
import { LAMBDA_RUNTIME, nodeMajorOf } from '@secure-lambda/contracts/runtime';
import { SMOKE_TESTS } from '@secure-lambda/contracts/smoke-events';
import { synthesizedOutDir } from '../src/synth';
import { loadStacks, REPO_ROOT, resourcesOf } from '../src/terraform-json';

const RUNNER = require.resolve('@secure-lambda/bundle-runner/run-bundle.mjs');
const LAMBDA_NODE = lambdaNode();

/** The settings the apps read at cold start, well-formed (the smoke events need no AWS call). */
const ENV = {
  KEY_ARN: 'arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-0000-0000-000000000000',
  INPUT_BUCKET: 'secure-lambda-prod-222222222222-input',
  OUTPUT_BUCKET: 'secure-lambda-prod-222222222222-output',
};

function contains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) => contains((actual as Record<string, unknown>)[k], v));
}

describe('the Lambda runtime Node lane', () => {
  test(`the pinned binary is the Node major of LAMBDA_RUNTIME (${LAMBDA_RUNTIME}), 22.19 or later`, () => {
    expect(nodeMajorOf(LAMBDA_RUNTIME)).toBeDefined();
    expect(LAMBDA_NODE.major).toBe(nodeMajorOf(LAMBDA_RUNTIME));
    expect(LAMBDA_NODE.version).toBe(`v${pinnedVersion()}`);
    const [major, minor] = pinnedVersion().split('.').map(Number) as [number, number];
    expect(major > 22 || (major === 22 && minor >= 19)).toBe(true);
  });

  test('with-lambda-node runs a command (and the node it starts) on that binary: how the suite runs on it', () => {
    const run = spawnSync(
      process.execPath,
      [require.resolve('@secure-lambda/bundle-runner/with-lambda-node.cjs'), 'node', '-p', 'process.version'],
      { encoding: 'utf8' },
    );
    expect({ status: run.status, stdout: run.stdout.trim() }).toEqual({
      status: 0,
      stdout: LAMBDA_NODE.version,
    });
  });

  test('every synthesized function deploys LAMBDA_RUNTIME: the lane tests what ships', () => {
    const stacks = loadStacks(synthesizedOutDir());
    const runtimes = stacks.flatMap((stack) =>
      resourcesOf(stack, 'aws_lambda_function').map(
        ([address, block]) => `${stack.name} ${address} ${block.runtime}`,
      ),
    );
    expect(runtimes.length).toBeGreaterThan(0);
    for (const line of runtimes) expect(line.endsWith(` ${LAMBDA_RUNTIME}`)).toBe(true);
  });

  test.each(Object.entries(SMOKE_TESTS))('%s passes its smoke event on the Lambda Node', (app, smoke) => {
    const run = spawnSync(
      LAMBDA_NODE.path,
      [RUNNER, path.join(REPO_ROOT, 'apps', app, 'dist', `${app}.zip`)],
      {
        input: JSON.stringify(smoke.event),
        encoding: 'utf8',
        // Unreachable endpoint and fake credentials: a smoke event that made an AWS call would fail here.
        env: {
          PATH: process.env.PATH ?? '',
          AWS_REGION: 'eu-west-1',
          AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'x',
          NODE_OPTIONS: '--enable-source-maps',
          ...ENV,
        },
      },
    );
    const line = run.stdout.split('\n').find((l) => l.startsWith('@@RESULT@@')) ?? '@@RESULT@@{}';
    const outcome = JSON.parse(line.slice('@@RESULT@@'.length)) as {
      ok?: boolean;
      result?: unknown;
      node?: string;
    };
    expect({ app, ok: outcome.ok, stderr: outcome.ok ? '' : run.stderr.slice(-2000) }).toEqual({
      app,
      ok: true,
      stderr: '',
    });
    expect(outcome.node).toBe(LAMBDA_NODE.version);
    expect({ app, matches: contains(outcome.result, smoke.expect) }).toEqual({ app, matches: true });
  });
});
