/** Time as the poll loop sees it: injected, so tests run on a virtual clock. */

export interface Clock {
  now(): number
}

/** Resolves after `ms`, or as soon as the signal fires (never rejects). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>

export const systemClock: Clock = { now: () => Date.now() }

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    // No time (or less) still waits for the next turn of the event loop: setTimeout takes it as 1 ms.
    if (signal.aborted) {
      resolve()
      return
    }
    // Timers run on a monotonic clock and Date.now() floors another, so a timer
    // can fire up to 1 ms before Date.now() has moved on by `ms`. The loop reads
    // the time with Date.now() (systemClock), so a wake that early sleeps again:
    // a sleep to the deadline must not end before the deadline.
    const wakeAt = Date.now() + ms
    let timer: ReturnType<typeof setTimeout>
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve()
    }
    const arm = (delayMs: number): void => {
      timer = setTimeout(() => {
        const left = wakeAt - Date.now()
        if (left > 0) {
          arm(left)
          return
        }
        signal.removeEventListener('abort', onAbort)
        resolve()
      }, delayMs)
    }
    arm(ms)
    // An AbortSignal fires 'abort' at most once.
    signal.addEventListener('abort', onAbort)
  })
