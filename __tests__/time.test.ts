import { type Timers, createSleep, realSleep } from '../src/time.js'

describe('realSleep', () => {
  test('resolves after the time', async () => {
    const started = Date.now()
    await realSleep(30, new AbortController().signal)
    expect(Date.now() - started).toBeGreaterThanOrEqual(30)
  })
  test('never wakes before the clock has moved on by the time asked', async () => {
    // Node's timers run on a monotonic millisecond clock, and Date.now() floors
    // a different one: a bare setTimeout(ms) wakes up to 1 ms early by Date.now()
    // about 2 times in 100. The poll loop compares Date.now() with its deadline,
    // so an early wake once ended a 3 s timeout at 2,999 ms ("Timed out after 2s").
    const early: number[] = []
    for (let i = 0; i < 400; i += 1) {
      // A little busy work puts each start at a different point within a millisecond.
      const spinUntil = performance.now() + (i % 7) * 0.15
      while (performance.now() < spinUntil);
      const ms = 2 + (i % 4)
      const started = Date.now()
      await realSleep(ms, new AbortController().signal)
      const slept = Date.now() - started
      if (slept < ms) early.push(slept - ms)
    }
    expect(early).toEqual([])
  })
  test('resolves early when the signal fires, without rejecting', async () => {
    const cancel = new AbortController()
    const started = Date.now()
    setTimeout(() => {
      cancel.abort()
    }, 20)
    await realSleep(60_000, cancel.signal)
    expect(Date.now() - started).toBeLessThan(10_000)
  })
  test('a cancelled sleep leaves no timer behind (it would keep the process alive)', async () => {
    const timers = (): number =>
      process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length
    const before = timers()
    const cancel = new AbortController()
    const sleeping = realSleep(60_000, cancel.signal)
    expect(timers()).toBe(before + 1)
    cancel.abort()
    await sleeping
    expect(timers()).toBe(before)
  })

  test('resolves at once when already aborted or for no time', async () => {
    const cancel = new AbortController()
    cancel.abort()
    await expect(realSleep(60_000, cancel.signal)).resolves.toBeUndefined()
    await expect(realSleep(0, new AbortController().signal)).resolves.toBeUndefined()
  })
})

/** Timers on a hand-driven clock: `fire(at)` sets the time and runs the pending timer. */
function handTimers(): Timers & {
  time: number
  armed: { delayMs: number; handle: number }[]
  cleared: unknown[]
  fire: (at: number) => void
} {
  let pending: (() => void) | undefined
  let next = 0
  const timers = {
    time: 1_000,
    armed: [] as { delayMs: number; handle: number }[],
    cleared: [] as unknown[],
    now: () => timers.time,
    setTimeout: (fire: () => void, delayMs: number) => {
      next += 1
      pending = fire
      timers.armed.push({ delayMs, handle: next })
      return next
    },
    clearTimeout: (handle: unknown) => {
      timers.cleared.push(handle)
    },
    fire: (at: number) => {
      timers.time = at
      const run = pending
      pending = undefined
      run?.()
    },
  }
  return timers
}

describe('createSleep', () => {
  test('a timer that fires before the clock has moved on sleeps again for the rest', async () => {
    const timers = handTimers()
    let woke = false
    const sleeping = createSleep(timers)(50, new AbortController().signal).then(() => {
      woke = true
    })
    timers.fire(1_049)
    await Promise.resolve()
    expect(woke).toBe(false)
    expect(timers.armed.map((a) => a.delayMs)).toEqual([50, 1])
    timers.fire(1_050)
    await sleeping
    expect(woke).toBe(true)
  })

  test('a timer that fires on time ends the sleep, with no second timer', async () => {
    const timers = handTimers()
    const cancel = new AbortController()
    const sleeping = createSleep(timers)(50, cancel.signal)
    timers.fire(1_050)
    await sleeping
    expect(timers.armed.map((a) => a.delayMs)).toEqual([50])
    // The sleep let go of the signal when it ended: a later cancel has nothing to clear.
    cancel.abort()
    expect(timers.cleared).toEqual([])
  })

  test('a cancel clears the timer armed last', async () => {
    const timers = handTimers()
    const cancel = new AbortController()
    const sleeping = createSleep(timers)(50, cancel.signal)
    timers.fire(1_010)
    cancel.abort()
    await sleeping
    expect(timers.armed.map((a) => a.handle)).toEqual([1, 2])
    expect(timers.cleared).toEqual([2])
  })
})
