#!/usr/bin/env node
// Runs a command with the Lambda runtime's Node first on PATH (the pinned binary of ./lambda-node.cjs), so
// `node`, and every npm script and bin under it, runs on that major: how the whole suite runs on Node 22.
//   node packages/bundle-runner/with-lambda-node.cjs npm test
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { lambdaNode } = require('./lambda-node.cjs');

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node packages/bundle-runner/with-lambda-node.cjs <command> [args...]');
  process.exit(2);
}
const node = lambdaNode();
console.error(`with-lambda-node: running ${command} on node ${node.version}`);
const run = spawnSync(command, args, {
  stdio: 'inherit',
  env: { ...process.env, PATH: `${path.dirname(node.path)}${path.delimiter}${process.env.PATH ?? ''}` },
});
if (run.error) {
  console.error(`with-lambda-node: ${run.error.message}`);
  process.exit(2);
}
process.exit(run.status ?? 1);
