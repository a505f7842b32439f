/**
 * One HTTP request, done right for a poller:
 * - it settles the moment its deadline passes or its signal fires, whatever
 *   stage it is in (DNS, a proxy's CONNECT, TLS, headers, body), and destroys
 *   what it opened. Node raises nothing for a request aborted before it has a
 *   socket, so the request is raced against the signal rather than trusted to
 *   report its own end;
 * - proxies via CONNECT (./proxy.ts), named in their own failures;
 * - a kept-alive socket the server closed just as it was reused is re-sent
 *   once, at once, on a fresh connection: nothing of the answer was lost;
 * - bodies are capped, decoded (gzip, deflate, br) within the same cap, and
 *   redirects and protocol switches are refused (the key stays on its host).
 * Every failure becomes a TransientError or a PermanentError.
 */
import * as http from 'node:http'
import type * as Https from 'node:https'
import type { TLSSocket } from 'node:tls'
import { promisify } from 'node:util'
import type * as Zlib from 'node:zlib'
import { AbortedError, PermanentError, TransientError, errorMessage } from '../errors.js'
import { clip } from '../text.js'
import { MAX_HEADER_BYTES, errorCode, networkFault } from './faults.js'
import { type Destroyable, type Stage, proxyFromEnv, tunnelTo } from './proxy.js'
import { loadTlsModules } from './tls-modules.js'
import { socketHost } from './url.js'

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

/** A client certificate and its key (PEM) for hosts that require mutual TLS. */
export interface ClientCertificate {
  cert: string
  key: string
}

export const MAX_BODY_BYTES = 32 * 1024 * 1024

const ACCEPT_ENCODING = 'gzip, deflate, br'

/** The stage once the answer's head has arrived. */
const READING = 'reading the answer'

/** Thrown inside send() when a reused keep-alive socket died before any byte of the answer. */
class StaleConnection extends Error {}

export class HttpTransport implements Transport {
  private readonly httpAgent = new http.Agent({ keepAlive: true })
  /** Made with the first https:// request (node:https is loaded then: tls-modules.ts). */
  private httpsAgent: Https.Agent | undefined

  constructor(
    private readonly userAgent: string,
    private readonly maxBodyBytes = MAX_BODY_BYTES,
    /** Which proxy a URL goes through; the environment's rules unless a test says otherwise. */
    private readonly proxyFor: (url: URL) => URL | undefined = proxyFromEnv,
    /** Offered to every https:// API host that asks for one (never to a proxy). */
    private readonly clientCert?: ClientCertificate,
  ) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const timeout = AbortSignal.timeout(request.timeoutMs)
    const signal = AbortSignal.any([request.signal, timeout])
    const stage: Stage = { peer: request.url.host, doing: 'connecting' }
    try {
      const proxy = this.proxyFor(request.url)
      try {
        return await this.exchange(request, signal, proxy, stage, false)
      } catch (error) {
        if (!(error instanceof StaleConnection)) throw error
        return await this.exchange(request, signal, proxy, stage, true)
      }
    } catch (error) {
      if (request.signal.aborted) throw new AbortedError('request cancelled')
      const within = formatSeconds(request.timeoutMs)
      // Once the head arrived, the host did answer: only the body failed.
      const answering = stage.doing === READING
      if (timeout.aborted) {
        throw answering
          ? new TransientError(
              `the answer from ${stage.peer} did not finish arriving within ${within}`,
              {
                answered: 'answers too slow to arrive',
              },
            )
          : new TransientError(`no answer from ${stage.peer} within ${within} (${stage.doing})`)
      }
      if (error instanceof PermanentError || error instanceof TransientError) throw error
      // A certificate is offered only in a TLS session with the API host.
      const offered = this.clientCert !== undefined && request.url.protocol === 'https:'
      const fault = networkFault(error, request.url, offered)
      if (answering && fault instanceof TransientError) {
        throw new TransientError(`${fault.message}, after the answer had begun`, {
          answered: 'answers cut off before their end',
        })
      }
      throw fault
    }
  }

  /** Closes kept-alive sockets so the process can exit. */
  dispose(): void {
    this.httpAgent.destroy()
    this.httpsAgent?.destroy()
  }

  /** One attempt: (tunnel,) request, answer, body. Whatever it opened is destroyed if it does not finish. */
  private async exchange(
    request: HttpRequest,
    signal: AbortSignal,
    proxy: URL | undefined,
    stage: Stage,
    fresh: boolean,
  ): Promise<HttpResponse> {
    // Nothing is opened for a request given up before it starts (a cancel, or a deadline spent on the first try).
    signal.throwIfAborted()
    // Loaded before anything is opened: every await after this one waits on
    // something in `held`, so a cancel at any point destroys all that is open.
    const tlsModules = request.url.protocol === 'https:' ? await loadTlsModules() : undefined
    signal.throwIfAborted()
    const held = new Set<Destroyable>()
    const work = (async (): Promise<HttpResponse> => {
      stage.peer = request.url.host
      stage.doing = 'connecting'
      // Only https:// goes through a proxy (proxyFromEnv): the tunnel ends in a TLS session.
      const tunnel =
        proxy === undefined || tlsModules === undefined
          ? undefined
          : await tunnelTo(request.url, proxy, held, stage, tlsModules.tls, this.clientCert)
      const message = await this.answer(request, tlsModules?.https, tunnel, fresh, held, stage)
      stage.doing = READING
      const raw = await readBody(message, this.maxBodyBytes)
      const body = await decodeBody(raw, message.headers['content-encoding'], this.maxBodyBytes)
      // A tunnel is not kept: a proxy's CONNECT is cheap next to the poll interval.
      tunnel?.destroy()
      return {
        status: message.statusCode ?? 0,
        statusText: message.statusMessage ?? '',
        headers: message.headers,
        body,
      }
    })()
    try {
      return await untilAborted(work, signal)
    } catch (error) {
      for (const item of held) item.destroy()
      throw error
    }
  }

  /** Sends the request and resolves with the answer's head. */
  private answer(
    request: HttpRequest,
    /** Given for an https:// URL, and only then. */
    https: typeof Https | undefined,
    tunnel: TLSSocket | undefined,
    fresh: boolean,
    held: Set<Destroyable>,
    stage: Stage,
  ): Promise<http.IncomingMessage> {
    const { url, body } = request
    const secure = url.protocol === 'https:'
    const headers: http.OutgoingHttpHeaders = {
      ...request.headers,
      'user-agent': this.userAgent,
      'accept-encoding': ACCEPT_ENCODING,
    }
    if (body !== undefined) headers['content-length'] = Buffer.byteLength(body)
    const options: Https.RequestOptions = {
      method: request.method,
      protocol: url.protocol,
      hostname: socketHost(url),
      port: url.port === '' ? undefined : Number(url.port),
      // Without an agent (through a tunnel) Node would take 80 and send "Host: name:80".
      defaultPort: secure ? 443 : 80,
      path: url.pathname + url.search,
      headers,
      // Gateways send large cookies and policies; Node's default of 16 KiB refuses them.
      maxHeaderSize: MAX_HEADER_BYTES,
    }
    if (tunnel !== undefined) options.createConnection = () => tunnel
    // agent: false is a fresh connection, used once (it then needs the certificate itself).
    else if (fresh) Object.assign(options, { agent: false }, secure ? this.clientCert : undefined)
    else if (https === undefined) options.agent = this.httpAgent
    else
      options.agent = this.httpsAgent ??= new https.Agent({ keepAlive: true, ...this.clientCert })

    return new Promise((resolve, reject) => {
      const req = (https ?? http).request(options)
      held.add(req)
      req.on('socket', (socket) => {
        if (tunnel !== undefined || !socket.connecting) {
          stage.doing = 'waiting for the answer'
          return
        }
        stage.doing = 'connecting'
        socket.once('connect', () => {
          stage.doing = secure ? 'in the TLS handshake' : 'waiting for the answer'
        })
        socket.once('secureConnect', () => {
          stage.doing = 'waiting for the answer'
        })
      })
      req.on('response', resolve)
      // Node hands a 101 to 'upgrade' and, without a listener, drops the socket and never settles.
      req.on('upgrade', (message: http.IncomingMessage, socket: Destroyable) => {
        socket.destroy()
        reject(
          new PermanentError(
            `${url.host} answered HTTP ${message.statusCode} ${clip(message.statusMessage ?? '', 80)}, ` +
              'switching to another protocol, which the import API never does: check the "endpoint" input',
          ),
        )
      })
      req.on('error', (error) => {
        const code = errorCode(error)
        if (req.reusedSocket && code?.startsWith('HPE_') === true) {
          // Garbage on a kept-alive socket may be what an earlier answer left
          // behind: not re-sent at once, but the next poll gets a fresh socket.
          reject(
            new TransientError(
              `${url.host} sent an answer that is not HTTP on a reused connection (${code})`,
              { answered: 'answers that were not HTTP' },
            ),
          )
          return
        }
        const stale = req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')
        reject(stale ? new StaleConnection(errorMessage(error)) : error)
      })
      req.end(body)
    })
  }
}

/**
 * The work's result, or the signal's reason the moment it fires. The work may
 * settle later; that is nobody's business any more. The caller checked that
 * the signal had not fired yet.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    // send() tells a cancel from a timeout by its own signals; the reason here does not matter.
    const onAbort = (): void => {
      reject(new Error('aborted'))
    }
    // An AbortSignal fires 'abort' at most once.
    signal.addEventListener('abort', onAbort)
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        // As it is: Node's errors carry the code the verdict depends on, and need
        // not be instanceof this realm's Error (jest runs tests in a VM context).
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(error)
      },
    )
  })
}

/**
 * The body, up to maxBytes. Events rather than async iteration: the same
 * outcome, without compiling the stream iterator machinery on every start.
 */
function readBody(message: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    message.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        message.destroy()
        reject(tooLarge(maxBytes))
        return
      }
      chunks.push(chunk)
    })
    message.on('end', () => {
      resolve(Buffer.concat(chunks))
    })
    // A connection that dies before the end is an 'error' (ECONNRESET, "aborted").
    message.on('error', reject)
  })
}

function tooLarge(maxBytes: number): PermanentError {
  return new PermanentError(
    `the answer is larger than ${maxBytes / 1024 / 1024} MiB; refusing to read it`,
  )
}

type Decoder = (data: Buffer, options: Zlib.ZlibOptions | Zlib.BrotliOptions) => Promise<Buffer>

/**
 * node:zlib is loaded on the first compressed answer, not at start-up: most
 * runs never see one, and the action is loaded on every CI run.
 */
let zlibLoaded: Promise<typeof Zlib> | undefined
function zlibDecoder(name: 'gunzip' | 'inflate' | 'inflateRaw' | 'brotliDecompress'): Decoder {
  return async (data, options) => {
    const zlib = await (zlibLoaded ??= import('node:zlib'))
    return (promisify(zlib[name]) as Decoder)(data, options)
  }
}

const gunzip = zlibDecoder('gunzip')
const inflate = zlibDecoder('inflate')
const inflateRaw = zlibDecoder('inflateRaw')
const brotli = zlibDecoder('brotliDecompress')

/**
 * "deflate" is meant to be zlib-wrapped, but some servers send it raw: the
 * first byte tells. A zlib header's low nibble is 8 (deflate); a valid raw
 * stream's never is (its low three bits are BFINAL and BTYPE, and a stored
 * block pads the rest of the byte with zeros), so the header's checksum would
 * decide nothing more.
 */
const inflateEither: Decoder = (data, options) => {
  const [first = 0] = data
  return ((first & 0x0f) === 8 ? inflate : inflateRaw)(data, options)
}

const DECODERS: Record<string, Decoder> = {
  gzip: gunzip,
  'x-gzip': gunzip,
  deflate: inflateEither,
  br: brotli,
}

/**
 * The body as text, undoing Content-Encoding (gateways compress whether asked
 * or not). The decoded size is capped like the raw size: a small bomb stays small.
 */
export async function decodeBody(
  raw: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<string> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
  let data = raw
  // Codings are listed in the order they were applied: undo the last first.
  for (const coding of codings.reverse()) {
    if (data.length === 0) break
    const decoder = DECODERS[coding]
    if (decoder === undefined) {
      throw new PermanentError(
        `the answer is encoded as ${JSON.stringify(clip(coding, 40))}, which this action cannot decode ` +
          `(it accepts ${ACCEPT_ENCODING}); a proxy or gateway on the way may be re-encoding answers`,
      )
    }
    try {
      data = await decoder(data, { maxOutputLength: maxBytes })
    } catch (error) {
      if (errorCode(error) === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes)
      throw new TransientError(
        `the answer said it was ${coding}-encoded but could not be decoded (${clip(errorMessage(error), 120)})`,
        { answered: 'answers that could not be decoded' },
      )
    }
  }
  return data.toString('utf8')
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`
}
