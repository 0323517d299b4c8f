#!/usr/bin/env node
/**
 * Copies each synthesized stack's `direct-invoke-guardrail` output to `docs/guardrails/<stack>.json`, the
 * reviewed copy an organisation applies (an SCP and a permissions boundary). Run after `npm run synth`:
 *
 *   npm run guardrails -w @secure-lambda/stacks
 *
 * The system tests fail when the checked-in copy and the synthesized output differ.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUTPUT = 'direct-invoke-guardrail';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const stacksDir = path.join(repoRoot, 'cdktf.out', 'stacks');
const target = path.join(repoRoot, 'docs', 'guardrails');

if (!existsSync(stacksDir)) {
  console.error(
    `write-guardrails: ${path.relative(repoRoot, stacksDir)} is missing: run npm run synth first.`,
  );
  process.exit(1);
}
mkdirSync(target, { recursive: true });
for (const stack of readdirSync(stacksDir).sort()) {
  // The bootstrap stacks hold no functions, so no guardrail.
  if (stack.startsWith('secure-lambda-bootstrap-')) continue;
  const file = path.join(stacksDir, stack, 'cdk.tf.json');
  if (!existsSync(file)) continue;
  const value = JSON.parse(readFileSync(file, 'utf8')).output?.[OUTPUT]?.value;
  if (typeof value !== 'string') {
    console.error(`write-guardrails: ${stack} has no ${OUTPUT} output.`);
    process.exit(1);
  }
  const out = path.join(target, `${stack}.json`);
  writeFileSync(out, `${JSON.stringify(JSON.parse(value), null, 2)}\n`);
  console.log(`write-guardrails: ${path.relative(repoRoot, out)}`);
}
