/**
 * Sending one commit or abort: bounded in time, sent again after a transient
 * fault (the server takes a repeated commit or abort as the same call), never
 * after a refusal. Knows no HTTP and no runner: the call, clock and sleep are
 * injected, and every answer is reported through onWrite.
 */
import { PermanentError, TransientError, errorMessage } from '../errors.js'
import type { JobWrite, SendWrite, WriteCall, WriteMark } from '../job.js'
import { type BackoffPolicy, backoffDelay } from '../retry.js'
import type { Clock, Sleep } from '../time.js'

/** One attempt's result, for the log: every call is named with the server's answer. */
export interface WriteEvent {
  call: WriteCall
  jobId: string
  attempt: number
  /** The final record once the call is settled; absent while it will be sent again. */
  settled?: JobWrite
  /** The transient fault of this attempt, and when it is sent again. */
  fault?: string
  retryInMs?: number
}

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
}

const MARKS: Record<WriteCall, { done: WriteMark; not: WriteMark }> = {
  commit: { done: 'committed', not: 'commit-failed' },
  abort: { done: 'aborted', not: 'abort-refused' },
}

/**
 * Sends the call until it is answered, refused, out of attempts or out of
 * time. Never throws: the record says what happened. No cancel signal: a
 * write once started is let finish within its bounds, so its answer is known.
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
  let lastFault = 'no time was left to send it'
  for (let attempt = 1; attempt <= limits.attempts; attempt += 1) {
    const timeoutMs = Math.min(limits.requestTimeoutMs, limits.deadline - deps.clock.now())
    if (timeoutMs <= 0) break
    try {
      const answer = await deps.write(call, jobId, {
        signal: new AbortController().signal,
        timeoutMs,
      })
      const record: JobWrite = {
        call,
        mark: answer.kind === 'done' ? marks.done : marks.not,
        answer: answer.said,
      }
      if (answer.kind === 'unsupported') record.unsupported = true
      return settle(record, attempt)
    } catch (error) {
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
      const again = attempt < limits.attempts && now + delay < limits.deadline
      deps.onWrite?.({
        call,
        jobId,
        attempt,
        fault: error.message,
        ...(again ? { retryInMs: delay } : {}),
      })
      if (!again) break
      await deps.sleep(delay, new AbortController().signal)
    }
  }
  return settle(
    { call, mark: marks.not, answer: `no answer: ${lastFault}`, unanswered: true },
    limits.attempts,
  )
}
