/**
 * The poll loop. Given job IDs and a way to fetch one job, it polls every job
 * concurrently until all have settled, one fails (fail fast), a permanent
 * fault occurs, the deadline passes, or the caller cancels. It knows nothing
 * of HTTP or of the runner: time, sleep, randomness and the fetcher are
 * injected, and what happens is reported through events.
 */
import { setMaxListeners } from 'node:events'
import { AbortedError, PermanentError, TransientError, errorMessage } from '../errors.js'
import { forecastFinish, type Sample } from './forecast.js'
import {
  type FetchJob,
  type JobState,
  type JobStatus,
  type Outcome,
  type OutcomeState,
  type WaitEvent,
  isSettled,
  keepLastProgress,
} from '../job.js'
import { createRateLimiter } from './rate-limit.js'
import { type BackoffPolicy, DEFAULT_BACKOFF, backoffDelay } from '../retry.js'
import type { Clock, Sleep } from '../time.js'

export interface WaitOptions {
  jobIds: readonly string[]
  fetchJob: FetchJob
  clock: Clock
  sleep: Sleep
  /** A number in [0, 1), for backoff jitter. */
  random: () => number
  /** Fires on cancellation (SIGINT/SIGTERM in the action). */
  signal: AbortSignal
  timeoutMs: number
  pollIntervalMs: number
  onEvent?: (event: WaitEvent) => void
  /** Per-request cap; never more than the time left, but see minRequestTimeoutMs. */
  requestTimeoutMs?: number
  /** A poll sent at the deadline still gets this long to answer. */
  minRequestTimeoutMs?: number
  /** Minimum gap between two request starts across all jobs (200 ms = 5/s). */
  requestSpacingMs?: number
  backoff?: BackoffPolicy
  /**
   * Poll early, at the forecast finish, when steady progress predicts the job
   * ends before the next regular poll (default true). Every poll restarts the
   * interval, so no gap is longer than it; never two forecast polls in a row.
   */
  forecast?: boolean
  /**
   * Whether a job at Uncommitted is done waiting (default true). The commit
   * gate sets false while it waits for committed jobs to reach Completed.
   */
  uncommittedSettles?: boolean
  /** Where elapsed times count from (clock ms); default now. The deadline is now + timeoutMs. */
  startedAt?: number
}

export const POLL_DEFAULTS = {
  requestTimeoutMs: 30_000,
  minRequestTimeoutMs: 2_000,
  requestSpacingMs: 200,
  /** An early poll comes this long after the forecast finish, to land after it. */
  forecastMarginMs: 250,
} as const

export async function waitForJobs(options: WaitOptions): Promise<Outcome> {
  const { clock, sleep, fetchJob } = options
  const requestTimeoutMs = options.requestTimeoutMs ?? POLL_DEFAULTS.requestTimeoutMs
  const minRequestTimeoutMs = options.minRequestTimeoutMs ?? POLL_DEFAULTS.minRequestTimeoutMs
  const backoff = options.backoff ?? DEFAULT_BACKOFF
  const emit = options.onEvent ?? (() => undefined)
  const holds = options.uncommittedSettles !== false
  /** Done waiting: settled, and Uncommitted only where it counts (see uncommittedSettles). */
  const done = (state: JobState): boolean => isSettled(state) && (holds || state !== 'uncommitted')

  const startedAt = options.startedAt ?? clock.now()
  const deadline = clock.now() + options.timeoutMs
  // Fail-fast stops every other job's loop (and aborts its request in flight).
  const failFast = new AbortController()
  const stop = AbortSignal.any([options.signal, failFast.signal])
  // Every job's sleep and request listens on this one signal; that is by
  // design, not a leak, so lift Node's warning threshold of 10 listeners.
  setMaxListeners(0, stop)
  const spacingMs = options.requestSpacingMs ?? POLL_DEFAULTS.requestSpacingMs
  const limiter = createRateLimiter(spacingMs, clock, sleep)
  const statuses: JobStatus[] = options.jobIds.map((jobId) => ({ jobId }))
  const elapsed = (): number => clock.now() - startedAt
  // A function, not a property read: the signal can fire during any await.
  const stopped = (): boolean => stop.aborted

  /** Fail fast: stop every other job, remembering which one stopped those still open. */
  function stopOthers(jobId: string): void {
    // Called at most once: once it aborts, every loop sees stopped() before it could call again.
    for (const other of statuses) {
      if (other.jobId !== jobId && (other.job === undefined || !done(other.job.state))) {
        other.stoppedBy = jobId
      }
    }
    failFast.abort()
  }

  async function pollOne(status: JobStatus): Promise<void> {
    let failures = 0
    const samples: Sample[] = []
    // No two forecast polls in a row: a missed forecast falls back to the interval.
    let lastWasForecast = false
    while (!stopped()) {
      // Once the deadline has come, only a slot free right now is taken: the
      // last poll happens at the deadline, never after a wait past it.
      if (!(await limiter.acquire(Math.max(deadline, clock.now()), stop))) return
      const sentAt = clock.now()
      let nextPollAt: number
      try {
        const timeoutMs = Math.min(
          requestTimeoutMs,
          Math.max(deadline - sentAt, minRequestTimeoutMs),
        )
        const answer = await fetchJob(status.jobId, { signal: stop, timeoutMs })
        if (stopped()) return // the answer raced a cancel; keep the state we reported
        failures = 0
        clearFault(status)
        const previous = status.job
        const job = keepLastProgress(previous, answer)
        status.job = job
        emit({ kind: 'update', jobId: status.jobId, job, previous, elapsedMs: elapsed() })
        if (done(job.state)) {
          status.settledAfterMs = elapsed()
          if (job.state === 'failed') stopOthers(status.jobId)
          return
        }
        // Every poll restarts the interval, so no gap is ever longer than it.
        nextPollAt = sentAt + options.pollIntervalMs
        samples.push({ atMs: sentAt, progress: job.progress })
        if (samples.length > 3) samples.shift()
        const forecastAllowed: boolean = options.forecast !== false && !lastWasForecast
        const finish: number | undefined = forecastAllowed ? forecastFinish(samples) : undefined
        const early: number | undefined =
          finish === undefined ? undefined : finish + POLL_DEFAULTS.forecastMarginMs
        // The rate limiter keeps even an early poll spaced from the one before.
        lastWasForecast = early !== undefined && early < nextPollAt
        if (early !== undefined && lastWasForecast) nextPollAt = early
      } catch (error) {
        if (stopped() || error instanceof AbortedError) return
        if (!(error instanceof TransientError)) {
          // PermanentError, or a bug: either way asking again will not help.
          status.problem =
            error instanceof PermanentError
              ? error.message
              : `Unexpected error: ${errorMessage(error)}`
          stopOthers(status.jobId)
          return
        }
        failures += 1
        recordFault(status, error)
        const now = clock.now()
        if (now >= deadline) return // the poll at the deadline failed: nothing left to retry in
        const asked = error.retryAfterMs
        if (asked !== undefined && now + asked > deadline) {
          // The server asked to come back after the deadline: a poll before then
          // goes against its explicit wish, so this job waits out the time left.
          status.retryAfterMs = asked
          emit({
            kind: 'retry',
            jobId: status.jobId,
            reason: error.message,
            attempt: failures,
            delayMs: deadline - now,
            elapsedMs: now - startedAt,
            retryAfterMs: asked,
          })
          await sleep(deadline - now, stop)
          return
        }
        const retryAt = Math.min(
          now + backoffDelay(failures, backoff, options.random(), error.retryAfterMs),
          deadline,
        )
        emit({
          kind: 'retry',
          jobId: status.jobId,
          reason: error.message,
          attempt: failures,
          delayMs: retryAt - now,
          elapsedMs: now - startedAt,
        })
        nextPollAt = retryAt
      }
      const now = clock.now()
      if (now >= deadline) return // that was the poll at the deadline
      await sleep(Math.min(nextPollAt, deadline) - now, stop)
    }
  }

  await Promise.all(statuses.map(pollOne))
  return {
    state: decideState(statuses, options.signal.aborted),
    jobs: statuses,
    elapsedMs: elapsed(),
  }
}

/** A failed poll on the job's record: its latest fault, and the count by whether the host answered. */
export function recordFault(status: JobStatus, error: TransientError): void {
  status.lastError = error.message
  const faults = (status.faults ??= { answered: 0, silent: 0 })
  if (error.answered === undefined) {
    faults.silent += 1
    delete status.lastAnswer
  } else {
    faults.answered += 1
    status.lastAnswer = error.answered
  }
}

/** A poll that answered clears the record of the faults before it. */
export function clearFault(status: JobStatus): void {
  delete status.lastError
  delete status.lastAnswer
}

/**
 * Failed wins (an import reported an error); then error (the action could not
 * find out: a refusal, an unreadable answer, or no answer ever); then every job
 * done (uncommitted when any waits for its commit, else completed); then
 * cancelled; anything else ran out of time. An import's own error outranks the
 * action's trouble with another job: it is what the user must fix first.
 */
export function decideState(statuses: readonly JobStatus[], cancelled: boolean): OutcomeState {
  if (statuses.some((s) => s.job?.state === 'failed')) return 'failed'
  if (statuses.some((s) => s.problem !== undefined)) return 'error'
  const states = statuses.map((s) => s.job?.state)
  if (states.every((state) => state === 'completed' || state === 'uncommitted')) {
    return states.includes('uncommitted') ? 'uncommitted' : 'completed'
  }
  if (cancelled) return 'cancelled'
  return neverAnswered(statuses) ? 'error' : 'timed-out'
}

/**
 * True when no job was ever answered and polls failed: nothing is known of
 * the import. Jobs whose first poll never came (the deadline before their
 * turn under the rate cap) know nothing either, so they do not make it a
 * timeout. (No jobs at all never gets here: decideState calls that completed.)
 */
function neverAnswered(statuses: readonly JobStatus[]): boolean {
  return (
    statuses.every((s) => s.job === undefined) && statuses.some((s) => s.lastError !== undefined)
  )
}
