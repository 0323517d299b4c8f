/**
 * The built zip, run the way Lambda runs it (@secure-lambda/bundle-runner), with its real SDK clients pointed
 * (AWS_ENDPOINT_URL) at a small local HTTP fake of the three AWS calls: moto implements neither Invoke
 * without Docker nor PutLifecycleEventHookExecutionStatus. What is checked is the wire: the requests the
 * bundle sends and how it reads the answers.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { lambdaNode } from '@secure-lambda/bundle-runner/lambda-node';
import { LAMBDA_RUNTIME, nodeMajorOf } from '@secure-lambda/contracts/runtime';

const APP_DIR = path.resolve(__dirname, '..');
const ZIP = path.join(APP_DIR, 'dist', 'deployment-hook.zip');
const RUNNER = require.resolve('@secure-lambda/bundle-runner/run-bundle.mjs');
/** The bundle runs on the Node major of the Lambda runtime (a pinned binary from npm), not on this machine's. */
const LAMBDA_NODE = lambdaNode();

interface Seen {
  target?: string;
  path: string;
  body: string;
}

async function withFakeAws(invokeStatusCode: number, run: (endpoint: string, seen: Seen[]) => Promise<void>) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'] as string | undefined;
      seen.push({ ...(target ? { target } : {}), path: req.url ?? '', body });
      res.setHeader('connection', 'close');
      if (target?.endsWith('.GetDeployment')) {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        const content = JSON.stringify({
          version: 0,
          Resources: [
            {
              api: {
                Type: 'AWS::Lambda::Function',
                Properties: { Name: 'prod-api', Alias: 'live', CurrentVersion: '4', TargetVersion: '5' },
              },
            },
          ],
        });
        res.end(
          JSON.stringify({
            deploymentInfo: {
              deploymentId: 'd-1',
              revision: { revisionType: 'AppSpecContent', appSpecContent: { content } },
            },
          }),
        );
      } else if (target?.endsWith('.PutLifecycleEventHookExecutionStatus')) {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ lifecycleEventHookExecutionId: 'exec-1' }));
      } else if (req.url?.startsWith('/2015-03-31/functions/prod-api/invocations')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: invokeStatusCode }));
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen);
  } finally {
    server.close();
  }
}

function runBundle(
  endpoint: string,
): Promise<{ ok: boolean; node?: string; result?: { status: string; reason: string } }> {
  const child = spawn(LAMBDA_NODE.path, [RUNNER, ZIP], {
    cwd: APP_DIR,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      SMOKE_TESTS: JSON.stringify({
        'prod-api': { event: { rawPath: '/encrypt' }, expect: { statusCode: 403 } },
      }),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stdin.end(JSON.stringify({ DeploymentId: 'd-1', LifecycleEventHookExecutionId: 'exec-1' }));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      const line = Buffer.concat(out)
        .toString('utf8')
        .split('\n')
        .find((l) => l.startsWith('@@RESULT@@'));
      resolve(JSON.parse((line ?? '@@RESULT@@{"ok":false}').slice('@@RESULT@@'.length)));
    });
  });
}

test('the bundle reads the AppSpec, invokes the target version and reports Succeeded', async () => {
  await withFakeAws(403, async (endpoint, seen) => {
    const run = await runBundle(endpoint);
    expect(run).toMatchObject({
      ok: true,
      result: { status: 'Succeeded', reason: 'prod-api:5 passed the smoke event' },
    });
    // On the Node major that LAMBDA_RUNTIME names, as in Lambda.
    expect(run.node?.split('.')[0]).toBe(`v${nodeMajorOf(LAMBDA_RUNTIME)}`);
    expect(seen.map((s) => s.target ?? s.path)).toEqual([
      'CodeDeploy_20141006.GetDeployment',
      '/2015-03-31/functions/prod-api/invocations?Qualifier=5',
      'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus',
    ]);
    expect(seen[1]?.body).toBe('{"rawPath":"/encrypt"}');
    expect(JSON.parse(seen[2]?.body ?? '{}')).toEqual({
      deploymentId: 'd-1',
      lifecycleEventHookExecutionId: 'exec-1',
      status: 'Succeeded',
    });
  });
}, 60_000);

test('an unexpected answer of the new version is reported as Failed', async () => {
  await withFakeAws(500, async (endpoint, seen) => {
    const run = await runBundle(endpoint);
    expect(run).toMatchObject({ ok: true, result: { status: 'Failed' } });
    expect(JSON.parse(seen.at(-1)?.body ?? '{}')).toMatchObject({ status: 'Failed' });
  });
}, 60_000);
