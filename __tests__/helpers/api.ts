/** Small helpers for the API client tests. */
import type { ImportApiClient } from '../../src/api/client.js'
import type { ImportJob } from '../../src/job.js'

export const fetchOnce = (
  client: ImportApiClient,
  jobId: string,
  timeoutMs = 5_000,
): Promise<ImportJob> => client.fetchJob(jobId, { signal: new AbortController().signal, timeoutMs })

/** The error a promise rejects with; fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}
