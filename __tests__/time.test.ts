import { realSleep } from '../src/time.js'

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
  test('resolves at once when already aborted or for no time', async () => {
    const cancel = new AbortController()
    cancel.abort()
    await expect(realSleep(60_000, cancel.signal)).resolves.toBeUndefined()
    await expect(realSleep(0, new AbortController().signal)).resolves.toBeUndefined()
  })
})
