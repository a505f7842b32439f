/** Log lines, annotations and the final verdict, as pure functions of events and outcomes. */
import {
  COMMIT_CALL,
  type ImportJob,
  type JobState,
  filesDone,
  type Outcome,
  type RetryEvent,
  type UpdateEvent,
  jobErrors,
  lastKnownJob,
  overallProgress,
} from '../job.js'
import type { ApiTarget, Settings } from '../inputs.js'
import { clip, clipMiddle } from '../text.js'
import { formatDuration, formatPercent } from './format.js'
import { gateFailure, gateHeadline } from './gate.js'
import { expectedText } from './rows.js'
import type { PhaseNamer } from './phase.js'
import { type Explanation, type Server, explainError } from './explain.js'

function describeApi(target: ApiTarget): string {
  return target.api === 'v1' ? 'Zilliz Cloud v1 API' : `${target.product} v2 API`
}

/** The first line: what is waited for, where, and how. */
export function startLine(settings: Settings): string {
  const { target } = settings
  const jobs = settings.jobIds.length === 1 ? 'job' : 'jobs'
  const cluster = target.clusterId === undefined ? '' : ` on cluster ${target.clusterId}`
  const database =
    target.api === 'v2' && target.dbName !== undefined ? ` in database ${target.dbName}` : ''
  // The certificate is only offered in a TLS session: say so only where there is one.
  const certificate =
    settings.clientCert !== undefined && target.baseUrl.protocol === 'https:'
      ? ', with a client certificate'
      : ''
  const what =
    settings.collection === undefined
      ? `${settings.jobIds.length} import ${jobs} (${settings.jobIds.join(', ')})`
      : `the unfinished import jobs of collection ${settings.collection.name}`
  return (
    `Waiting for ${what}${cluster}${database} ` +
    `via the ${describeApi(target)} at ${target.baseUrl.host}: timeout ${formatDuration(settings.timeoutMs)}, ` +
    `poll every ${formatDuration(settings.pollIntervalMs)}${certificate}.${gatePlan(settings)}`
  )
}

/** What the gate inputs ask for, so the log says up front that the action may write. */
function gatePlan({ gate }: Settings): string {
  const parts: string[] = []
  if (gate.commit) parts.push('then commit every job once all are Uncommitted (all or nothing)')
  const abortOn = [...gate.abortOn].filter((reason) => !(gate.commit && reason === 'failure'))
  if (gate.commit)
    parts.push(
      `abort them all on a failure${abortOn.length > 0 ? ` or ${abortOn.join(' or ')}` : ''}`,
    )
  else if (abortOn.length > 0)
    parts.push(`abort the jobs still running or held on ${abortOn.join(' or ')}`)
  if (gate.expectedRows !== undefined) {
    parts.push(`expect ${expectedText(gate.expectedRows)} over all jobs`)
  }
  return parts.length === 0 ? '' : ` Gate: ${parts.join('; ')}.`
}

/**
 * One info line when a job's state, progress or files-done count changed;
 * else nothing. `gateCommits`: commit is true, so a held job waits for the
 * action's own commit, not the user's. `phaseOf`: names the phase where the
 * API's number tells it (Milvus).
 */
export function updateLine(
  event: UpdateEvent,
  gateCommits = false,
  phaseOf?: PhaseNamer,
): string | undefined {
  const { job, previous } = event
  if (
    previous !== undefined &&
    previous.state === job.state &&
    previous.progress === job.progress &&
    filesDone(previous) === filesDone(job)
  ) {
    return undefined
  }
  const notes = [
    phaseOf?.(job),
    job.progressLastSeen === true ? 'the last progress seen before the failure' : undefined,
    job.files.length > 0 ? `${filesDone(job)}/${job.files.length} files done` : undefined,
  ].filter((note) => note !== undefined)
  const noted = notes.length > 0 ? ` (${notes.join('; ')})` : ''
  const waiting = gateCommits
    ? '; held, not visible, until every job is ready to commit'
    : `; the data is imported but not visible until the job is committed (${COMMIT_CALL})`
  const uncommitted = job.state === 'uncommitted' ? waiting : ''
  return `Job ${job.jobId}: ${job.state} ${formatPercent(job.progress)}${noted}, ${formatDuration(event.elapsedMs)} elapsed${uncommitted}`
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
      `Job ${job.jobId}: ${shortFileName(file.fileName)} retrying: ${clip(file.retrying, 1_000)}`,
    )
  }
  return lines
}

/** A retry, as an info line: a blip that recovers is not worth a yellow annotation. */
export function retryLine(event: RetryEvent): string {
  if (event.retryAfterMs !== undefined) {
    return (
      `Job ${event.jobId}: ${event.reason}; the server asked to come back after ` +
      `${formatDuration(event.retryAfterMs)}, past the timeout: not polling it again`
    )
  }
  const seconds = Number((event.delayMs / 1000).toFixed(1))
  return `Job ${event.jobId}: ${event.reason}; retry ${event.attempt} in ${seconds}s`
}

/** Polls failing this many times in a row earn one warning: the fault is no blip. */
export const PERSISTENT_FAULT_ATTEMPTS = 3

/** The one warning for a fault that persists, on the retry that makes it persistent. */
export function persistentFaultWarning(event: RetryEvent): string | undefined {
  // After a Retry-After past the deadline nothing is retried: the verdict says why.
  if (event.attempt !== PERSISTENT_FAULT_ATTEMPTS || event.retryAfterMs !== undefined) {
    return undefined
  }
  return `Job ${event.jobId}: ${event.attempt} polls in a row failed (last: ${event.reason}); still retrying until the timeout.`
}

/**
 * GitHub shows 10 error and 10 warning annotations per step; later ones are
 * dropped. The final verdict counts, and must be the one that always shows.
 */
export const ANNOTATION_LIMIT = 10

export interface Annotation {
  title: string
  message: string
}

/** A file's name for a one-line place: its start and its own name, the middle cut. */
export function shortFileName(fileName: string, max = 120): string {
  return clipMiddle(fileName, max)
}

/**
 * One error annotation per import error (job or file), titled with its name,
 * at most ANNOTATION_LIMIT - 1 of them with the verdict; when there are more,
 * the last place says how many more the job summary lists.
 */
export function failureAnnotations(outcome: Outcome, server?: Server): Annotation[] {
  const annotations: Annotation[] = []
  for (const status of outcome.jobs) {
    if (status.job === undefined) continue
    for (const error of jobErrors(status.job)) {
      const place =
        error.fileName === undefined
          ? `Job ${error.jobId}`
          : `Job ${error.jobId}: ${shortFileName(error.fileName)}`
      const explained = explainError(error.message, server)
      annotations.push({
        title: explained === undefined ? place : `${place} (${explained.title})`,
        message: `${clip(error.message, 2_000)}${whatToDo(explained)}`,
      })
    }
  }
  const room = ANNOTATION_LIMIT - 1
  if (annotations.length <= room) return annotations
  const shown = annotations.slice(0, room - 1)
  const more = annotations.length - shown.length
  return [
    ...shown,
    {
      title: 'More errors',
      message: `${more} more errors are listed in the job summary ("What failed").`,
    },
  ]
}

/** " What to do: ..." for an error the explainer knows; "" for any other. */
function whatToDo(explained: Explanation | undefined): string {
  return explained === undefined ? '' : ` What to do: ${explained.hint}`
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

/** "1 file of job J", "3 files of 2 jobs", "job J": who reported the import errors. */
function whoFailed(outcome: Outcome): string {
  const errors = outcome.jobs.flatMap((status) =>
    status.job === undefined ? [] : jobErrors(status.job),
  )
  const files = errors.filter((error) => error.fileName !== undefined).length
  const jobs = [...new Set(errors.map((error) => error.jobId))]
  const ofJobs = jobs.length === 1 ? `job ${jobs[0] ?? ''}` : `${jobs.length} jobs`
  if (files === 0) return `${ofJobs} reported ${errors.length === 1 ? 'an error' : 'errors'}`
  return `${files === 1 ? '1 file' : `${files} files`} of ${ofJobs} reported ${files === 1 ? 'an error' : 'errors'}`
}

/** Where the action asked, for verdicts. */
export interface ApiPlace {
  /** "Zilliz Cloud" or "Milvus". */
  product: string
  /** Whose advice the explainer gives (a cluster-id means Zilliz Cloud, whatever the host). */
  server?: Server
  /** host[:port] */
  host: string
}

/** The longest Retry-After a server gave past the deadline, if any. */
function askedToComeBack(outcome: Outcome): number | undefined {
  const asked = outcome.jobs.flatMap((s) => (s.retryAfterMs === undefined ? [] : [s.retryAfterMs]))
  return asked.length === 0 ? undefined : Math.max(...asked)
}

/** "; the server asked to come back after 1h, past the timeout" when it did. */
function comeBackNote(outcome: Outcome): string {
  const asked = askedToComeBack(outcome)
  return asked === undefined
    ? ''
    : `; the server asked to come back after ${formatDuration(asked)}, past the timeout, so it was not asked again`
}

/**
 * Why no job was ever answered, from how the polls failed: nothing reached
 * the host; the host answered, only with errors worth retrying; or both.
 */
function whyNoAnswer(outcome: Outcome, api: ApiPlace, waited: string): string {
  const failing = outcome.jobs.filter((status) => status.lastError !== undefined)
  const lastError = clip(failing[0]?.lastError ?? '', 600)
  const answered = failing.reduce((n, s) => n + (s.faults?.answered ?? 0), 0)
  const silent = failing.reduce((n, s) => n + (s.faults?.silent ?? 0), 0)
  const unpolled = outcome.jobs.length - failing.length
  const notPolled =
    unpolled === 0
      ? ''
      : ` (${unpolled} of ${outcome.jobs.length} jobs were not polled before the timeout)`
  if (answered === 0) {
    return (
      `never reached ${api.host} in ${waited}: ${lastError}${notPolled}. Check the network, ` +
      'the proxy (https_proxy) and the "endpoint" input; a longer "timeout" will not help'
    )
  }
  const asked = askedToComeBack(outcome)
  const advice =
    asked === undefined
      ? "The API is reachable but did not serve these requests; if this lasts, check the service's status"
      : `It asked to come back after ${formatDuration(asked)}, past the timeout: a longer "timeout" lets the action wait for that`
  if (silent > 0) {
    return (
      `could not get an answer from ${api.host} in ${waited}: ${silent} polls got no answer at all and ` +
      `${answered} only errors to retry (last: ${lastError})${notPolled}. ${advice}`
    )
  }
  const kinds = [
    ...new Set(failing.flatMap((s) => (s.lastAnswer === undefined ? [] : [s.lastAnswer]))),
  ]
  const what = kinds.length === 0 ? 'errors' : kinds.slice(0, 3).join(' or ')
  return `${api.product} answered every poll with ${what} for ${waited} (last: ${lastError})${notPolled}. ${advice}`
}

/** Why the action could not tell how the import went, in one line. */
function whyUnknown(outcome: Outcome, api: ApiPlace, waited: string): string {
  const problems = outcome.jobs.filter((status) => status.problem !== undefined)
  const [first] = problems
  if (first?.problem !== undefined) {
    const more =
      problems.length > 1 ? ` (${problems.length - 1} more jobs could not be checked either)` : ''
    return `${clip(first.problem, 1_500)}${more}${whatToDo(explainError(first.problem, api.server))}`
  }
  return whyNoAnswer(outcome, api, waited)
}

export function verdict(outcome: Outcome, failOnTimeout: boolean, api: ApiPlace): Verdict {
  const base = waitVerdict(outcome, failOnTimeout, api)
  const headline = gateHeadline(outcome)
  return headline === undefined ? base : { ...base, message: `${base.message} ${headline}` }
}

function waitVerdict(outcome: Outcome, failOnTimeout: boolean, api: ApiPlace): Verdict {
  const gateFailed = gateFailure(outcome)
  if (gateFailed !== undefined && (outcome.state === 'failed' || outcome.state === 'error')) {
    return { level: 'failure', message: gateFailed }
  }
  const count = outcome.jobs.length
  const jobsWord = count === 1 ? '1 import job' : `${count} import jobs`
  const waited = formatDuration(outcome.elapsedMs)
  switch (outcome.state) {
    case 'completed': {
      // A completed run's only writes are its commits (aborts come with other states).
      const committed = outcome.jobs.some((s) => s.writes !== undefined)
      const done = committed ? 'committed and completed' : 'completed'
      return { level: 'success', message: `${jobsWord} ${done} after ${waited}.` }
    }
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
    case 'failed':
      // The errors themselves are in the annotations above and the summary: not repeated here.
      return {
        level: 'failure',
        message: `The import failed: ${whoFailed(outcome)} (annotated above, all of them listed in the job summary). Fix the data and import again.`,
      }
    case 'error':
      return {
        level: 'failure',
        message: `Could not check the import: ${whyUnknown(outcome, api, waited)}`,
      }
    case 'timed-out': {
      const progress = formatPercent(overallProgress(outcome.jobs.map(lastKnownJob)))
      const message = `Timed out after ${waited} at ${progress} overall; still running: ${pending(outcome)}${comeBackNote(outcome)}.`
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

/**
 * One warning when the wait ended while polls were still failing and the
 * verdict does not say so itself (it does for a timeout or an error).
 */
export function endedWhileRetrying(outcome: Outcome): string | undefined {
  if (outcome.state === 'timed-out' || outcome.state === 'error') return undefined
  const failing = outcome.jobs.filter((status) => status.lastError !== undefined)
  const [first] = failing
  if (first?.lastError === undefined) return undefined
  const others = failing.length > 1 ? ` (and ${failing.length - 1} more jobs)` : ''
  return `Polls of job ${first.jobId}${others} were still failing when the wait ended: ${clip(first.lastError, 600)}`
}
