/**
 * Shared Jest settings for every workspace: TypeScript through SWC (no type-check here; `tsc --noEmit`
 * is the typecheck task), tests in test/**, and a reporter that leaves per-workspace totals for the
 * summary line `npm test` prints at the end.
 * Usage in a workspace's jest.config.cjs: module.exports = require('../../jest.base.cjs')(__dirname);
 */
const path = require('node:path');

module.exports = (workspaceDir, overrides = {}) => ({
  rootDir: workspaceDir,
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 120_000,
  reporters: ['default', path.join(__dirname, 'scripts', 'jest-totals-reporter.cjs')],
  ...overrides,
});
