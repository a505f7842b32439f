/**
 * One HTTP request, done right for a poller: a hard per-request timeout that
 * covers the body too, cancellation that really closes the socket, a cap on
 * body size, no redirects (so the key never travels to another host), and
 * every failure turned into a TransientError or PermanentError.
 *
 * Built on @actions/http-client for its proxy support (https_proxy, no_proxy),
 * but through requestRaw(): its request() cannot be aborted and its readBody()
 * never settles when a connection dies mid-body.
 */
import * as http from 'node:http'
import * as https from 'node:https'
import { HttpClient } from '@actions/http-client'
import { AbortedError, PermanentError, TransientError, errorMessage } from '../errors.js'
import { parseRetryAfter } from '../retry.js'

export interface HttpRequest {
  method: 'GET' | 'POST'
  url: URL
  headers: Record<string, string>
  body?: string
  /** Cancels the request (the caller's cancel or fail-fast). */
  signal: AbortSignal
  timeoutMs: number
}

export interface HttpResponse {
  status: number
  statusText: string
  headers: http.IncomingHttpHeaders
  body: string
}

export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>
}

// The package does not export its interfaces module; derive the type from the method.
type RequestInfo = Parameters<HttpClient['requestRaw']>[0]

export const MAX_BODY_BYTES = 32 * 1024 * 1024

// Codes that mean "this host or its certificate is wrong", not "the network
// hiccuped": retrying them for half an hour would only hide a typo.
const PERMANENT_NETWORK_CODES = new Set([
  'ENOTFOUND',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

export class HttpTransport implements Transport {
  private readonly client: HttpClient

  constructor(
    private readonly userAgent: string,
    private readonly maxBodyBytes = MAX_BODY_BYTES,
  ) {
    this.client = new HttpClient(userAgent, [], {
      // requestRaw() never follows redirects; this guards a future switch to request().
      allowRedirects: false,
      allowRetries: false,
      keepAlive: true,
    })
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const timeout = AbortSignal.timeout(request.timeoutMs)
    const signal = AbortSignal.any([request.signal, timeout])
    const { url } = request
    const info: RequestInfo = {
      parsedUrl: url,
      httpModule: url.protocol === 'https:' ? https : http,
      options: {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? undefined : Number(url.port),
        path: url.pathname + url.search,
        headers: { ...request.headers, 'user-agent': this.userAgent },
        agent: this.client.getAgent(url.href),
        signal,
      },
    }
    try {
      const response = await this.client.requestRaw(info, request.body ?? null)
      const body = await readBody(response.message, this.maxBodyBytes)
      return {
        status: response.message.statusCode ?? 0,
        statusText: response.message.statusMessage ?? '',
        headers: response.message.headers,
        body,
      }
    } catch (error) {
      if (request.signal.aborted) throw new AbortedError('request cancelled')
      if (timeout.aborted) {
        throw new TransientError(
          `no answer from ${url.host} within ${formatSeconds(request.timeoutMs)}`,
        )
      }
      if (error instanceof PermanentError) throw error
      throw networkFault(error, url)
    }
  }

  /** Closes kept-alive sockets so the process can exit. */
  dispose(): void {
    this.client.dispose()
  }
}

async function readBody(message: http.IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  // Async iteration rejects when the connection dies before the body ends.
  for await (const chunk of message as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) {
      message.destroy()
      throw new PermanentError(
        `the answer is larger than ${maxBytes / 1024 / 1024} MiB; refusing to read it`,
      )
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`
}

export function networkFault(error: unknown, url: URL): Error {
  const code = (error as { code?: unknown } | null)?.code
  const detail = typeof code === 'string' ? `${code}: ${errorMessage(error)}` : errorMessage(error)
  if (typeof code === 'string' && PERMANENT_NETWORK_CODES.has(code)) {
    return new PermanentError(
      `cannot reach ${url.host} (${detail}); check the "region" or "endpoint" input`,
    )
  }
  return new TransientError(`network error talking to ${url.host} (${detail})`)
}

/**
 * The verdict on an HTTP status: undefined for 2xx, else the error to throw.
 * `detail` is what the body said, already made safe to show.
 */
export function statusFault(
  response: HttpResponse,
  url: URL,
  nowMs: number,
  detail: string,
): Error | undefined {
  const { status } = response
  if (status >= 200 && status < 300) return undefined
  const said = detail === '' ? '' : `: ${detail}`
  const what = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''} from ${url.host}${said}`
  if (status >= 300 && status < 400) {
    const location = headerValue(response.headers.location)
    let target = 'elsewhere'
    try {
      if (location !== undefined) target = new URL(location, url).host
    } catch {
      // keep "elsewhere": the Location header is not worth quoting if it is not a URL
    }
    return new PermanentError(
      `${what} (a redirect to ${target}). Redirects are not followed, so the API key is sent ` +
        `only to the host you configured; set "endpoint" to the address the API really lives at`,
    )
  }
  if (status === 408 || status === 429 || status >= 500) {
    return new TransientError(
      what,
      parseRetryAfter(headerValue(response.headers['retry-after']), nowMs),
    )
  }
  return new PermanentError(`${what}${STATUS_HINTS[status] ?? ''}`)
}

const STATUS_HINTS: Record<number, string> = {
  400: '. The request was refused as malformed: check "job-id" and "cluster-id"',
  401: '. The API key was refused: check the "api-key" secret',
  403: '. The API key may not access this cluster: check "api-key" and "cluster-id"',
  404: '. Nothing answers at this address: check "region" (or "endpoint")',
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
