#!/usr/bin/env node
/**
 * Creates or refreshes the project-local Python virtualenv (moto, checkov, the Encryption SDK CLI) from
 * requirements.txt. The code lives in @secure-lambda/moto (lib/setup-python.mjs, plain JavaScript so it runs
 * right after `npm ci`, before any build); `npm test` and `npm run setup:python` run this entry point.
 */
import '@secure-lambda/moto/setup-python';
