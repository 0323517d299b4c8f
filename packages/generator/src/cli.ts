/**
 * `npm run new:function -- <name> --trigger s3|url|sqs|schedule [--no-install]` (npm runs it in the repository
 * root, so apps/ is found from the working directory): creates apps/<name>, then
 * runs `npm install` so the new workspace is linked and recorded in the lockfile (skip with --no-install).
 * Exit codes: 0 created; 1 npm install failed (the app is kept; run npm install); 2 bad input (nothing written).
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { GENERATED_TRIGGER_TYPES } from '@secure-lambda/contracts/functions';
import { GeneratorError, GeneratorErrorCode } from './errors';
import { generateFunction } from './generate';

const USAGE = `usage: npm run new:function -- <name> --trigger ${GENERATED_TRIGGER_TYPES.join('|')} [--no-install]`;

export function main(argv: readonly string[], root = process.cwd()): number {
  let name: string;
  let trigger: string;
  let install: boolean;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { trigger: { type: 'string' }, 'no-install': { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1 || values.trigger === undefined) {
      throw new GeneratorError(GeneratorErrorCode.USAGE, 'give one function name and --trigger.');
    }
    [name] = positionals as [string];
    trigger = values.trigger;
    install = !values['no-install'];
  } catch (error) {
    console.error(`new:function: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  let written: string[];
  try {
    written = generateFunction({ root, name, trigger });
  } catch (error) {
    if (!(error instanceof GeneratorError)) throw error;
    console.error(`new:function: ${error.message}`);
    return 2;
  }
  console.log(`created apps/${name} (${trigger} trigger):\n${written.map((f) => `  ${f}`).join('\n')}`);
  if (install) {
    const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    if (npm.status !== 0) {
      console.error('new:function: npm install failed; the app is kept. Run npm install, then build it.');
      return 1;
    }
  }
  console.log(
    `next: npx turbo run test --filter=@secure-lambda/${name} (builds what it needs, bundles, runs its tests); then npm run synth, or npm run deploy:local.`,
  );
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
