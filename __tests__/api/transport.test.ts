/**
 * HttpTransport in-process against real servers on loopback: the test CONNECT
 * proxy in each of its moods, raw TCP servers for answers no HTTP library
 * sends, and the simulator. No mocked modules.
 */
import { afterEach } from '@jest/globals'
import {
  type IncomingMessage,
  type ServerResponse,
  createServer as createHttpServer,
} from 'node:http'
import { type Server, type Socket, createServer } from 'node:net'
import { HttpTransport } from '../../src/api/http.js'
import { proxyFromEnv, proxyName } from '../../src/api/proxy.js'
import { AbortedError, PermanentError, TransientError } from '../../src/errors.js'
import { startSimulator } from '../../scripts/simulator.mjs'
import { failure } from '../helpers/api.js'
import { type ProxyMode, freePort, startProxy } from '../helpers/proxy.js'
import { pem } from '../helpers/tls.js'

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

/**
 * Listens on a loopback port. After the test, every connection it accepted is
 * destroyed and the server closed. `open` counts the connections still open.
 */
async function listen(server: Server): Promise<{ port: number; open: () => number }> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
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
  return { port: (server.address() as { port: number }).port, open: () => sockets.size }
}

/**
 * A TCP server that, on each connection's first bytes, writes `answer` and
 * closes (nothing for undefined), or does what a function says.
 */
async function rawServer(answer: string | undefined | ((socket: Socket) => void)): Promise<number> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined)
    socket.once('data', () => {
      if (typeof answer === 'function') answer(socket)
      else if (answer !== undefined) socket.end(answer)
    })
  })
  return (await listen(server)).port
}

describe('choosing a proxy', () => {
  const saved = { ...process.env }
  afterEach(() => {
    for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'no_proxy', 'NO_PROXY']) {
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

  test('a proxy without a scheme is read as http:// even when "://" comes later in it', () => {
    process.env.https_proxy = 'proxy.corp.example:3128/x://y'
    const proxy = proxyFromEnv(ZILLIZ)
    expect([proxy?.protocol, proxy?.host]).toEqual(['http:', 'proxy.corp.example:3128'])
  })

  test('a scheme in capitals is still a scheme', () => {
    process.env.https_proxy = 'HTTP://proxy.corp.example:3128'
    const proxy = proxyFromEnv(ZILLIZ)
    expect([proxy?.protocol, proxy?.host]).toEqual(['http:', 'proxy.corp.example:3128'])
  })

  test('an https:// proxy is taken as one', () => {
    process.env.https_proxy = 'https://proxy.corp.example:8443'
    expect(proxyFromEnv(ZILLIZ)?.href).toBe('https://proxy.corp.example:8443/')
  })

  test('plain http:// requests are never proxied, even with http_proxy set', () => {
    process.env.https_proxy = 'http://proxy.example:3128'
    process.env.http_proxy = 'http://proxy.example:3128'
    expect(proxyFromEnv(new URL('http://milvus.test:19530/x'))).toBeUndefined()
  })

  test('a proxy with a mistyped port is a clear permanent error, not a stack trace', () => {
    process.env.https_proxy = 'proxy.corp.example:31x8'
    expect(() => proxyFromEnv(ZILLIZ)).toThrow(
      /^The https_proxy environment variable is set but is not a valid URL, so no request was sent\./,
    )
  })

  test.each([
    ['https_proxy', 'http://alice:pa#ss@proxy.corp.example:3128'],
    ['https_proxy', 'http://proxy.corp.example:312800'],
    ['HTTPS_PROXY', 'https://proxy.corp.example:99999'],
    // Without a scheme, @actions/http-client throws instead of giving "".
    ['https_proxy', 'alice%:pa@proxy.corp.example:3128'],
    ['HTTPS_PROXY', 'proxy corp.example:3128'],
  ])(
    '%s set to %s (not a URL): a permanent error naming the variable, not its value',
    (name, value) => {
      Reflect.deleteProperty(process.env, 'https_proxy')
      Reflect.deleteProperty(process.env, 'HTTPS_PROXY')
      process.env[name] = value
      const error = (() => {
        try {
          proxyFromEnv(ZILLIZ)
        } catch (thrown) {
          return thrown as Error
        }
        return undefined
      })()
      expect(error).toBeInstanceOf(PermanentError)
      expect(error?.message).toMatch(
        new RegExp(
          `^The ${name} environment variable is set but is not a valid URL, so no request was sent\\.`,
        ),
      )
      for (const part of ['alice', 'pa#ss', 'proxy.corp', '312800', '99999']) {
        expect(error?.message).not.toContain(part)
      }
    },
  )

  test('an unparseable proxy for a host no_proxy bypasses is no matter', () => {
    process.env.https_proxy = 'http://proxy.corp.example:312800'
    process.env.no_proxy = '.zillizcloud.com'
    expect(proxyFromEnv(ZILLIZ)).toBeUndefined()
    expect(proxyFromEnv(new URL('https://127.0.0.1:9/x'))).toBeUndefined()
  })

  test('no proxy set: none', () => {
    Reflect.deleteProperty(process.env, 'https_proxy')
    Reflect.deleteProperty(process.env, 'HTTPS_PROXY')
    expect(proxyFromEnv(ZILLIZ)).toBeUndefined()
  })

  test('a proxy of another scheme names the variable that is set', () => {
    Reflect.deleteProperty(process.env, 'https_proxy')
    process.env.HTTPS_PROXY = 'socks5://proxy.example:1080'
    expect(() => proxyFromEnv(ZILLIZ)).toThrow(
      /^The HTTPS_PROXY environment variable is not an http:\/\/ or https:\/\/ URL/,
    )
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
    [504, 'Gateway Timeout', TransientError, /could not resolve or reach that host/],
    [500, 'Internal Server Error', TransientError, /\(HTTP 500 Internal Server Error\)$/],
    [503, 'Service Unavailable', TransientError, /\(HTTP 503 Service Unavailable\)$/],
    [403, 'Forbidden', PermanentError, /its rules do not allow this host/],
    [302, 'Found', PermanentError, /\(HTTP 302 Found\): its rules/],
    [199, 'Odd', PermanentError, /\(HTTP 199 Odd\): its rules/],
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

  test.each([
    ['without credentials', '', undefined],
    ['with a user only', 'alice@', 'alice:'],
    ['with a password only', ':pw@', ':pw'],
  ])(
    'a proxy URL %s: Proxy-Authorization only when it names someone',
    async (_name, userinfo, sent) => {
      const p = await proxy({ kind: 'status', status: 503, text: 'x' })
      await failure(send(transportVia(`http://${userinfo}127.0.0.1:${p.port}`)))
      expect(p.connects).toEqual([
        sent === undefined
          ? { target: 'controller.api.gcp-us-west1.zillizcloud.com:443' }
          : { target: 'controller.api.gcp-us-west1.zillizcloud.com:443', credentials: sent },
      ])
    },
  )

  test('an https:// proxy whose certificate is not trusted: permanent, the TLS verdict, at once', async () => {
    const { createServer: createTlsServer } = await import('node:tls')
    // Self-signed: the test CA is trusted in the unit tests (tls.test.ts), this is not.
    const server = createTlsServer(
      { key: pem('self-signed.key'), cert: pem('self-signed.pem') },
      (socket) => {
        socket.on('error', () => undefined)
      },
    )
    server.on('tlsClientError', () => undefined)
    const { port } = await listen(server)
    const error = await failure(send(transportVia(`https://127.0.0.1:${port}`), ZILLIZ, 3_000))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(
      new RegExp(
        `^cannot connect to the proxy 127\\.0\\.0\\.1:${port} set by https_proxy \\(DEPTH_ZERO_SELF_SIGNED_CERT.*\\): its TLS certificate was not accepted\\. .*NODE_EXTRA_CA_CERTS`,
      ),
    )
  })

  test('a tunnel the proxy closes before the TLS handshake: the proxy is named', async () => {
    const { url, port } = await proxy({ kind: 'close-tunnel' })
    const error = await failure(send(transportVia(url)))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toMatch(
      new RegExp(
        `^the proxy 127\\.0\\.0\\.1:${port} opened a tunnel to controller\\.api\\.gcp-us-west1\\.zillizcloud\\.com:443, but the tunnel closed before the TLS handshake with controller\\.api\\.gcp-us-west1\\.zillizcloud\\.com finished \\(`,
      ),
    )
  })

  test("a tunnel to a host that does not speak TLS: the host's fault, not the proxy's", async () => {
    const plain = createHttpServer((_req, res) => res.end('{}'))
    const { port: target } = await listen(plain)
    const { url } = await proxy({ kind: 'tunnel', port: target })
    const error = await failure(send(transportVia(url)))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(
      /^controller\.api\.gcp-us-west1\.zillizcloud\.com did not answer in TLS/,
    )
  })

  test('an http:// URL goes direct even when a proxy is named: a tunnel ends in TLS', async () => {
    // proxyFromEnv names none for http://; the transport keeps to that even when told otherwise.
    const p = await proxy({ kind: 'silent' })
    const plain = createHttpServer((_req, res) => res.end('{"code":0}'))
    const { port } = await listen(plain)
    const answer = await send(transportVia(p.url), new URL(`http://127.0.0.1:${port}/x`))
    expect(answer.status).toBe(200)
    expect(answer.body).toBe('{"code":0}')
    expect(p.connects).toEqual([])
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
    ['answers a blank head', '\r\n\r\n', /did not answer CONNECT in HTTP/],
    [
      'puts text before its status line',
      'SSH HTTP/1.1 200 OK\r\n\r\n',
      /did not answer CONNECT in HTTP/,
    ],
    ['answers a four-digit status', 'HTTP/1.1 2000 OK\r\n\r\n', /did not answer CONNECT in HTTP/],
    [
      'resets the connection',
      (socket: Socket) => {
        socket.resetAndDestroy()
      },
      /^the proxy 127\.0\.0\.1:\d+ broke the connection before answering CONNECT \(ECONNRESET/,
    ],
  ])('a proxy that %s: transient, named', async (_name, answer, expected) => {
    const port = await rawServer(answer)
    const error = await failure(send(transportVia(`http://127.0.0.1:${port}`)))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toMatch(expected)
  })

  test('a status line without a reason phrase is read; a head in pieces up to 16 KiB is awaited', async () => {
    const statusLine = 'HTTP/1.1 403\r\n'
    const padding = `x-pad: ${'a'.repeat(16 * 1024 - statusLine.length - 'x-pad: '.length - 2)}\r\n`
    expect(statusLine.length + padding.length).toBe(16 * 1024)
    const port = await rawServer((socket) => {
      socket.write(statusLine + padding)
      setTimeout(() => socket.end('\r\n'), 50)
    })
    const error = await failure(send(transportVia(`http://127.0.0.1:${port}`)))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toBe(
      `the proxy 127.0.0.1:${port} did not open a tunnel to controller.api.gcp-us-west1.zillizcloud.com:443 (HTTP 403): its rules do not allow this host; ask its operators, or list the host in no_proxy if it is reachable directly`,
    )
  })

  test('a tunnel to a host whose certificate is not trusted: the TLS verdict, at once', async () => {
    const secure = await startSimulator({
      jobs: {},
      tls: { key: pem('self-signed.key'), cert: pem('self-signed.pem') },
    })
    closers.push(() => secure.close())
    const p = await proxy({ kind: 'tunnel', port: secure.port })
    const error = await failure(send(transportVia(p.url)))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(
      /^the TLS certificate of controller\.api\.gcp-us-west1\.zillizcloud\.com was not accepted \(DEPTH_ZERO_SELF_SIGNED_CERT/,
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
    // Three requests reached the server: the dropped one was sent again, on a
    // connection of its own (agent: false), not the pool's (which sends keep-alive).
    expect(sim.requests).toHaveLength(3)
    expect(sim.requests.map((r) => r.headers.connection)).toEqual([
      'keep-alive',
      'keep-alive',
      'close',
    ])
    // The last entry cuts a fresh connection mid-body: that is a real fault, not re-sent.
    expect(await failure(authorized())).toBeInstanceOf(TransientError)
  })
})

/** An HTTP server on loopback that counts the connections it accepts. */
async function countingServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; connections: () => number; open: () => number }> {
  let connections = 0
  const server = createHttpServer(handler)
  server.on('connection', () => {
    connections += 1
  })
  const { port, open } = await listen(server)
  return { url: `http://127.0.0.1:${port}/`, connections: () => connections, open }
}

describe('connections', () => {
  test('sequential requests share one kept-alive connection; dispose closes it', async () => {
    const server = await countingServer((_req, res) => res.end('{}'))
    const transport = transportVia(undefined)
    const url = new URL(server.url)
    for (let i = 0; i < 3; i++) expect((await send(transport, url)).body).toBe('{}')
    expect(server.connections()).toBe(1)
    expect(server.open()).toBe(1)
    transport.dispose()
    const closedBy = Date.now() + 2_000
    while (server.open() > 0 && Date.now() < closedBy) await new Promise((r) => setTimeout(r, 10))
    expect(server.open()).toBe(0)
  })

  test('a fresh connection reset before the answer is a fault, not sent again', async () => {
    const server = await countingServer((req) => req.socket.resetAndDestroy())
    const error = await failure(send(transportVia(undefined), new URL(server.url)))
    expect(error).toBeInstanceOf(TransientError)
    expect(server.connections()).toBe(1)
  })

  test('garbage on a kept-alive socket is a fault, not a reason to send again', async () => {
    let answered = 0
    const port = await rawServer((socket) => {
      const reply = (): void => {
        answered += 1
        socket.write(
          answered === 1
            ? 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n{}'
            : 'NONSENSE\r\n\r\n',
        )
      }
      reply()
      socket.on('data', reply)
    })
    const transport = transportVia(undefined)
    const url = new URL(`http://127.0.0.1:${port}/`)
    expect((await send(transport, url)).body).toBe('{}')
    const error = await failure(send(transport, url))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toMatch(/not HTTP on a reused connection \(HPE_INVALID_CONSTANT\)$/)
    expect(error).toMatchObject({ answered: 'answers that were not HTTP' })
    expect(answered).toBe(2)
  })

  test('a refused connection: a network fault, the host never answered', async () => {
    const port = await freePort()
    const error = await failure(send(transportVia(undefined), new URL(`http://127.0.0.1:${port}/`)))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toMatch(
      /^network error talking to 127\.0\.0\.1:\d+ \(ECONNREFUSED: [^)]*\)$/,
    )
    expect(error).toMatchObject({ answered: undefined })
  })

  test('a TLS handshake reset with a client certificate set says the certificate may be why', async () => {
    const port = await rawServer((socket) => {
      socket.resetAndDestroy()
    })
    const transport = new HttpTransport('test/1', 1_000_000, () => undefined, {
      cert: pem('client.pem'),
      key: pem('client.key'),
    })
    transports.push(transport)
    const error = await failure(send(transport, new URL(`https://127.0.0.1:${port}/`)))
    expect(error.message).toMatch(
      /^network error talking to 127\.0\.0\.1:\d+ \(ECONNRESET: .*\); a client certificate was offered/,
    )
    // Over plain http:// no certificate is offered, and the message does not say one was.
    const plain = await failure(send(transport, new URL(`http://127.0.0.1:${port}/`)))
    expect(plain.message).toMatch(
      /^network error talking to 127\.0\.0\.1:\d+ \(ECONNRESET: [^)]*\)$/,
    )
  })

  test('a body that drips too slowly: the host answered, only not in time', async () => {
    const port = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"code":')
    })
    const url = new URL(`http://127.0.0.1:${port}/`)
    const error = await failure(send(transportVia(undefined), url, 300))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toBe(
      `the answer from 127.0.0.1:${port} did not finish arriving within 0.3 s`,
    )
    expect(error).toMatchObject({ answered: 'answers too slow to arrive' })
  })

  test('a body cut off: the host answered, and the fault says the answer had begun', async () => {
    const port = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"code":')
      setTimeout(() => socket.destroy(), 20)
    })
    const error = await failure(send(transportVia(undefined), new URL(`http://127.0.0.1:${port}/`)))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toMatch(
      /^network error talking to 127\.0\.0\.1:\d+ \(.*\), after the answer had begun$/,
    )
    expect(error).toMatchObject({ answered: 'answers cut off before their end' })
  })

  test('no answer at all within the deadline: the host did not answer', async () => {
    const port = await rawServer(undefined)
    const error = await failure(
      send(transportVia(undefined), new URL(`http://127.0.0.1:${port}/`), 300),
    )
    expect(error.message).toBe(
      `no answer from 127.0.0.1:${port} within 0.3 s (waiting for the answer)`,
    )
    expect(error).toMatchObject({ answered: undefined })
  })

  test('garbage on a fresh connection is not HTTP: permanent, naming the parser error', async () => {
    const port = await rawServer('NONSENSE\r\n\r\n')
    const error = await failure(send(transportVia(undefined), new URL(`http://127.0.0.1:${port}/`)))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(
      /^the answer from 127\.0\.0\.1:\d+ is not valid HTTP \(HPE_INVALID_CONSTANT: .*\): a gateway or proxy/,
    )
  })

  test('headers of 24 KiB (cookies, a policy) are read; over 128 KiB is a permanent, named fault', async () => {
    const headers = (bytes: number): string =>
      Array.from(
        { length: Math.ceil(bytes / 2_000) },
        (_, i) => `set-cookie: c${i}=${'v'.repeat(2_000)}\r\n`,
      ).join('')
    const answer = (bytes: number): string =>
      `HTTP/1.1 200 OK\r\n${headers(bytes)}content-length: 2\r\nconnection: close\r\n\r\n{}`
    const gateway = await rawServer(answer(24 * 1024))
    const url = (port: number) => new URL(`http://127.0.0.1:${port}/`)
    const ok = await send(transportVia(undefined), url(gateway))
    expect(ok.body).toBe('{}')
    expect(ok.headers['set-cookie']).toHaveLength(13)

    const huge = await rawServer(answer(130 * 1024))
    const error = await failure(send(transportVia(undefined), url(huge)))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(
      /^the answer from 127\.0\.0\.1:\d+ has more than 128 KiB of headers \(HPE_HEADER_OVERFLOW\)/,
    )
  })

  test('a request whose signal already fired sends nothing', async () => {
    const server = await countingServer((_req, res) => res.end('{}'))
    const cancel = new AbortController()
    cancel.abort()
    const error = await failure(
      send(transportVia(undefined), new URL(server.url), 3_000, cancel.signal),
    )
    expect(error).toBeInstanceOf(AbortedError)
    await new Promise((r) => setTimeout(r, 50))
    expect(server.connections()).toBe(0)
  })
})

describe('which stage a deadline names', () => {
  test.each([
    ['plain HTTP', 'http', 'waiting for the answer'],
    ['https:// (no TLS ever spoken)', 'https', 'in the TLS handshake'],
  ])('%s to a server that accepts and never answers: %s', async (_name, scheme, stage) => {
    const port = await rawServer(undefined)
    const error = await failure(
      send(transportVia(undefined), new URL(`${scheme}://127.0.0.1:${port}/`), 300),
    )
    expect(error.message).toBe(`no answer from 127.0.0.1:${port} within 0.3 s (${stage})`)
  })

  test('a kept-alive connection that falls silent: waiting for the answer, not connecting', async () => {
    let requests = 0
    const server = await countingServer((_req, res) => {
      requests += 1
      if (requests === 1) res.end('{}')
    })
    const transport = transportVia(undefined)
    const url = new URL(server.url)
    await send(transport, url)
    const error = await failure(send(transport, url, 300))
    expect(error.message).toBe(`no answer from ${url.host} within 0.3 s (waiting for the answer)`)
    expect(server.connections()).toBe(1)
  })
})

describe('body size', () => {
  test('a body of exactly the cap is read; one byte more is refused, naming the cap in MiB', async () => {
    const cap = 1024 * 1024
    const server = await countingServer((req, res) => {
      res.end('x'.repeat(req.url === '/over' ? cap + 1 : cap))
    })
    const transport = new HttpTransport('test/1', cap, () => undefined)
    transports.push(transport)
    expect((await send(transport, new URL(server.url))).body).toHaveLength(cap)
    const error = await failure(send(transport, new URL(`${server.url}over`)))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toBe('the answer is larger than 1 MiB; refusing to read it')
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
