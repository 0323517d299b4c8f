#!/usr/bin/env node
// Adds up the per-workspace totals written by jest-totals-reporter.cjs and prints one closing line,
// "N passed, N failed", so a reader (or CI) sees the whole workspace's result at the end of `npm test`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspaces = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces;
const dirs = workspaces.flatMap((pattern) => {
  if (!pattern.endsWith('/*')) return [path.join(root, pattern)];
  const parent = path.join(root, pattern.slice(0, -2));
  return existsSync(parent) ? readdirSync(parent).map((name) => path.join(parent, name)) : [];
});

let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];
for (const dir of dirs) {
  const file = path.join(dir, '.test-results', 'jest.json');
  if (!existsSync(file)) continue;
  const totals = JSON.parse(readFileSync(file, 'utf8'));
  passed += totals.passed;
  failed += totals.failed;
  skipped += totals.skipped;
  lines.push(`  ${path.relative(root, dir).padEnd(28)} ${totals.passed} passed, ${totals.failed} failed`);
}
console.log('\nsecure-lambda test totals:');
for (const line of lines) console.log(line);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (failed > 0 || passed === 0) process.exitCode = 1;
