/**
 * HttpTransport in-process against real servers on loopback: the test CONNECT
 * proxy in each of its moods, raw TCP servers for answers no HTTP library
 * sends, and the simulator. No mocked modules.
 */
import { afterEach } from '@jest/globals'
import { type Server, type Socket, createServer } from 'node:net'
import { HttpTransport } from '../../src/api/http.js'
import { proxyFromEnv, proxyName } from '../../src/api/proxy.js'
import { AbortedError, PermanentError, TransientError } from '../../src/errors.js'
import { startSimulator } from '../../scripts/simulator.mjs'
import { failure } from '../helpers/api.js'
import { type ProxyMode, freePort, startProxy } from '../helpers/proxy.js'

const ZILLIZ = new URL('https://controller.api.gcp-us-west1.zillizcloud.com/v1/x')
const closers: (() => Promise<void>)[] = []
const transports: HttpTransport[] = []

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.dispose()
  for (const close of closers.splice(0)) await close()
})

function transportVia(proxy: string | undefined): HttpTransport {
  const transport = new HttpTransport('test/1', 1_000_000, () =>
    proxy === undefined ? undefined : new URL(proxy),
  )
  transports.push(transport)
  return transport
}

const send = (
  transport: HttpTransport,
  url: URL = ZILLIZ,
  timeoutMs = 3_000,
  signal = new AbortController().signal,
) => transport.send({ method: 'GET', url, headers: {}, signal, timeoutMs })

async function proxy(mode: ProxyMode) {
  const started = await startProxy(mode)
  closers.push(() => started.close())
  return started
}

/** A TCP server that writes `answer` (or nothing) to each connection. */
async function rawServer(answer: string | undefined): Promise<number> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.once('data', () => {
      if (answer !== undefined) socket.end(answer)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => {
          resolve()
        })
      }),
  )
  return (server.address() as { port: number }).port
}

describe('choosing a proxy', () => {
  const saved = { ...process.env }
  afterEach(() => {
    for (const name of ['https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']) {
      if (saved[name] === undefined) Reflect.deleteProperty(process.env, name)
      else process.env[name] = saved[name]
    }
  })

  test('https_proxy applies to https:// hosts; no_proxy and loopback bypass it', () => {
    process.env.https_proxy = 'http://user:pw@proxy.example:3128'
    expect(proxyFromEnv(ZILLIZ)?.host).toBe('proxy.example:3128')
    expect(proxyFromEnv(new URL('https://127.0.0.1:9/x'))).toBeUndefined()
    expect(proxyFromEnv(new URL('http://127.0.0.1:9/x'))).toBeUndefined()
    process.env.no_proxy = '.zillizcloud.com'
    expect(proxyFromEnv(ZILLIZ)).toBeUndefined()
  })

  test('a proxy without a scheme is read as http://, as curl reads it', () => {
    process.env.https_proxy = 'proxy.corp.example:3128'
    const proxy = proxyFromEnv(ZILLIZ)
    expect([proxy?.protocol, proxy?.host]).toEqual(['http:', 'proxy.corp.example:3128'])
  })

  test('no proxy set: none', () => {
    Reflect.deleteProperty(process.env, 'https_proxy')
    Reflect.deleteProperty(process.env, 'HTTPS_PROXY')
    expect(proxyFromEnv(ZILLIZ)).toBeUndefined()
  })

  test('a proxy URL of another scheme is a clear permanent error', () => {
    process.env.https_proxy = 'socks5://proxy.example:1080'
    expect(() => proxyFromEnv(ZILLIZ)).toThrow(PermanentError)
    expect(() => proxyFromEnv(ZILLIZ)).toThrow(/https_proxy environment variable is not an http/)
  })

  test('the proxy is named by host:port, never its credentials', () => {
    expect(proxyName(new URL('http://alice:secret@proxy.example:3128'))).toBe('proxy.example:3128')
    expect(proxyName(new URL('http://proxy.example'))).toBe('proxy.example:80')
    expect(proxyName(new URL('https://proxy.example'))).toBe('proxy.example:443')
  })
})

describe('through a CONNECT proxy', () => {
  test('a silent proxy: the request ends at its deadline, naming the proxy and the stage', async () => {
    const p = await proxy({ kind: 'silent' })
    const error = await failure(send(transportVia(p.url), ZILLIZ, 300))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toBe(
      `no answer from the proxy 127.0.0.1:${p.port} within 0.3 s (waiting for it to open a tunnel to controller.api.gcp-us-west1.zillizcloud.com:443)`,
    )
  })

  test('a proxy that stalls after CONNECT: the deadline names the API host, in the TLS handshake', async () => {
    const p = await proxy({ kind: 'stall' })
    const error = await failure(send(transportVia(p.url), ZILLIZ, 300))
    expect(error.message).toBe(
      'no answer from controller.api.gcp-us-west1.zillizcloud.com within 0.3 s (in the TLS handshake)',
    )
  })

  test('a cancel settles a request still waiting on CONNECT, at once', async () => {
    const p = await proxy({ kind: 'silent' })
    const cancel = new AbortController()
    const pending = send(transportVia(p.url), ZILLIZ, 30_000, cancel.signal)
    setTimeout(() => {
      cancel.abort()
    }, 100)
    expect(await failure(pending)).toBeInstanceOf(AbortedError)
  })

  test('an https:// proxy that never finishes its TLS handshake is named too', async () => {
    const p = await proxy({ kind: 'silent' })
    const error = await failure(send(transportVia(`https://127.0.0.1:${p.port}`), ZILLIZ, 300))
    expect(error.message).toBe(
      `no answer from the proxy 127.0.0.1:${p.port} within 0.3 s (connecting to it)`,
    )
  })

  test.each([
    [
      'with credentials',
      'http://alice:pw@127.0.0.1',
      /asked for authentication \(HTTP 407 Proxy Authentication Required\): check the user:password in https_proxy$/,
    ],
    [
      'without credentials',
      'http://127.0.0.1',
      /asked for authentication .*: put user:password in https_proxy \(http:\/\/user:password@host:port\)$/,
    ],
  ])('407 %s: permanent', async (_name, base, expected) => {
    const p = await proxy({ kind: 'status', status: 407, text: 'Proxy Authentication Required' })
    const error = await failure(send(transportVia(`${base}:${p.port}`)))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(expected)
    expect(error.message).not.toMatch(/alice|pw/)
  })

  test.each([
    [502, 'Bad Gateway', TransientError, /could not resolve or reach that host/],
    [503, 'Service Unavailable', TransientError, /\(HTTP 503 Service Unavailable\)$/],
    [403, 'Forbidden', PermanentError, /its rules do not allow this host/],
  ])('CONNECT answered %i', async (status, text, kind, expected) => {
    const p = await proxy({ kind: 'status', status, text })
    const error = await failure(send(transportVia(p.url)))
    expect(error).toBeInstanceOf(kind)
    expect(error.message).toMatch(
      new RegExp(`^the proxy 127\\.0\\.0\\.1:${p.port} did not open a tunnel to controller`),
    )
    expect(error.message).toMatch(expected)
  })

  test('credentials are sent as Proxy-Authorization, decoded', async () => {
    const p = await proxy({ kind: 'status', status: 503, text: 'x' })
    await failure(send(transportVia(`http://us%40er:p%3Ass@127.0.0.1:${p.port}`)))
    expect(p.connects).toEqual([
      { target: 'controller.api.gcp-us-west1.zillizcloud.com:443', credentials: 'us@er:p:ss' },
    ])
  })

  test('a refused connection to the proxy is transient and names it', async () => {
    const port = await freePort()
    const error = await failure(send(transportVia(`http://127.0.0.1:${port}`)))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toMatch(
      new RegExp(
        `^cannot connect to the proxy 127\\.0\\.0\\.1:${port} set by https_proxy \\(ECONNREFUSED`,
      ),
    )
  })

  test.each([
    ['closes without answering', '', /closed the connection without answering CONNECT/],
    [
      'answers something that is not HTTP',
      'SSH-2.0-OpenSSH\r\n\r\n',
      /did not answer CONNECT in HTTP/,
    ],
    [
      'answers an endless head',
      'HTTP/1.1 200 OK\r\nx: ' + 'a'.repeat(20_000),
      /did not answer CONNECT in HTTP/,
    ],
  ])('a proxy that %s: transient, named', async (_name, answer, expected) => {
    const port = await rawServer(answer)
    const error = await failure(send(transportVia(`http://127.0.0.1:${port}`)))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toMatch(expected)
  })

  test('a tunnel to a host whose certificate is not trusted: the TLS verdict, at once', async () => {
    const { readFileSync } = await import('node:fs')
    const tls = (name: string) =>
      readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), 'utf8')
    const secure = await startSimulator({
      jobs: {},
      tls: { key: tls('server.key'), cert: tls('server.pem') },
    })
    closers.push(() => secure.close())
    const p = await proxy({ kind: 'tunnel', port: secure.port })
    const error = await failure(send(transportVia(p.url)))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(
      /^the TLS certificate of controller\.api\.gcp-us-west1\.zillizcloud\.com was not accepted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
    )
  })
})

describe('answers no HTTP library sends', () => {
  test('101 Switching Protocols ends in a permanent error, not a hang', async () => {
    const port = await rawServer(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n',
    )
    const error = await failure(send(transportVia(undefined), new URL(`http://127.0.0.1:${port}/`)))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(
      /answered HTTP 101 Switching Protocols, switching to another protocol/,
    )
  })

  test('a kept-alive socket dropped on reuse is re-sent on a fresh one; a fresh one that drops is an error', async () => {
    const sim = await startSimulator({
      // Entries go one per request: the re-sent request gets the third.
      jobs: {
        'job-1': { script: [0.2, { progress: 0.4, dropIfReused: true }, 0.5, { reset: true }] },
      },
    })
    closers.push(() => sim.close())
    const transport = transportVia(undefined)
    const url = new URL(
      `${sim.url}/v1/vector/collections/import/get?jobId=job-1&clusterId=${sim.clusterId}`,
    )
    const authorized = () =>
      transport.send({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${sim.apiKey}` },
        signal: new AbortController().signal,
        timeoutMs: 3_000,
      })
    expect((await authorized()).status).toBe(200)
    const second = await authorized()
    expect(JSON.parse(second.body)).toMatchObject({ data: { readyPercentage: 0.5 } })
    // Three requests reached the server: the dropped one was sent again.
    expect(sim.requests).toHaveLength(3)
    // The last entry cuts a fresh connection mid-body: that is a real fault, not re-sent.
    expect(await failure(authorized())).toBeInstanceOf(TransientError)
  })
})

describe('IPv6 literals', () => {
  test('an endpoint such as http://[::1]:port connects to ::1, brackets removed for the socket', async () => {
    const sim = await startSimulator({ host: '::1', jobs: { 'job-1': { script: [1] } } })
    closers.push(() => sim.close())
    const url = new URL(
      `${sim.url}/v1/vector/collections/import/get?jobId=job-1&clusterId=${sim.clusterId}`,
    )
    expect(url.hostname).toBe('[::1]')
    const response = await transportVia(undefined).send({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${sim.apiKey}` },
      signal: new AbortController().signal,
      timeoutMs: 3_000,
    })
    expect(response.status).toBe(200)
    expect(sim.requests).toHaveLength(1)
  })
})
