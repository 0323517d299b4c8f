// The global setup synthesizes the cdktf app once per jest run; every test file reads that output.
module.exports = require('../jest.base.cjs')(__dirname, { globalSetup: '<rootDir>/src/global-setup.ts' });
