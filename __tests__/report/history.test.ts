import { describe, expect, test } from '@jest/globals'
import type { ImportJob, UpdateEvent } from '../../src/job.js'
import { HISTORY_MAX_POINTS, createHistory } from '../../src/report/history.js'

const update = (jobId: string, progress: number, elapsedMs: number): UpdateEvent => {
  const job: ImportJob = { jobId, state: 'importing', progress, files: [] }
  return { kind: 'update', jobId, job, previous: undefined, elapsedMs }
}

describe('createHistory', () => {
  test('keeps the answers that changed progress, and counts every answer', () => {
    const history = createHistory()
    for (const [progress, at] of [
      [10, 0],
      [10, 1_000],
      [40, 2_000],
      [40, 3_000],
      [40, 4_000],
      [100, 5_000],
    ] as const)
      history.record(update('a', progress, at))
    history.record(update('b', 5, 500))
    const seen = history.snapshot()
    expect(seen.get('a')).toEqual({
      points: [
        { atMs: 0, progress: 10 },
        { atMs: 2_000, progress: 40 },
        { atMs: 5_000, progress: 100 },
      ],
      answers: 6,
    })
    expect(seen.get('b')).toEqual({ points: [{ atMs: 500, progress: 5 }], answers: 1 })
    expect(seen.has('c')).toBe(false)
  })

  test('a snapshot does not change with later answers', () => {
    const history = createHistory()
    history.record(update('a', 10, 0))
    const before = history.snapshot()
    history.record(update('a', 20, 1_000))
    expect(before.get('a')).toEqual({ points: [{ atMs: 0, progress: 10 }], answers: 1 })
    expect(history.snapshot().get('a')?.points).toHaveLength(2)
  })

  test('past its bound, a job is thinned to every other point, first and last kept', () => {
    const history = createHistory(4)
    for (let i = 0; i < 5; i += 1) history.record(update('a', i % 2 === 0 ? 10 : 20, i * 1_000))
    // Five points (10, 20, 10, 20, 10) are one too many: the odd ones go.
    expect(history.snapshot().get('a')?.points).toEqual([
      { atMs: 0, progress: 10 },
      { atMs: 2_000, progress: 10 },
      { atMs: 4_000, progress: 10 },
    ])
    history.record(update('a', 20, 5_000))
    history.record(update('a', 30, 6_000))
    // 10, 10, 10, 20, 30: thinned to 10, 10, 30, with the last (30) kept.
    expect(history.snapshot().get('a')?.points).toEqual([
      { atMs: 0, progress: 10 },
      { atMs: 4_000, progress: 10 },
      { atMs: 6_000, progress: 30 },
    ])
  })

  test('a job that goes back and forth stays within the bound', () => {
    const history = createHistory()
    for (let i = 0; i < 10_000; i += 1) history.record(update('a', i % 2, i))
    const points = history.snapshot().get('a')?.points ?? []
    expect(points.length).toBeLessThanOrEqual(HISTORY_MAX_POINTS)
    expect(points[0]).toEqual({ atMs: 0, progress: 0 })
    expect(points.at(-1)).toEqual({ atMs: 9_999, progress: 1 })
  })
})
