#!/usr/bin/env node
'use strict';
// The committed bin of `secure-lambda-new-function`: npm links a workspace's bin only if its target exists at install time,
// and dist/ does not exist until `npm run build`. This file always does, and runs dist/cli.js as the main
// module (Module.runMain, as `node dist/cli.js` would), so `require.main === module` holds there.
const { existsSync } = require('node:fs');
const path = require('node:path');

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (existsSync(cli)) {
  process.argv[1] = cli;
  require('node:module').runMain(cli);
} else {
  process.stderr.write(
    `secure-lambda-new-function: ${cli} is not built yet. Run \`npm run build\` in the repository root first.\n`,
  );
  process.exitCode = 2;
}
