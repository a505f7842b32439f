/**
 * One request budget shared by every job's poll loop: request starts are kept
 * at least `spacingMs` apart (200 ms = 5 requests/s). Reservations are taken
 * synchronously, so concurrent callers can never claim the same slot.
 */
import type { Clock, Sleep } from '../time.js'

export interface RateLimiter {
  /**
   * Waits for the next free slot. Returns false, without waiting, when that
   * slot would start after `notAfterMs` (the deadline) or the signal fired.
   */
  acquire(notAfterMs: number, signal: AbortSignal): Promise<boolean>
}

export function createRateLimiter(spacingMs: number, clock: Clock, sleep: Sleep): RateLimiter {
  let lastSlot = Number.NEGATIVE_INFINITY
  return {
    async acquire(notAfterMs, signal) {
      // A signal that already fired ends the sleep at once and answers false below.
      const now = clock.now()
      const slot = Math.max(now, lastSlot + spacingMs)
      if (slot > notAfterMs) return false
      lastSlot = slot
      if (slot > now) await sleep(slot - now, signal)
      return !signal.aborted
    },
  }
}
