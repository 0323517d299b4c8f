/**
 * Writes this workspace's test totals to .test-results/jest.json (a turbo output, so cached runs
 * restore it). scripts/test-summary.mjs adds them up into one closing line for the whole workspace.
 */
const fs = require('node:fs');
const path = require('node:path');

class JestTotalsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = path.join(this.rootDir, '.test-results');
    fs.mkdirSync(dir, { recursive: true });
    const totals = {
      passed: results.numPassedTests,
      // A suite that fails to load has no failed tests but must still count as a failure.
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      suites: results.numTotalTestSuites,
    };
    fs.writeFileSync(path.join(dir, 'jest.json'), `${JSON.stringify(totals)}\n`);
  }
}

module.exports = JestTotalsReporter;
