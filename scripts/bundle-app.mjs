#!/usr/bin/env node
// The apps' `bundle` step (run from an app's directory). The bundler lives in @secure-lambda/bundle-runner
// (bundle-app.mjs), so tests and tools can run it by package name; this path stays for the apps' scripts.
await import('@secure-lambda/bundle-runner/bundle-app.mjs');
