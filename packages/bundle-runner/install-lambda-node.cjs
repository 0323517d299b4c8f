#!/usr/bin/env node
// postinstall: brings the Lambda runtime's Node binary with `npm ci` from lambda-node/'s lockfile, so
// `npm ci` at the root is all a checkout needs. A failure (no registry) only warns: the bundle tests retry on
// first use and say what to do.
'use strict';
const { installLambdaNode, pinnedVersion, platformPackage } = require('./lambda-node.cjs');

try {
  const binary = installLambdaNode();
  console.log(`bundle-runner: ${platformPackage()}@${pinnedVersion()} ready at ${binary}`);
} catch (error) {
  console.warn(`bundle-runner: warning: ${error.message}`);
}
