/** Builders for outcomes, shared by the renderer tests. */
import type { FileProgress, ImportJob, JobStatus, Outcome, OutcomeState } from '../../src/job.js'

export function files(
  count: number,
  overrides: (i: number) => Partial<FileProgress> = () => ({}),
): FileProgress[] {
  return Array.from({ length: count }, (_, i) => ({
    fileName: `folder/part-${String(i).padStart(5, '0')}.parquet`,
    fileSize: 19_599_887,
    progress: 100,
    completeTime: '2023-10-28T06:51:49Z',
    ...overrides(i),
  }))
}

export function importJob(jobId: string, overrides: Partial<ImportJob> = {}): ImportJob {
  return {
    jobId,
    state: 'completed',
    progress: 100,
    collectionName: 'medium_articles',
    completeTime: '2023-10-28T06:51:49Z',
    fileSize: 19_599_887,
    files: files(1),
    ...overrides,
  }
}

export function outcome(state: OutcomeState, jobs: JobStatus[], elapsedMs = 65_000): Outcome {
  return { state, jobs, elapsedMs }
}
