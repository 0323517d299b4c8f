#!/usr/bin/env node
// Synth time by stack size: the real dev stack (its declared functions) and the same platform with 50
// declared functions (all four triggers), measured side by side in one run (the machine is shared; compare the ratio). Uses the
// compiled stacks and constructs (npm run build first; `npm run bench -w @secure-lambda/stacks` does).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const { App } = require('cdktf');
const { environments } = require(path.join(here, '..', 'dist', 'config.js'));
const { PlatformStack } = require(path.join(here, '..', 'dist', 'platform-stack.js'));
const { PLACEHOLDER_BUNDLE } = require(path.join(here, '..', 'dist', 'bundles.js'));

const { parseFunctionDeclaration, checkFunctionSet } = require('@secure-lambda/contracts/functions');

/**
 * `count` functions declared the way apps declare them (apps/<name>/function.ts), cycling through the four
 * triggers, each with grants (a prefix of a bucket, the data key, a secret for schedules, a queue send for
 * URL functions), built by the real PlatformStack with the dev configuration.
 */
function declaredFunctions(count) {
  const triggers = [
    (i) => ({ type: 's3', bucket: 'input', prefix: `fn-${i}/` }),
    () => ({ type: 'url' }),
    () => ({ type: 'sqs', maxConcurrency: 2 }),
    () => ({ type: 'schedule', expression: 'rate(1 hour)' }),
  ];
  const declarations = Array.from({ length: count }, (_, i) => {
    const trigger = triggers[i % 4](i);
    const grants = [
      { type: 'bucket', bucket: 'output', access: 'write', prefix: `fn-${i}/` },
      { type: 'data-key', use: 'encrypt', encryptionContext: { app: `fn-${i}` } },
      ...(trigger.type === 's3'
        ? [{ type: 'bucket', bucket: 'input', access: 'read', prefix: `fn-${i}/` }]
        : []),
      ...(trigger.type === 'schedule'
        ? [{ type: 'secret', name: `fn-${i}-token`, store: 'secretsmanager' }]
        : []),
      ...(trigger.type === 'url' && i + 1 < count
        ? [{ type: 'queue', access: 'send', function: `fn-${i + 1}` }]
        : []),
    ];
    return parseFunctionDeclaration(`bench/fn-${i}`, { name: `fn-${i}`, trigger, grants });
  });
  checkFunctionSet(declarations);
  return declarations.map((declaration) => ({ declaration, appDir: '' }));
}

function manyFunctions(app, count) {
  const declared = declaredFunctions(count);
  const bundles = Object.fromEntries(declared.map((d) => [d.declaration.name, PLACEHOLDER_BUNDLE]));
  return new PlatformStack(app, `scale-${count}`, environments.dev, { gaps: [], bundles }, declared);
}

function measure(label, build) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'synth-bench-'));
  const start = performance.now();
  const app = new App({ outdir, skipValidation: false });
  const stack = build(app);
  const built = performance.now();
  app.synth();
  const done = performance.now();
  const json = require(path.join(outdir, 'stacks', stack.node.id, 'cdk.tf.json'));
  const resources = Object.values(json.resource).reduce((n, b) => n + Object.keys(b).length, 0);
  rmSync(outdir, { recursive: true, force: true });
  return { label, construct: built - start, synth: done - built, total: done - start, resources };
}

const rounds = 3;
const results = new Map();
for (let round = 0; round < rounds; round++) {
  for (const [label, build] of [
    ['dev stack (the samples)', (app) => new PlatformStack(app, 'secure-lambda-dev', environments.dev)],
    ['50 declared functions', (app) => manyFunctions(app, 50)],
  ]) {
    const r = measure(label, build);
    const list = results.get(label) ?? [];
    list.push(r);
    results.set(label, list);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`synth benchmark (median of ${rounds} alternating rounds, in-process app.synth(), no terraform)`);
console.log('stack                        resources  construct ms  synth ms  total ms');
const rows = [...results.entries()].map(([label, list]) => ({
  label,
  resources: list[0].resources,
  construct: median(list.map((r) => r.construct)),
  synth: median(list.map((r) => r.synth)),
  total: median(list.map((r) => r.total)),
}));
for (const r of rows) {
  console.log(
    `${r.label.padEnd(28)} ${String(r.resources).padStart(9)}  ${r.construct.toFixed(0).padStart(12)}  ${r.synth.toFixed(0).padStart(8)}  ${r.total.toFixed(0).padStart(8)}`,
  );
}
const [small, large] = rows;
console.log(
  `50-declared-function stack: ${(large.total / small.total).toFixed(1)}x the time for ${(large.resources / small.resources).toFixed(1)}x the resources`,
);
