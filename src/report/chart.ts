/**
 * Progress over time as a mermaid `xychart-beta`, which GitHub draws in job
 * summaries: one line per job up to CHART_MAX_LINES jobs, the overall
 * progress beyond that; a failed job's line is red. Pure. The chart
 * holds only the action's own numbers and words; job IDs (the user's text)
 * go in the HTML legend under it, escaped: the mermaid GitHub runs draws no
 * legend for xychart lines (one came in mermaid 11.17, and is turned off here
 * so every version shows the same), and its parser has no escape for a quote.
 *
 * Each line is a step line through the recorded points (src/report/history.ts):
 * the value at a time is the last answer before it, so a plateau draws flat
 * and a job with no answer yet sits at 0.
 */
import {
  type JobStatus,
  type Outcome,
  type ProgressHistory,
  type ProgressPoint,
  lastKnownJob,
  overallProgress,
} from '../job.js'
import { escapeHtml, thousands } from '../text.js'
import { formatDuration } from './format.js'

/** One line per job up to this many jobs ("a handful"); one overall line beyond. */
export const CHART_MAX_LINES = 5
/** Points per line: enough to see a plateau, few enough to stay small (about 2 kB a chart). */
export const CHART_POINTS = 61
/** Beyond CHART_MAX_LINES jobs, this many failed jobs get their own line; the rest are counted. */
export const CHART_FAILURES_NAMED = 3
/** A chart needs at least this many answers for some job: two points say nothing of time. */
export const CHART_MIN_ANSWERS = 3

/**
 * Line colours, in the order of the legend's squares. They are the colours
 * of the emoji squares (🟦 🟧 🟩 🟪 🟫) that name each line under the chart.
 */
const LINE_COLOURS = [
  { colour: '#55acee', square: '🟦' },
  { colour: '#f4900c', square: '🟧' },
  { colour: '#78b159', square: '🟩' },
  { colour: '#aa8ed6', square: '🟪' },
  { colour: '#c1694f', square: '🟫' },
] as const
const FAILURE = { colour: '#dd2e44', square: '🟥' }

/** The time axis' unit: seconds for short runs, minutes, then hours. */
function timeUnit(totalMs: number): { name: string; ms: number } {
  if (totalMs <= 3 * 60_000) return { name: 'seconds', ms: 1_000 }
  if (totalMs <= 3 * 3_600_000) return { name: 'minutes', ms: 60_000 }
  return { name: 'hours', ms: 3_600_000 }
}

/** A number as mermaid reads it: at most one decimal, no exponent (String(-0) is "0"). */
const num = (value: number): string => String(Math.round(value * 10) / 10)

/** The step line's value at a time: the last point at or before it, else 0. */
export function progressAt(points: readonly ProgressPoint[], atMs: number): number {
  let value = 0
  for (const point of points) {
    if (point.atMs > atMs) break
    value = point.progress
  }
  return value
}

interface Series {
  values: number[]
  colour: string
  /** The legend's square, of the line's colour. */
  square: string
  /** The legend's text for this line, as HTML. */
  label: string
}

/** A job's line: the step line through its points at each time of the axis. */
const valuesOf = (jobId: string, history: ProgressHistory, times: readonly number[]): number[] =>
  times.map((t) => progressAt(history.get(jobId)?.points ?? [], t))

/**
 * A failed job's line is red, and the legend says when it failed. The line
 * keeps its last value to the end of the axis (xychart has no gaps); with
 * fail-fast the wait ends there, so its last step is the failure.
 */
function failedSeries(
  status: JobStatus,
  history: ProgressHistory,
  times: readonly number[],
): Series {
  const atMs = status.settledAfterMs ?? history.get(status.jobId)?.points.at(-1)?.atMs
  const when = atMs === undefined ? '' : ` after ${formatDuration(atMs)}`
  return {
    values: valuesOf(status.jobId, history, times),
    ...FAILURE,
    label: `<code>${escapeHtml(status.jobId)}</code>, failed${when}`,
  }
}

const failed = (status: JobStatus): boolean => status.job?.state === 'failed'

/** The lines to draw, and legend notes that have no line. */
function seriesOf(
  statuses: readonly JobStatus[],
  history: ProgressHistory,
  times: readonly number[],
): { series: Series[]; notes: string[] } {
  if (statuses.length <= CHART_MAX_LINES) {
    let next = 0
    const series = statuses.map((status): Series => {
      if (failed(status)) return failedSeries(status, history, times)
      const colour = LINE_COLOURS[next++ % LINE_COLOURS.length] ?? LINE_COLOURS[0]
      const values = valuesOf(status.jobId, history, times)
      return { values, ...colour, label: `<code>${escapeHtml(status.jobId)}</code>` }
    })
    return { series, notes: [] }
  }
  // Beyond a handful of lines nobody can tell them apart: one line, weighted as the
  // summary's, and the failed jobs' own red lines (the first few), so a failure shows where.
  const sized = statuses.map(lastKnownJob)
  const overall = times.map((t) =>
    overallProgress(
      sized.map((job) => ({
        ...job,
        progress: progressAt(history.get(job.jobId)?.points ?? [], t),
      })),
    ),
  )
  const failures = statuses.filter(failed)
  const shown = failures.slice(0, CHART_FAILURES_NAMED)
  const more = failures.length - shown.length
  return {
    series: [
      {
        values: overall,
        ...LINE_COLOURS[0],
        label: `overall progress of the ${thousands(statuses.length)} jobs`,
      },
      ...shown.map((status) => failedSeries(status, history, times)),
    ],
    notes: more > 0 ? [`${thousands(more)} more jobs failed (not drawn)`] : [],
  }
}

/**
 * The chart and its legend, as markdown for the summary (a fenced mermaid
 * block between blank lines, so GitHub ends the HTML before it), or "" when
 * the run was too short to draw: fewer than CHART_MIN_ANSWERS answers for
 * every job, or no time passed.
 */
export function progressChart(outcome: Outcome, history: ProgressHistory): string {
  const totalMs = outcome.elapsedMs
  const answers = Math.max(0, ...[...history.values()].map((seen) => seen.answers))
  if (answers < CHART_MIN_ANSWERS || outcome.jobs.length === 0) return ''

  const unit = timeUnit(totalMs)
  const axisEnd = num(totalMs / unit.ms)
  // An axis from 0 to 0 draws nothing useful (no time passed, or a few milliseconds).
  if (axisEnd === '0') return ''
  const step = totalMs / (CHART_POINTS - 1)
  const times = Array.from({ length: CHART_POINTS }, (_, i) => i * step)
  const { series, notes } = seriesOf(outcome.jobs, history, times)
  const lines = [
    '---',
    'config:',
    '  xyChart:',
    '    width: 900',
    '    height: 320',
    '    showLegend: false',
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${series.map((line) => line.colour).join(', ')}"`,
    '---',
    'xychart-beta',
    `  x-axis "${unit.name} since the start" 0 --> ${axisEnd}`,
    '  y-axis "progress (%)" 0 --> 100',
    ...series.map((line) => `  line [${line.values.map(num).join(', ')}]`),
  ]
  const legend = [...series.map((line) => `${line.square} ${line.label}`), ...notes]
  return (
    '<h3>Progress over time</h3>\n\n' +
    '```mermaid\n' +
    `${lines.join('\n')}\n` +
    '```\n\n' +
    `<p>${legend.join(' · ')}</p>\n`
  )
}
