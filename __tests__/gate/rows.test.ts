import { checkRows, jobRows } from '../../src/gate/rows.js'
import { expectedText, rowCheckText, rowWarnings } from '../../src/report/rows.js'
import type { ImportJob, JobState } from '../../src/job.js'

const job = (
  jobId: string,
  rows: { importedRows?: number; totalRows?: number },
  state: JobState = 'completed',
): ImportJob => ({ jobId, state, progress: 100, files: [], ...rows })

describe('jobRows', () => {
  test('importedRows first (Milvus), then totalRows (Zilliz Cloud), else unknown', () => {
    expect(jobRows(job('a', { importedRows: 5, totalRows: 7 }))).toBe(5)
    expect(jobRows(job('a', { totalRows: 7 }))).toBe(7)
    expect(jobRows(job('a', { importedRows: 0 }))).toBe(0)
    expect(jobRows(job('a', {}))).toBeUndefined()
  })
})

describe('checkRows', () => {
  const jobs = [job('a', { importedRows: 600 }), job('b', { totalRows: 400 })]
  test('exact: the sum must equal the count', () => {
    expect(checkRows(jobs, { count: 1_000, atLeast: false })).toEqual({
      expected: { count: 1_000, atLeast: false },
      imported: 1_000,
      passed: true,
      uncounted: [],
    })
    expect(checkRows(jobs, { count: 999, atLeast: false }).passed).toBe(false)
    expect(checkRows(jobs, { count: 1_001, atLeast: false }).passed).toBe(false)
  })
  test('a minimum: the sum may be more, never less', () => {
    expect(checkRows(jobs, { count: 1_000, atLeast: true }).passed).toBe(true)
    expect(checkRows(jobs, { count: 999, atLeast: true }).passed).toBe(true)
    expect(checkRows(jobs, { count: 1_001, atLeast: true }).passed).toBe(false)
  })
  test('a job with no row count: the check cannot pass, and says which', () => {
    const check = checkRows([...jobs, job('c', {}), job('d', {})], { count: 0, atLeast: true })
    expect(check).toMatchObject({ imported: undefined, passed: false, uncounted: ['c', 'd'] })
  })
})

describe('texts', () => {
  test('expectedText: exactly or at least, grouped, singular for one', () => {
    expect(expectedText({ count: 1_000_000, atLeast: false })).toBe('exactly 1,000,000 rows')
    expect(expectedText({ count: 1, atLeast: true })).toBe('at least 1 row')
    expect(expectedText({ count: 0, atLeast: true })).toBe('at least 0 rows')
  })
  test('rowCheckText: both counts, and the verdict', () => {
    const jobs = [job('a', { importedRows: 25_000 })]
    expect(rowCheckText(checkRows(jobs, { count: 30_000, atLeast: false }))).toBe(
      'expected-rows asked for exactly 30,000 rows; the jobs imported 25,000 rows: a mismatch.',
    )
    expect(rowCheckText(checkRows(jobs, { count: 1, atLeast: true }))).toBe(
      'expected-rows asked for at least 1 row; the jobs imported 25,000 rows: as expected.',
    )
    expect(rowCheckText(checkRows([job('x', {})], { count: 1, atLeast: true }))).toBe(
      'expected-rows asked for at least 1 row, but the API reported no row count for job x, so the rows cannot be checked.',
    )
  })
})

describe('rowWarnings', () => {
  test('0 rows, or fewer imported than read, on a finished job', () => {
    expect(
      rowWarnings([
        job('zero', { importedRows: 0, totalRows: 0 }),
        job('cloud-zero', { totalRows: 0 }),
        job('milvus-zero', { importedRows: 0 }),
        job('short', { importedRows: 900, totalRows: 1_000 }, 'uncommitted'),
        job('none-of', { importedRows: 0, totalRows: 1_000 }),
        job('fine', { importedRows: 1_000, totalRows: 1_000 }),
        job('more', { importedRows: 1_001, totalRows: 1_000 }),
        job('unknown', {}),
        job('some', { importedRows: 5 }),
        job('total', { totalRows: 5 }),
      ]),
    ).toEqual([
      'Job zero finished with 0 rows: a success that may not be one. Check its files, or set expected-rows to fail the step on it.',
      'Job cloud-zero finished with 0 rows: a success that may not be one. Check its files, or set expected-rows to fail the step on it.',
      'Job milvus-zero finished with 0 rows: a success that may not be one. Check its files, or set expected-rows to fail the step on it.',
      'Job short finished with 900 rows imported of 1,000 rows read: a success that may not be one. Set expected-rows to fail the step on it.',
      'Job none-of finished with 0 rows imported of 1,000 rows read: a success that may not be one. Set expected-rows to fail the step on it.',
    ])
  })
  test('only finished jobs: running or failed ones are not a success at all', () => {
    expect(
      rowWarnings([
        job('a', { totalRows: 0 }, 'importing'),
        job('b', { totalRows: 0 }, 'failed'),
        job('c', { totalRows: 0 }, 'pending'),
        job('d', { totalRows: 0 }, 'committing'),
      ]),
    ).toEqual([])
  })
})
