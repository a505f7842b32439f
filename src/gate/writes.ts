/**
 * Sending one commit or abort: bounded in time, sent again after a transient
 * fault (the server takes a repeated commit or abort as the same call), never
 * after a refusal. Knows no HTTP and no runner: the call, clock and sleep are
 * injected, and every answer is reported through onWrite.
 */
import { AbortedError, PermanentError, TransientError, errorMessage } from '../errors.js'
import type { JobWrite, SendWrite, WriteCall, WriteEvent, WriteMark } from '../job.js'
import type { RateLimiter } from '../poll/rate-limit.js'
import { type BackoffPolicy, backoffDelay } from '../retry.js'
import type { Clock, Sleep } from '../time.js'

export interface WriteDeps {
  write: SendWrite
  clock: Clock
  sleep: Sleep
  random: () => number
  onWrite?: (event: WriteEvent) => void
}

export interface WriteLimits {
  /** No attempt starts after this, and none outlives it. */
  deadline: number
  attempts: number
  requestTimeoutMs: number
  backoff: BackoffPolicy
  /**
   * Cancel (SIGINT/SIGTERM). A write under way is not dropped at once (its
   * answer says what happened), but from the cancel on it gets at most
   * cancelGraceMs, and is not sent again.
   */
  cancel?: AbortSignal
  cancelGraceMs?: number
  /** Spaces request starts (the poll loop's 5 requests/s), when given. */
  limiter?: RateLimiter
}

const MARKS: Record<WriteCall, { done: WriteMark; not: WriteMark }> = {
  commit: { done: 'committed', not: 'commit-failed' },
  abort: { done: 'aborted', not: 'abort-refused' },
}

/**
 * The signal for one attempt: it fires cancelGraceMs after a cancel (at once
 * counted from the attempt's start when the cancel came first). `release`
 * removes the listener, so hundreds of writes leave none behind.
 */
function attemptSignal(
  deps: WriteDeps,
  limits: WriteLimits,
): { signal: AbortSignal; release: () => void } {
  const stop = new AbortController()
  const { cancel } = limits
  if (cancel === undefined) return { signal: stop.signal, release: () => undefined }
  const cutAfterGrace = (): void => {
    void deps.sleep(limits.cancelGraceMs ?? 0, stop.signal).then(() => {
      stop.abort()
    })
  }
  if (cancel.aborted) cutAfterGrace()
  else cancel.addEventListener('abort', cutAfterGrace, { once: true })
  return {
    signal: stop.signal,
    release: () => {
      cancel.removeEventListener('abort', cutAfterGrace)
      // Ends a grace sleep still pending: nothing is left to cut.
      stop.abort()
    },
  }
}

/**
 * Sends the call until it is answered, refused, out of attempts or out of
 * time. Never throws: the record says what happened.
 */
export async function sendWrite(
  call: WriteCall,
  jobId: string,
  deps: WriteDeps,
  limits: WriteLimits,
): Promise<JobWrite> {
  const marks = MARKS[call]
  const settle = (record: JobWrite, attempt: number): JobWrite => {
    deps.onWrite?.({ call, jobId, attempt, settled: record })
    return record
  }
  const cancelled = (): boolean => limits.cancel?.aborted === true
  let lastFault = 'no time was left to send it'
  const never = new AbortController().signal
  for (let attempt = 1; attempt <= limits.attempts; attempt += 1) {
    // The first attempt goes out even after a cancel (an abort on cancel is one); no retry does.
    if (attempt > 1 && cancelled()) break
    if (limits.limiter !== undefined && !(await limits.limiter.acquire(limits.deadline, never))) {
      break
    }
    const timeoutMs = Math.min(limits.requestTimeoutMs, limits.deadline - deps.clock.now())
    if (timeoutMs <= 0) break
    const { signal, release } = attemptSignal(deps, limits)
    try {
      const answer = await deps.write(call, jobId, { signal, timeoutMs })
      const record: JobWrite = {
        call,
        mark: answer.kind === 'done' ? marks.done : marks.not,
        answer: answer.said,
      }
      if (answer.kind === 'unsupported') record.unsupported = true
      return settle(record, attempt)
    } catch (error) {
      if (error instanceof AbortedError) {
        // Cut short after a cancel: the server may or may not have acted.
        lastFault = 'the run was cancelled before an answer came'
        break
      }
      if (!(error instanceof TransientError)) {
        // A refused key or permission, a redirect: sending it again will not help.
        const why =
          error instanceof PermanentError
            ? error.message
            : `Unexpected error: ${errorMessage(error)}`
        return settle({ call, mark: marks.not, answer: why }, attempt)
      }
      lastFault = error.message
      const now = deps.clock.now()
      const delay = backoffDelay(attempt, limits.backoff, deps.random(), error.retryAfterMs)
      const again = attempt < limits.attempts && now + delay < limits.deadline && !cancelled()
      deps.onWrite?.({
        call,
        jobId,
        attempt,
        fault: error.message,
        ...(again ? { retryInMs: delay } : {}),
      })
      if (!again) break
      // A cancel ends the back-off at once; the loop then stops.
      await deps.sleep(delay, limits.cancel ?? never)
    } finally {
      release()
    }
  }
  return settle(
    { call, mark: marks.not, answer: `no answer: ${lastFault}`, unanswered: true },
    limits.attempts,
  )
}
