#!/usr/bin/env node
// The handlers' bench: each handler's JavaScript size and cold module load, side by side in one run, against a
// bare `node` start and against the same handler built the way it was before the handlers were made lighter
// (the reference build: the sources of REFERENCE_REVISION, extracted with `git archive` into a temporary folder
// and bundled with that revision's esbuild settings; kept here, never in the product).
//
//   node scripts/bundle-load-time.mjs [--app <name>]... [--runs N] [--reference <git revision>]
//
// Run from an app directory it benches that app (`npm run bench` there bundles it first); from elsewhere, every
// app. Module load is `node -e "require(<bundle>)"` minus `node -e ""`, both on the Lambda runtime's Node
// (@secure-lambda/bundle-runner/lambda-node) with each function's environment as synthesized: the variables the
// prod stack gives it (tokens such as a key ARN replaced by well-formed values) plus what Lambda sets, with
// active tracing on as every function deploys it (AWS_XRAY_DAEMON_ADDRESS, ...). Runs alternate and the medians
// are compared, on a noisy machine; the ratios are the result, not the milliseconds.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { unzipFiles } from './deterministic-zip.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
/** The last revision before the handlers were made lighter (zod, X-Ray SDK, whole SDK clients). */
const REFERENCE_REVISION = 'd684d478e656c3d0fbf006c711566382902662d8';
const APPS = ['crypto-api', 'deployment-hook', 'object-processor'];
const STACK = 'secure-lambda-prod';

let options;
try {
  ({ values: options } = parseArgs({
    args: process.argv.slice(2),
    options: {
      app: { type: 'string', multiple: true },
      runs: { type: 'string', default: '15' },
      reference: { type: 'string', default: REFERENCE_REVISION },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  console.error(
    `bundle-load-time: ${error.message}\nusage: node scripts/bundle-load-time.mjs [--app <name>]... [--runs N] [--reference <rev>]`,
  );
  process.exit(2);
}
const cwdApp =
  path.dirname(process.cwd()) === path.join(ROOT, 'apps') ? path.basename(process.cwd()) : undefined;
const apps = options.app ?? (cwdApp ? [cwdApp] : APPS);
const RUNS = Number(options.runs);
for (const app of apps) {
  if (!APPS.includes(app)) {
    console.error(`bundle-load-time: unknown app ${app} (one of ${APPS.join(', ')})`);
    process.exit(2);
  }
}

const { lambdaNode } = require('@secure-lambda/bundle-runner/lambda-node');
const { LAMBDA_RUNTIME } = require('@secure-lambda/contracts/runtime');
const { build } = await import(
  require.resolve('esbuild', { paths: [path.join(ROOT, 'apps', 'crypto-api')] })
);
const node = lambdaNode();
const work = mkdtempSync(path.join(tmpdir(), 'handler-bench-'));

/** Each function's environment in the prod stack, freshly synthesized (or from cdktf.out when stacks is unbuilt). */
function synthesizedEnvironments() {
  const main = path.join(ROOT, 'stacks', 'dist', 'main.js');
  let file = path.join(ROOT, 'cdktf.out', 'stacks', STACK, 'cdk.tf.json');
  if (existsSync(main)) {
    const outdir = path.join(work, 'synth');
    const synth = spawnSync(process.execPath, [main], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    if (synth.status === 0) file = path.join(outdir, 'stacks', STACK, 'cdk.tf.json');
    else
      console.warn(
        `bundle-load-time: synth failed, using ${path.relative(ROOT, file)}: ${synth.stderr.trim().split('\n').at(-1)}`,
      );
  }
  if (!existsSync(file)) {
    throw new Error(`no synthesized ${STACK}: build the stacks (npm run build) or run npm run synth first`);
  }
  const functions = JSON.parse(readFileSync(file, 'utf8')).resource.aws_lambda_function;
  const byApp = new Map();
  for (const fn of Object.values(functions)) {
    const app = fn.function_name.slice(`${STACK}-`.length);
    const variables = Object.fromEntries(
      Object.entries(fn.environment?.variables ?? {}).map(([name, value]) => [
        name,
        value
          .replace(
            /\$\{aws_kms_key\.[^}]+\.arn\}/g,
            'arn:aws:kms:eu-west-1:222222222222:key/00000000-0000-4000-8000-000000000000',
          )
          .replace(/\$\{aws_s3_bucket\.[^}]+\.bucket\}/g, `${STACK}-222222222222-bucket`)
          .replace(/\$\{[^}]+\}/g, 'bench-placeholder'),
      ]),
    );
    const tracing = fn.tracing_config?.mode === 'Active';
    byApp.set(app, {
      tracing,
      env: {
        PATH: process.env.PATH ?? '',
        // What Lambda sets in every execution environment of this function.
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
        AWS_LAMBDA_FUNCTION_NAME: fn.function_name,
        AWS_LAMBDA_FUNCTION_VERSION: '1',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memory_size ?? 128),
        AWS_LAMBDA_LOG_FORMAT: fn.logging_config?.log_format ?? 'Text',
        AWS_ACCESS_KEY_ID: 'ASIABENCH',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_SESSION_TOKEN: 'bench',
        _HANDLER: fn.handler,
        ...(tracing
          ? {
              AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
              _AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129',
              _AWS_XRAY_DAEMON_PORT: '2000',
              AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
            }
          : {}),
        ...variables,
      },
    });
  }
  return byApp;
}

/**
 * zod 4's locales index replaced by one exporting English only, as the reference revision's bundle-app.mjs did
 * (Powertools' schemas use the `z` namespace, so the ~40 locales could not be shaken out).
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)) return undefined;
      const localesDir = path.resolve(path.dirname(args.importer), '..', 'locales');
      return { path: 'zod/v4/locales/english-only.js', namespace: 'zod-locales', pluginData: { localesDir } };
    });
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: args.pluginData.localesDir,
      loader: 'js',
    }));
  },
};

/** `@secure-lambda/<pkg>[/<sub>]` resolved to the reference revision's TypeScript sources (no dist there). */
function referenceWorkspaces(tree) {
  return {
    name: 'reference-workspaces',
    setup(b) {
      b.onResolve({ filter: /^@secure-lambda\// }, (args) => {
        const [, pkg, ...rest] = args.path.split('/');
        const dir = path.join(tree, 'packages', pkg);
        const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
        const entry = manifest.exports?.[rest.length ? `./${rest.join('/')}` : '.'];
        const target =
          typeof entry === 'string' ? entry : (entry?.default ?? entry?.require ?? manifest.main);
        const source = path.join(dir, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
        return { path: source };
      });
    },
  };
}

/** The reference build of `app`: its revision's sources, bundled with that revision's settings. */
async function referenceBundle(app, revision) {
  const tree = path.join(work, 'reference');
  if (!existsSync(tree)) {
    mkdirSync(tree);
    const archive = spawnSync('git', ['archive', '--format=tar', revision, 'apps', 'packages'], {
      cwd: ROOT,
      maxBuffer: 512 * 1024 * 1024,
    });
    if (archive.status !== 0) throw new Error(`git archive ${revision} failed: ${archive.stderr}`);
    execFileSync('tar', ['-x', '-C', tree], { input: archive.stdout });
    // Third-party packages as installed now (the reference's zod, Parser and Tracer stay installed for it).
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'));
    for (const group of ['apps', 'packages']) {
      for (const name of readdirSync(path.join(tree, group))) {
        const installed = path.join(ROOT, group, name, 'node_modules');
        if (existsSync(installed)) symlinkSync(installed, path.join(tree, group, name, 'node_modules'));
      }
    }
  }
  const outfile = path.join(work, `reference-${app}`, 'index.js');
  await build({
    entryPoints: [path.join(tree, 'apps', app, 'src', 'index.ts')],
    outfile,
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    preserveSymlinks: true,
    sourcemap: 'external',
    sourceRoot: '',
    sourcesContent: false,
    legalComments: 'none',
    keepNames: true,
    plugins: [referenceWorkspaces(tree), zodEnglishOnly],
    logLevel: 'error',
  });
  return outfile;
}

/** The current build: the app's dist zip, extracted. */
function currentBundle(app) {
  const zip = path.join(ROOT, 'apps', app, 'dist', `${app}.zip`);
  if (!existsSync(zip)) throw new Error(`${zip} is missing: run npm run bundle in apps/${app} first`);
  const dir = path.join(work, `current-${app}`);
  mkdirSync(dir, { recursive: true });
  for (const file of unzipFiles(readFileSync(zip))) writeFileSync(path.join(dir, file.name), file.data);
  return path.join(dir, 'index.js');
}

/** Wall time of one `node` run, and the CPU time (user + system, all threads) the process used until its code ran. */
function timeRun(code, env, cwd) {
  const start = performance.now();
  const run = spawnSync(
    node.path,
    ['-e', `${code};const u=process.cpuUsage();process.stdout.write('@@CPU@@'+(u.user+u.system))`],
    { stdio: ['ignore', 'pipe', 'pipe'], env, cwd, encoding: 'utf8' },
  );
  const wall = performance.now() - start;
  const cpu = /@@CPU@@(\d+)/.exec(run.stdout ?? '');
  if (run.status !== 0 || !cpu) throw new Error(`node -e ${code} failed: ${run.stderr.slice(-1500)}`);
  return { wall, cpu: Number(cpu[1]) / 1000 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

try {
  const environments = synthesizedEnvironments();
  const rows = [];
  for (const app of apps) {
    const setting = environments.get(app);
    if (!setting) throw new Error(`${STACK} has no function for ${app}`);
    const reference = await referenceBundle(app, options.reference);
    const current = currentBundle(app);
    const bare = [];
    const loads = { reference: [], current: [] };
    for (let i = 0; i < RUNS; i++) {
      bare.push(timeRun('', setting.env, path.dirname(current)));
      for (const [kind, bundle] of [
        ['reference', reference],
        ['current', current],
      ]) {
        loads[kind].push(timeRun(`require(${JSON.stringify(bundle)})`, setting.env, path.dirname(bundle)));
      }
    }
    const medians = (runs) => ({
      wall: median(runs.map((r) => r.wall)),
      cpu: median(runs.map((r) => r.cpu)),
    });
    rows.push({
      app,
      tracing: setting.tracing,
      bare: medians(bare),
      reference: { js: readFileSync(reference).length, ...medians(loads.reference) },
      current: { js: readFileSync(current).length, ...medians(loads.current) },
    });
  }
  const header = `handler bench: ${LAMBDA_RUNTIME} environment of ${STACK} (active tracing: ${rows.every((r) => r.tracing) ? 'on' : 'mixed'}), node ${node.version}, median of ${RUNS} alternating runs; reference = ${options.reference.slice(0, 10)}`;
  console.log(header);
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(17) : c.padStart(11))).join(' ');
  for (const measure of ['cpu', 'wall']) {
    console.log(
      measure === 'cpu'
        ? 'CPU time of the node process (user + system, all threads; steady on a busy machine):'
        : 'wall time of the node process (spawn to exit; noisy on a busy machine):',
    );
    console.log(
      line([
        'handler',
        'ref JS',
        'JS',
        'JS vs ref',
        'bare node',
        'ref load',
        'load',
        'ref x bare',
        'x bare',
        'load vs ref',
      ]),
    );
    for (const r of rows) {
      const bareMs = r.bare[measure];
      const loadOf = (side) => side[measure] - bareMs;
      console.log(
        line([
          r.app,
          kib(r.reference.js),
          kib(r.current.js),
          `${((r.current.js / r.reference.js) * 100).toFixed(0)}%`,
          `${bareMs.toFixed(1)} ms`,
          `+${loadOf(r.reference).toFixed(1)} ms`,
          `+${loadOf(r.current).toFixed(1)} ms`,
          `${(r.reference[measure] / bareMs).toFixed(2)}x`,
          `${(r.current[measure] / bareMs).toFixed(2)}x`,
          `${((loadOf(r.current) / loadOf(r.reference)) * 100).toFixed(0)}%`,
        ]),
      );
    }
  }
  console.log(
    "(x bare: `node -e require(bundle)` over `node -e ''`; targets <= 400 KiB of JS and <= 1.5x; load: the difference)",
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
