// Preload (`node --require`) that runs a cdktf app on CDK Terrain: every `cdktf` and `cdktf/...` request is
// answered with `cdktn` (the maintained fork, same API and internal symbols), and `constructs` with the version
// cdktn's peer range asks for (>= 10.6). Nothing else changes: the stacks, the constructs and the prebuilt
// provider (@cdktf/provider-aws 20.1.0, AWS provider 5.100.0) are the same files the cdktf synth loads, so the
// Terraform JSON of the two can be compared byte for byte.
// SECURE_LAMBDA_CDKTN_TRACE=<file>: appends each aliased request and the file it resolved to (for the test).
'use strict';
const { appendFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const LANE_DIR = path.resolve(__dirname, '..');
/** A module of the lane's folder, to resolve the aliases from its node_modules (cdktn and its constructs). */
const laneModule = new Module(path.join(LANE_DIR, 'package.json'));
laneModule.filename = laneModule.id;
laneModule.paths = Module._nodeModulePaths(LANE_DIR);
const ALIASES = [
  ['cdktf', 'cdktn'],
  ['constructs', 'constructs'],
];
const trace = process.env.SECURE_LAMBDA_CDKTN_TRACE;
const originalResolve = Module._resolveFilename;

Module._resolveFilename = function resolveOnCdktn(request, parent, ...rest) {
  for (const [from, to] of ALIASES) {
    if (request === from || request.startsWith(`${from}/`)) {
      const resolved = originalResolve.call(this, to + request.slice(from.length), laneModule, ...rest);
      if (trace) appendFileSync(trace, `${request} -> ${path.relative(LANE_DIR, resolved)}\n`);
      return resolved;
    }
  }
  return originalResolve.call(this, request, parent, ...rest);
};
