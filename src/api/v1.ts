/**
 * The Zilliz Cloud v1 controller API: where to ask, and how its answer maps
 * into the ImportJob model. Facts and their sources: docs/api-notes.md
 * (readyPercentage is a fraction; success code is 200, or 0 per the docs;
 * errors mostly arrive as HTTP 200 with {code, message}).
 */
import { type FileProgress, type ImportJob, type JobState, unfinishedPercent } from '../job.js'
import type { Dialect } from './client.js'
import { type RefusalKind, refusalKind } from './hints.js'
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

export const V1_PATH = '/v1/vector/collections/import/get'

export function v1Url(baseUrl: URL, jobId: string, clusterId: string, path = V1_PATH): URL {
  const url = apiUrl(baseUrl, path)
  // URLSearchParams encodes &, #, spaces and unicode: a job ID cannot add parameters.
  url.search = new URLSearchParams({ jobId, clusterId }).toString()
  return url
}

export function v1Dialect(baseUrl: URL, clusterId: string): Dialect {
  return {
    product: 'Zilliz Cloud',
    format: 'the v1 import-progress format',
    successCodes: [0, 200],
    transientCodes: [],
    paths: [V1_PATH],
    request: (jobId, path) => ({
      method: 'GET',
      url: v1Url(baseUrl, jobId, clusterId, path),
      headers: {},
    }),
    mapData: mapV1Job,
    hint: (code, message) => V1_HINTS[refusalKind(code, message)],
  }
}

const V1_HINTS: Record<RefusalKind, string> = {
  key: 'The API key is invalid or expired: check the "api-key" secret.',
  'unknown-job': 'The job is unknown: check "job-id" and that the job was created on this cluster.',
  collection: 'Check "job-id", "cluster-id" and "region".',
  cluster: 'Check "cluster-id" and "region".',
  database: 'Check "job-id", "cluster-id" and "region".',
  other: 'Check "job-id", "cluster-id" and "region".',
}

/** readyPercentage: a fraction 0..1 (plain decimal strings tolerated); out of range is a shape error. */
function readFraction(value: unknown, field: string, fail: ShapeError): number {
  return readInRange(value, field, fail, 0, 1) ?? 0
}

function v1State(fraction: number, completeTime: string | undefined, error: boolean): JobState {
  if (error) return 'failed'
  if (fraction >= 1 || completeTime !== undefined) return 'completed'
  return fraction > 0 ? 'importing' : 'pending'
}

export function mapV1Job(
  jobId: string,
  data: Record<string, unknown>,
  fail: ShapeError,
): ImportJob {
  const files = readDetails(data.details, fail).map((entry, index): FileProgress => {
    const field = `details[${index}].`
    const fraction = readFraction(entry.readyPercentage, `${field}readyPercentage`, fail)
    const completeTime = sharedTime(readString(entry.completeTime, `${field}completeTime`, fail))
    const done = v1State(fraction, completeTime, false) === 'completed'
    // One literal of every field (absent ones undefined): a file record is
    // made 200,000 times in a large run, and one shape is 30% smaller than
    // fields added one by one.
    return {
      fileName: readString(entry.fileName, `${field}fileName`, fail) ?? `(file ${index + 1})`,
      progress: done ? 100 : unfinishedPercent(fraction * 100),
      fileSize: readCount(entry.fileSize, `${field}fileSize`, fail),
      completeTime,
      errorMessage: readExact(entry.errorMessage, `${field}errorMessage`, fail),
    }
  })
  const fraction = readFraction(data.readyPercentage, 'readyPercentage', fail)
  const completeTime = readString(data.completeTime, 'completeTime', fail)
  const errorMessage = readExact(data.errorMessage, 'errorMessage', fail)
  const anyError =
    errorMessage !== undefined || files.some((file) => file.errorMessage !== undefined)
  const state = v1State(fraction, completeTime, anyError)
  return withOptional<ImportJob>(
    {
      jobId,
      state,
      progress: state === 'completed' ? 100 : unfinishedPercent(fraction * 100),
      files,
    },
    {
      collectionName: readString(data.collectionName, 'collectionName', fail),
      completeTime,
      errorMessage,
      fileSize: readCount(data.fileSize, 'fileSize', fail),
    },
  )
}
