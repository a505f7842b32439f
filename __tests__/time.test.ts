import { realSleep } from '../src/time.js'

describe('realSleep', () => {
  test('resolves after the time', async () => {
    const started = Date.now()
    await realSleep(30, new AbortController().signal)
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
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
