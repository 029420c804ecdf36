// Two projects: unit tests beside the code (fast, no network) and integration tests that run
// against a real Fabric network the global setup starts from nothing and stops afterwards.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] };

/** @type {import('jest').Config} */
module.exports = {
  // Raft keeps *.snap files under the generated networks: not Jest snapshots.
  modulePathIgnorePatterns: ['<rootDir>/network/run', '<rootDir>/test-artifacts'],
  testSequencer: '<rootDir>/test/integration/sequencer.js',
  projects: [
    {
      displayName: 'unit',
      modulePathIgnorePatterns: ['<rootDir>/network/run', '<rootDir>/test-artifacts'],
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/network/src/**/*.test.ts', '<rootDir>/bench/src/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      modulePathIgnorePatterns: ['<rootDir>/network/run', '<rootDir>/test-artifacts'],
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // The fault suite (nodes killed under load) runs last but one (sequencer.js); LEDGER_FAULT_TESTS=0 leaves it out.
      testPathIgnorePatterns: process.env.LEDGER_FAULT_TESTS === '0' ? ['/faults\\.test\\.ts$'] : [],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration/timeouts.ts'],
    },
  ],
};
