#!/usr/bin/env node
// Runs a built handler zip the way the Lambda runtime does, for the bundle tests: extracts the zip to a
// temporary directory, requires index.js, calls `handler(event, context)` once, and prints one JSON line
// { ok, result | error, maxRssKiB, loadMs, node } on stdout (node: the process.version it ran on). The event comes as JSON on stdin.
//   node packages/bundle-runner/run-bundle.mjs <zip> [handlerName]   (resolve it as @secure-lambda/bundle-runner/run-bundle.mjs)
// The environment (AWS endpoint, credentials, app settings) is the caller's. Deadline tests set
// SECURE_LAMBDA_REMAINING_MS (default 300000) and SECURE_LAMBDA_REMAINING_MS_STEP (default 0): the
// context's remaining time starts there and drops by the step on every call, so the deadline falls at
// the same point of the work on any machine instead of depending on wall-clock speed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { unzipFiles } from '@secure-lambda/deterministic-zip';

const [zipPath, handlerName = 'handler'] = process.argv.slice(2);
const dir = mkdtempSync(path.join(tmpdir(), 'lambda-task-'));
try {
  for (const file of unzipFiles(readFileSync(zipPath))) writeFileSync(path.join(dir, file.name), file.data);
  const event = JSON.parse(readFileSync(0, 'utf8') || '{}');
  const start = performance.now();
  const mod = createRequire(path.join(dir, 'index.js'))(path.join(dir, 'index.js'));
  const loadMs = performance.now() - start;
  const remainingStart = Number(process.env.SECURE_LAMBDA_REMAINING_MS ?? 300_000);
  const remainingStep = Number(process.env.SECURE_LAMBDA_REMAINING_MS_STEP ?? 0);
  let remainingCalls = 0;
  const context = {
    awsRequestId: `req-${process.pid}`,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bundle-test',
    functionVersion: '1',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:123456789012:function:bundle-test:live`,
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/bundle-test',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, remainingStart - remainingStep * remainingCalls++),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  let outcome;
  try {
    outcome = { ok: true, result: await mod[handlerName](event, context) };
  } catch (error) {
    outcome = { ok: false, error: { name: error?.name, code: error?.code, message: error?.message } };
  }
  process.stdout.write(
    `\n@@RESULT@@${JSON.stringify({ ...outcome, loadMs, maxRssKiB: process.resourceUsage().maxRSS, node: process.version })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
