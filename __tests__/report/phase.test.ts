/**
 * The phase from a Milvus answer: the bands of 2.5 and later (V1 jobs), with
 * the row counts as the check that keeps early 2.4's other bands (pre-import
 * 10-50, import 50-100) from being misnamed. docs/api-notes.md has the
 * source of each band.
 */
import { describe, expect, test } from '@jest/globals'
import type { JobState } from '../../src/job.js'
import { type PhaseInput, milvusPhase } from '../../src/report/phase.js'

const job = (
  state: JobState,
  progress: number,
  importedRows?: number,
  totalRows?: number,
): PhaseInput => ({
  state,
  progress,
  ...(importedRows === undefined ? {} : { importedRows }),
  ...(totalRows === undefined ? {} : { totalRows }),
})

describe('milvusPhase: 2.5, 2.6 and 2.7/3.0 (V1 jobs)', () => {
  test.each([
    // Pending: 0-10, whatever the number
    [job('pending', 0), 'queued'],
    [job('pending', 7), 'queued'],
    // PreImporting: 10 + p*30, no tasks and no rows yet (0, 0)
    [job('importing', 10, 0, 0), 'pre-importing'],
    [job('importing', 25, 0, 0), 'pre-importing'],
    [job('importing', 40, 0, 0), 'pre-importing'],
    [job('importing', 25), 'pre-importing'],
    // Importing: 40 + p*30, rows counted as they are written
    [job('importing', 40, 0, 80_000), 'writing the data'],
    [job('importing', 55, 40_000, 80_000), 'writing the data'],
    [job('importing', 69, 79_999, 80_000), 'writing the data'],
    // Sorting (Stats in 2.5): 70 + p*10, every row in
    [job('importing', 70, 80_000, 80_000), 'sorting'],
    [job('importing', 79, 80_000, 80_000), 'sorting'],
    // IndexBuilding: 80 + p*10; milvus#39348 (2.5.3) sat at 80 "waiting for the index"
    [job('importing', 80, 520_161, 520_161), 'building indexes'],
    [job('importing', 85, 80_000, 80_000), 'building indexes'],
    [job('importing', 90, 80_000, 80_000), 'building indexes'],
  ])('%o: %s', (input, phase) => {
    expect(milvusPhase(input)).toBe(phase)
  })
})

describe('milvusPhase: no phase where the answer does not tell', () => {
  test.each([
    // States that name themselves
    [job('completed', 100, 80_000, 80_000)],
    [job('failed', 0)],
    [job('uncommitted', 99, 80_000, 80_000)],
    [job('committing', 99, 80_000, 80_000)],
    // Early 2.4 pre-import runs to 50, with no rows: 41-49 is not 2.5's import
    [job('importing', 45, 0, 0)],
    // Below the pre-import band while Importing, or rows in no band
    [job('importing', 5, 0, 0)],
    [job('importing', 30, 10, 80_000)],
    [job('importing', 95, 79_000, 80_000)],
    // 99 with every row in: an auto-commit job committing (2.7/3.0), or early 2.4 finishing
    // its last segments (90 + 10 x segments done): not told apart, so not named
    [job('importing', 99, 80_000, 80_000)],
    // Every row in, between bands (91-98 is never sent by 2.5+), or early 2.4's 100 at Importing
    [job('importing', 60, 80_000, 80_000)],
    [job('importing', 95, 80_000, 80_000)],
    [job('importing', 100, 80_000, 80_000)],
    // A state the action does not know, read as importing
    [{ ...job('importing', 85, 80_000, 80_000), unknownState: 'None' }],
    // Counts that do not add up, or half of them
    [job('importing', 85, 90_000, 80_000)],
    [job('importing', 85, undefined, 80_000)],
  ])('%o', (input) => {
    expect(milvusPhase(input)).toBeUndefined()
  })

  test("early 2.4's import band (50-100) is named only where 2.5's agrees: rows still coming", () => {
    // 2.4: 50 + int((0.8 * rows + 0.2 * segments) * 50); below 90 some rows are still to come.
    expect(milvusPhase(job('importing', 75, 50_000, 80_000))).toBe('writing the data')
    expect(milvusPhase(job('importing', 85, 70_000, 80_000))).toBe('writing the data')
  })
})
