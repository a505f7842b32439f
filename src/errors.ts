/**
 * The two ways one poll can go wrong, as the poll loop sees them. The API
 * client decides which applies; the loop only knows "try again" or "stop".
 */

/** What a transient fault says beyond its message. */
export interface TransientDetail {
  /** The server's own wish for when to come back (Retry-After), if it said. */
  retryAfterMs?: number
  /**
   * What the API host answered, in a few words ("HTTP 503", "code 1807"),
   * when it answered at all: the host was reached, it only did not serve the
   * request. Absent for faults with no answer (no connection, silence).
   */
  answered?: string
}

/** Worth another try until the deadline: network faults, 5xx, throttling, garbage bodies. */
export class TransientError extends Error {
  override readonly name = 'TransientError'
  readonly retryAfterMs: number | undefined
  readonly answered: string | undefined

  constructor(message: string, detail: TransientDetail = {}) {
    super(message)
    this.retryAfterMs = detail.retryAfterMs
    this.answered = detail.answered
  }
}

/** Asking again will not help: bad key, unknown job, wrong host, malformed answer. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError'
}

/**
 * The server has no list call this action can use: HTTP 404 or 405, a body
 * that says the route is unknown, or an answer in a shape it does not know.
 * The loop goes back to one describe per job.
 */
export class ListUnsupportedError extends Error {
  override readonly name = 'ListUnsupportedError'
}

/** The caller's signal fired (cancel or fail-fast); not a fault of the server. */
export class AbortedError extends Error {
  override readonly name = 'AbortedError'
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
