/**
 * Row counts against what the user expected (expected-rows): the check the
 * gate decides on. Pure; its words are in report/rows.ts.
 */
import type { ImportJob, RowCheck, RowExpectation } from '../job.js'

/**
 * The rows a job brought in: importedRows (Milvus), else totalRows (Zilliz
 * Cloud reports only that); undefined when the API reported neither.
 */
export function jobRows(job: ImportJob): number | undefined {
  return job.importedRows ?? job.totalRows
}

/** The expected-rows check over every job's count. */
export function checkRows(jobs: readonly ImportJob[], expected: RowExpectation): RowCheck {
  const uncounted = jobs.filter((job) => jobRows(job) === undefined).map((job) => job.jobId)
  const imported =
    uncounted.length > 0 ? undefined : jobs.reduce((sum, job) => sum + (jobRows(job) ?? 0), 0)
  const passed =
    imported !== undefined &&
    (expected.atLeast ? imported >= expected.count : imported === expected.count)
  return { expected, imported, passed, uncounted }
}
