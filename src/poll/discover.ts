/**
 * Finding a collection's import jobs: the list, every page, retried on
 * transient faults until the deadline, then split into the jobs to wait for
 * (not settled when the wait starts) and those already finished. Knows
 * nothing of HTTP or the runner.
 */
import { AbortedError, TransientError } from '../errors.js'
import { type CollectionFind, type ListJobs, type ListedJob, isSettled } from '../job.js'
import { type BackoffPolicy, DEFAULT_BACKOFF, backoffDelay } from '../retry.js'
import type { Clock, Sleep } from '../time.js'
import { createRateLimiter } from './rate-limit.js'
import { type ListSnapshot, listAllPages } from './rounds.js'
import { POLL_DEFAULTS } from './wait.js'

export interface DiscoverOptions {
  collectionName: string
  listJobs: ListJobs
  clock: Clock
  sleep: Sleep
  random: () => number
  signal: AbortSignal
  timeoutMs: number
  onRetry?: (event: { reason: string; attempt: number; delayMs: number }) => void
  requestSpacingMs?: number
  backoff?: BackoffPolicy
}

export interface Discovery {
  find: CollectionFind
  /** The list as taken: the first round of the wait uses it rather than asking again. */
  snapshot: ListSnapshot
}

/**
 * Lists the collection's jobs. Throws what the list threw when it is refused
 * or unreadable (the caller reports it), TransientError when faults lasted
 * until the deadline, and AbortedError on cancel.
 */
export async function discoverJobs(options: DiscoverOptions): Promise<Discovery> {
  const { clock, sleep, signal, collectionName } = options
  const deadline = clock.now() + options.timeoutMs
  const limiter = createRateLimiter(
    options.requestSpacingMs ?? POLL_DEFAULTS.requestSpacingMs,
    clock,
    sleep,
  )
  const backoff = options.backoff ?? DEFAULT_BACKOFF
  for (let attempt = 1; ; attempt += 1) {
    try {
      const snapshot = await listAllPages(options.listJobs, {
        acquire: () => limiter.acquire(Math.max(deadline, clock.now()), signal),
        signal,
        timeoutMs: () =>
          Math.min(
            POLL_DEFAULTS.requestTimeoutMs,
            Math.max(deadline - clock.now(), POLL_DEFAULTS.minRequestTimeoutMs),
          ),
      })
      if (snapshot === undefined) throw new AbortedError('the wait was cancelled')
      return { find: splitFound(collectionName, snapshot), snapshot }
    } catch (error) {
      if (signal.aborted) throw new AbortedError('the wait was cancelled')
      if (!(error instanceof TransientError)) throw error
      const now = clock.now()
      if (now >= deadline) throw error
      const retryAt = Math.min(
        now + backoffDelay(attempt, backoff, options.random(), error.retryAfterMs),
        deadline,
      )
      options.onRetry?.({ reason: error.message, attempt, delayMs: retryAt - now })
      await sleep(retryAt - now, signal)
    }
  }
}

/**
 * Job IDs in order: the numbers in them by value (Milvus's IDs are int64s as
 * text, and "job-2" comes before "job-10"), the rest by character; "007"
 * before "7", which it equals. Written out rather than localeCompare(...,
 * { numeric: true }), which loads ICU's collation data: about 3 MiB of memory
 * for one sort.
 */
export function byId(a: string, b: string): number {
  return byCharacter(sortKey(a), sortKey(b)) || byCharacter(a, b)
}

/** Every number at one width (a job ID has at most 128 characters), so that character order is number order. */
const sortKey = (id: string): string => id.replace(/\d+/g, (digits) => digits.padStart(128, '0'))

const byCharacter = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The collection's jobs, in order of ID: those not settled to wait for,
 * the rest as found. Zilliz Cloud lists every collection's jobs; Milvus has
 * filtered already, and a record without a name is taken as the collection's.
 */
export function splitFound(collectionName: string, snapshot: ListSnapshot): CollectionFind {
  const waited: string[] = []
  const finished: ListedJob[] = []
  for (const job of snapshot.jobs.values()) {
    if (job.collectionName !== undefined && job.collectionName !== collectionName) continue
    if (isSettled(job.state)) finished.push(job)
    else waited.push(job.jobId)
  }
  // The list comes in any order (Milvus walks a map): IDs in order make every run read alike.
  waited.sort(byId)
  finished.sort((a, b) => byId(a.jobId, b.jobId))
  return { collectionName, waited, finished }
}
