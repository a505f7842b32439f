import type { ImportJob } from '../src/job.js'
import { PLATEAU_MS, createPlateauWatcher } from '../src/report/plateau.js'
import { milvusPhase } from '../src/report/phase.js'

const at = (
  progress: number,
  elapsedMs: number,
  jobId = 'j',
  state: ImportJob['state'] = 'importing',
  rows: Pick<ImportJob, 'importedRows' | 'totalRows'> = {},
) => ({
  kind: 'update' as const,
  jobId,
  job: { jobId, state, progress, files: [], ...rows },
  previous: undefined,
  elapsedMs,
})

const ALL_ROWS = { importedRows: 520_161, totalRows: 520_161 }

describe('createPlateauWatcher', () => {
  test('says once, after five minutes at one value, that it is no hang, guessing no phase', () => {
    const watch = createPlateauWatcher()
    const lines = [
      0,
      60_000,
      PLATEAU_MS - 1,
      PLATEAU_MS + 30_000,
      PLATEAU_MS + 60_000,
      PLATEAU_MS * 3,
    ].map((t) => watch(at(85, t, 'j', 'importing', ALL_ROWS)))
    expect(lines.filter((l) => l !== undefined)).toEqual([
      'Job j has stayed at 85% for 5m 30s. Imports can stay at one value for a long time while a ' +
        'stage runs. This is not a hang: waiting goes on until the timeout.',
    ])
  })

  test('on Milvus, it names the phase and what happens in it', () => {
    const watch = createPlateauWatcher(1_000, milvusPhase)
    watch(at(85, 0, 'j', 'importing', ALL_ROWS))
    expect(watch(at(85, 1_000, 'j', 'importing', ALL_ROWS))).toBe(
      'Job j has stayed at 85% (building indexes) for 1s. Every file is imported; Milvus builds the ' +
        'indexes on the new data, which takes long for large collections. This is not a hang: ' +
        'waiting goes on until the timeout.',
    )
  })

  test.each([
    ['pending', 5, {}, / \(queued\) for 1s\. It waits for a slot/],
    ['importing', 25, { importedRows: 0, totalRows: 0 }, / \(pre-importing\) .*reads and checks/],
    [
      'importing',
      55,
      { importedRows: 10, totalRows: 40 },
      / \(writing the data\) .*writes the rows/,
    ],
    ['importing', 75, ALL_ROWS, / \(sorting\) .*sorts the imported data/],
    // An early-2.4 number between its bands (pre-import up to 50): no phase is guessed.
    ['importing', 45, { importedRows: 0, totalRows: 0 }, /at 45% for 1s\. Imports can stay/],
  ] as const)('Milvus %s %p: %p', (state, progress, rows, expected) => {
    const watch = createPlateauWatcher(1_000, milvusPhase)
    watch(at(progress, 0, 'j', state, rows))
    expect(watch(at(progress, 1_000, 'j', state, rows))).toMatch(expected)
  })

  test('a change restarts the clock; each job has its own', () => {
    const watch = createPlateauWatcher(1_000)
    expect(watch(at(40, 0))).toBeUndefined()
    expect(watch(at(41, 900))).toBeUndefined()
    expect(watch(at(41, 1_800))).toBeUndefined()
    expect(watch(at(10, 0, 'other'))).toBeUndefined()
    expect(watch(at(41, 1_900))).toMatch(/^Job j has stayed at 41% for 1s\. /)
    expect(watch(at(10, 1_000, 'other'))).toMatch(/^Job other has stayed at 10%/)
  })

  test('a settled job is never called stuck', () => {
    const watch = createPlateauWatcher(1_000)
    watch(at(100, 0, 'j', 'completed'))
    expect(watch(at(100, 5_000, 'j', 'completed'))).toBeUndefined()
  })
})
