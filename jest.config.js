// Jest runs every test under test/ as CommonJS through ts-jest (transpile-only; `npm run lint` type-checks).
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The end-to-end test in a real n8n runs on its own: `npm run test:n8n` (jest.n8n.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/n8n/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  // Every query template is checked against a fresh build on every run (store/prepared.ts).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/check-templates.ts'],
  // The default report, then one line each on whether the PostgreSQL half and the browser tests ran.
  reporters: ['default', '<rootDir>/test/helpers/store-reporter.js'],
  testTimeout: 30000,
  maxWorkers: 2,
};
