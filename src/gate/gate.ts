/**
 * The commit gate: after the wait, commit every held job or abort them all,
 * as commit, abort-on and expected-rows ask. Knows no HTTP and no runner:
 * the writes, the second wait (for committed jobs to reach Completed), the
 * clock and the report written before the first write are injected.
 *
 * All or nothing, as far as the server allows it: commits go one by one and
 * stop at the first that fails; when none had gone through, every held job
 * is aborted, so nothing of the set becomes visible. When some had, the rest
 * stay uncommitted (committing them by hand completes the set, where an
 * abort would make the partial state final), and the record says exactly
 * which jobs are visible.
 */
import type { GateSettings } from '../inputs.js'
import {
  type AbortReason,
  type GateRecord,
  type JobStatus,
  type JobWrite,
  type Outcome,
  lastKnownJob,
} from '../job.js'
import { createRateLimiter } from '../poll/rate-limit.js'
import { DEFAULT_BACKOFF } from '../retry.js'
import { abortReasonFor, abortTargets, autoCommittedJobs, commitTargets } from './plan.js'
import { checkRows } from './rows.js'
import { type WriteDeps, type WriteLimits, sendWrite } from './writes.js'

export const GATE_LIMITS = {
  /** Per write request. */
  requestTimeoutMs: 30_000,
  /** A commit is sent at most this often (a transient fault sends it again). */
  commitAttempts: 4,
  /** After the commits, committed jobs get at least this long to reach Completed. */
  commitSettleMinMs: 120_000,
  /** All aborts together, after a failure or a timeout. */
  abortBudgetMs: 30_000,
  /**
   * All aborts together after a cancel, and the most any write under way
   * still gets once a cancel came: the runner sends SIGTERM 7.5 s after
   * SIGINT and kills 2.5 s later; the report is written before any write.
   */
  cancelAbortBudgetMs: 5_000,
  abortAttempts: 3,
  /** Aborts start at most 5 a second, as polls do (wait.ts POLL_DEFAULTS). */
  requestSpacingMs: 200,
} as const

export interface GateDeps extends WriteDeps {
  /** Cancel (SIGINT/SIGTERM): no commit starts after it fires. */
  signal: AbortSignal
  /**
   * Polls jobs until each is Completed (Uncommitted is not done), for at most
   * timeoutMs, counting elapsed times from GateTiming.startedAt.
   */
  waitCommitted: (jobIds: string[], timeoutMs: number) => Promise<Outcome>
  /**
   * Writes outputs and summary before the first commit or abort, so a run
   * killed while a write is under way still leaves a report.
   */
  beforeWrites?: (outcome: Outcome) => Promise<void>
}

export interface GateTiming {
  /** When the wait started (clock ms): elapsed times count from here. */
  startedAt: number
  /** The timeout's deadline. */
  deadline: number
}

/** The outcome after the gate: the wait's, with what the gate checked, wrote and saw. */
export async function runGate(
  seen: Outcome,
  settings: GateSettings,
  deps: GateDeps,
  timing: GateTiming,
): Promise<Outcome> {
  const gate: GateRecord = {
    mode: settings.commit ? 'commit' : 'abort',
    autoCommitted: settings.commit ? autoCommittedJobs(seen.jobs) : [],
    notCommitted: [],
    abortTargets: [],
    leftAlone: [],
  }
  const outcome: Outcome = { ...seen, jobs: seen.jobs.map((s) => ({ ...s })), gate }
  const done = seen.state === 'completed' || seen.state === 'uncommitted'
  if (done && settings.expectedRows !== undefined) {
    gate.rows = checkRows(outcome.jobs.map(lastKnownJob), settings.expectedRows)
    if (!gate.rows.passed) outcome.state = 'failed'
  }
  const rowsFailed = gate.rows?.passed === false
  const reason: AbortReason | undefined = rowsFailed
    ? settings.abortOn.has('failure')
      ? 'rows'
      : undefined
    : abortReasonFor(seen.state, settings)
  if (reason !== undefined) {
    await abortAll(outcome, reason, deps)
  } else if (settings.commit && done) {
    await commitAll(outcome, settings, deps, timing)
  }
  outcome.elapsedMs = deps.clock.now() - timing.startedAt
  return outcome
}

function statusOf(outcome: Outcome, jobId: string): JobStatus {
  // Every ID the gate writes to comes from outcome.jobs.
  return outcome.jobs.find((s) => s.jobId === jobId) as JobStatus
}

function record(outcome: Outcome, jobId: string, write: JobWrite): void {
  const status = statusOf(outcome, jobId)
  status.writes = [...(status.writes ?? []), write]
}

/** Outputs and summary before the first write; at most once a run. */
async function reportFirst(outcome: Outcome, deps: GateDeps): Promise<void> {
  if (outcome.jobs.some((s) => s.writes !== undefined)) return
  await deps.beforeWrites?.(outcome)
}

/** A job whose commit got no answer may be committed: it is not aborted on a guess. */
const commitUnanswered = (status: JobStatus): boolean =>
  status.writes?.some((w) => w.call === 'commit' && w.unanswered === true) === true

/** Aborts every job that can still be discarded, in parallel, within the budget. */
async function abortAll(outcome: Outcome, reason: AbortReason, deps: GateDeps): Promise<void> {
  const gate = outcome.gate as GateRecord
  const { targets: candidates, leftAlone } = abortTargets(outcome.jobs)
  const unknown = outcome.jobs.filter(commitUnanswered).map((s) => s.jobId)
  const targets = candidates.filter((id) => !unknown.includes(id))
  for (const jobId of unknown) {
    leftAlone.push({ jobId, why: 'its commit got no answer: it may be committed' })
  }
  gate.abortReason = reason
  gate.abortTargets = targets
  gate.leftAlone = leftAlone
  if (targets.length === 0) return
  await reportFirst(outcome, deps)
  const budget = reason === 'cancel' ? GATE_LIMITS.cancelAbortBudgetMs : GATE_LIMITS.abortBudgetMs
  const limits: WriteLimits = {
    deadline: deps.clock.now() + budget,
    attempts: GATE_LIMITS.abortAttempts,
    requestTimeoutMs: GATE_LIMITS.requestTimeoutMs,
    backoff: { baseMs: 250, maxMs: 2_000 },
    cancel: deps.signal,
    cancelGraceMs: GATE_LIMITS.cancelAbortBudgetMs,
    // The poll loop's 5 requests/s: hundreds of aborts must not trip the server's limiter.
    limiter: createRateLimiter(GATE_LIMITS.requestSpacingMs, deps.clock, deps.sleep),
  }
  await Promise.all(
    targets.map(async (jobId) => {
      record(outcome, jobId, await sendWrite('abort', jobId, deps, limits))
    }),
  )
}

/**
 * Commits the held jobs one by one, then waits until the committed ones are
 * Completed. A failed commit stops the rest; see the module comment.
 */
async function commitAll(
  outcome: Outcome,
  settings: GateSettings,
  deps: GateDeps,
  timing: GateTiming,
): Promise<void> {
  const gate = outcome.gate as GateRecord
  const targets = commitTargets(outcome.jobs)
  const committed: string[] = []
  for (const [index, jobId] of targets.entries()) {
    if (deps.signal.aborted) {
      gate.notCommitted = targets.slice(index)
      break
    }
    await reportFirst(outcome, deps)
    const write = await sendWrite('commit', jobId, deps, {
      deadline: deps.clock.now() + GATE_LIMITS.commitAttempts * GATE_LIMITS.requestTimeoutMs,
      attempts: GATE_LIMITS.commitAttempts,
      requestTimeoutMs: GATE_LIMITS.requestTimeoutMs,
      backoff: DEFAULT_BACKOFF,
      cancel: deps.signal,
      cancelGraceMs: GATE_LIMITS.cancelAbortBudgetMs,
    })
    record(outcome, jobId, write)
    if (write.mark !== 'committed') {
      gate.notCommitted = targets.slice(index + 1)
      break
    }
    committed.push(jobId)
  }
  const stopped = committed.length < targets.length
  if (committed.length === 0 && stopped) {
    // Nothing became visible: keep it so, and leave nothing held behind.
    if (!deps.signal.aborted) {
      outcome.state = 'error'
      await abortAll(outcome, 'commit', deps)
    } else {
      outcome.state = 'cancelled'
      if (settings.abortOn.has('cancel')) await abortAll(outcome, 'cancel', deps)
    }
    return
  }
  if (committed.length === 0) return
  const settleMs = Math.max(timing.deadline - deps.clock.now(), GATE_LIMITS.commitSettleMinMs)
  const after = await deps.waitCommitted(committed, settleMs)
  // The second wait's reading replaces the first's, writes kept.
  outcome.jobs = outcome.jobs.map((status) => {
    const seen = after.jobs.find((s) => s.jobId === status.jobId)
    return seen === undefined ? status : { ...seen, writes: status.writes ?? [] }
  })
  const cancelled = deps.signal.aborted
  if (after.state === 'failed') outcome.state = 'failed'
  else if (cancelled) outcome.state = 'cancelled'
  else if (stopped) outcome.state = 'error'
  else outcome.state = after.state === 'uncommitted' ? 'timed-out' : after.state
}
