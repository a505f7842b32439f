import type { ImportJob } from '../src/job.js'
import { PLATEAU_MS, createPlateauWatcher, stageNote } from '../src/report/plateau.js'

const at = (
  progress: number,
  elapsedMs: number,
  jobId = 'j',
  state: ImportJob['state'] = 'importing',
) => ({
  kind: 'update' as const,
  jobId,
  job: { jobId, state, progress, files: [] },
  previous: undefined,
  elapsedMs,
})

describe('createPlateauWatcher', () => {
  test('says once, after five minutes at one value, what the stage usually means', () => {
    const watch = createPlateauWatcher()
    const lines = [
      0,
      60_000,
      PLATEAU_MS - 1,
      PLATEAU_MS + 30_000,
      PLATEAU_MS + 60_000,
      PLATEAU_MS * 3,
    ].map((t) => watch(at(85, t)))
    expect(lines.filter((l) => l !== undefined)).toEqual([
      'Job j has stayed at 85% for 5m 30s. 80-99% is usually index building, which can take long for large ' +
        'collections. This is not a hang: waiting goes on until the timeout.',
    ])
  })

  test('a change restarts the clock; each job has its own', () => {
    const watch = createPlateauWatcher(1_000)
    expect(watch(at(40, 0))).toBeUndefined()
    expect(watch(at(41, 900))).toBeUndefined()
    expect(watch(at(41, 1_800))).toBeUndefined()
    expect(watch(at(10, 0, 'other'))).toBeUndefined()
    expect(watch(at(41, 1_900))).toMatch(/^Job j has stayed at 41% for 1s\. 40-70%/)
    expect(watch(at(10, 1_000, 'other'))).toMatch(/^Job other has stayed at 10%/)
  })

  test('a settled job is never called stuck', () => {
    const watch = createPlateauWatcher(1_000)
    watch(at(100, 0, 'j', 'completed'))
    expect(watch(at(100, 5_000, 'j', 'completed'))).toBeUndefined()
  })
})

test.each([
  [0, /queued/],
  [25, /pre-import/],
  [55, /import itself/],
  [75, /sort/],
  [9.9, /queued/],
  [10, /pre-import/],
  [40, /import itself/],
  [70, /sort/],
  [80, /index building/],
  [95, /index building/],
])('stageNote(%p)', (progress, expected) => {
  expect(stageNote(progress)).toMatch(expected)
})
