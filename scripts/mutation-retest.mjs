#!/usr/bin/env node
/**
 * Forgets, in Stryker's incremental file (.stryker/incremental.json), every
 * mutant that survived or was not covered, so the next `npm run mutate` tests
 * them again against the current tests. Killed mutants stay reused.
 *
 * Why: Stryker reuses a survivor when no new test covers it by its coverage
 * data. Static mutants (in module-level constants, such as a regex) have no
 * per-test coverage at all, so a test added to kill one is never tried on it,
 * and the survivor stays in every incremental report until a --force run.
 *
 * Usage: node scripts/mutation-retest.mjs && npm run mutate
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './run-action.mjs'

const file = path.join(ROOT, '.stryker/incremental.json')
/** @type {{ files: Record<string, { mutants: { status: string }[] }> }} */
const report = JSON.parse(readFileSync(file, 'utf8'))
const UNDETECTED = new Set(['Survived', 'NoCoverage'])

let forgotten = 0
for (const result of Object.values(report.files)) {
  const kept = result.mutants.filter((mutant) => !UNDETECTED.has(mutant.status))
  forgotten += result.mutants.length - kept.length
  result.mutants = kept
}
writeFileSync(file, JSON.stringify(report, null, 2))
console.log(`${forgotten} survived or uncovered mutants forgotten in ${path.relative(ROOT, file)}`)
