/**
 * Row counts in words: the expected-rows check, and the successes that may
 * not be ones (0 rows, or fewer imported than read). Pure.
 */
import type { ImportJob, RowCheck, RowExpectation } from '../job.js'
import { thousands } from '../text.js'

const rows = (count: number): string => `${thousands(count)} rows`

/** "exactly 1,000 rows" or "at least 1 row", as expected-rows asked. */
export function expectedText(expected: RowExpectation): string {
  const count = expected.count === 1 ? '1 row' : rows(expected.count)
  return `${expected.atLeast ? 'at least' : 'exactly'} ${count}`
}

/** Why a row check failed, or what it found, in one sentence. */
export function rowCheckText(check: RowCheck): string {
  const wanted = `expected-rows asked for ${expectedText(check.expected)}`
  if (check.imported === undefined) {
    return `${wanted}, but the API reported no row count for job ${check.uncounted.join(', ')}, so the rows cannot be checked.`
  }
  const verdict = check.passed ? 'as expected' : 'a mismatch'
  return `${wanted}; the jobs imported ${rows(check.imported)}: ${verdict}.`
}

/**
 * A job done (completed or uncommitted) with 0 rows, or with fewer rows
 * imported than the files held: a success that may not be one.
 */
export function rowWarnings(jobs: readonly ImportJob[]): string[] {
  const warnings: string[] = []
  for (const job of jobs) {
    if (job.state !== 'completed' && job.state !== 'uncommitted') continue
    const { importedRows, totalRows } = job
    if (totalRows === 0 || (totalRows === undefined && importedRows === 0)) {
      warnings.push(
        `Job ${job.jobId} finished with 0 rows: a success that may not be one. Check its files, or set expected-rows to fail the step on it.`,
      )
    } else if (importedRows !== undefined && totalRows !== undefined && importedRows < totalRows) {
      warnings.push(
        `Job ${job.jobId} finished with ${rows(importedRows)} imported of ${rows(totalRows)} read: a success that may not be one. Set expected-rows to fail the step on it.`,
      )
    }
  }
  return warnings
}
