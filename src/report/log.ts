/** Log lines, annotations and the final verdict, as pure functions of events and outcomes. */
import { type ImportJob, type JobState, filesDone, jobErrors, overallProgress } from '../job.js'
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
  return `Job ${job.jobId}: ${job.state} ${formatPercent(job.progress)}${files}, ${formatDuration(event.elapsedMs)} elapsed`
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
