import { forecastFinish } from '../../src/poll/forecast.js'

const s = (atMs: number, progress: number) => ({ atMs, progress })

describe('forecastFinish', () => {
  test('steady progress predicts the finish', () => {
    expect(forecastFinish([s(0, 10), s(5_000, 20), s(10_000, 30)])).toBe(45_000)
  })
  test('uses only the last three samples', () => {
    expect(forecastFinish([s(0, 0), s(1, 90), s(5_000, 91), s(10_000, 92), s(15_000, 93)])).toBe(
      15_000 + 7 * 5_000,
    )
  })
  test.each([
    ['fewer than three samples', [s(0, 10), s(5_000, 20)]],
    ['a plateau', [s(0, 80), s(5_000, 85), s(10_000, 85)]],
    ['a step then a crawl', [s(0, 10), s(5_000, 40), s(10_000, 41)]],
    ['a crawl then a step', [s(0, 10), s(5_000, 11), s(10_000, 40)]],
    ['going backwards', [s(0, 60), s(5_000, 70), s(10_000, 30)]],
    ['samples out of order', [s(5_000, 10), s(0, 20), s(10_000, 30)]],
    // Rising progress over falling time: the rates agree, only the order is wrong.
    ['time running backwards', [s(10_000, 30), s(5_000, 20), s(0, 10)]],
    ['two samples at the same instant (first pair)', [s(0, 10), s(0, 20), s(5_000, 30)]],
    ['two samples at the same instant (last pair)', [s(0, 10), s(5_000, 20), s(5_000, 30)]],
    ['no progress at all', [s(0, 10), s(5_000, 10), s(10_000, 10)]],
    ['a stall then progress', [s(0, 10), s(5_000, 10), s(10_000, 20)]],
    ['steady progress backwards', [s(0, 30), s(5_000, 20), s(10_000, 10)]],
  ])('no forecast for %s', (_name, samples) => {
    expect(forecastFinish(samples)).toBeUndefined()
  })
  test('tolerates a pace that varies by up to 25% of the faster rate, inclusive', () => {
    // Rates 12 and 16 per ms: 4 apart, exactly 25% of 16 (and 33% of 12).
    expect(forecastFinish([s(0, 4), s(1, 16), s(2, 32)])).toBe(2 + 68 / 14)
    expect(forecastFinish([s(0, 10), s(5_000, 20), s(10_000, 33)])).toBeDefined()
    expect(forecastFinish([s(0, 10), s(5_000, 20), s(10_000, 32)])).toBeDefined()
    expect(forecastFinish([s(0, 10), s(5_000, 20), s(10_000, 34)])).toBeUndefined()
  })
})
