/**
 * HttpTransport over HTTPS that Node trusts, in-process: keep-alive, a request
 * through a proxy tunnel, the stage named after a TLS handshake, and mutual
 * TLS. Node reads NODE_EXTRA_CA_CERTS only when a process starts, so the npm
 * scripts that run jest (test, test:unit, mutate) set it to the test CA; run
 * through them (or set it yourself).
 */
import { afterEach, beforeAll } from '@jest/globals'
import { type Server, createServer } from 'node:https'
import { existsSync, readFileSync } from 'node:fs'
import type { TLSSocket } from 'node:tls'
import { HttpTransport } from '../../src/api/http.js'
import { PermanentError, TransientError } from '../../src/errors.js'
import { failure } from '../helpers/api.js'
import { startProxy } from '../helpers/proxy.js'
import { CA, pem } from '../helpers/tls.js'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

beforeAll(() => {
  // By content: Stryker runs these from a copy of the repository, where the path differs.
  const trusted = process.env.NODE_EXTRA_CA_CERTS ?? ''
  if (!existsSync(trusted) || readFileSync(trusted, 'utf8') !== pem('ca.pem')) {
    throw new Error(
      `These tests need the test CA trusted from process start: run them with npm test (or set NODE_EXTRA_CA_CERTS=${CA}).`,
    )
  }
})

/** An HTTPS server with the test certificate (localhost, 127.0.0.1 and the API host names). */
async function httpsServer(
  handler: (socket: TLSSocket, respond: (body: string) => void) => void,
  mutual = false,
): Promise<{ port: number; connections: () => number }> {
  let connections = 0
  const server: Server = createServer(
    {
      key: pem('server.key'),
      cert: pem('server.pem'),
      ...(mutual ? { ca: pem('ca.pem'), requestCert: true, rejectUnauthorized: true } : {}),
    },
    (req, res) => {
      // An https server's sockets are TLS sockets; Node types them as plain ones.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
      handler(req.socket as TLSSocket, (body) => res.end(body))
    },
  )
  server.on('secureConnection', () => {
    connections += 1
  })
  server.on('tlsClientError', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  )
  return { port: (server.address() as { port: number }).port, connections: () => connections }
}

function transport(options: { proxy?: string; clientCert?: boolean } = {}): HttpTransport {
  const made = new HttpTransport(
    'test/1',
    1_000_000,
    () => (options.proxy === undefined ? undefined : new URL(options.proxy)),
    options.clientCert === true ? { cert: pem('client.pem'), key: pem('client.key') } : undefined,
  )
  closers.push(() => {
    made.dispose()
    return Promise.resolve()
  })
  return made
}

const send = (via: HttpTransport, url: string, timeoutMs = 3_000) =>
  via.send({
    method: 'GET',
    url: new URL(url),
    headers: {},
    signal: new AbortController().signal,
    timeoutMs,
  })

test('HTTPS polls share one kept-alive TLS connection', async () => {
  const server = await httpsServer((_socket, respond) => {
    respond('{}')
  })
  const via = transport()
  for (let i = 0; i < 3; i++) {
    expect((await send(via, `https://localhost:${server.port}/x`)).body).toBe('{}')
  }
  expect(server.connections()).toBe(1)
})

test('a request through a proxy tunnel reaches the API host and reads its answer', async () => {
  const server = await httpsServer((socket, respond) => {
    respond(JSON.stringify({ servername: socket.servername }))
  })
  const proxy = await startProxy({ kind: 'tunnel', port: server.port })
  closers.push(() => proxy.close())
  const answer = await send(
    transport({ proxy: proxy.url }),
    'https://controller.api.gcp-us-west1.zillizcloud.com/v1/x',
  )
  // The TLS session is with the API host (SNI), through the proxy's tunnel.
  expect(JSON.parse(answer.body)).toEqual({
    servername: 'controller.api.gcp-us-west1.zillizcloud.com',
  })
  expect(proxy.connects.map((c) => c.target)).toEqual([
    'controller.api.gcp-us-west1.zillizcloud.com:443',
  ])
})

test('silence after the TLS handshake is "waiting for the answer", not the handshake', async () => {
  const server = await httpsServer(() => undefined)
  const error = await failure(send(transport(), `https://localhost:${server.port}/x`, 500))
  expect(error).toBeInstanceOf(TransientError)
  expect(error.message).toBe(
    `no answer from localhost:${server.port} within 0.5 s (waiting for the answer)`,
  )
})

describe('mutual TLS', () => {
  test('the client certificate is offered on every connection, the kept-alive one included', async () => {
    const server = await httpsServer((socket, respond) => {
      respond(JSON.stringify({ cn: socket.getPeerCertificate().subject.CN }))
    }, true)
    const via = transport({ clientCert: true })
    for (let i = 0; i < 2; i++) {
      const answer = await send(via, `https://localhost:${server.port}/x`)
      expect(JSON.parse(answer.body)).toEqual({ cn: 'zilliz-import-wait test client' })
    }
    expect(server.connections()).toBe(1)
  })

  test('through a proxy tunnel too', async () => {
    const server = await httpsServer((socket, respond) => {
      respond(JSON.stringify({ cn: socket.getPeerCertificate().subject.CN }))
    }, true)
    const proxy = await startProxy({ kind: 'tunnel', port: server.port })
    closers.push(() => proxy.close())
    const answer = await send(
      transport({ proxy: proxy.url, clientCert: true }),
      'https://controller.api.gcp-us-west1.zillizcloud.com/v1/x',
    )
    expect(JSON.parse(answer.body)).toEqual({ cn: 'zilliz-import-wait test client' })
  })

  test('without one, the server\'s "certificate required" is permanent and says what to do', async () => {
    const server = await httpsServer((_socket, respond) => {
      respond('{}')
    }, true)
    const error = await failure(send(transport(), `https://localhost:${server.port}/x`))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toBe(
      `localhost:${server.port} requires a client certificate (mutual TLS; TLS alert "certificate required"): pass it in the "client-cert" and "client-key" inputs`,
    )
  })
})
