/**
 * What went wrong with one request, in words a user acts on, and whether
 * asking again can help (TransientError) or not (PermanentError). Pure: takes
 * Node's errors and HTTP answers, returns errors; sends nothing.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { PermanentError, TransientError, errorMessage } from '../errors.js'
import { parseRetryAfter } from '../retry.js'
import { clip } from '../text.js'

/** The parts of an HTTP answer a verdict needs. */
export interface StatusLine {
  status: number
  statusText: string
  headers: IncomingHttpHeaders
}

/** Certificate checks that failed: retrying cannot fix them, a CA bundle or the host name can. */
const TLS_VERIFY_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

export const certificateRefused = (code: string | undefined): boolean =>
  code !== undefined && TLS_VERIFY_CODES.has(code)

/** OpenSSL's words for "the other side does not speak TLS" (plain HTTP on an https:// URL). */
const NOT_TLS = /wrong version number|packet length too long|http request/i

export const CA_HINT =
  'If a corporate CA or a TLS-inspecting proxy signs your traffic, point NODE_EXTRA_CA_CERTS at its ' +
  'certificate (a PEM file) in the step\'s env; otherwise check the "region" or "endpoint" input'

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * A Node error in one line: its code and the first line of its message, with
 * OpenSSL's "80EC...:error:0A00010B:SSL routines:fn:reason:file:line" cut down
 * to the reason. Line breaks would show as %0A in annotations.
 */
export function describeSystemError(error: unknown): string {
  const firstLine = errorMessage(error).split(/\r?\n/)[0] ?? ''
  const openssl = /:?error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(firstLine)
  const text = clip(openssl?.[1] ?? firstLine, 200)
  const code = errorCode(error)
  return code === undefined || text.startsWith(code) ? text : `${code}: ${text}`
}

/** Header bytes read from an answer: gateways send big cookies and policies (Node's default is 16 KiB). */
export const MAX_HEADER_BYTES = 128 * 1024

/**
 * The alert name in Node's code for a TLS alert the other side sent, e.g.
 * "CERTIFICATE_REQUIRED" (OpenSSL names the SNI alert without _ALERT_).
 * "internal error" is left out: it is not about the peer or the protocol,
 * and load balancers send it for passing trouble.
 */
function tlsAlert(code: string | undefined): string | undefined {
  if (code === 'ERR_SSL_TLSV1_UNRECOGNIZED_NAME') return 'UNRECOGNIZED_NAME'
  const alert = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)$/.exec(code ?? '')?.[1]
  return alert === 'INTERNAL_ERROR' ? undefined : alert
}

/** Alerts with which a server refuses the client certificate it was given. */
const CLIENT_CERT_REFUSED = new Set([
  'BAD_CERTIFICATE',
  'UNSUPPORTED_CERTIFICATE',
  'CERTIFICATE_REVOKED',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_UNKNOWN',
  'UNKNOWN_CA',
  'ACCESS_DENIED',
  'DECRYPT_ERROR',
])

const CLIENT_CERT_INPUTS = 'the "client-cert" and "client-key" inputs'

/**
 * What a TLS alert from the server means, as a permanent error: the server
 * decided, and asking again gets the same answer. Servers that require mutual
 * TLS (self-hosted Milvus with tlsMode 2, mTLS gateways) say so this way.
 */
function tlsAlertFault(alert: string, host: string, withClientCert: boolean): PermanentError {
  const said = `TLS alert "${alert.toLowerCase().replace(/_/g, ' ')}"`
  if (alert === 'CERTIFICATE_REQUIRED') {
    return new PermanentError(
      withClientCert
        ? `${host} requires a client certificate and did not get one it takes (${said}): check ${CLIENT_CERT_INPUTS}`
        : `${host} requires a client certificate (mutual TLS; ${said}): pass it in ${CLIENT_CERT_INPUTS}`,
    )
  }
  if (alert === 'HANDSHAKE_FAILURE') {
    return new PermanentError(
      `${host} refused the TLS handshake (${said}): ` +
        (withClientCert
          ? `check ${CLIENT_CERT_INPUTS}`
          : `it may require a client certificate (${CLIENT_CERT_INPUTS}), or TLS settings this runner does not offer`),
    )
  }
  if (alert === 'UNRECOGNIZED_NAME') {
    return new PermanentError(
      `${host} does not serve that host name (${said}): check the "region" or "endpoint" input`,
    )
  }
  if (withClientCert && CLIENT_CERT_REFUSED.has(alert)) {
    return new PermanentError(
      `${host} refused the client certificate (${said}): check that "client-cert" is current, ` +
        'signed by a CA the server trusts, and matches "client-key"',
    )
  }
  return new PermanentError(`${host} ended the TLS session with ${said}`)
}

/**
 * A failed request as a verdict. `withClientCert`: whether a client
 * certificate was offered (it changes what a TLS alert means).
 */
export function networkFault(error: unknown, url: URL, withClientCert = false): Error {
  const code = errorCode(error)
  const detail = describeSystemError(error)
  const alert = tlsAlert(code)
  if (alert !== undefined) return tlsAlertFault(alert, url.host, withClientCert)
  // Node's HTTP parser refused the answer: the same bytes come back on a retry.
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new PermanentError(
      `the answer from ${url.host} has more than ${MAX_HEADER_BYTES / 1024} KiB of headers (${code}), ` +
        'more than this action reads: a gateway in front of the API sends too many or too large headers (cookies?)',
    )
  }
  if (code?.startsWith('HPE_') === true) {
    return new PermanentError(
      `the answer from ${url.host} is not valid HTTP (${detail}): a gateway or proxy on the way may be mangling it`,
    )
  }
  if (code === 'ENOTFOUND') {
    return new PermanentError(
      `cannot resolve ${url.hostname} (${detail}); check the "region" or "endpoint" input`,
    )
  }
  if (certificateRefused(code)) {
    return new PermanentError(
      `the TLS certificate of ${url.host} was not accepted (${detail}). ${CA_HINT}`,
    )
  }
  if ((code === 'EPROTO' || code?.startsWith('ERR_SSL_') === true) && NOT_TLS.test(detail)) {
    return new PermanentError(
      `${url.host} did not answer in TLS, as if it spoke plain HTTP (${code}): the endpoint's scheme or port ` +
        'is wrong; use http:// for a plain-HTTP port, or the port that serves https://',
    )
  }
  // Node's TLS servers (and some gateways) refuse a client certificate by closing, without an alert.
  const certHint =
    withClientCert && code === 'ECONNRESET'
      ? '; a client certificate was offered, and a server that does not accept it may close the connection like this'
      : ''
  return new TransientError(`network error talking to ${url.host} (${detail})${certHint}`)
}

/** Why the proxy named by https_proxy could not be reached (`name` is its host:port). */
export function proxyConnectFault(error: unknown, name: string): Error {
  const code = errorCode(error)
  const message = `cannot connect to the proxy ${name} set by https_proxy (${describeSystemError(error)})`
  if (tlsAlert(code) !== undefined) return new PermanentError(message)
  // A proxy host that does not resolve is a typo in the variable, not a blip.
  if (code === 'ENOTFOUND') return new PermanentError(`${message}; check the https_proxy variable`)
  if (certificateRefused(code)) {
    return new PermanentError(
      `${message}: its TLS certificate was not accepted. If a corporate CA signs it, point ` +
        "NODE_EXTRA_CA_CERTS at that CA's certificate (a PEM file) in the step's env",
    )
  }
  return new TransientError(message)
}

/** Headers that identify a request to the server's operators, quoted so a support ticket can cite them. */
const REQUEST_ID_HEADER = /(^|-)(request-?id|trace-?id)$/i

/** " (request ID abc-123)" when the answer carries one, else "". */
export function requestIdNote(headers: IncomingHttpHeaders): string {
  for (const [name, value] of Object.entries(headers)) {
    if (!REQUEST_ID_HEADER.test(name)) continue
    const id = (Array.isArray(value) ? value[0] : value)?.trim() ?? ''
    // IDs are tokens; anything else is not worth quoting (and must not carry control characters).
    if (/^[\w.:/=+-]{1,128}$/.test(id)) return ` (${name}: ${id})`
  }
  return ''
}

/**
 * The verdict on an HTTP status: undefined for 2xx, else the error to throw.
 * `detail` is what the body said, already made safe to show.
 */
export function statusFault(
  response: StatusLine,
  url: URL,
  nowMs: number,
  detail: string,
): Error | undefined {
  const { status } = response
  if (status >= 200 && status < 300) return undefined
  const said = detail === '' ? '' : `: ${detail}`
  const what =
    `HTTP ${status}${response.statusText ? ` ${clip(response.statusText, 80)}` : ''} from ${url.host}` +
    `${requestIdNote(response.headers)}${said}`
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
    return new TransientError(what, {
      answered: `HTTP ${status}`,
      retryAfterMs: parseRetryAfter(headerValue(response.headers['retry-after']), nowMs),
    })
  }
  return new PermanentError(`${what}${STATUS_HINTS[status] ?? ''}`)
}

const STATUS_HINTS: Record<number, string> = {
  400: '. The request was refused as malformed: check "job-id" and "cluster-id"',
  401: '. The API key was refused: check the "api-key" secret',
  403: '. The API key may not access this cluster: check "api-key" and "cluster-id"',
  404: '. Nothing answers at this address: check "region" (or "endpoint")',
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
