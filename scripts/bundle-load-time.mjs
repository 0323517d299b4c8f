#!/usr/bin/env node
// Cold module load time of an app's bundle, as the issue defines it: `node -e "require(<bundle>)"` minus a
// bare `node -e ""`, both measured side by side (alternating, median of N runs) on this noisy machine.
// Run from an app directory after `npm run bundle` (`npm run bench` there does both).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { unzipFiles } from './deterministic-zip.mjs';

const appDir = process.cwd();
const app = path.basename(appDir);
const zip = readFileSync(path.join(appDir, 'dist', `${app}.zip`));
const dir = mkdtempSync(path.join(tmpdir(), 'load-time-'));
const RUNS = 15;
try {
  for (const file of unzipFiles(zip)) writeFileSync(path.join(dir, file.name), file.data);
  const bundle = path.join(dir, 'index.js');
  // The apps read their settings at load (and refuse to start without them): give well-formed values.
  const env = {
    ...process.env,
    AWS_REGION: 'eu-west-1',
    KEY_ARN: 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-4000-8000-000000000000',
    OUTPUT_BUCKET: 'load-time-output',
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
  const time = (args) => {
    const start = performance.now();
    const run = spawnSync(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr.slice(-1500)}`);
    return performance.now() - start;
  };
  const bare = [];
  const loaded = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(time(['-e', '']));
    loaded.push(time(['-e', `require(${JSON.stringify(bundle)})`]));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const js = readFileSync(bundle).length;
  console.log(
    `${app}: zip ${(zip.length / 1024).toFixed(1)} KiB, index.js ${(js / 1024).toFixed(1)} KiB; ` +
      `module load ${(median(loaded) - median(bare)).toFixed(1)} ms (node -e require: ${median(loaded).toFixed(1)} ms, ` +
      `bare node: ${median(bare).toFixed(1)} ms; median of ${RUNS})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
