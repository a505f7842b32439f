/**
 * The v2 jobs API, spoken by Zilliz Cloud (api.cloud.zilliz.com) and by
 * self-hosted Milvus 2.4+. Facts and their sources: docs/api-notes.md
 * (state Pending/Importing/Completed/Failed, progress 0-100, `reason` is the
 * error text, Milvus reports rows and uses "" for "not completed yet").
 */
import { type FileProgress, type ImportJob, type JobState, unfinishedPercent } from '../job.js'
import type { Dialect, DialectRequest, ListDialect } from './client.js'
import { type RefusalKind, refusalKind } from './hints.js'
import { type ListPage, type ListQuery, V2_LIST_PATH, listBody, readListPage } from './list.js'
import {
  type ShapeError,
  readCount,
  readDetails,
  readExact,
  readInRange,
  readString,
  sharedTime,
  withOptional,
} from './read.js'
import { apiUrl } from './url.js'

/** Tried in order (see Dialect.paths): Milvus 2.4 before /describe existed only answers /get_progress. */
export const V2_PATHS = [
  '/v2/vectordb/jobs/import/describe',
  '/v2/vectordb/jobs/import/get_progress',
] as const

/** Two-phase import (Milvus 3.0 line; not in 2.6 or before): see docs/api-notes.md. */
export const V2_WRITE_PATHS = {
  commit: '/v2/vectordb/jobs/import/commit',
  abort: '/v2/vectordb/jobs/import/abort',
} as const

export type V2Product = 'Zilliz Cloud' | 'Milvus'

export interface V2Options {
  product: V2Product
  baseUrl: URL
  /** Sent only when given (self-hosted Milvus has no clusters). */
  clusterId?: string
  /** Milvus database: sent as the DB-Name header and the dbName field. */
  dbName?: string
  /** Told (once per state) about states this action does not know. */
  onUnknownState?: (state: string) => void
}

/** Milvus: 1807 is rate limiting. */
const RATE_LIMITED = 1807

const HINTS: Record<V2Product, Record<RefusalKind, string>> = {
  'Zilliz Cloud': {
    key: 'The API key is invalid or expired: check the "api-key" secret.',
    'unknown-job':
      'The job is unknown: check "job-id" and that the job was created on this cluster.',
    collection: 'The collection is unknown: check "collection-name" and "cluster-id".',
    cluster: 'Check "cluster-id".',
    database: 'Check "db-name".',
    other: 'Check "job-id" and "cluster-id".',
  },
  Milvus: {
    key: 'The credentials were refused: "api-key" must be a Milvus token or user:password.',
    'unknown-job':
      'The job is unknown: check "job-id" (and "db-name"). Milvus forgets finished jobs after its retention period, so an old job ID can no longer be looked up.',
    collection:
      'The collection is unknown: check "collection-name" and "db-name" (Milvus looks in the default database unless "db-name" is set).',
    cluster: 'Check "cluster-id".',
    database: 'Check "db-name".',
    other: 'Check "job-id", "db-name" and "endpoint".',
  },
}

/**
 * Job states (Pending, Importing, Completed, Failed; Uncommitted and Committing
 * for two-phase commit) and file (task) states (InProgress; Retry while Milvus
 * retries a task, with a reason), lower-cased.
 */
const KNOWN_STATES: Record<string, JobState> = {
  pending: 'pending',
  importing: 'importing',
  inprogress: 'importing',
  retry: 'importing',
  committing: 'committing',
  uncommitted: 'uncommitted',
  completed: 'completed',
  failed: 'failed',
}

export class V2Dialect implements Dialect {
  readonly successCodes = [0, 200]
  readonly transientCodes = [RATE_LIMITED]
  readonly format = 'the v2 import-job format'
  readonly paths = V2_PATHS
  readonly writePaths = V2_WRITE_PATHS
  readonly product: V2Product
  private readonly unknownStates = new Set<string>()

  constructor(private readonly options: V2Options) {
    this.product = options.product
  }

  request(jobId: string, path: string): DialectRequest {
    const { baseUrl, clusterId, dbName } = this.options
    const url = apiUrl(baseUrl, path)
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (dbName !== undefined) headers['db-name'] = dbName
    const body = JSON.stringify(
      withOptional<Record<string, string>>({ jobId }, { clusterId, dbName }),
    )
    return { method: 'POST', url, headers, body }
  }

  hint(code: number, message: string): string {
    return HINTS[this.product][refusalKind(code, message)]
  }

  /** The list call: one body for both servers (see list.ts), the same headers as a describe. */
  readonly list: ListDialect = {
    request: (query: ListQuery): DialectRequest => {
      const { baseUrl, clusterId, dbName } = this.options
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (dbName !== undefined) headers['db-name'] = dbName
      return {
        method: 'POST',
        url: apiUrl(baseUrl, V2_LIST_PATH),
        headers,
        body: JSON.stringify(listBody(query, { clusterId, dbName })),
      }
    },
    mapPage: (data, query, fail): ListPage =>
      readListPage(data, query, fail, (text) => {
        let unknown: string | undefined
        const state = readState(text, (spelled) => {
          unknown = spelled
          this.noteUnknownState(spelled)
        })
        return { state, unknown }
      }),
  }

  private noteUnknownState(state: string): void {
    if (this.unknownStates.has(state)) return
    this.unknownStates.add(state)
    this.options.onUnknownState?.(state)
  }

  mapData(jobId: string, data: Record<string, unknown>, fail: ShapeError): ImportJob {
    return mapV2Job(jobId, data, fail, (state) => {
      this.noteUnknownState(state)
    })
  }
}

/** A v2 state as the model's: unknown states mean "still running". */
function readState(text: string, onUnknown: (state: string) => void): JobState {
  // Own keys only: a state "constructor" is unknown, not Object's.
  const key = text.toLowerCase()
  if (Object.hasOwn(KNOWN_STATES, key)) return KNOWN_STATES[key] as JobState
  onUnknown(text)
  return 'importing'
}

interface Reading {
  state: JobState
  /** The state text when it is not one this action knows. */
  unknownState: string | undefined
  progress: number
  completeTime: string | undefined
  errorMessage: string | undefined
  retrying: string | undefined
}

/** What a Failed state with no reason is reported as: the log and outputs still need words. */
export const NO_REASON = 'failed (the server gave no reason)'

/**
 * State, progress, time and error of a job or file, settled against each
 * other. A reason fails it only with state Failed, or with no state at all;
 * with a running state (Milvus marks a task Retry, with a reason, while it
 * retries it) the reason is a note and polling goes on.
 */
function readProgress(
  entry: Record<string, unknown>,
  field: string,
  fail: ShapeError,
  onUnknown: (state: string) => void,
): Reading {
  const reason = readExact(entry.reason, `${field}reason`, fail)
  const stateText = readExact(entry.state, `${field}state`, fail)
  let unknownState: string | undefined
  const state: JobState =
    stateText === undefined
      ? reason === undefined
        ? 'importing'
        : 'failed'
      : readState(stateText, (text) => {
          unknownState = text
          onUnknown(text)
        })
  const percent = readInRange(entry.progress, `${field}progress`, fail, 0, 100) ?? 0
  return {
    state,
    unknownState,
    progress: state === 'completed' ? 100 : unfinishedPercent(percent),
    completeTime: sharedTime(readString(entry.completeTime, `${field}completeTime`, fail)),
    errorMessage: state === 'failed' ? (reason ?? NO_REASON) : undefined,
    retrying: state === 'failed' || state === 'completed' ? undefined : reason,
  }
}

export function mapV2Job(
  jobId: string,
  data: Record<string, unknown>,
  fail: ShapeError,
  onUnknownState: (state: string) => void = () => undefined,
): ImportJob {
  const files = readDetails(data.details, fail).map((entry, index): FileProgress => {
    const field = `details[${index}].`
    const reading = readProgress(entry, field, fail, onUnknownState)
    // One literal of every field (absent ones undefined): see mapV1Job.
    return {
      fileName: readString(entry.fileName, `${field}fileName`, fail) ?? `(file ${index + 1})`,
      progress: reading.progress,
      fileSize: readCount(entry.fileSize, `${field}fileSize`, fail),
      completeTime: reading.completeTime,
      errorMessage: reading.errorMessage,
      retrying: reading.retrying,
      importedRows: readCount(entry.importedRows, `${field}importedRows`, fail),
      totalRows: readCount(entry.totalRows, `${field}totalRows`, fail),
    }
  })
  const job = readProgress(data, '', fail, onUnknownState)
  const fileFailed = files.some((file) => file.errorMessage !== undefined)
  // One failed file fails the job, as in v1 (fail fast). The job's own reason
  // is kept; the stand-in for no reason is dropped when a file says what went wrong.
  const state: JobState = fileFailed ? 'failed' : job.state
  const errorMessage = job.errorMessage === NO_REASON && fileFailed ? undefined : job.errorMessage
  return withOptional<ImportJob>(
    { jobId, state, progress: job.progress, files },
    {
      collectionName: readString(data.collectionName, 'collectionName', fail),
      completeTime: job.completeTime,
      errorMessage,
      unknownState: state === 'failed' ? undefined : job.unknownState,
      retrying: state === 'failed' ? undefined : job.retrying,
      fileSize: readCount(data.fileSize, 'fileSize', fail),
      importedRows: readCount(data.importedRows, 'importedRows', fail),
      totalRows: readCount(data.totalRows, 'totalRows', fail),
    },
  )
}
