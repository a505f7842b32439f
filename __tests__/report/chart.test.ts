import { describe, expect, test } from '@jest/globals'
import type { JobStatus, ProgressHistory, ProgressPoint } from '../../src/job.js'
import {
  CHART_FAILURES_NAMED,
  CHART_MAX_LINES,
  CHART_POINTS,
  progressAt,
  progressChart,
} from '../../src/report/chart.js'
import { importJob, outcome } from '../helpers/outcomes.js'

const history = (
  jobs: Record<string, { points: [number, number][]; answers?: number }>,
): ProgressHistory =>
  new Map(
    Object.entries(jobs).map(([jobId, { points, answers }]) => [
      jobId,
      {
        points: points.map(([atMs, progress]): ProgressPoint => ({ atMs, progress })),
        answers: answers ?? points.length,
      },
    ]),
  )

const running = (jobId: string, extra: Partial<JobStatus> = {}): JobStatus => ({
  jobId,
  job: importJob(jobId, { state: 'importing', progress: 50 }),
  ...extra,
})

/** The mermaid block's lines, between the fences. */
function mermaid(markdown: string): string[] {
  const match = /\n```mermaid\n([\s\S]*?)\n```\n/.exec(markdown)
  if (match?.[1] === undefined) throw new Error(`no mermaid block in:\n${markdown}`)
  return match[1].split('\n')
}

/** The values of each `line [...]` (or `bar [...]`). */
const series = (lines: string[], kind: 'line' | 'bar'): number[][] =>
  lines
    .filter((l) => l.trimStart().startsWith(`${kind} [`))
    .map((l) =>
      (/\[(.*)\]/.exec(l)?.[1] ?? '').split(', ').map((v) => {
        expect(v).toMatch(/^\d+(\.\d)?$/)
        return Number(v)
      }),
    )

describe('progressAt: the step line through the recorded points', () => {
  const points = [
    { atMs: 1_000, progress: 10 },
    { atMs: 3_000, progress: 40 },
  ]
  test.each([
    [0, 0],
    [999, 0],
    [1_000, 10],
    [2_999, 10],
    [3_000, 40],
    [60_000, 40],
  ])('at %p ms: %p', (atMs, expected) => {
    expect(progressAt(points, atMs)).toBe(expected)
  })
})

describe('progressChart', () => {
  test('one line per job on a time axis, 0-100%, between blank lines, legend after', () => {
    const md = progressChart(
      outcome('timed-out', [running('a'), running('b')], 120_000),
      history({
        a: {
          points: [
            [0, 10],
            [60_000, 85],
          ],
          answers: 40,
        },
        b: { points: [[30_000, 50]], answers: 20 },
      }),
    )
    expect(md.startsWith('<h3>Progress over time</h3>\n\n```mermaid\n')).toBe(true)
    expect(md).toContain('\n```\n\n<p>')
    const lines = mermaid(md)
    expect(lines).toContain('xychart-beta')
    expect(lines).toContain('  x-axis "seconds since the start" 0 --> 120')
    expect(lines).toContain('  y-axis "progress (%)" 0 --> 100')
    expect(lines).toContain('    showLegend: false')
    expect(lines).toContain('      plotColorPalette: "#55acee, #f4900c"')
    expect(series(lines, 'bar')).toEqual([])
    const [a, b] = series(lines, 'line')
    expect(a).toHaveLength(CHART_POINTS)
    expect(b).toHaveLength(CHART_POINTS)
    // 2 s a column: a is 10% until 60 s, then 85% flat to the end (the plateau).
    expect(a?.slice(0, 30)).toEqual(Array(30).fill(10))
    expect(a?.slice(30)).toEqual(Array(31).fill(85))
    // b had no answer before 30 s: 0% until then.
    expect(b?.slice(0, 15)).toEqual(Array(15).fill(0))
    expect(b?.slice(15)).toEqual(Array(46).fill(50))
    expect(md).toContain('<p>🟦 <code>a</code> · 🟧 <code>b</code></p>')
  })

  test("a failure: the failed job's line is red, and the legend says when it failed", () => {
    const failed: JobStatus = {
      jobId: 'bad',
      job: importJob('bad', { state: 'failed', progress: 40, progressLastSeen: true }),
      settledAfterMs: 30_000,
    }
    const md = progressChart(
      outcome('failed', [failed, running('a'), running('b')], 60_000),
      history({
        a: { points: [[0, 20]], answers: 3 },
        bad: {
          points: [
            [0, 10],
            [20_000, 40],
          ],
          answers: 3,
        },
      }),
    )
    const lines = mermaid(md)
    // Colours in the order of the lines: red for the failed one; the others keep theirs in turn.
    expect(lines).toContain('      plotColorPalette: "#dd2e44, #55acee, #f4900c"')
    expect(series(lines, 'line')[0]?.slice(19, 22)).toEqual([10, 40, 40])
    expect(series(lines, 'bar')).toEqual([])
    expect(md).toContain(
      '<p>🟥 <code>bad</code>, failed after 30s · 🟦 <code>a</code> · 🟧 <code>b</code></p>',
    )
  })

  test('a failed job without its settle time: failed after its last point', () => {
    const failed: JobStatus = { jobId: 'bad', job: importJob('bad', { state: 'failed' }) }
    const md = progressChart(
      outcome('failed', [failed], 60_000),
      history({
        bad: {
          points: [
            [0, 10],
            [20_000, 30],
            [45_000, 40],
          ],
          answers: 4,
        },
      }),
    )
    expect(md).toContain('🟥 <code>bad</code>, failed after 45s')
  })

  test('a failed job with neither a settle time nor a point: failed, no time guessed', () => {
    const failed: JobStatus = { jobId: 'bad', job: importJob('bad', { state: 'failed' }) }
    const md = progressChart(
      outcome('failed', [failed, running('a')], 60_000),
      history({ a: { points: [[0, 10]], answers: 3 } }),
    )
    expect(md).toContain('<p>🟥 <code>bad</code>, failed · 🟦 <code>a</code></p>')
  })

  test('beyond a handful of jobs, failed jobs keep their red lines beside the overall one, the first few', () => {
    const jobs: JobStatus[] = [
      ...Array.from({ length: CHART_MAX_LINES }, (_, i) => running(`ok${i}`)),
      ...Array.from({ length: CHART_FAILURES_NAMED + 2 }, (_, i) => ({
        jobId: `f${i}`,
        job: importJob(`f${i}`, { state: 'failed' as const }),
        settledAfterMs: 1_000 * (i + 1),
      })),
    ]
    const md = progressChart(
      outcome('failed', jobs, 60_000),
      history(Object.fromEntries(jobs.map((j) => [j.jobId, { points: [[0, 5]], answers: 3 }]))),
    )
    const lines = mermaid(md)
    expect(series(lines, 'line')).toHaveLength(1 + CHART_FAILURES_NAMED)
    expect(lines).toContain('      plotColorPalette: "#55acee, #dd2e44, #dd2e44, #dd2e44"')
    expect(md).toContain(
      `<p>🟦 overall progress of the ${jobs.length} jobs · 🟥 <code>f0</code>, failed after 1s · ` +
        '🟥 <code>f1</code>, failed after 2s · 🟥 <code>f2</code>, failed after 3s · ' +
        '2 more jobs failed (not drawn)</p>',
    )
  })

  test('beyond a handful of jobs, one line: overall progress, weighted by size as the summary is', () => {
    const count = CHART_MAX_LINES + 1
    const jobs = Array.from({ length: count }, (_, i) => ({
      jobId: `j${i}`,
      job: importJob(`j${i}`, { state: 'importing', fileSize: i === 0 ? 5_000 : 1_000 }),
    }))
    const md = progressChart(
      outcome('timed-out', jobs, 60_000),
      history({
        // The big job (5,000 B of 10,000) is at 100% from 30 s; the rest never move from 0.
        j0: {
          points: [
            [0, 0],
            [30_000, 100],
          ],
          answers: 10,
        },
      }),
    )
    const lines = series(mermaid(md), 'line')
    expect(lines).toHaveLength(1)
    expect(lines[0]?.[29]).toBe(0)
    expect(lines[0]?.[30]).toBe(50)
    expect(md).toContain(`<p>🟦 overall progress of the ${count} jobs</p>`)
    expect(md).not.toContain('<code>j0</code>')
  })

  test('a handful of jobs is still a line each', () => {
    const jobs = Array.from({ length: CHART_MAX_LINES }, (_, i) => running(`j${i}`))
    const md = progressChart(
      outcome('timed-out', jobs, 60_000),
      history({ j0: { points: [[0, 1]], answers: 5 } }),
    )
    expect(series(mermaid(md), 'line')).toHaveLength(CHART_MAX_LINES)
    expect(md).toContain('🟫 <code>j4</code>')
  })

  test.each([
    [3 * 60_000, '"seconds since the start" 0 --> 180'],
    [3 * 60_000 + 1, '"minutes since the start" 0 --> 3'],
    [90 * 60_000, '"minutes since the start" 0 --> 90'],
    [3 * 3_600_000, '"minutes since the start" 0 --> 180'],
    [3 * 3_600_000 + 360_000, '"hours since the start" 0 --> 3.1'],
  ])('a run of %p ms: x-axis %s', (elapsedMs, axis) => {
    const md = progressChart(
      outcome('timed-out', [running('a')], elapsedMs),
      history({ a: { points: [[0, 1]], answers: 3 } }),
    )
    expect(mermaid(md)).toContain(`  x-axis ${axis}`)
  })

  test.each([
    ['fewer than three answers for every job', 60_000, 2],
    ['no time passed', 0, 5],
    ['too little time to draw an axis (under 50 ms)', 40, 5],
  ])('no chart: %s', (_, elapsedMs, answers) => {
    expect(
      progressChart(
        outcome('completed', [running('a')], elapsedMs),
        history({ a: { points: [[0, 100]], answers } }),
      ),
    ).toBe('')
  })

  test('no chart without jobs, or without a single answer', () => {
    const answered = history({ a: { points: [[0, 50]], answers: 5 } })
    expect(progressChart(outcome('completed', [], 60_000), answered)).toBe('')
    expect(progressChart(outcome('timed-out', [running('a')], 60_000), history({}))).toBe('')
  })

  test('job IDs never enter the mermaid text; in the legend they are escaped', () => {
    const hostile = 'j"] ``` <img src=x onerror=alert(1)>'
    const md = progressChart(
      outcome('timed-out', [running(hostile)], 60_000),
      history({ [hostile]: { points: [[0, 30]], answers: 3 } }),
    )
    const block = mermaid(md).join('\n')
    expect(block).not.toContain('j"')
    expect(block).not.toContain('<img')
    expect(md).toContain(
      '<code>j&quot;&#93; &#96;&#96;&#96; &lt;img src=x onerror=alert(1)&gt;</code>',
    )
    expect(md.match(/```/g)).toHaveLength(2)
  })

  test('values keep at most one decimal, as the points give them', () => {
    const md = progressChart(
      outcome('timed-out', [running('a')], 60_000),
      history({
        a: {
          points: [
            [0, 0],
            [10_000, 33.3],
            [20_000, 99.9],
          ],
          answers: 3,
        },
      }),
    )
    const [line] = series(mermaid(md), 'line')
    expect(new Set(line)).toEqual(new Set([0, 33.3, 99.9]))
  })
})
