/** Time as the poll loop sees it: injected, so tests run on a virtual clock. */

export interface Clock {
  now(): number
}

/** Resolves after `ms`, or as soon as the signal fires (never rejects). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>

export const systemClock: Clock = { now: () => Date.now() }

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted || ms <= 0) {
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
    signal.addEventListener('abort', onAbort, { once: true })
  })
