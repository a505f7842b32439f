/**
 * Reaching an https:// API through a forward proxy: which proxy (the
 * https_proxy and no_proxy rules of @actions/http-client), and the CONNECT
 * tunnel, done here rather than by an agent so that every stage can be cut off
 * and every failure names the proxy, not the API host. The API key travels
 * only inside the TLS session with the API host; the proxy sees the host name.
 */
import { once } from 'node:events'
import * as net from 'node:net'
import type * as Tls from 'node:tls'
import { checkBypass, getProxyUrl } from '@actions/http-client/lib/proxy'
import { PermanentError, TransientError } from '../errors.js'
import { clip } from '../text.js'
import { certificateRefused, describeSystemError, errorCode, proxyConnectFault } from './faults.js'
import type { ClientCertificate } from './http.js'
import { socketHost } from './url.js'

/** Something to destroy when the request is given up. */
export interface Destroyable {
  destroy(): void
}

/** Where a request is, for "no answer within N s" messages: who is silent, doing what. */
export interface Stage {
  peer: string
  doing: string
}

/** A proxy answer head larger than this is not an HTTP answer to CONNECT (a real one is a few lines). */
const MAX_HEAD_BYTES = 16 * 1024

/**
 * The proxy for an https:// URL from https_proxy / HTTPS_PROXY, or undefined
 * when none is set or no_proxy (or loopback) bypasses it. Plain http:// is
 * allowed only to loopback, which is never proxied.
 */
export function proxyFromEnv(url: URL): URL | undefined {
  if (url.protocol !== 'https:') return undefined
  // The variable getProxyUrl reads (https_proxy wins over HTTPS_PROXY), named in errors.
  const name = ['https_proxy', 'HTTPS_PROXY'].find((v) => (process.env[v] ?? '') !== '')
  if (name === undefined || checkBypass(url)) return undefined
  // Never the value in a message: it may hold a password.
  const invalid = new PermanentError(
    `The ${name} environment variable is set but is not a valid URL, so no request was sent. ` +
      'Expected http://[user:password@]host:port, with a port from 1 to 65535 and characters such as ' +
      '# / @ : % in the user or password percent-encoded (# is %23).',
  )
  let text: string
  try {
    // What the index's getProxyUrl(href) gives, from the proxy module itself:
    // the index would bundle HttpClient and tunnel (build/README.md).
    text = getProxyUrl(url)?.href ?? ''
  } catch {
    // A value without a scheme that is not a URL even with http:// in front ("user%:pw@host").
    throw invalid
  }
  // getProxyUrl gives "" for a value it cannot parse (connecting directly then
  // would quietly bypass an egress policy): "http://" fails to parse below.
  let proxy: URL | undefined
  try {
    // "proxy.corp:3128" parses as a URL of scheme "proxy.corp:"; curl and the
    // rest of the runner's tooling read a proxy without a scheme as http://.
    // (getProxyUrl gives a parsed URL's href, so the scheme is in lower case.)
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(text) ? text : `http://${text}`)
  } catch {
    // Not a URL even with http:// in front (a port such as 31x8 or 312800).
    throw invalid
  }
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new PermanentError(
      `The ${name} environment variable is not an http:// or https:// URL such as http://proxy.example:3128.`,
    )
  }
  return proxy
}

/** host:port of the proxy, never its credentials. */
export function proxyName(proxy: URL): string {
  return `${proxy.hostname}:${proxy.port || (proxy.protocol === 'https:' ? '443' : '80')}`
}

/**
 * Opens a CONNECT tunnel to `target` through `proxy` and a TLS session with
 * `target` over it. Every socket it makes is added to `held`, so the caller can
 * destroy them at any stage; `stage` says where it is.
 */
export async function tunnelTo(
  target: URL,
  proxy: URL,
  held: Set<Destroyable>,
  stage: Stage,
  /** node:tls, loaded by the caller before anything is opened (tls-modules.ts). */
  tls: typeof Tls,
  clientCert?: ClientCertificate,
): Promise<Tls.TLSSocket> {
  const name = proxyName(proxy)
  const hostname = socketHost(target)
  const address = `${target.hostname}:${target.port || '443'}`
  stage.peer = `the proxy ${name}`
  stage.doing = 'connecting to it'
  const proxyHost = socketHost(proxy)
  const socket =
    proxy.protocol === 'https:'
      ? tls.connect({
          host: proxyHost,
          port: Number(proxy.port || 443),
          servername: net.isIP(proxyHost) ? undefined : proxyHost,
        })
      : net.connect({ host: proxyHost, port: Number(proxy.port || 80) })
  held.add(socket)
  try {
    // A failure rejects (once() listens for 'error'); the deadline covers a socket that just closes.
    await once(socket, proxy.protocol === 'https:' ? 'secureConnect' : 'connect')
  } catch (error) {
    throw proxyConnectFault(error, name)
  }

  stage.doing = `waiting for it to open a tunnel to ${address}`
  socket.write(connectRequest(address, proxy))
  const head = await readHead(socket, name)
  if (Math.trunc(head.status / 100) !== 2) throw refusedTunnel(head, name, address, proxy)

  stage.peer = target.host
  stage.doing = 'in the TLS handshake'
  const secure = tls.connect({
    socket,
    servername: net.isIP(hostname) ? undefined : hostname,
    ...clientCert,
  })
  held.add(secure)
  try {
    await once(secure, 'secureConnect')
  } catch (error) {
    // The API host's certificate or its TLS alerts are the host's; a tunnel
    // that just closes was closed by the proxy (or by the host through it).
    const code = errorCode(error)
    if (certificateRefused(code) || code?.startsWith('ERR_SSL_') === true) throw error
    throw new TransientError(
      `the proxy ${name} opened a tunnel to ${address}, but the tunnel closed before the TLS ` +
        `handshake with ${target.host} finished (${describeSystemError(error)})`,
    )
  }
  return secure
}

function connectRequest(address: string, proxy: URL): string {
  const lines = [`CONNECT ${address} HTTP/1.1`, `Host: ${address}`]
  if (proxy.username !== '' || proxy.password !== '') {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
    lines.push(`Proxy-Authorization: Basic ${Buffer.from(credentials).toString('base64')}`)
  }
  return `${lines.join('\r\n')}\r\n\r\n`
}

interface ProxyHead {
  status: number
  statusText: string
}

/** Reads the proxy's answer to CONNECT up to the blank line. */
function readHead(socket: net.Socket, name: string): Promise<ProxyHead> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0)
    const cleanup = (): void => {
      socket.off('data', onData)
      socket.off('error', onError)
      socket.off('close', onClose)
    }
    const fail = (error: Error): void => {
      cleanup()
      reject(error)
    }
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk])
      const end = buffered.indexOf('\r\n\r\n')
      if (end < 0) {
        if (buffered.length > MAX_HEAD_BYTES) fail(notHttp(name))
        return
      }
      // Nothing after the head belongs to the tunnel: a proxy sends no more until our TLS hello.
      cleanup()
      const statusLine = buffered.subarray(0, end).toString('latin1').split('\r\n')[0] ?? ''
      const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine)
      if (match === null) {
        reject(notHttp(name))
        return
      }
      resolve({
        status: Number(match[1]),
        statusText: clip(match[2] ?? '', 80),
      })
    }
    const onError = (error: Error): void => {
      fail(
        new TransientError(
          `the proxy ${name} broke the connection before answering CONNECT (${describeSystemError(error)})`,
        ),
      )
    }
    const onClose = (): void => {
      fail(new TransientError(`the proxy ${name} closed the connection without answering CONNECT`))
    }
    socket.on('data', onData)
    socket.on('error', onError)
    socket.on('close', onClose)
  })
}

function notHttp(name: string): Error {
  return new TransientError(`the proxy ${name} did not answer CONNECT in HTTP`)
}

function refusedTunnel(head: ProxyHead, name: string, address: string, proxy: URL): Error {
  const what = `HTTP ${head.status}${head.statusText === '' ? '' : ` ${head.statusText}`}`
  if (head.status === 407) {
    const fix =
      proxy.username === ''
        ? 'put user:password in https_proxy (http://user:password@host:port)'
        : 'check the user:password in https_proxy'
    return new PermanentError(`the proxy ${name} asked for authentication (${what}): ${fix}`)
  }
  const refused = `the proxy ${name} did not open a tunnel to ${address} (${what})`
  if (head.status === 502 || head.status === 504) {
    return new TransientError(
      `${refused}: it could not resolve or reach that host; if the host name is wrong, check the "region" or "endpoint" input`,
    )
  }
  if (head.status >= 500) return new TransientError(refused)
  return new PermanentError(
    `${refused}: its rules do not allow this host; ask its operators, or list the host in no_proxy if it is reachable directly`,
  )
}
