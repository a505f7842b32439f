import {
  type ImportJob,
  filesDone,
  hasRowCounts,
  isSettled,
  jobErrors,
  keepLastProgress,
  overallProgress,
  percentFloor,
  reportsRows,
  unfinishedPercent,
} from '../src/job.js'

const job = (progress: number, fileSize?: number): ImportJob => ({
  jobId: 'j',
  state: 'importing',
  progress,
  files: [],
  ...(fileSize === undefined ? {} : { fileSize }),
})

describe('percentFloor', () => {
  test.each([
    [0, 0],
    [0.7 * 100, 70],
    [0.123 * 100, 12.3],
    [0.4567 * 100, 45.6],
    [0.99999 * 100, 99.9],
    [100, 100],
    [-50, 0],
    [300, 100],
  ])('%p -> %p (rounded down, clamped)', (percent, shown) => {
    expect(percentFloor(percent)).toBe(shown)
  })
})

describe('unfinishedPercent', () => {
  test.each([
    [0.9999999999 * 100, 99.9],
    [100, 99.9],
    [99.95, 99.9],
    [99.8, 99.8],
    [55.55, 55.5],
  ])('%p -> %p: never 100 for work not finished', (percent, shown) => {
    expect(unfinishedPercent(percent)).toBe(shown)
  })
})

describe('overallProgress', () => {
  test('weights by file size when every job has one', () => {
    expect(overallProgress([job(100, 3_000), job(0, 1_000)])).toBe(75)
  })
  test('falls back to a plain mean when a size is missing', () => {
    expect(overallProgress([job(100, 3_000), job(0)])).toBe(50)
  })
  test('keeps at most one decimal, rounded down', () => {
    expect(overallProgress([job(100), job(0), job(0)])).toBe(33.3)
    expect(overallProgress([])).toBe(0)
  })
})

describe('jobErrors and filesDone', () => {
  const failing: ImportJob = {
    jobId: 'j',
    state: 'failed',
    progress: 40,
    errorMessage: 'quota',
    files: [
      { fileName: 'a', progress: 100 },
      { fileName: 'b', progress: 20, errorMessage: 'bad row' },
      { fileName: 'c', progress: 0, completeTime: '2026-01-01T00:00:00Z' },
    ],
  }
  test('lists the job error first, then each file error', () => {
    expect(jobErrors(failing)).toEqual([
      { jobId: 'j', message: 'quota' },
      { jobId: 'j', fileName: 'b', message: 'bad row' },
    ])
  })
  test('a job error that repeats a file error is reported once, on the file', () => {
    const repeated = { ...failing, errorMessage: 'bad row' }
    expect(jobErrors(repeated)).toEqual([{ jobId: 'j', fileName: 'b', message: 'bad row' }])
  })
  test('counts files at 100% or with a completion time as done', () => {
    expect(filesDone(failing)).toBe(2)
  })
})

describe('keepLastProgress', () => {
  const at = (state: ImportJob['state'], progress: number): ImportJob => ({
    ...job(progress),
    state,
  })
  test('a failed job that fell back keeps the last progress seen, and says so', () => {
    expect(keepLastProgress(at('importing', 55), at('failed', 0))).toMatchObject({
      state: 'failed',
      progress: 55,
      progressLastSeen: true,
    })
  })
  test('anything else is left as it is', () => {
    const failedHigher = at('failed', 60)
    expect(keepLastProgress(at('importing', 55), failedHigher)).toBe(failedHigher)
    const backwards = at('importing', 30)
    expect(keepLastProgress(at('importing', 55), backwards)).toBe(backwards)
    const first = at('failed', 0)
    expect(keepLastProgress(undefined, first)).toBe(first)
    const failedSame = at('failed', 55)
    expect(keepLastProgress(at('importing', 55), failedSame)).toBe(failedSame)
  })
  test('uncommitted is settled: the loop stops polling it', () => {
    expect(isSettled('uncommitted')).toBe(true)
    expect(isSettled('importing')).toBe(false)
  })
})

describe('row counts', () => {
  test('either count alone is a row count', () => {
    expect(hasRowCounts({ importedRows: 5 })).toBe(true)
    expect(hasRowCounts({ totalRows: 5 })).toBe(true)
    expect(hasRowCounts({})).toBe(false)
  })
  test('a job reports rows when it or any one of its files has a count', () => {
    const file = (rows?: number) => ({
      fileName: 'f',
      progress: 0,
      ...(rows === undefined ? {} : { totalRows: rows }),
    })
    expect(reportsRows([{ ...job(0), files: [file(), file(10)] }])).toBe(true)
    expect(reportsRows([{ ...job(0), totalRows: 10, files: [file()] }])).toBe(true)
    expect(reportsRows([job(0), { ...job(0), files: [file(10)] }])).toBe(true)
    expect(reportsRows([{ ...job(0), files: [file(), file()] }])).toBe(false)
  })
})
