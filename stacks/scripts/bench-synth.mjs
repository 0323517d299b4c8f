#!/usr/bin/env node
// Synth time by stack size: the real dev stack (2 functions) and a stack of the same platform with 50
// functions, measured side by side in one run (the machine is shared; compare the ratio). Uses the
// compiled stacks and constructs (npm run build first; `npm run bench -w @secure-lambda/stacks` does).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const { App, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const c = require('@secure-lambda/constructs');
const { environments } = require(path.join(here, '..', 'dist', 'config.js'));
const { PlatformStack } = require(path.join(here, '..', 'dist', 'platform-stack.js'));
const { PLACEHOLDER_BUNDLE } = require(path.join(here, '..', 'dist', 'bundles.js'));

function manyFunctions(app, count) {
  const env = environments.dev;
  const stack = new TerraformStack(app, `scale-${count}`);
  new AwsProvider(stack, 'aws', { region: env.region, allowedAccountIds: [env.accountId] });
  const where = { accountId: env.accountId, region: env.region };
  const key = new c.EncryptionKey(stack, 'key', { alias: `scale-${count}`, ...where });
  const network = new c.PrivateNetwork(stack, 'network', {
    namePrefix: `scale-${count}`,
    cidrBlock: '10.40.0.0/16',
    availabilityZones: env.availabilityZones,
    key,
    ...where,
  });
  const bucket = new c.SecureBucket(stack, 'data', {
    bucketName: `scale-${count}-${env.accountId}-data`,
    key,
    ...where,
  });
  const signing = new c.CodeSigning(stack, 'signing', {
    profileName: `scale_${count}`,
    artifactBucket: new c.SecureBucket(stack, 'artifacts', {
      bucketName: `scale-${count}-${env.accountId}-artifacts`,
      key,
      ...where,
    }),
  });
  for (let i = 0; i < count; i++) {
    const fn = new c.SecureFunction(stack, `fn-${i}`, {
      functionName: `scale-${count}-fn-${i}`,
      bundlePath: PLACEHOLDER_BUNDLE,
      key,
      network,
      codeSigning: signing,
      environment: { INDEX: String(i) },
      ...where,
    });
    bucket.grantRead(fn, { prefix: `tenant-${i}/` });
    key.grantEncrypt(fn, { encryptionContext: { tenant: String(i) } });
  }
  return stack;
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
    ['dev stack (2 functions)', (app) => new PlatformStack(app, 'secure-lambda-dev', environments.dev)],
    ['50 functions', (app) => manyFunctions(app, 50)],
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
  `50-function stack: ${(large.total / small.total).toFixed(1)}x the time for ${(large.resources / small.resources).toFixed(1)}x the resources`,
);
