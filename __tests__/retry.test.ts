import { backoffDelay, parseRetryAfter } from '../src/retry.js'

const policy = { baseMs: 1_000, maxMs: 60_000 }

describe('backoffDelay', () => {
  test('doubles per attempt, jittered within the upper half of the step', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, 0))).toEqual([500, 1_000, 2_000, 4_000])
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, 0.999_999))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ])
  })
  test('stops growing at the cap', () => {
    expect(backoffDelay(30, policy, 0.999_999)).toBe(60_000)
    expect(backoffDelay(30, policy, 0)).toBe(30_000)
  })
  test('treats Retry-After as a floor, never a ceiling', () => {
    expect(backoffDelay(1, policy, 0, 10_000)).toBe(10_000)
    expect(backoffDelay(5, policy, 0, 100)).toBe(8_000)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  test('delta-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7_000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    // Many digits: a server asking for two minutes is heard.
    expect(parseRetryAfter('120', now)).toBe(120_000)
  })
  test('so many digits that they are Infinity: the largest safe wait, never Infinity', () => {
    expect(parseRetryAfter('9'.repeat(400), now)).toBe(Number.MAX_SAFE_INTEGER)
    expect(parseRetryAfter('9'.repeat(300), now)).toBe(Number('9'.repeat(300)) * 1_000)
  })
  test('HTTP-date, relative to now, never negative', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0)
  })
  test.each([
    undefined,
    '',
    '1.5',
    '-3',
    '10s',
    'in 10',
    'soon-ish',
    'Mon, 99 Foo',
    'Mon, 99 Foo 2026 10:00:00 GMT',
  ])('ignores %j', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined()
  })
})
