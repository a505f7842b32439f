// ESM all the way: @actions/* 3.x/4.x ship ESM only, so tests run under
// --experimental-vm-modules (set by the npm scripts) with ts-jest in ESM mode.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  // index.ts only calls run(); everything else in src/ counts toward the gate.
  collectCoverageFrom: ['src/**/*.ts', '!src/index.ts'],
  coverageReporters: ['text-summary', 'lcov', 'json-summary'],
  coverageThreshold: { global: { lines: 90, branches: 90 } },
}
