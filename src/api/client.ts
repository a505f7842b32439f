/**
 * The import-progress client, the same for every API dialect: sends the
 * dialect's request with the key, logs the raw answer lazily at debug level,
 * turns HTTP statuses and body codes into Transient/Permanent errors, and
 * hands a well-formed `data` object to the dialect's mapping. Knows nothing
 * of the runner. Every server-supplied text is redacted before it leaves.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { ListUnsupportedError, PermanentError, TransientError } from '../errors.js'
import type { FetchRequest, ImportJob, WriteAnswer, WriteCall } from '../job.js'
import type { ListPage, ListQuery } from './list.js'
import { type Redact, redactDeep } from '../redact.js'
import { parseRetryAfter } from '../retry.js'
import { clip } from '../text.js'
import type { Clock } from '../time.js'
import { headerValue, requestIdNote, statusFault } from './faults.js'
import type { HttpResponse, Transport } from './http.js'
import {
  MAX_JSON_DEPTH,
  type ShapeError,
  isRecord,
  jsonDepthExceeds,
  readCode,
  readText,
} from './read.js'

/** A byte-order mark is not JSON, but some gateways prepend one. */
function withoutBom(body: string): string {
  return body.startsWith('\uFEFF') ? body.slice(1) : body
}

/**
 * Whether a refusal says the server has no such call, as opposed to no such
 * job, collection or database: code 404, a bare "Not Found", or a missing
 * API, route, path or method. A text about the job is about the job.
 */
function saysNoSuchCall(code: number, message: string): boolean {
  if (code === 404) return true
  if (/\bjob(_?id)?\b/i.test(message)) return false
  if (/^(404 )?(page )?not found\.?$/i.test(message)) return true
  return (
    /\b(api|route|path|url|endpoint|method)\b/i.test(message) &&
    /not found|no such|unknown|does not exist/i.test(message)
  )
}

export interface DialectRequest {
  method: 'GET' | 'POST'
  url: URL
  headers: Record<string, string>
  body?: string
}

/** The list call, where the API has one (v2). */
export interface ListDialect {
  request(query: ListQuery): DialectRequest
  mapPage(data: Record<string, unknown>, query: ListQuery, fail: ShapeError): ListPage
}

/** What differs between the v1, Zilliz Cloud v2 and Milvus APIs. */
export interface Dialect {
  /** Who answers, for messages: "Zilliz Cloud" or "Milvus". */
  readonly product: string
  /** Names the expected answer format in shape errors. */
  readonly format: string
  /** Body codes that mean success. */
  readonly successCodes: readonly number[]
  /** Body codes that mean "come back later" (rate limiting), retried like HTTP 429. */
  readonly transientCodes: readonly number[]
  /**
   * The API paths that answer for a job, tried in order: an HTTP 404 on one
   * moves on to the next (older servers answer only a later one).
   */
  readonly paths: readonly string[]
  request(jobId: string, path: string): DialectRequest
  /** The paths of the two-phase-import writes, where the API has them (v2). */
  readonly writePaths?: Readonly<Record<WriteCall, string>>
  mapData(jobId: string, data: Record<string, unknown>, fail: ShapeError): ImportJob
  readonly list?: ListDialect
  /** What to check, given a refusal's code and message. */
  hint(code: number, message: string): string
}

export interface ClientOptions {
  apiKey: string
  /** Made with createRedactor(apiKey): every server-supplied text passes through it. */
  redact: Redact
  transport: Transport
  clock: Clock
  /** Lazy debug sink: the message is only built when debug logging is on. */
  debug?: (message: () => string) => void
}

export class ImportApiClient {
  /** Removes the key from server text (control characters are stripped where text is shown). */
  private readonly redact: Redact
  /**
   * Where in dialect.paths polls start: past every path that answered 404.
   * Concurrent polls share it, and it only ever grows (Math.max), so their
   * answers can land in any order and never send anyone back to a dead path.
   */
  private firstPath = 0

  constructor(
    private readonly dialect: Dialect,
    private readonly options: ClientOptions,
  ) {
    this.redact = options.redact
  }

  async fetchJob(jobId: string, request: FetchRequest): Promise<ImportJob> {
    const { clock } = this.options
    // One poll, one time budget: a second path after a 404 gets what is left, not a fresh one.
    const startedAt = clock.now()
    const { paths } = this.dialect
    for (let pathIndex = this.firstPath; ;) {
      const call = this.dialect.request(jobId, paths[pathIndex] ?? '')
      const timeoutMs = request.timeoutMs - (clock.now() - startedAt)
      if (timeoutMs <= 0) {
        throw new TransientError(
          `no answer for job ${jobId} within ${request.timeoutMs / 1000} s (${call.url.pathname} was next)`,
        )
      }
      const response = await this.send(call, request.signal, timeoutMs)
      if (response.status === 404 && pathIndex + 1 < paths.length) {
        pathIndex += 1
        this.firstPath = Math.max(this.firstPath, pathIndex)
        continue
      }
      this.throwIfFault(response, call.url)
      return this.interpret(jobId, response.body, response.headers, clock.now())
    }
  }

  /**
   * Commits or aborts one job: the same request as a read (clusterId, DB-Name)
   * on the write's path, sent once. Transient faults throw TransientError (the
   * caller may send it again: the server takes a repeated commit as the same
   * one); a refusal is an answer, not an error.
   */
  async writeJob(call: WriteCall, jobId: string, request: FetchRequest): Promise<WriteAnswer> {
    const path = this.dialect.writePaths?.[call]
    if (path === undefined) {
      throw new PermanentError(`the ${this.dialect.format} has no ${call} call`)
    }
    const sent = this.dialect.request(jobId, path)
    const response = await this.send(sent, request.signal, request.timeoutMs)
    const { clock } = this.options
    if (response.status === 404) {
      return { kind: 'unsupported', said: `HTTP 404: ${this.describeErrorBody(response.body)}` }
    }
    this.throwIfFault(response, sent.url)
    const body = withoutBom(response.body)
    const parsed = this.parseRedacted(body)
    const code = isRecord(parsed) ? readCode(parsed.code) : undefined
    if (!isRecord(parsed) || code === undefined) {
      // Cut off or garbled: whether the server acted is unknown, so the call is
      // sent again (a repeated commit or abort is the same one).
      throw new TransientError(
        `the answer to the ${call} of job ${jobId} was not a {code} object: ${this.excerpt(body)}`,
        { answered: `HTTP ${response.status}` },
      )
    }
    const message = clip(readText(parsed.message) ?? '', 300)
    const said = `HTTP ${response.status}, code ${code}${message === '' ? '' : ` ${JSON.stringify(message)}`}`
    if (this.dialect.successCodes.includes(code)) return { kind: 'done', said }
    if (this.dialect.transientCodes.includes(code)) {
      throw new TransientError(`${this.dialect.product} asked to slow down: ${said}`, {
        answered: `code ${code}`,
        retryAfterMs: parseRetryAfter(headerValue(response.headers['retry-after']), clock.now()),
      })
    }
    // A gateway without the route may say so in a 200 body ("Not Found", code
    // 404); a text about the job ("job not found") is a refusal for that job.
    if (saysNoSuchCall(code, message)) return { kind: 'unsupported', said }
    return { kind: 'refused', said }
  }

  /**
   * One page of the import jobs list. Throws ListUnsupportedError when the
   * server has no usable list (the caller describes each job instead),
   * PermanentError for a refusal (a bad key, an unknown collection), and
   * TransientError for what may pass, as a describe does.
   */
  async listJobs(query: ListQuery, request: FetchRequest): Promise<ListPage> {
    const { list, format, product, successCodes, transientCodes } = this.dialect
    if (list === undefined) throw new ListUnsupportedError(`the ${format} has no list call`)
    const call = list.request(query)
    const response = await this.send(call, request.signal, request.timeoutMs)
    if (response.status === 404 || response.status === 405) {
      throw new ListUnsupportedError(
        `${call.url.pathname} answered HTTP ${response.status}: ${this.describeErrorBody(response.body)}`,
      )
    }
    this.throwIfFault(response, call.url)
    const body = withoutBom(response.body)
    const requestId = this.redact(requestIdNote(response.headers))
    const fail: ShapeError = (expected) =>
      new ListUnsupportedError(
        `the list answer${requestId} is not in ${format} (expected ${expected}): ${this.excerpt(body)}`,
      )
    const parsed = this.parseRedacted(body)
    if (parsed === undefined) {
      if (jsonDepthExceeds(body, MAX_JSON_DEPTH))
        throw fail(`JSON nested at most ${MAX_JSON_DEPTH} levels deep`)
      throw new TransientError(`the list answer was not JSON: ${this.excerpt(body)}`, {
        answered: 'answers that were not JSON',
      })
    }
    if (!isRecord(parsed)) throw fail('a JSON object')
    const code = readCode(parsed.code)
    const hasData = parsed.data !== undefined && parsed.data !== null
    if (
      (!hasData && readText(parsed.message) !== undefined) ||
      (code !== undefined && !successCodes.includes(code))
    ) {
      const message = clip(readText(parsed.message) ?? '', 300)
      const said = `code ${clip(readText(parsed.code) ?? '?', 40)}${requestId}${message ? `, ${JSON.stringify(message)}` : ''}`
      if (code !== undefined && transientCodes.includes(code)) {
        throw new TransientError(`${product} asked to slow down the list: ${said}`, {
          answered: `code ${code}`,
          retryAfterMs: parseRetryAfter(
            headerValue(response.headers['retry-after']),
            this.options.clock.now(),
          ),
        })
      }
      if (saysNoSuchCall(code ?? Number.NaN, message)) {
        throw new ListUnsupportedError(`${call.url.pathname} is not known there: ${said}`)
      }
      throw new PermanentError(
        `${product} refused to list the import jobs: ${said}. ${this.dialect.hint(code ?? Number.NaN, message)}`,
      )
    }
    if (code === undefined) throw fail('"code" to be a whole number')
    if (!isRecord(parsed.data)) throw fail('a "data" object with "records"')
    // Job IDs, names and reasons are server text: redacted before they are shown or sent back.
    return redactDeep(list.mapPage(parsed.data, query, fail), this.redact) as ListPage
  }

  /** One request with the key, its raw answer logged lazily at debug level. */
  private async send(
    call: DialectRequest,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<HttpResponse> {
    let response: HttpResponse
    try {
      response = await this.options.transport.send({
        ...call,
        headers: {
          ...call.headers,
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json',
        },
        signal,
        timeoutMs,
      })
    } catch (error) {
      // Its words may quote the server (a status text, an encoding's name).
      throw this.redactFault(error)
    }
    this.options.debug?.(() => {
      const sent = call.body === undefined ? '' : ` ${call.body}`
      return `${call.method} ${call.url.pathname}${call.url.search}${sent} -> HTTP ${response.status}: ${this.safeBody(response.body)}`
    })
    return response
  }

  /** A status that is not 2xx as its fault; the status text, a request ID and a redirect's host are server text too. */
  private throwIfFault(response: HttpResponse, url: URL): void {
    const fault = statusFault(
      response,
      url,
      this.options.clock.now(),
      this.describeErrorBody(response.body),
    )
    if (fault) throw this.redactFault(fault)
  }

  /** A fault with the key removed from its message, of the same kind and with the same details. */
  private redactFault(error: unknown): unknown {
    if (error instanceof PermanentError) return new PermanentError(this.redact(error.message))
    if (error instanceof TransientError) {
      return new TransientError(this.redact(error.message), {
        retryAfterMs: error.retryAfterMs,
        answered: error.answered,
      })
    }
    return error
  }

  /** What a non-2xx body says, for the error message: its {code, message}, or an excerpt. */
  private describeErrorBody(body: string): string {
    const parsed = this.parseRedacted(body)
    if (isRecord(parsed)) {
      const code = readText(parsed.code)
      const message = readText(parsed.message)
      const said = [
        code === undefined ? undefined : `code ${clip(code, 40)}`,
        message === undefined ? undefined : JSON.stringify(clip(message, 300)),
      ].filter((part) => part !== undefined)
      if (said.length > 0) return said.join(', ')
    }
    return this.excerpt(body)
  }

  /**
   * A body parsed, with the key removed from every string in it after JSON
   * decoding (a gateway may spell "&" as \u0026): undefined if it is not JSON.
   */
  private parseRedacted(body: string): unknown {
    // Checked first: the walk below recurses, and JSON.parse takes any depth.
    if (jsonDepthExceeds(body, MAX_JSON_DEPTH)) return undefined
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      return undefined
    }
    return redactDeep(parsed, this.redact)
  }

  /** A body to quote: JSON decoded, redacted and encoded again; anything else redacted as it is. */
  private safeBody(body: string): string {
    const parsed = this.parseRedacted(body)
    return parsed === undefined ? this.redact(body) : JSON.stringify(parsed)
  }

  private excerpt(body: string): string {
    const text = body.trim()
    return text === '' ? 'an empty body' : JSON.stringify(clip(this.safeBody(text), 200))
  }

  private interpret(
    jobId: string,
    rawBody: string,
    headers: IncomingHttpHeaders,
    nowMs: number,
  ): ImportJob {
    const body = withoutBom(rawBody)
    const requestId = this.redact(requestIdNote(headers))
    const fail: ShapeError = (expected) =>
      new PermanentError(
        `the answer for job ${jobId}${requestId} is not in ${this.dialect.format} (expected ${expected}): ${this.excerpt(body)}`,
      )
    // Checked before parsing: everything after (redaction, mapping) walks the value.
    if (jsonDepthExceeds(body, MAX_JSON_DEPTH)) {
      throw fail(`JSON nested at most ${MAX_JSON_DEPTH} levels deep`)
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch {
      // A gateway's HTML error page or a cut-off body: the next poll may be fine.
      throw new TransientError(`the answer for job ${jobId} was not JSON: ${this.excerpt(body)}`, {
        answered: 'answers that were not JSON',
      })
    }
    // Decisions read the answer as sent (a state "Completed\u0000" is not
    // Completed); what is quoted is redacted first, and stripped where shown.
    if (!isRecord(parsed)) throw fail('a JSON object')
    const hasData = parsed.data !== undefined && parsed.data !== null
    const refusal = (code: number | undefined): Error =>
      this.refusal(jobId, code, parsed.code, parsed.message, requestId, headers, nowMs)
    // An error envelope: {code, message} and no data. v1's own example of a bad
    // key is {"code": 200, "message": "The token is illegal."}: success code, still a refusal.
    if (!hasData && readText(parsed.message) !== undefined) throw refusal(readCode(parsed.code))
    if (parsed.code === undefined) throw fail('a "code" field')
    const code = readCode(parsed.code)
    if (code === undefined) throw fail('"code" to be a whole number')
    if (!this.dialect.successCodes.includes(code)) throw refusal(code)
    if (!isRecord(parsed.data)) throw fail('a "data" object')
    // Every text the job carries from here on is redacted: it is shown, output
    // and summarised. The job ID is the user's own input, not server text.
    const job = redactDeep(this.dialect.mapData(jobId, parsed.data, fail), this.redact) as ImportJob
    return { ...job, jobId }
  }

  /**
   * The server said no in its body. Its code and message are redacted before
   * anything encodes them (a non-text code is shown as JSON).
   */
  private refusal(
    jobId: string,
    code: number | undefined,
    rawCode: unknown,
    message: unknown,
    requestId: string,
    headers: IncomingHttpHeaders,
    nowMs: number,
  ): Error {
    const text = clip(readText(redactDeep(message, this.redact)) ?? '', 300)
    const codeText = clip(readText(redactDeep(rawCode, this.redact)) ?? '?', 40)
    const said = `code ${codeText}${requestId}${text ? `, ${JSON.stringify(text)}` : ''}`
    if (code !== undefined && this.dialect.transientCodes.includes(code)) {
      // Milvus's limiter answers HTTP 200 with code 1807, and may say when to come back.
      return new TransientError(
        `${this.dialect.product} asked to slow down for job ${jobId}: ${said}`,
        {
          answered: `code ${code}`,
          retryAfterMs: parseRetryAfter(headerValue(headers['retry-after']), nowMs),
        },
      )
    }
    return new PermanentError(
      `${this.dialect.product} refused the request for job ${jobId}: ${said}. ${this.dialect.hint(code ?? Number.NaN, text)}`,
    )
  }
}
