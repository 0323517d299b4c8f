// ES module build beside tsc's CommonJS one. Bundlers (the handler apps' esbuild) pick it through the
// `import` condition and can then tree-shake and minify the package; CommonJS output from tsc cannot be
// shaken and minifies about a third larger. One file per public entry; the AWS SDK stays external.
import { build } from 'esbuild';

await build({
  entryPoints: { index: 'src/index.ts', 'kms-sdk': 'src/kms-sdk.ts' },
  outdir: 'dist/esm',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
