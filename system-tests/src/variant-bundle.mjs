/**
 * Writes a copy of a handler zip with one extra file, so that its code hash differs while the handler
 * stays the same: the "changed function code" of the local update check.
 *
 *   node variant-bundle.mjs <in.zip> <out.zip> <marker text>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { unzipFiles, zipFiles } from '@secure-lambda/deterministic-zip';

const [input, output, marker] = process.argv.slice(2);
if (!input || !output || !marker) {
  console.error('usage: node variant-bundle.mjs <in.zip> <out.zip> <marker text>');
  process.exit(2);
}
const files = unzipFiles(readFileSync(input));
files.push({ name: 'VARIANT.txt', data: Buffer.from(`${marker}\n`) });
writeFileSync(output, zipFiles(files));
