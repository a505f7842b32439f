/**
 * The one model every API dialect maps into, and the rules on it. Pure: no
 * I/O, no clock. Progress is always a percentage 0-100 here; dialects convert.
 */

/**
 * `uncommitted`: a two-phase-commit job (Milvus `auto_commit=false`) has
 * imported everything and waits at 99% for someone to commit it. The import
 * itself is done, so it settles there; the data is not visible until then.
 */
export type JobState =
  'pending' | 'importing' | 'uncommitted' | 'committing' | 'completed' | 'failed'

/** The call that makes an uncommitted job's data visible, for messages. */
export const COMMIT_CALL = 'POST /v2/vectordb/jobs/import/commit'
/** The call that discards an unfinished or uncommitted job. */
export const ABORT_CALL = 'POST /v2/vectordb/jobs/import/abort'

export interface FileProgress {
  fileName: string
  fileSize?: number
  /** 0-100 */
  progress: number
  completeTime?: string
  errorMessage?: string
  /** A reason the server gave while it retries this file (Milvus task state Retry); not a failure. */
  retrying?: string
  /** Row counts, where the API reports them (Milvus, Zilliz Cloud v2). */
  importedRows?: number
  totalRows?: number
}

export interface ImportJob {
  jobId: string
  state: JobState
  /** 0-100 */
  progress: number
  collectionName?: string
  completeTime?: string
  errorMessage?: string
  /** A reason the server gave while the job goes on (not a failure). */
  retrying?: string
  /**
   * True when `progress` is the last one seen before the job failed: Milvus
   * reports a failed job at 0%, which says nothing about how far it got.
   */
  progressLastSeen?: boolean
  /**
   * The state as the server spelled it, when this action does not know it
   * (`state` then reads importing, so polling goes on). The commit gate never
   * writes to a job in a state it does not know.
   */
  unknownState?: string
  fileSize?: number
  importedRows?: number
  totalRows?: number
  files: FileProgress[]
}

// What waiting produced: the vocabulary the poll loop (wait.ts) speaks and the
// reporters (report/*) read, kept here so both depend on the model and not on
// each other.

export interface JobStatus {
  jobId: string
  /** The last answer for this job; undefined until one arrived. */
  job?: ImportJob
  /** Time from the start until the job completed or failed. */
  settledAfterMs?: number
  /** A permanent fault that stopped this job's polling (bad key, unknown job, ...). */
  problem?: string
  /** The transient fault of the latest poll, while polls keep failing. */
  lastError?: string
  /**
   * What the API host answered in that poll, in a few words ("HTTP 503"),
   * when it answered at all; absent when the poll got no answer.
   */
  lastAnswer?: string
  /** Failed polls, counted by whether the host answered (with an error) or not at all. */
  faults?: { answered: number; silent: number }
  /**
   * The server's Retry-After when it asked to come back only after the
   * deadline: the job was not polled again (the action does not poll against
   * an explicit request), and the wait for it ended at the deadline.
   */
  retryAfterMs?: number
  /** The job whose failure (or refusal) stopped this one's polling before it settled. */
  stoppedBy?: string
  /** The commits and aborts the action sent for this job, in order, and how each went (src/gate/). */
  writes?: JobWrite[]
}

/**
 * What a commit or abort call did, as the `commit` field of the `jobs`
 * output says it: committed, commit-failed (refused, or no answer after
 * retries), aborted, abort-refused.
 */
export type WriteMark = 'committed' | 'commit-failed' | 'aborted' | 'abort-refused'

export interface JobWrite {
  call: WriteCall
  mark: WriteMark
  /** The server's answer in a few words ("HTTP 200, code 0"), or the fault. */
  answer: string
  /** True when the server has no such call (HTTP 404: no two-phase import there). */
  unsupported?: true
  /** True when no answer came: whether the server acted is not known. */
  unanswered?: true
}

/**
 * Why the gate sent aborts: the reason the wait ended, a failed row check, or
 * a first commit that did not go through.
 */
export type AbortReason = 'failure' | 'rows' | 'timeout' | 'cancel' | 'commit'

/** expected-rows: exactly this many rows over all jobs, or at least this many. */
export interface RowExpectation {
  count: number
  atLeast: boolean
}

export interface RowCheck {
  expected: RowExpectation
  /** Rows over all jobs; undefined when some job reported no row count. */
  imported: number | undefined
  passed: boolean
  /** Jobs that reported no row count (the check cannot pass without them). */
  uncounted: string[]
}

/** What the commit gate did (Outcome.gate); absent when no gate input was set. */
export interface GateRecord {
  /** commit: commit was true; abort: only abort-on was set. */
  mode: 'commit' | 'abort'
  /** Jobs that reached Completed without waiting at Uncommitted: visible whatever happens. */
  autoCommitted: string[]
  /** Why aborts were sent, when they were. */
  abortReason?: AbortReason
  /** The expected-rows check, when it ran. */
  rows?: RowCheck
  /** Commits stopped after a refusal or a cancel: these were never sent. */
  notCommitted: string[]
  /** The jobs aborts were (or are being) sent to. */
  abortTargets: string[]
  /** Jobs an abort was not sent to, with the reason. */
  leftAlone: { jobId: string; why: string }[]
}

/** For reporting: a job with no answer yet counts as pending at 0% of unknown size. */
export function lastKnownJob(status: JobStatus): ImportJob {
  return status.job ?? { jobId: status.jobId, state: 'pending', progress: 0, files: [] }
}

/**
 * Every value of the `state` output, in the order one outranks the next (see
 * decideState). `failed`: an import reported an error. `error`: the action
 * could not find out how the import went (a refused key, an unknown job, an
 * answer it cannot read, or an API it never got an answer from).
 */
export const OUTCOME_STATES = [
  'failed',
  'error',
  'uncommitted',
  'completed',
  'cancelled',
  'timed-out',
] as const

export type OutcomeState = (typeof OUTCOME_STATES)[number]

export interface Outcome {
  state: OutcomeState
  jobs: JobStatus[]
  elapsedMs: number
  /** What the commit gate decided and did, when commit, abort-on or expected-rows was set. */
  gate?: GateRecord
  /** The jobs found, when they were found by collection-name. */
  found?: CollectionFind
}

/** A job's progress at a time since the start of the wait. */
export interface ProgressPoint {
  atMs: number
  progress: number
}

/**
 * Each job's progress over time (src/report/history.ts records it): the
 * answers that changed it, and how many answers came in all.
 */
export type ProgressHistory = ReadonlyMap<
  string,
  { readonly points: readonly ProgressPoint[]; readonly answers: number }
>

/** A new answer for a job (the poll loop emits one per answer). */
export interface UpdateEvent {
  kind: 'update'
  jobId: string
  job: ImportJob
  previous: ImportJob | undefined
  elapsedMs: number
}

/**
 * A poll failed with a transient fault and will be retried after `delayMs`,
 * or (`retryAfterMs` set) will not be: the server asked to come back only
 * after the deadline.
 */
export interface RetryEvent {
  kind: 'retry'
  jobId: string
  reason: string
  /** 1 for the first retry after a success (or the start). */
  attempt: number
  delayMs: number
  elapsedMs: number
  /** Set when the server's Retry-After reaches past the deadline: no more polls. */
  retryAfterMs?: number
}

/** A list call failed with a transient fault and is sent again after `delayMs`. */
export interface ListRetryEvent {
  kind: 'list-retry'
  reason: string
  attempt: number
  delayMs: number
  elapsedMs: number
}

/**
 * The rounds stopped using the list: it is not there or not readable
 * (`unsupported`), or it costs as many requests as a describe per job
 * (`cheaper`). The rest of the wait is one describe per job.
 */
export interface FallbackEvent {
  kind: 'fallback'
  why: 'unsupported' | 'cheaper'
  reason: string
  elapsedMs: number
}

export type WaitEvent = UpdateEvent | RetryEvent | ListRetryEvent | FallbackEvent

/** One job as the list call gives it (src/api/list.ts reads it). */
export interface ListedJob {
  /** Text always: Milvus sends int64 IDs as strings, and a number past 2^53 could not be read exactly. */
  jobId: string
  collectionName?: string
  state: JobState
  /** The state as spelled, when this action does not know it (state then reads importing). */
  unknownState?: string
  /** 0-100, where the record carries it (Milvus); absent on Zilliz Cloud. */
  progress?: number
  /** The error text of a failed job (Milvus; omitted when empty). */
  reason?: string
}

export interface ListPage {
  jobs: ListedJob[]
  /** Whether a further page holds more jobs (Zilliz Cloud pages; Milvus answers in one). */
  more: boolean
}

/** A collection's import jobs as found when the wait started (collection-name). */
export interface CollectionFind {
  collectionName: string
  /** Not settled when the wait started: the jobs waited for, in order of ID. */
  waited: string[]
  /** Settled already (completed, failed, uncommitted): named, not waited for. */
  finished: ListedJob[]
}

/** How the rounds ask for one page (from 1) of the jobs list. */
export type ListJobs = (page: number, request: FetchRequest) => Promise<ListPage>

/** How the poll loop asks a dialect's client for one job. */
export interface FetchRequest {
  /** Cancel or fail-fast: the request must stop when it fires. */
  signal: AbortSignal
  timeoutMs: number
}

export type FetchJob = (jobId: string, request: FetchRequest) => Promise<ImportJob>

/** The two writes: make an uncommitted job's data visible, or discard a job. */
export type WriteCall = 'commit' | 'abort'

/**
 * How the server took a commit or abort: done; refused (its body said no);
 * or unsupported (HTTP 404: this server has no two-phase import). `said` is
 * its answer in a few words, redacted.
 */
export interface WriteAnswer {
  kind: 'done' | 'refused' | 'unsupported'
  said: string
}

/** One attempt's result, for the log: every call is named with the server's answer. */
export interface WriteEvent {
  call: WriteCall
  jobId: string
  attempt: number
  /** The final record once the call is settled; absent while it will be sent again. */
  settled?: JobWrite
  /** The transient fault of this attempt, and when it is sent again. */
  fault?: string
  retryInMs?: number
}

/** How the commit gate asks a dialect's client for one write. */
export type SendWrite = (
  call: WriteCall,
  jobId: string,
  request: FetchRequest,
) => Promise<WriteAnswer>

export function isSettled(state: JobState): boolean {
  return state === 'completed' || state === 'failed' || state === 'uncommitted'
}

/** A failed job that fell back to a lower progress keeps the last one seen, and says so. */
export function keepLastProgress(previous: ImportJob | undefined, job: ImportJob): ImportJob {
  if (job.state !== 'failed' || previous === undefined || previous.progress <= job.progress) {
    return job
  }
  return { ...job, progress: previous.progress, progressLastSeen: true }
}

/** The most an unfinished (or failed) job or file shows: 100% is for finished work only. */
export const UNFINISHED_MAX_PERCENT = 99.9

/** A percentage for work that is not finished: never 100 (0.9999999999 of a job is not done). */
export function unfinishedPercent(percent: number): number {
  return Math.min(UNFINISHED_MAX_PERCENT, percentFloor(percent))
}

/**
 * A percentage clamped to 0-100 with one decimal, rounded DOWN so that an
 * unfinished job never shows 100% (but see unfinishedPercent).
 */
export function percentFloor(percent: number): number {
  const clamped = Math.min(100, Math.max(0, percent))
  // The epsilon absorbs float noise such as 0.7 * 1000 = 699.9999999.
  return Math.floor(clamped * 10 + 1e-6) / 10
}

export interface JobError {
  jobId: string
  /** The file the error is about; absent for a job-level error. */
  fileName?: string
  message: string
}

/**
 * Every error the job reports: the job's own first, then each file's. A job
 * error that only repeats one of its files' (Milvus gives a job failed by a
 * file that file's reason) is left out, so it is not reported twice.
 */
export function jobErrors(job: ImportJob): JobError[] {
  const errors: JobError[] = []
  for (const file of job.files) {
    if (file.errorMessage) {
      errors.push({ jobId: job.jobId, fileName: file.fileName, message: file.errorMessage })
    }
  }
  if (job.errorMessage && !errors.some((error) => error.message === job.errorMessage)) {
    errors.unshift({ jobId: job.jobId, message: job.errorMessage })
  }
  return errors
}

/** A job or file is done at 100%, or once the server gives its completion time. */
export function isDone(item: { progress: number; completeTime?: string }): boolean {
  return item.progress >= 100 || item.completeTime !== undefined
}

export function filesDone(job: ImportJob): number {
  return job.files.filter(isDone).length
}

/** Whether a job or file reports any row count. */
export function hasRowCounts(item: { importedRows?: number; totalRows?: number }): boolean {
  return item.importedRows !== undefined || item.totalRows !== undefined
}

/** Whether any job or file reports row counts (the summary then shows a Rows column). */
export function reportsRows(jobs: readonly ImportJob[]): boolean {
  return jobs.some((job) => hasRowCounts(job) || job.files.some(hasRowCounts))
}

/**
 * Overall progress of several jobs: weighted by job size when every job
 * reports one (a 10 GiB job matters more than a 10 KiB one), else a plain mean.
 */
export function overallProgress(jobs: readonly ImportJob[]): number {
  if (jobs.length === 0) return 0
  const sizes = jobs.map((job) => job.fileSize ?? 0)
  const weighted = sizes.every((size) => size > 0)
  const totalWeight = weighted ? sizes.reduce((a, b) => a + b, 0) : jobs.length
  const sum = jobs.reduce((acc, job, i) => acc + job.progress * (weighted ? (sizes[i] ?? 0) : 1), 0)
  return percentFloor(sum / totalWeight)
}
