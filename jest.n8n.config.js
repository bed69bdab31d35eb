// `npm run test:n8n`: the package inside a real n8n (test/n8n). It installs n8n into a cache outside
// the repository the first time, so it may take minutes.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/n8n'],
  testMatch: ['**/*.e2e.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
  testTimeout: 600000,
  maxWorkers: 1,
};
