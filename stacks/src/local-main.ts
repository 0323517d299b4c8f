import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { RuntimeCurrency } from '@secure-lambda/constructs/runtime-currency';
import { App, Aspects } from 'cdktf';
import { localStack } from './local-stack';

/**
 * The cdktf app of the local stack alone, run by `npm run deploy:local` (packages/local-aws). Kept apart
 * from main.ts so that `npm run synth`, the plan lane and checkov only ever see the shipped dev and prod
 * stacks.
 *
 *   node stacks/dist/local-main.js <output directory> [--apps-dir <dir>] [--bundle <app>=<zip>]...
 */
function fail(message: string): never {
  console.error(`local-main: ${message}`);
  console.error(
    'usage: node stacks/dist/local-main.js <output directory> [--apps-dir <dir>] [--bundle <app>=<zip>]...',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
let outdir: string | undefined;
const bundles: Record<string, string> = {};
// The folder of the declared apps; deploy:local's tests point it at generated apps outside the repository.
let appsDir: string | undefined;
for (let i = 0; i < args.length; i += 1) {
  const arg = args[i] as string;
  if (arg === '--bundle') {
    const value = args[++i] ?? '';
    const match = /^([a-z0-9-]+)=(.+)$/.exec(value);
    if (!match) fail(`--bundle takes <app>=<zip>, got ${JSON.stringify(value)}`);
    const zip = path.resolve(match[2] as string);
    if (!existsSync(zip)) fail(`--bundle ${match[1]}: ${zip} does not exist`);
    bundles[match[1] as string] = zip;
  } else if (arg === '--apps-dir') {
    const value = args[++i];
    if (!value || !existsSync(value)) fail(`--apps-dir: ${JSON.stringify(value)} is not a folder`);
    appsDir = path.resolve(value);
  } else if (arg.startsWith('-') || outdir !== undefined) {
    fail(`unexpected argument ${arg}`);
  } else {
    outdir = path.resolve(arg);
  }
}
if (outdir === undefined) fail('the output directory is required');
mkdirSync(outdir, { recursive: true });
const app = new App({ outdir });
localStack(app, { bundles, ...(appsDir ? { appsDir } : {}) });
// As main.ts: warn about a runtime near its deprecation (aspects apply per stack in cdktf).
for (const stack of app.node.children) Aspects.of(stack).add(new RuntimeCurrency());
app.synth();
