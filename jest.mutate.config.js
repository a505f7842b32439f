// Jest for StrykerJS (npm run mutate): the unit suites only. Suites that run
// dist/index.js as a child process (e2e, bundle, local-action, release,
// action-metadata) test the bundle, not the mutated src/, so they could not
// kill a mutant and would only slow every run down.
import base from './jest.config.js'

/** @type {import('jest').Config} */
export default {
  ...base,
  testPathIgnorePatterns: [
    '/node_modules/',
    '/__tests__/e2e/',
    '/__tests__/bundle\\.test\\.ts$',
    '/__tests__/local-action\\.test\\.ts$',
    '/__tests__/release\\.test\\.ts$',
    '/__tests__/action-metadata\\.test\\.ts$',
  ],
  collectCoverage: false,
  coverageThreshold: undefined,
}
