#!/usr/bin/env node
// Bundles one handler app (run from the app's directory: `npm run bundle`): esbuild (bundle, minify,
// tree-shake, Node 20-compatible output for the nodejs22.x runtime) into dist/bundle/index.js with its
// source map, then one reproducible zip, dist/<app>.zip. Prints the sizes and the largest inputs.
// Takes no arguments: anything given is a usage error (exit 2), so a mistyped flag is not silently ignored.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { zipFiles } from '@secure-lambda/deterministic-zip';
import { build } from 'esbuild';

try {
  parseArgs({ args: process.argv.slice(2), options: {}, strict: true, allowPositionals: false });
} catch (error) {
  console.error(
    `bundle-app: ${error.message}\nusage: npm run bundle (in an app's directory; runs @secure-lambda/bundle-runner/bundle-app.mjs)`,
  );
  process.exit(2);
}

const appDir = process.cwd();
const app = JSON.parse(readFileSync(path.join(appDir, 'package.json'), 'utf8')).name.replace(/^@[^/]+\//, '');
const outDir = path.join(appDir, 'dist', 'bundle');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

/**
 * zod 4's classic and core APIs re-export every locale as a namespace (`z.locales`), and the Powertools schemas use
 * the `z` namespace object, so a bundler cannot drop the ~40 unused locales (about 400 KiB minified).
 * Only English is ever used (zod configures `en` by default), so the locales index is replaced by one
 * that exports `en` alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)) return undefined;
      // A fixed virtual path (the real directory travels in pluginData): no checkout path in the bundle.
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

/**
 * The SDK clients' default credential chain (environment, SSO, ini files, web identity, process, container and
 * instance metadata: about 70 KiB with the STS and SSO clients it carries) replaced by the one source Lambda
 * uses: the role's credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. A handler run
 * without them (a test, the local emulator) gets them the same way. Only the handler bundles are built here.
 */
const lambdaCredentialsOnly = {
  name: 'lambda-credentials-only',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: '@aws-sdk/credential-provider-node/lambda-environment-only.js',
      namespace: 'lambda-credentials',
    }));
    b.onLoad({ filter: /.*/, namespace: 'lambda-credentials' }, () => ({
      contents: [
        "import { fromEnv } from '@aws-sdk/credential-provider-env';",
        'export const defaultProvider = (init = {}) => fromEnv(init);',
        'export const credentialsWillNeedRefresh = () => false;',
        'export const credentialsTreatedAsExpired = () => false;',
      ].join('\n'),
      // Resolved from the app as installed (not a real path): the same relative paths on every checkout.
      resolveDir: appDir,
      loader: 'js',
    }));
  },
};

const result = await build({
  entryPoints: [path.join(appDir, 'src', 'index.ts')],
  outfile: path.join(outDir, 'index.js'),
  bundle: true,
  minify: true,
  treeShaking: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Prefer ES module builds of dependencies: they tree-shake.
  mainFields: ['module', 'main'],
  // Paths as installed (node_modules/...), not where symlinks point: workspace packages and any linked
  // install then leave the same relative paths in the bundle and its source map on every checkout.
  preserveSymlinks: true,
  sourcemap: 'external',
  // Paths in the source map relative to the app, never the machine's checkout path.
  sourceRoot: '',
  sourcesContent: false,
  legalComments: 'none',
  // Error class names stay readable in logs (CryptoError subclasses set name from the class).
  keepNames: true,
  plugins: [zodEnglishOnly, lambdaCredentialsOnly],
  metafile: true,
  logLevel: 'warning',
});

const js = readFileSync(path.join(outDir, 'index.js'));
const map = readFileSync(path.join(outDir, 'index.js.map'));
const zip = zipFiles([
  { name: 'index.js', data: js },
  { name: 'index.js.map', data: map },
]);
const zipPath = path.join(appDir, 'dist', `${app}.zip`);
writeFileSync(zipPath, zip);

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const inputs = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.inputs ?? {};
const byPackage = new Map();
for (const [file, info] of Object.entries(inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  const key = match
    ? match[1]
    : file
        .replace(/^.*?(packages|apps)\//, '$1/')
        .split('/')
        .slice(0, 2)
        .join('/');
  byPackage.set(key, (byPackage.get(key) ?? 0) + info.bytesInOutput);
}
console.log(
  `bundle ${app}: index.js ${kb(js.length)} (minified), source map ${kb(map.length)}, zip ${kb(zip.length)} -> ${path.relative(appDir, zipPath)}`,
);
for (const [name, bytes] of [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
  console.log(`  ${kb(bytes).padStart(10)}  ${name}`);
}
