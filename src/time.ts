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
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    // An AbortSignal fires 'abort' at most once.
    signal.addEventListener('abort', onAbort)
  })
