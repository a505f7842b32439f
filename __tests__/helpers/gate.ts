/** Builders for the commit gate's tests: job statuses and gate records. */
import type { GateRecord, ImportJob, JobState, JobStatus, JobWrite } from '../../src/job.js'

/**
 * A job's status: never read when `state` is undefined, else read in that
 * state (at 50%, with whatever `job` adds), with the writes given.
 */
export function jobStatus(
  jobId: string,
  state?: JobState,
  more: { writes?: JobWrite[]; job?: Partial<ImportJob> } = {},
): JobStatus {
  return {
    jobId,
    ...(state === undefined ? {} : { job: { jobId, state, progress: 50, files: [], ...more.job } }),
    ...(more.writes === undefined ? {} : { writes: more.writes }),
  }
}

/** A gate record that did nothing yet, in commit mode unless told. */
export function gateRecord(over: Partial<GateRecord> = {}): GateRecord {
  return {
    mode: 'commit',
    autoCommitted: [],
    notCommitted: [],
    abortTargets: [],
    leftAlone: [],
    ...over,
  }
}
