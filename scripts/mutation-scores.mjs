#!/usr/bin/env node
/**
 * Reads StrykerJS's JSON report (reports/mutation/mutation.json, written by
 * `npm run mutate`) and prints the score per module as a markdown table for
 * docs/mutation.md, then every surviving mutant as file:line, mutator and
 * replacement, so they can be killed or listed as equivalent.
 *
 * Score as Stryker computes it: (killed + timed out) / (killed + timed out +
 * survived + no coverage). Compile errors and runtime errors are not mutants
 * anyone could kill, and are left out.
 *
 * Usage: node scripts/mutation-scores.mjs [report.json] [--survivors]
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './run-action.mjs'

const args = process.argv.slice(2)
const file =
  args.find((arg) => !arg.startsWith('--')) ?? path.join(ROOT, 'reports/mutation/mutation.json')
/** @type {{ files: Record<string, { mutants: { status: string, mutatorName: string, replacement?: string, location: { start: { line: number, column: number } } }[] }> }} */
const report = JSON.parse(readFileSync(file, 'utf8'))

const DETECTED = new Set(['Killed', 'Timeout'])
const UNDETECTED = new Set(['Survived', 'NoCoverage'])

/** @param {{ status: string }[]} mutants */
function tally(mutants) {
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length
  const undetected = mutants.filter((m) => UNDETECTED.has(m.status)).length
  const valid = detected + undetected
  return { detected, undetected, valid, score: valid === 0 ? 100 : (100 * detected) / valid }
}

const rows = Object.entries(report.files)
  .map(([name, { mutants }]) => ({ name, ...tally(mutants) }))
  .sort((a, b) => a.name.localeCompare(b.name))
const all = tally(Object.values(report.files).flatMap((f) => f.mutants))

console.log('| module | score | killed or timed out | survived or not covered |')
console.log('|---|---:|---:|---:|')
for (const row of rows) {
  console.log(
    `| \`${row.name}\` | ${row.score.toFixed(1)}% | ${row.detected} | ${row.undetected} |`,
  )
}
console.log(
  `| **all of src/** | **${all.score.toFixed(1)}%** | ${all.detected} | ${all.undetected} |`,
)

if (args.includes('--survivors')) {
  console.log('\nSurvivors:')
  for (const [name, { mutants }] of Object.entries(report.files)) {
    for (const m of mutants.filter((mutant) => UNDETECTED.has(mutant.status))) {
      const where = `${name}:${m.location.start.line}:${m.location.start.column}`
      console.log(`${where} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}`)
    }
  }
}
