// The workspace's one zip writer lives in @secure-lambda/deterministic-zip (packages/deterministic-zip);
// this path stays for the scripts that still import it by file (bundle-load-time.mjs,
// system-tests/src/variant-bundle.mjs). New code imports the package.
export { unzipFiles, zipFiles } from '@secure-lambda/deterministic-zip';
