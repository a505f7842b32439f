/** Time as the poll loop sees it: injected, so tests run on a virtual clock. */

export interface Clock {
  now(): number
}

/** Resolves after `ms`, or as soon as the signal fires (never rejects). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>

export const systemClock: Clock = { now: () => Date.now() }

/** The timer functions a sleep needs: injected, so a test can fire a timer early or on time. */
export interface Timers {
  now(): number
  setTimeout(fire: () => void, ms: number): unknown
  clearTimeout(timer: unknown): void
}

/**
 * A Sleep on `timers`. Node's timers run on a monotonic clock and Date.now()
 * floors another, so a timer can fire up to 1 ms before Date.now() has moved
 * on by `ms`. The loop reads the time with Date.now() (systemClock), so a wake
 * that early sleeps again: a sleep to the deadline must not end before it.
 */
export function createSleep(timers: Timers): Sleep {
  return (ms, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) {
        resolve()
        return
      }
      const wakeAt = timers.now() + ms
      let timer: unknown
      const onAbort = (): void => {
        timers.clearTimeout(timer)
        resolve()
      }
      const arm = (delayMs: number): void => {
        timer = timers.setTimeout(() => {
          const left = wakeAt - timers.now()
          if (left > 0) {
            arm(left)
            return
          }
          signal.removeEventListener('abort', onAbort)
          resolve()
        }, delayMs)
      }
      // No time (or less) still waits for the next turn of the event loop: setTimeout takes it as 1 ms.
      arm(ms)
      // An AbortSignal fires 'abort' at most once.
      signal.addEventListener('abort', onAbort)
    })
}

export const realSleep: Sleep = createSleep({
  // The clock the loop reads: a sleep to the deadline ends when that clock says so.
  now: () => systemClock.now(),
  setTimeout: (fire, ms) => setTimeout(fire, ms),
  clearTimeout: (timer) => {
    clearTimeout(timer as ReturnType<typeof setTimeout>)
  },
})
