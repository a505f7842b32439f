import { createRateLimiter } from '../../src/poll/rate-limit.js'
import { VirtualTime } from '../helpers/virtual-time.js'

describe('createRateLimiter', () => {
  const open = () => new AbortController().signal

  test('a free slot is taken at once, without sleeping; the next waits the spacing', async () => {
    const vt = new VirtualTime()
    const sleeps: number[] = []
    const limiter = createRateLimiter(500, vt.clock, (ms, signal) => {
      sleeps.push(ms)
      return vt.sleep(ms, signal)
    })
    expect(await limiter.acquire(Number.POSITIVE_INFINITY, open())).toBe(true)
    expect(sleeps).toEqual([])
    expect(await limiter.acquire(Number.POSITIVE_INFINITY, open())).toBe(true)
    expect(sleeps).toEqual([500])
    expect(vt.elapsed).toBe(500)
  })

  test('a slot after the deadline is refused without waiting; one at the deadline is taken', async () => {
    const vt = new VirtualTime()
    const limiter = createRateLimiter(500, vt.clock, vt.sleep)
    const start = vt.clock.now()
    expect(await limiter.acquire(start, open())).toBe(true)
    expect(await limiter.acquire(start + 499, open())).toBe(false)
    expect(vt.elapsed).toBe(0)
    expect(await limiter.acquire(start + 500, open())).toBe(true)
    expect(vt.elapsed).toBe(500)
  })

  test('a fired signal is a refusal, at once', async () => {
    const vt = new VirtualTime()
    const limiter = createRateLimiter(500, vt.clock, vt.sleep)
    const cancel = new AbortController()
    cancel.abort()
    expect(await limiter.acquire(Number.POSITIVE_INFINITY, cancel.signal)).toBe(false)
    expect(await limiter.acquire(Number.POSITIVE_INFINITY, cancel.signal)).toBe(false)
    expect(vt.elapsed).toBe(0)
  })
})
