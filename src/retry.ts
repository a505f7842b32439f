/** When to try again after a transient fault. Pure: randomness and "now" are passed in. */

export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  baseMs: number
  /** The exponential growth stops here. */
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 }

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random,
 * so concurrent jobs spread out yet never retry almost at once. A server's
 * Retry-After is a floor: we never come back earlier than it asked.
 *
 * @param attempt 1 for the first retry after a failure, 2 for the next, ...
 * @param random a number in [0, 1)
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: number,
  retryAfterMs?: number,
): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  const jittered = Math.round(step / 2 + random * (step / 2))
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs)
}

/**
 * Retry-After in either form HTTP allows: delta-seconds or an HTTP-date.
 * Anything unparseable is ignored rather than trusted.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) {
    // Hundreds of digits are Infinity: a number past any deadline, never "Infinityh".
    const ms = Number(text) * 1_000
    return Number.isFinite(ms) ? ms : Number.MAX_SAFE_INTEGER
  }
  // Every HTTP-date form has a time of day; Date.parse alone takes "1.5" or "in 10".
  if (!/\d\d:\d\d:\d\d/.test(text)) return undefined
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMs)
}
