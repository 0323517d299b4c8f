#!/usr/bin/env node
// Builds placeholder deployment zips for the functions whose app has not been built yet, so the stacks
// synthesize and plan before the handler apps exist. Never committed: written to stacks/dist/placeholders.
// The zip comes from the workspace's one reproducible writer (fixed timestamps and permissions), so
// Terraform sees the same source_code_hash on every machine and publishes no new version.
// Takes no arguments: anything given is a usage error (exit 2).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { zipFiles } from '@secure-lambda/deterministic-zip';

try {
  parseArgs({ args: process.argv.slice(2), options: {}, strict: true, allowPositionals: false });
} catch (error) {
  console.error(`placeholder-bundle: ${error.message}\nusage: node stacks/scripts/placeholder-bundle.mjs`);
  process.exit(2);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, '..', 'dist', 'placeholders');

const HANDLER = `// Placeholder deployed until the app's own bundle is built. It refuses every event.
exports.handler = async () => { throw new Error('placeholder bundle: build the app (npm run build) and redeploy'); };
`;

mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, 'placeholder.zip');
writeFileSync(file, zipFiles([{ name: 'index.js', data: Buffer.from(HANDLER, 'utf8') }]));
console.log(`placeholder bundle: ${path.relative(process.cwd(), file)}`);
