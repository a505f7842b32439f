/**
 * The Zilliz Cloud v1 controller API: where to ask, and how its answer maps
 * into the ImportJob model. Facts: shared/reference/import-progress-apis.md §1
 * (readyPercentage is a fraction; success code is 200, or 0 per the docs;
 * errors mostly arrive as HTTP 200 with {code, message}).
 */
import { PermanentError, TransientError } from '../errors.js'
import {
  type FetchRequest,
  type FileProgress,
  type ImportJob,
  type JobState,
  fractionToPercent,
} from '../job.js'
import { type Redact, createRedactor, redactDeep } from '../redact.js'
import { clip } from '../report/format.js'
import type { Clock } from '../time.js'
import { type Transport, statusFault } from './http.js'

export const V1_PATH = '/v1/vector/collections/import/get'

export interface V1ClientOptions {
  baseUrl: URL
  clusterId: string
  apiKey: string
  transport: Transport
  clock: Clock
  /** Lazy debug sink: the message is only built when debug logging is on. */
  debug?: (message: () => string) => void
}

export function v1Url(baseUrl: URL, jobId: string, clusterId: string): URL {
  const url = new URL(baseUrl.href)
  url.pathname = `${baseUrl.pathname.replace(/\/+$/, '')}${V1_PATH}`
  // URLSearchParams encodes &, #, spaces and unicode: a job ID cannot add parameters.
  url.search = new URLSearchParams({ jobId, clusterId }).toString()
  return url
}

export class V1Client {
  private readonly redact: Redact

  constructor(private readonly options: V1ClientOptions) {
    this.redact = createRedactor(options.apiKey)
  }

  async fetchJob(jobId: string, request: FetchRequest): Promise<ImportJob> {
    const { baseUrl, clusterId, apiKey, transport, clock } = this.options
    const url = v1Url(baseUrl, jobId, clusterId)
    const response = await transport.send({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
      signal: request.signal,
      timeoutMs: request.timeoutMs,
    })
    this.options.debug?.(
      () =>
        `GET ${url.pathname}?${url.search.slice(1)} -> HTTP ${response.status}: ${this.redact(response.body)}`,
    )
    const fault = statusFault(response, url, clock.now(), this.describeErrorBody(response.body))
    if (fault) throw fault
    return this.interpret(jobId, response.body)
  }

  /** What a non-2xx body says, for the error message: its {code, message}, or an excerpt. */
  private describeErrorBody(body: string): string {
    try {
      const parsed: unknown = JSON.parse(body)
      if (isRecord(parsed)) {
        const code = readText(parsed.code)
        const message = readText(parsed.message)
        const said = [
          code === undefined ? undefined : `code ${code}`,
          message === undefined ? undefined : JSON.stringify(clip(this.redact(message), 300)),
        ].filter((part) => part !== undefined)
        if (said.length > 0) return said.join(', ')
      }
    } catch {
      // not JSON: fall through to an excerpt
    }
    return this.excerpt(body)
  }

  private excerpt(body: string): string {
    const text = body.trim()
    return text === '' ? 'an empty body' : JSON.stringify(clip(this.redact(text), 200))
  }

  private interpret(jobId: string, body: string): ImportJob {
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      // A gateway's HTML error page or a cut-off body: the next poll may be fine.
      throw new TransientError(`the answer for job ${jobId} was not JSON: ${this.excerpt(body)}`)
    }
    const safe = redactDeep(parsed, this.redact)
    if (!isRecord(safe)) throw this.shapeError(jobId, 'a JSON object', body)
    const code = Number(safe.code)
    if (code !== 0 && code !== 200) {
      if (safe.code === undefined) throw this.shapeError(jobId, 'a "code" field', body)
      throw apiCodeError(jobId, safe.code, safe.message)
    }
    if (!isRecord(safe.data)) throw this.shapeError(jobId, 'a "data" object', body)
    return mapV1Job(jobId, safe.data, (expected) => this.shapeError(jobId, expected, body))
  }

  private shapeError(jobId: string, expected: string, body: string): PermanentError {
    return new PermanentError(
      `the answer for job ${jobId} is not in the v1 import-progress format (expected ${expected}): ${this.excerpt(body)}`,
    )
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** The server said no in its body. The known codes get a hint on what to fix. */
function apiCodeError(jobId: string, code: unknown, message: unknown): PermanentError {
  const text = typeof message === 'string' ? clip(message, 300) : ''
  return new PermanentError(
    `Zilliz Cloud refused the request for job ${jobId}: code ${String(code)}` +
      `${text ? `, ${JSON.stringify(text)}` : ''}. ${codeHint(Number(code), text)}`,
  )
}

function codeHint(code: number, message: string): string {
  if (code === 80001 || /token|api.?key|auth/i.test(message)) {
    return 'The API key is invalid or expired: check the "api-key" secret.'
  }
  if (
    /job/i.test(message) &&
    /not (exist|found)|does ?n[o']?t exist|unknown|invalid/i.test(message)
  ) {
    return 'The job is unknown: check "job-id" and that the job was created on this cluster.'
  }
  if (/cluster/i.test(message)) return 'Check "cluster-id" and "region".'
  return 'Check "job-id", "cluster-id" and "region".'
}

type ShapeError = (expected: string) => PermanentError

/** readyPercentage: a fraction 0..1. Numeric strings are tolerated; other types are not. */
function readFraction(value: unknown, field: string, fail: ShapeError): number {
  if (value === null || value === undefined) return 0
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw fail(`"${field}" to be a number from 0 to 1`)
  }
  return Math.min(1, Math.max(0, number))
}

function readText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).trim()
  return text === '' ? undefined : text
}

function readSize(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

function settledState(
  fraction: number,
  completeTime: string | undefined,
  error: boolean,
): JobState {
  if (error) return 'failed'
  if (fraction >= 1 || completeTime !== undefined) return 'completed'
  return fraction > 0 ? 'importing' : 'pending'
}

export function mapV1Job(
  jobId: string,
  data: Record<string, unknown>,
  fail: ShapeError,
): ImportJob {
  const details = data.details ?? []
  if (!Array.isArray(details)) throw fail('"details" to be an array')
  const files = details.map((entry: unknown, index): FileProgress => {
    if (!isRecord(entry)) throw fail(`"details[${index}]" to be an object`)
    const fraction = readFraction(entry.readyPercentage, `details[${index}].readyPercentage`, fail)
    const completeTime = readText(entry.completeTime)
    const errorMessage = readText(entry.errorMessage)
    const done = settledState(fraction, completeTime, false) === 'completed'
    const file: FileProgress = {
      fileName: readText(entry.fileName) ?? `(file ${index + 1})`,
      progress: done ? 100 : fractionToPercent(fraction),
    }
    const fileSize = readSize(entry.fileSize)
    if (fileSize !== undefined) file.fileSize = fileSize
    if (completeTime !== undefined) file.completeTime = completeTime
    if (errorMessage !== undefined) file.errorMessage = errorMessage
    return file
  })
  const fraction = readFraction(data.readyPercentage, 'readyPercentage', fail)
  const completeTime = readText(data.completeTime)
  const errorMessage = readText(data.errorMessage)
  const anyError =
    errorMessage !== undefined || files.some((file) => file.errorMessage !== undefined)
  const state = settledState(fraction, completeTime, anyError)
  const job: ImportJob = {
    jobId,
    state,
    progress: state === 'completed' ? 100 : fractionToPercent(fraction),
    files,
  }
  const collectionName = readText(data.collectionName)
  const fileSize = readSize(data.fileSize)
  if (collectionName !== undefined) job.collectionName = collectionName
  if (completeTime !== undefined) job.completeTime = completeTime
  if (errorMessage !== undefined) job.errorMessage = errorMessage
  if (fileSize !== undefined) job.fileSize = fileSize
  return job
}
