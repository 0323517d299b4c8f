#!/usr/bin/env node
// A committed shim: npm ci links a bin only if its target exists at install time, and dist/ does not yet.
process.exitCode = require('../dist/cli.js').main(process.argv.slice(2));
