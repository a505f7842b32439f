/**
 * The two ways one poll can go wrong, as the poll loop sees them. The API
 * client decides which applies; the loop only knows "try again" or "stop".
 */

/** Worth another try until the deadline: network faults, 5xx, throttling, garbage bodies. */
export class TransientError extends Error {
  override readonly name = 'TransientError'
  /** The server's own wish for when to come back (Retry-After), if it said. */
  readonly retryAfterMs: number | undefined

  constructor(message: string, retryAfterMs?: number) {
    super(message)
    this.retryAfterMs = retryAfterMs
  }
}

/** Asking again will not help: bad key, unknown job, wrong host, malformed answer. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError'
}

/** The caller's signal fired (cancel or fail-fast); not a fault of the server. */
export class AbortedError extends Error {
  override readonly name = 'AbortedError'
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
