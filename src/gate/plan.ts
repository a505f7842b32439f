/**
 * The commit gate's decisions, from what the wait saw. Pure: which jobs a
 * commit or an abort may go to, and why the wait's end calls for aborts.
 * A write goes only to a job whose state the action knows and that the call
 * can change; everything else is left alone, and the reason is kept.
 */
import type { GateSettings } from '../inputs.js'
import type { AbortReason, JobStatus, OutcomeState } from '../job.js'

/** Whether any gate input was set: otherwise the action never writes. */
export function gateActive(gate: GateSettings): boolean {
  return gate.commit || gate.abortOn.size > 0 || gate.expectedRows !== undefined
}

/** The abort-on reason the wait's end matches, if abort-on (or commit) asked for it. */
export function abortReasonFor(state: OutcomeState, gate: GateSettings): AbortReason | undefined {
  if (state === 'failed' && gate.abortOn.has('failure')) return 'failure'
  if (state === 'timed-out' && gate.abortOn.has('timeout')) return 'timeout'
  if (state === 'cancelled' && gate.abortOn.has('cancel')) return 'cancel'
  return undefined
}

/** A job an abort is not sent to, and why. */
export interface LeftAlone {
  jobId: string
  why: string
}

/**
 * Who an abort goes to: every job last seen pending, importing or
 * uncommitted, in a state the action knows. Failed jobs are over already;
 * completed and committing ones cannot be taken back (Milvus refuses); a job
 * never read, or in an unknown state, is not written to on a guess.
 */
export function abortTargets(statuses: readonly JobStatus[]): {
  targets: string[]
  leftAlone: LeftAlone[]
} {
  const targets: string[] = []
  const leftAlone: LeftAlone[] = []
  for (const status of statuses) {
    const { job } = status
    if (job === undefined) {
      leftAlone.push({ jobId: status.jobId, why: 'its state was never read' })
    } else if (job.unknownState !== undefined) {
      leftAlone.push({ jobId: status.jobId, why: `its state "${job.unknownState}" is unknown` })
    } else if (job.state === 'failed') {
      leftAlone.push({ jobId: status.jobId, why: 'it failed: none of its data is visible' })
    } else if (job.state === 'completed') {
      leftAlone.push({ jobId: status.jobId, why: 'it completed: its data is visible' })
    } else if (job.state === 'committing') {
      leftAlone.push({ jobId: status.jobId, why: 'it is committing: its data becomes visible' })
    } else {
      targets.push(status.jobId)
    }
  }
  return { targets, leftAlone }
}

/**
 * Jobs that reached Completed while the gate held the others: created with
 * auto-commit (or committed by someone else), their data is visible
 * whatever the gate does.
 */
export function autoCommittedJobs(statuses: readonly JobStatus[]): string[] {
  return statuses.filter((s) => s.job?.state === 'completed').map((s) => s.jobId)
}

/** Jobs to commit: those waiting at Uncommitted, in the order given. */
export function commitTargets(statuses: readonly JobStatus[]): string[] {
  return statuses.filter((s) => s.job?.state === 'uncommitted').map((s) => s.jobId)
}
