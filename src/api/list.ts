/**
 * The list call of the v2 jobs API (POST /v2/vectordb/jobs/import/list), in
 * both shapes it comes in: pure request building and answer reading. Facts
 * and sources: docs/api-notes.md ("Listing import jobs").
 *
 * - Self-hosted Milvus answers every job of a collection at once (no paging),
 *   in no fixed order, each record with state and progress (and a reason once
 *   failed). An empty collection name lists every job of every database.
 * - Zilliz Cloud lists every job of the cluster, page by page (pageSize,
 *   currentPage from 1), each record with state only; its docs name no
 *   collection filter, so records are filtered here.
 *
 * One body serves both, as pymilvus sends it: Milvus ignores the paging
 * fields, Zilliz Cloud the database.
 */
import type { JobState, ListPage, ListedJob } from '../job.js'

export type { ListPage, ListedJob }
import { isRecord, readExact, readInRange, readString, type ShapeError } from './read.js'

export const V2_LIST_PATH = '/v2/vectordb/jobs/import/list'

/** Records asked for per page: pymilvus's default is 10 and no maximum is documented. */
export const LIST_PAGE_SIZE = 100

/** A cluster listing more pages than this in one round is not paged further (a loop guard). */
export const MAX_LIST_PAGES = 200

export interface ListQuery {
  /** The collection to list; undefined lists every job (Milvus: of every database). */
  collectionName?: string
  /** From 1. */
  page: number
}

/** The list body: Milvus reads collectionName and dbName, Zilliz Cloud clusterId and the paging. */
export function listBody(
  query: ListQuery,
  target: { clusterId?: string; dbName?: string },
): Record<string, unknown> {
  const body: Record<string, unknown> = { collectionName: query.collectionName ?? '' }
  if (target.dbName !== undefined) body.dbName = target.dbName
  if (target.clusterId !== undefined) body.clusterId = target.clusterId
  body.pageSize = LIST_PAGE_SIZE
  body.currentPage = query.page
  return body
}

/**
 * A list answer's data as a page. `data` must be the v2 object with a
 * `records` array (the pre-2.4 development shape, `data` as an array, is not
 * one); each record needs a job ID and a state. Anything else is a shape error.
 */
export function readListPage(
  data: Record<string, unknown>,
  query: ListQuery,
  fail: ShapeError,
  readState: (text: string) => { state: JobState; unknown: string | undefined },
): ListPage {
  const records = data.records ?? []
  if (!Array.isArray(records)) throw fail('"records" to be an array')
  const jobs = records.map((record: unknown, index): ListedJob => {
    const field = `records[${index}].`
    if (!isRecord(record)) throw fail(`"records[${index}]" to be an object`)
    const jobId = readJobId(record.jobId, `${field}jobId`, fail)
    const stateText = readExact(record.state, `${field}state`, fail)
    if (stateText === undefined) throw fail(`"${field}state" to be a state`)
    const { state, unknown } = readState(stateText)
    const job: ListedJob = { jobId, state }
    const collectionName = readString(record.collectionName, `${field}collectionName`, fail)
    if (collectionName !== undefined) job.collectionName = collectionName
    if (unknown !== undefined) job.unknownState = unknown
    const progress = readInRange(record.progress, `${field}progress`, fail, 0, 100)
    if (progress !== undefined) job.progress = progress
    const reason = readExact(record.reason, `${field}reason`, fail)
    if (reason !== undefined) job.reason = reason
    return job
  })
  return { jobs, more: morePages(data, query.page, jobs.length) }
}

/**
 * Whether to ask for the next page. Only a full page can have a successor;
 * `count` is the total over all pages (the docs' example: count 1000 with
 * pageSize 10), so a full page that reaches it is the last. The server's
 * own pageSize wins over the one asked for: it may cap it.
 */
function morePages(data: Record<string, unknown>, page: number, got: number): boolean {
  const pageSize = positiveWhole(data.pageSize) ?? LIST_PAGE_SIZE
  if (got < pageSize || page >= MAX_LIST_PAGES) return false
  const count = positiveWhole(data.count)
  return count === undefined || page * pageSize < count
}

function positiveWhole(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined
}

/** What the job-id input takes: an ID from the list is described and shown like one. */
const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/

function readJobId(value: unknown, field: string, fail: ShapeError): string {
  const text =
    // A negative number reads "-1", which the pattern refuses.
    typeof value === 'number' && Number.isSafeInteger(value)
      ? String(value)
      : typeof value === 'string'
        ? value
        : ''
  if (!JOB_ID.test(text)) {
    throw fail(
      `"${field}" to be a job ID (letters, digits, ".", "_", ":" or "-", or a whole number below 2^53)`,
    )
  }
  return text
}
