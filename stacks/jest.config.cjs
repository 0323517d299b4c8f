module.exports = require('../jest.base.cjs')(__dirname, {
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
});
