/**
 * The step's outputs, as strings. Pure. The `jobs` JSON is kept under a byte
 * budget: later steps often pass it through an environment variable, and
 * Linux refuses any single one over 128 KiB.
 */
import {
  type FileProgress,
  type ImportJob,
  type JobStatus,
  type Outcome,
  type WriteMark,
  jobErrors,
  lastKnownJob,
  overallProgress,
} from '../job.js'
import { clipNoted } from '../text.js'
import { byteLength, fitByRank } from './budget.js'
import { type ErrorKind, explainError } from './explain.js'
import { gateFailure, gateHeadline } from './gate.js'

export const JOBS_OUTPUT_MAX_BYTES = 100_000

/**
 * Longest text kept in one value, in characters. Server text has no upper
 * bound, and one 150 kB error must not push every job out of `jobs`.
 */
export const TEXT_LIMITS = {
  errorMessage: 2_000,
  fileName: 1_000,
  collectionName: 256,
  completeTime: 64,
  /** The collection-name output: all names, joined. */
  collections: 4_000,
} as const

export type OutputName =
  | 'state'
  | 'progress'
  | 'collection-name'
  | 'complete-time'
  | 'error-message'
  | 'elapsed-seconds'
  | 'jobs'

export interface FileEntry {
  fileName: string
  fileSize: number | null
  progress: number
  completeTime: string | null
  errorMessage: string | null
  /** The error's family (src/report/explain.ts); null without an error or when none fits. */
  errorKind: ErrorKind | null
  importedRows: number | null
  totalRows: number | null
}

export interface JobEntry {
  jobId: string
  /** The job's state, or "unknown" when no answer arrived for it. */
  state: string
  progress: number
  collectionName: string | null
  completeTime: string | null
  errorMessage: string | null
  /** The family of errorMessage (a refusal's too); null without one or when none fits. */
  errorKind: ErrorKind | null
  fileSize: number | null
  importedRows: number | null
  totalRows: number | null
  details: FileEntry[]
  /** Present (true) only when progress is the last seen before the job failed. */
  progressLastSeen?: true
  /** Present only when details were cut to keep the output bounded. */
  detailsOmitted?: number
  /** What the action's last commit or abort did to this job; absent when it left the job alone. */
  commit?: WriteMark
}

export interface OutputReport {
  values: Record<OutputName, string>
  /** Jobs left out of `jobs` entirely because even their headers did not fit. */
  jobsOmitted: number
  /** File entries left out of `jobs` across all jobs. */
  detailsOmitted: number
}

/** The family of an error, from its whole text (before any clipping), or null. */
function kindOf(error: string | undefined): ErrorKind | null {
  return error === undefined ? null : (explainError(error)?.kind ?? null)
}

/** Text clipped to its limit (saying so), or null when absent. */
function text(value: string | undefined, limit: number): string | null {
  return value === undefined ? null : clipNoted(value, limit)
}

function fileEntry(file: FileProgress): FileEntry {
  return {
    fileName: clipNoted(file.fileName, TEXT_LIMITS.fileName),
    fileSize: file.fileSize ?? null,
    progress: file.progress,
    completeTime: text(file.completeTime, TEXT_LIMITS.completeTime),
    errorMessage: text(file.errorMessage, TEXT_LIMITS.errorMessage),
    errorKind: kindOf(file.errorMessage),
    importedRows: file.importedRows ?? null,
    totalRows: file.totalRows ?? null,
  }
}

function firstError(status: JobStatus): string | undefined {
  return (
    status.problem ?? (status.job === undefined ? undefined : jobErrors(status.job)[0]?.message)
  )
}

/** A job's entry; with `withDetails` false, its details are left empty (the header alone). */
function jobEntry(status: JobStatus, withDetails = true): JobEntry {
  const job: ImportJob | undefined = status.job
  const error = firstError(status)
  const entry: JobEntry = {
    jobId: status.jobId,
    state: job?.state ?? 'unknown',
    progress: job?.progress ?? 0,
    collectionName: text(job?.collectionName, TEXT_LIMITS.collectionName),
    completeTime: text(job?.completeTime, TEXT_LIMITS.completeTime),
    errorMessage: text(error, TEXT_LIMITS.errorMessage),
    errorKind: kindOf(error),
    fileSize: job?.fileSize ?? null,
    importedRows: job?.importedRows ?? null,
    totalRows: job?.totalRows ?? null,
    details: withDetails ? (job?.files.map(fileEntry) ?? []) : [],
  }
  if (job?.progressLastSeen === true) entry.progressLastSeen = true
  const write = status.writes?.at(-1)
  if (write !== undefined) entry.commit = write.mark
  return entry
}

/** A value's size as the JSON text the output holds. */
const jsonBytes = (value: unknown): number => byteLength(JSON.stringify(value))

/**
 * Files with errors are kept first when details must be cut. An entry is
 * made only for a file that is measured (in rank order, up to the first that
 * does not fit): 1,000 files with room for 20 make about 21 entries, not 1,000.
 */
function keepDetails(files: readonly FileProgress[], budget: number): FileEntry[] {
  const made = new Map<number, FileEntry>()
  const entryAt = (file: FileProgress, i: number): FileEntry => {
    let entry = made.get(i)
    if (entry === undefined) {
      entry = fileEntry(file)
      made.set(i, entry)
    }
    return entry
  }
  const kept = fitByRank(
    files,
    (file) => (file.errorMessage === undefined ? 1 : 0),
    (file, i) => jsonBytes(entryAt(file, i)) + 1,
    budget,
  )
  return [...kept].sort((a, b) => a - b).map((i) => entryAt(files[i] as FileProgress, i))
}

/**
 * The whole array as JSON when it fits the bound, else undefined: built one
 * job at a time, and given up on at the first job past the bound, so 200 jobs
 * of 1,000 files never become one 40 MB string only to be measured.
 */
function wholeIfFits(statuses: readonly JobStatus[], maxBytes: number): string | undefined {
  const parts: string[] = []
  let bytes = 2 // [ and ]
  for (const status of statuses) {
    const part = JSON.stringify(jobEntry(status))
    bytes += byteLength(part) + (parts.length > 0 ? 1 : 0)
    if (bytes > maxBytes) return undefined
    parts.push(part)
  }
  return `[${parts.join(',')}]`
}

export function boundedJobs(statuses: readonly JobStatus[], maxBytes = JOBS_OUTPUT_MAX_BYTES) {
  let detailsOmitted = 0
  const whole = wholeIfFits(statuses, maxBytes)
  if (whole !== undefined) return { json: whole, jobsOmitted: 0, detailsOmitted }

  // Headers (entries without details) come first. Each reserves room for the
  // largest detailsOmitted it could carry: all of its files. A job's file
  // entries are made only when its turn comes, and let go after.
  const bare = statuses.map((status) => ({
    ...jobEntry(status, false),
    detailsOmitted: status.job?.files.length ?? 0,
  }))
  let kept = bare.length
  while (kept > 0 && jsonBytes(bare.slice(0, kept)) > maxBytes) kept -= 1
  const jobsOmitted = statuses.length - kept
  let budget = maxBytes - jsonBytes(bare.slice(0, kept))
  const result: JobEntry[] = statuses.slice(0, kept).map((status, i) => {
    const entry = jobEntry(status, false)
    const files = status.job?.files ?? []
    const share = Math.floor(budget / (kept - i))
    const details = keepDetails(files, share)
    budget -= jsonBytes(details) - 2 // "[]" was already counted in the bare header
    const omitted = files.length - details.length
    detailsOmitted += omitted
    return omitted > 0 ? { ...entry, details, detailsOmitted: omitted } : { ...entry, details }
  })
  for (const status of statuses.slice(kept)) detailsOmitted += status.job?.files.length ?? 0
  return { json: JSON.stringify(result), jobsOmitted, detailsOmitted }
}

/** The latest completion time, compared as instants (ISO strings of varying precision). */
function latestTime(times: readonly string[]): string {
  const instant = (t: string): number => {
    const ms = Date.parse(t)
    return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms
  }
  return times.reduce((latest, t) => (instant(t) > instant(latest) ? t : latest), times[0] ?? '')
}

/**
 * The error for the `error-message` output: a job's refusal or import error
 * first; when the API never answered (state error), the last fault, so a
 * later step that tests the output sees the failure.
 */
function outcomeError(outcome: Outcome): string {
  const first = outcome.jobs.map(firstError).find((e) => e !== undefined)
  if (first !== undefined) return first
  // A row mismatch or a commit that did not go through, with what is visible now.
  const gate = gateFailure(outcome)
  const headline = gateHeadline(outcome)
  if (gate !== undefined) return [gate, headline].filter((t) => t !== undefined).join(' ')
  // A partial state however it came about (a cancel between commits) is worth a later step's eyes.
  if (headline?.startsWith('Not all or nothing') === true) return headline
  if (outcome.state !== 'error') return ''
  return outcome.jobs.find((status) => status.lastError !== undefined)?.lastError ?? ''
}

/**
 * Every output when the action stopped before it could wait (refused inputs,
 * an unexpected error): state error and the message, and the rest as for no
 * jobs, so a later step's fromJSON(jobs) still reads `[]`.
 */
export function stoppedOutputValues(message: string): Record<OutputName, string> {
  return {
    ...outputValues({ state: 'error', jobs: [], elapsedMs: 0 }).values,
    'error-message': clipNoted(message, TEXT_LIMITS.errorMessage),
  }
}

export function outputValues(outcome: Outcome): OutputReport {
  const jobs = outcome.jobs.map(lastKnownJob)
  const collections = [
    ...new Set(jobs.map((job) => job.collectionName).filter((n) => n !== undefined)),
  ]
  const completeTimes = jobs.map((job) => job.completeTime).filter((t) => t !== undefined)
  const { json, jobsOmitted, detailsOmitted } = boundedJobs(outcome.jobs)
  return {
    values: {
      state: outcome.state,
      progress: String(overallProgress(jobs)),
      'collection-name': clipNoted(
        collections.map((name) => clipNoted(name, TEXT_LIMITS.collectionName)).join(','),
        TEXT_LIMITS.collections,
      ),
      // A job can finish (readyPercentage 1) before its completeTime is filled in: use those given.
      'complete-time':
        outcome.state === 'completed'
          ? clipNoted(latestTime(completeTimes), TEXT_LIMITS.completeTime)
          : '',
      'error-message': clipNoted(outcomeError(outcome), TEXT_LIMITS.errorMessage),
      'elapsed-seconds': String(Math.floor(outcome.elapsedMs / 1000)),
      jobs: json,
    },
    jobsOmitted,
    detailsOmitted,
  }
}
