/** Log lines, annotations and the final verdict, as pure functions of events and outcomes. */
import {
  COMMIT_CALL,
  type ImportJob,
  type JobState,
  filesDone,
  jobErrors,
  overallProgress,
} from '../job.js'
import { type Outcome, type WaitEvent, lastKnownJob } from '../wait.js'
import { clip } from '../text.js'
import { formatDuration, formatPercent } from './format.js'

type UpdateEvent = Extract<WaitEvent, { kind: 'update' }>
type RetryEvent = Extract<WaitEvent, { kind: 'retry' }>

/** One info line when a job's state, progress or files-done count changed; else nothing. */
export function updateLine(event: UpdateEvent): string | undefined {
  const { job, previous } = event
  if (
    previous !== undefined &&
    previous.state === job.state &&
    previous.progress === job.progress &&
    filesDone(previous) === filesDone(job)
  ) {
    return undefined
  }
  const files = job.files.length > 0 ? ` (${filesDone(job)}/${job.files.length} files done)` : ''
  const lastSeen =
    job.progressLastSeen === true ? ' (the last progress seen before the failure)' : ''
  const uncommitted =
    job.state === 'uncommitted'
      ? `; the data is imported but not visible until the job is committed (${COMMIT_CALL})`
      : ''
  return `Job ${job.jobId}: ${job.state} ${formatPercent(job.progress)}${lastSeen}${files}, ${formatDuration(event.elapsedMs)} elapsed${uncommitted}`
}

/**
 * "retrying: <reason>" lines for reasons the server gives while it goes on
 * (Milvus retrying a task): one per reason that is new since the last answer.
 */
export function retryingLines(event: UpdateEvent): string[] {
  const { job, previous } = event
  const lines: string[] = []
  if (job.retrying !== undefined && job.retrying !== previous?.retrying) {
    lines.push(`Job ${job.jobId}: retrying: ${clip(job.retrying, 1_000)}`)
  }
  const before = new Map(previous?.files.map((file) => [file.fileName, file.retrying]))
  for (const file of job.files) {
    if (file.retrying === undefined || before.get(file.fileName) === file.retrying) continue
    lines.push(
      `Job ${job.jobId}: ${clip(file.fileName, 300)} retrying: ${clip(file.retrying, 1_000)}`,
    )
  }
  return lines
}

export function retryLine(event: RetryEvent): string {
  const seconds = Number((event.delayMs / 1000).toFixed(1))
  return `Job ${event.jobId}: ${event.reason}; retry ${event.attempt} in ${seconds}s`
}

export interface Annotation {
  title: string
  message: string
}

/** One error annotation per failing job or file, titled with its name. */
export function failureAnnotations(outcome: Outcome): Annotation[] {
  const annotations: Annotation[] = []
  for (const status of outcome.jobs) {
    if (status.problem !== undefined) {
      annotations.push({ title: `Job ${status.jobId}`, message: status.problem })
    }
    if (status.job === undefined) continue
    for (const error of jobErrors(status.job)) {
      annotations.push({
        title:
          error.fileName === undefined
            ? `Job ${error.jobId}`
            : `Job ${error.jobId}: ${clip(error.fileName, 200)}`,
        message: clip(error.message, 2_000),
      })
    }
  }
  return annotations
}

export interface Verdict {
  /** failure: the step fails; warning: it passes with a warning; success: it passes. */
  level: 'success' | 'warning' | 'failure'
  message: string
}

function stateOf(job: ImportJob | undefined): JobState | 'no answer yet' {
  return job?.state ?? 'no answer yet'
}

function pending(outcome: Outcome): string {
  const open = outcome.jobs.filter((status) => status.job?.state !== 'completed')
  const shown = open.slice(0, 5).map((s) => {
    const failing = s.lastError === undefined ? '' : ` (last poll: ${clip(s.lastError, 300)})`
    return `${s.jobId} ${stateOf(s.job)} ${formatPercent(s.job?.progress ?? 0)}${failing}`
  })
  const more = open.length > shown.length ? ` and ${open.length - shown.length} more` : ''
  return `${shown.join(', ')}${more}`
}

export function verdict(outcome: Outcome, failOnTimeout: boolean): Verdict {
  const count = outcome.jobs.length
  const jobsWord = count === 1 ? '1 import job' : `${count} import jobs`
  const waited = formatDuration(outcome.elapsedMs)
  switch (outcome.state) {
    case 'completed':
      return { level: 'success', message: `${jobsWord} completed after ${waited}.` }
    case 'uncommitted': {
      const waiting = outcome.jobs
        .filter((status) => status.job?.state === 'uncommitted')
        .map((status) => status.jobId)
      const shown = waiting.slice(0, 5).join(', ')
      const more = waiting.length > 5 ? ` and ${waiting.length - 5} more` : ''
      return {
        level: 'success',
        message:
          `${jobsWord} imported after ${waited}; not committed yet: ${shown}${more}. ` +
          `The data is imported but not visible until each job is committed (${COMMIT_CALL}).`,
      }
    }
    case 'failed': {
      const reasons = failureAnnotations(outcome).map((a) => `${a.title}: ${a.message}`)
      const shown = reasons.slice(0, 5).join('; ')
      const more = reasons.length > 5 ? ` (and ${reasons.length - 5} more errors)` : ''
      return { level: 'failure', message: clip(`Import failed. ${shown}${more}`, 4_000) }
    }
    case 'timed-out': {
      const progress = formatPercent(overallProgress(outcome.jobs.map(lastKnownJob)))
      const message = `Timed out after ${waited} at ${progress} overall; still running: ${pending(outcome)}.`
      return failOnTimeout
        ? { level: 'failure', message }
        : { level: 'warning', message: `${message} Passing because fail-on-timeout is false.` }
    }
    case 'cancelled':
      return {
        level: 'failure',
        message: `Cancelled after ${waited}; last known: ${pending(outcome)}.`,
      }
  }
}
