/**
 * The job summary as HTML (which GitHub renders inside the markdown summary).
 * Pure. Every API-supplied string is escaped, empty cells show "-", and the
 * whole stays under a byte budget: GitHub drops a step summary over 1 MiB.
 * When rows must be cut, files with errors are kept first, then unfinished
 * ones, so the reason a job failed is never what gets cut.
 */
import {
  COMMIT_CALL,
  type FileProgress,
  type ImportJob,
  type JobState,
  type JobStatus,
  type Outcome,
  type OutcomeState,
  type ProgressHistory,
  type WriteMark,
  filesDone,
  hasRowCounts,
  isDone,
  jobErrors,
  lastKnownJob,
  overallProgress,
  reportsRows,
} from '../job.js'
import { rowWarnings } from './rows.js'
import { byteLength, fitByRank } from './budget.js'
import { progressChart } from './chart.js'
import { foundHtml } from './found.js'
import { type Server, explainError } from './explain.js'
import type { PhaseNamer } from './phase.js'
import { gateFailure, gateHeadline, gateNotes, visibilityOf } from './gate.js'
import { clip, clipMiddle, escapeHtml, thousands } from '../text.js'
import { formatBytes, formatDuration, formatPercent, formatRowCounts } from './format.js'

/** Under GitHub's 1 MiB (1,048,576 B) per-step limit, with room to spare. */
export const SUMMARY_MAX_BYTES = 1_000_000

const STATE_LABEL: Record<OutcomeState, string> = {
  error: '⚠️ could not check the import',
  completed: '✅ completed',
  uncommitted: '⏸️ imported, not committed',
  failed: '❌ failed',
  'timed-out': '⏱️ timed out',
  cancelled: '🚫 cancelled',
}

/** The heading's state: an error the commit caused says so, not "could not check". */
function stateLabel(outcome: Outcome): string {
  if (outcome.state !== 'error' || gateFailure(outcome) === undefined)
    return STATE_LABEL[outcome.state]
  const visible = outcome.jobs.some((s) =>
    ['visible', 'becoming visible'].includes(visibilityOf(s)),
  )
  return visible ? '⚠️ partly committed' : '⚠️ not committed'
}

const JOB_LABEL: Record<JobState, string> = {
  completed: '✅ completed',
  uncommitted: '⏸️ uncommitted',
  committing: '⏩ committing',
  failed: '❌ failed',
  importing: '🔄 importing',
  pending: '⏳ pending',
}

/** A cell; "-" when the value is unknown (the job model keeps no blank text: blank is unknown). */
const cell = (text: string | undefined): string => `<td>${text ?? '-'}</td>`

const tableHead = (withRows: boolean): string =>
  `<table>\n<thead><tr><th>File</th><th>Size</th><th>Progress</th>${withRows ? '<th>Rows</th>' : ''}` +
  '<th>Completed</th><th>Error</th></tr></thead>\n<tbody>\n'
const TABLE_TAIL = '</tbody>\n</table>\n'
/** Sizes, row counts and times stay on one line however narrow the column. */
const nowrap = (text: string): string => text.replace(/ /g, '&nbsp;')
/** File names in cells and lists: long paths keep their start and the file's own name. */
const fileLabel = (fileName: string): string => escapeHtml(clipMiddle(fileName, 160))
/** Room kept per job for the "N more files not shown" line. */
const CUT_NOTE_RESERVE = 160

function fileRow(file: FileProgress, withRows: boolean): string {
  const rows = withRows
    ? cell(
        hasRowCounts(file)
          ? nowrap(formatRowCounts(file.importedRows, file.totalRows, isDone(file)))
          : undefined,
      )
    : ''
  return (
    '<tr>' +
    cell(fileLabel(file.fileName)) +
    cell(file.fileSize === undefined ? undefined : nowrap(formatBytes(file.fileSize))) +
    cell(formatPercent(file.progress)) +
    rows +
    cell(file.completeTime === undefined ? undefined : escapeHtml(clip(file.completeTime, 64))) +
    cell(fileNote(file)) +
    '</tr>\n'
  )
}

/** The Error cell: the file's error, or what the server said while it retries the file. */
function fileNote(file: FileProgress): string | undefined {
  if (file.errorMessage !== undefined) return escapeHtml(clip(file.errorMessage, 1_000))
  if (file.retrying !== undefined) return `retrying: ${escapeHtml(clip(file.retrying, 1_000))}`
  return undefined
}

const UNCOMMITTED_NOTE =
  'The data is imported but not visible until the job is committed: call ' +
  `<code>${COMMIT_CALL}</code> with its <code>jobId</code> (or abort it).`

/** Why a job stopped early: "not checked" needs its reason, and the stopping job's fault. */
function notCheckedReason(status: JobStatus, all: readonly JobStatus[]): string | undefined {
  if (status.stoppedBy === undefined) return undefined
  const stopper = all.find((other) => other.jobId === status.stoppedBy)
  const what = stopper?.problem === undefined ? 'failed' : 'could not be checked'
  return `Polling stopped when job <code>${escapeHtml(status.stoppedBy)}</code> ${what}.`
}

const WRITE_LABEL: Record<WriteMark, string> = {
  committed: '🔓 committed',
  'commit-failed': '⛔ commit failed',
  aborted: '🗑️ aborted',
  'abort-refused': '⛔ abort refused',
}

function jobLabel(status: JobStatus): string {
  const write = status.writes?.at(-1)
  const wrote = write === undefined ? '' : ` · ${WRITE_LABEL[write.mark]}`
  if (status.problem !== undefined) return `⚠️ could not check${wrote}`
  if (status.job === undefined) return `❓ not checked${wrote}`
  return `${JOB_LABEL[status.job.state]}${wrote}`
}

/** "85% (building indexes)": the phase where the API's number tells it (Milvus). */
function progressText(job: ImportJob, phase: PhaseNamer | undefined): string {
  const named = phase?.(job)
  const lastSeen = job.progressLastSeen === true ? 'the last seen before the failure' : undefined
  const notes = [named, lastSeen].filter((note) => note !== undefined)
  return `${formatPercent(job.progress)}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`
}

function jobHeader(status: JobStatus, outcome: Outcome, phase?: PhaseNamer): string {
  const outcomeElapsedMs = outcome.elapsedMs
  const { job } = status
  const id = escapeHtml(status.jobId)
  const label = jobLabel(status)
  let html = `<h3>Job <code>${id}</code>: ${label}</h3>\n`
  if (job !== undefined) {
    const facts = [
      `Collection: ${job.collectionName === undefined ? '-' : `<code>${escapeHtml(clip(job.collectionName, 200))}</code>`}`,
      `Progress: ${progressText(job, phase)}`,
      `Files done: ${filesDone(job)}/${job.files.length}`,
      `Size: ${job.fileSize === undefined ? '-' : nowrap(formatBytes(job.fileSize))}`,
      ...(hasRowCounts(job)
        ? [
            `Rows: ${nowrap(formatRowCounts(job.importedRows, job.totalRows, job.state === 'completed'))}`,
          ]
        : []),
      `Elapsed: ${formatDuration(status.settledAfterMs ?? outcomeElapsedMs)}`,
    ]
    if (job.completeTime !== undefined)
      facts.push(`Completed: ${escapeHtml(clip(job.completeTime, 64))}`)
    html += `<p>${facts.join(' · ')}</p>\n`
    if (job.errorMessage !== undefined) {
      html += `<p><strong>Error:</strong> ${escapeHtml(clip(job.errorMessage, 1_000))}</p>\n`
    }
    if (job.retrying !== undefined) {
      html += `<p><strong>Retrying:</strong> ${escapeHtml(clip(job.retrying, 1_000))}</p>\n`
    }
    if (job.state === 'uncommitted' && status.writes === undefined) {
      html += `<p>${UNCOMMITTED_NOTE}</p>\n`
    }
    const stopped = notCheckedReason(status, outcome.jobs)
    if (stopped !== undefined) html += `<p>${stopped} This is its last known state.</p>\n`
  } else if (status.problem === undefined) {
    const reason =
      notCheckedReason(status, outcome.jobs) ?? noAnswerReason(status, outcomeElapsedMs)
    html += `<p>Not checked: ${reason}</p>\n`
  }
  if (status.lastError !== undefined) {
    html += `<p><strong>Last poll failed:</strong> ${escapeHtml(clip(status.lastError, 1_000))}</p>\n`
  }
  if (status.retryAfterMs !== undefined) {
    html +=
      `<p>The server asked to come back after ${formatDuration(status.retryAfterMs)}, ` +
      'past the timeout, so it was not asked again.</p>\n'
  }
  if (status.problem !== undefined) {
    html += `<p><strong>Error:</strong> ${escapeHtml(clip(status.problem, 1_000))}</p>\n`
  }
  return html
}

/** How the polls of a job that never answered failed: the same words as the verdict's. */
function noAnswerReason(status: JobStatus, elapsedMs: number): string {
  const { answered = 0, silent = 0 } = status.faults ?? {}
  const waited = formatDuration(elapsedMs)
  if (answered === 0) return `No answer was received for this job in ${waited}.`
  if (silent === 0) return `The API answered only with errors to retry in ${waited}.`
  return `In ${waited}, ${silent} polls got no answer at all and ${answered} only errors to retry.`
}

/** Errors first, then unfinished files, then the rest: the reason a job failed is never cut. */
function rowRank(file: FileProgress): number {
  if (file.errorMessage !== undefined) return 0
  return isDone(file) ? 2 : 1
}

function cutNote(hidden: number, what: 'files' | 'jobs'): string {
  // Rows are cut by rank, errors kept first; jobs are cut from the end of the list.
  const kept = what === 'files' ? ' Files with errors are shown first.' : ''
  return `<p><em>${thousands(hidden)} more ${what} not shown: the summary is kept under 1 MiB.${kept}</em></p>\n`
}

/**
 * The explainer's family and advice for an error, on a line of its own; ""
 * when none fits. The advice is given once per family (`told`): seven files
 * with the same wrong dimension need it once, then only their family's name.
 */
function whatToDo(error: string, server: Server | undefined, told: Set<string>): string {
  const explained = explainError(error, server)
  if (explained === undefined) return ''
  const title = escapeHtml(capitalise(explained.title))
  if (told.has(explained.kind)) return `<br>💡 <strong>${title}</strong> (what to do: above)`
  told.add(explained.kind)
  return `<br>💡 <strong>${title}:</strong> ${escapeHtml(explained.hint)}`
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

/** At most this many entries in "What failed"; then "and N more". */
export const WHAT_FAILED_MAX = 20

/**
 * The list right under the heading: each job or file with its error, and each
 * job that could not be checked, so the answer is at the top however long the
 * tables below are.
 */
function whatFailed(outcome: Outcome, server: Server | undefined): string {
  const entries: string[] = []
  const told = new Set<string>()
  for (const status of outcome.jobs) {
    const id = `Job <code>${escapeHtml(status.jobId)}</code>`
    if (status.problem !== undefined) {
      entries.push(
        `${id}: could not check: ${escapeHtml(clip(status.problem, 500))}${whatToDo(status.problem, server, told)}`,
      )
    }
    if (status.job === undefined) {
      // The API never answered at all: that is what could not be checked, and why.
      if (
        outcome.state === 'error' &&
        status.problem === undefined &&
        status.lastError !== undefined
      ) {
        const answer = (status.faults?.answered ?? 0) > 0 ? 'no usable answer' : 'no answer'
        entries.push(
          `${id}: could not check: ${answer}; last error: ${escapeHtml(clip(status.lastError, 500))}`,
        )
      }
      continue
    }
    for (const error of jobErrors(status.job)) {
      const where =
        error.fileName === undefined ? id : `${id}, <code>${fileLabel(error.fileName)}</code>`
      entries.push(
        `${where}: ${escapeHtml(clip(error.message, 500))}${whatToDo(error.message, server, told)}`,
      )
    }
  }
  if (entries.length === 0) return ''
  const shown = entries.slice(0, WHAT_FAILED_MAX).map((entry) => `<li>${entry}</li>\n`)
  const more =
    entries.length > WHAT_FAILED_MAX
      ? `<li>and ${thousands(entries.length - WHAT_FAILED_MAX)} more (in the tables below)</li>\n`
      : ''
  return `<h3>What failed</h3>\n<ul>\n${shown.join('')}${more}</ul>\n`
}

/** At most this many notes in the gate's list; then "and N more". */
export const GATE_NOTES_MAX = 30

/**
 * The gate's result first (what is visible now), then its notes (each write
 * with the server's answer), and any success that may not be one.
 */
function gateSection(outcome: Outcome): string {
  const headline = gateHeadline(outcome)
  const warnings =
    outcome.gate?.rows === undefined ? rowWarnings(outcome.jobs.map(lastKnownJob)) : []
  const notes = [...gateNotes(outcome), ...warnings.map((w) => `⚠️ ${w}`)]
  const lead = headline === undefined ? '' : `<p><strong>${escapeHtml(headline)}</strong></p>\n`
  const shown = notes.slice(0, GATE_NOTES_MAX).map((note) => `<li>${escapeHtml(note)}</li>\n`)
  const more =
    notes.length > GATE_NOTES_MAX
      ? `<li>and ${notes.length - GATE_NOTES_MAX} more (in the log)</li>\n`
      : ''
  return `${lead}${notes.length === 0 ? '' : `<ul>\n${shown.join('')}${more}</ul>\n`}`
}

/**
 * The summary when the action stopped before it could report an outcome:
 * refused inputs (nothing was asked of the API) or an unexpected error.
 */
/** Why the action stopped before it had jobs to report on. */
export type StopCause = 'inputs' | 'unexpected' | 'list' | 'no-jobs'

const STOP_LEADS: Record<StopCause, string> = {
  inputs: 'The inputs were refused, so nothing was asked of the API.',
  unexpected:
    'The action stopped on an unexpected error before it could report how the import went. ' +
    'This is a bug in the action: please report it with this message.',
  list: 'The import jobs of the collection could not be listed, so nothing was waited for.',
  'no-jobs': 'No import was running to wait for, and require-jobs is true.',
}

export function renderStoppedSummary(message: string, cause: StopCause): string {
  const lead = STOP_LEADS[cause]
  return (
    `<h2>Zilliz import: ${STATE_LABEL.error}</h2>\n` +
    `<p>${lead}</p>\n` +
    `<p><strong>Error:</strong> ${escapeHtml(clip(message, 2_000))}</p>\n`
  )
}

export interface SummaryOptions {
  /** Who ran the import, for the heading: a self-hosted Milvus is not Zilliz. */
  product?: 'Zilliz Cloud' | 'Milvus'
  maxBytes?: number
  /** Whose advice the explainer gives under an error. */
  server?: Server
  /** Names a job's phase from its progress; only where the API's number tells it (Milvus). */
  phase?: PhaseNamer
  /** Each job's progress over time, for the chart; no chart without it. */
  history?: ProgressHistory
}

export function renderSummary(outcome: Outcome, options: SummaryOptions = {}): string {
  const maxBytes = options.maxBytes ?? SUMMARY_MAX_BYTES
  const product = options.product === 'Milvus' ? 'Milvus' : 'Zilliz'
  const progress = formatPercent(overallProgress(outcome.jobs.map(lastKnownJob)))
  const count = outcome.jobs.length === 1 ? '1 job' : `${outcome.jobs.length} jobs`
  let html =
    `<h2>${product} import: ${stateLabel(outcome)}</h2>\n` +
    `<p>${count} · ${progress} overall · waited ${formatDuration(outcome.elapsedMs)}</p>\n` +
    (outcome.found === undefined ? '' : foundHtml(outcome.found)) +
    gateSection(outcome) +
    whatFailed(outcome, options.server) +
    (options.history === undefined ? '' : progressChart(outcome, options.history))

  const headers = outcome.jobs.map((status) => jobHeader(status, outcome, options.phase))
  // One Rows column for every table when any job reports rows, so all tables look alike.
  const withRows = reportsRows(outcome.jobs.map(lastKnownJob))
  // Every job is charged a table frame and a cut note, used or not: a few hundred bytes of slack.
  const perJob = byteLength(tableHead(withRows) + TABLE_TAIL) + CUT_NOTE_RESERVE
  const fixed = headers.reduce((sum, header) => sum + byteLength(header) + perJob, byteLength(html))

  if (fixed > maxBytes) {
    // Too many jobs to list even without their files: show as many jobs as fit,
    // each charged as in `fixed`, so at least one is left out and the note counts it.
    let used = byteLength(html)
    let shown = 0
    for (const header of headers) {
      used += byteLength(header) + perJob
      if (used > maxBytes) break
      html += header
      shown += 1
    }
    return html + cutNote(headers.length - shown, 'jobs')
  }

  let rowBudget = maxBytes - fixed
  outcome.jobs.forEach((status, jobIndex) => {
    html += headers[jobIndex] ?? ''
    const job: ImportJob | undefined = status.job
    if (job === undefined || job.files.length === 0) return
    // A row is rendered only when measured (rank order, up to the first that does not fit):
    // 200 jobs of 1,000 files with room for 20 rows each render about 4,200 rows, not 200,000.
    const rows = new Map<number, string>()
    const rowAt = (i: number): string => {
      let row = rows.get(i)
      if (row === undefined) {
        row = fileRow(job.files[i] as FileProgress, withRows)
        rows.set(i, row)
      }
      return row
    }
    // Share what is left evenly among the jobs still to render; unused bytes carry forward.
    const share = Math.floor(rowBudget / (outcome.jobs.length - jobIndex))
    const picked = fitByRank(job.files, rowRank, (_, i) => byteLength(rowAt(i)), share)
    // Shown in the order picked: rank (errors, unfinished, the rest), as the cut note says.
    const body = [...picked].map(rowAt).join('')
    rowBudget -= byteLength(body)
    html += tableHead(withRows) + body + TABLE_TAIL
    if (picked.size < job.files.length) html += cutNote(job.files.length - picked.size, 'files')
  })
  return html
}
