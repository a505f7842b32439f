/**
 * The world beyond the simulator, through dist/index.js as the runner runs it:
 * a real CONNECT proxy on loopback (silent, stalling, refusing, asking for
 * credentials, healthy), TLS with real certificates (good, expired,
 * self-signed, for another host, from an unknown CA), plain HTTP on an https://
 * port, compressed answers, and kept-alive sockets the server drops.
 */
import { jest } from '@jest/globals'
import { createServer as createTlsServer } from 'node:tls'
import {
  DEFAULT_API_KEY,
  DEFAULT_CLUSTER_ID,
  type Step,
  startSimulator,
} from '../../scripts/simulator.mjs'
import { type RunResult, runAction } from '../../scripts/run-action.mjs'
import {
  commands,
  expectKeyOnlyInMask,
  expectNoStackTrace,
  job,
  node,
  run,
} from '../helpers/e2e.js'
import { type ProxyMode, freePort, startProxy } from '../helpers/proxy.js'
import { CA, ZILLIZ_HOST, pem, runViaProxy } from '../helpers/tls.js'

jest.setTimeout(120_000)

async function withProxy<T>(
  mode: ProxyMode,
  body: (proxy: Awaited<ReturnType<typeof startProxy>>) => Promise<T>,
): Promise<T> {
  const proxy = await startProxy(mode)
  try {
    return await body(proxy)
  } finally {
    await proxy.close()
  }
}

function expectCleanLog(r: RunResult): void {
  expectNoStackTrace(r)
  expectKeyOnlyInMask(r, DEFAULT_API_KEY)
  // Annotations are one line: a raw line break would show as %0A.
  for (const line of [...commands(r.stdout, 'error'), ...commands(r.stdout, 'warning')]) {
    expect(line).not.toMatch(/%0A|ssl3|deps\/openssl/)
  }
}

const elapsed = (r: RunResult): number => Number(r.outputs['elapsed-seconds'])

/** The bundle against `endpoint` directly (no proxy), with a long timeout: failures must come at once. */
function runDirect(endpoint: string, env: Record<string, string> = {}): Promise<RunResult> {
  return runAction({
    node,
    inputs: {
      'job-id': 'job-t',
      'cluster-id': DEFAULT_CLUSTER_ID,
      'api-key': DEFAULT_API_KEY,
      endpoint,
      timeout: '5m',
    },
    env,
  })
}

describe('every request ends on time, whatever stage it is in', () => {
  test.concurrent.each<[string, ProxyMode, RegExp]>([
    [
      'a proxy that accepts and never answers CONNECT',
      { kind: 'silent' },
      /no answer from the proxy 127\.0\.0\.1:\d+ within 6 s \(waiting for it to open a tunnel to controller\.api\.gcp-us-west1\.zillizcloud\.com:443\)/,
    ],
    [
      'a proxy that answers CONNECT and then stalls',
      { kind: 'stall' },
      /no answer from controller\.api\.gcp-us-west1\.zillizcloud\.com within 6 s \(in the TLS handshake\)/,
    ],
  ])('%s: timeout 6s is held to within 2 s', async (_name, mode, reason) => {
    await withProxy(mode, async (proxy) => {
      const started = Date.now()
      const r = await runViaProxy(proxy.url)
      expect(r.code).toBe(1)
      // The API was never reached: state error, and the verdict says where it hung.
      expect(r.outputs.state).toBe('error')
      expect(elapsed(r)).toBeLessThanOrEqual(8)
      // A safety margin for a busy machine's process start; the bug ran past 250 s.
      expect(Date.now() - started).toBeLessThan(30_000)
      expect(r.summary).toMatch(reason)
      expect(commands(r.stdout, 'error')[0]).toMatch(reason)
      expect(proxy.connects[0]?.target).toBe(`${ZILLIZ_HOST}:443`)
      expectCleanLog(r)
    })
  })

  test.concurrent.each<[NodeJS.Signals, ProxyMode]>([
    ['SIGINT', { kind: 'silent' }],
    ['SIGTERM', { kind: 'silent' }],
    ['SIGINT', { kind: 'stall' }],
  ] as const)(
    '%s while the proxy holds the request (%o): summary and state=cancelled within 7.5 s',
    async (signal, mode) => {
      await withProxy(mode, async (proxy) => {
        const r = await runViaProxy(proxy.url, {
          inputs: { timeout: '5m' },
          signal: {
            signal,
            when: (stdout) => stdout.includes('Waiting for 1 import job'),
            delayMs: 1_000,
          },
        })
        expect(r.code).toBe(1)
        expect(r.outputs.state).toBe('cancelled')
        expect(r.summary).toContain('🚫 cancelled')
        expect(r.signalToExitMs).toBeLessThan(7_500)
        expect(proxy.connects.length).toBeGreaterThan(0)
        expectCleanLog(r)
      })
    },
  )
})

describe('proxy failures name the proxy', () => {
  test.concurrent(
    'HTTP 407: permanent at once, naming the proxy, never its credentials',
    async () => {
      await withProxy(
        { kind: 'status', status: 407, text: 'Proxy Authentication Required' },
        async (proxy) => {
          const r = await runViaProxy(`http://alice:s3cret-pw@127.0.0.1:${proxy.port}`, {
            inputs: { timeout: '5m' },
          })
          expect(r.code).toBe(1)
          expect(elapsed(r)).toBeLessThan(5)
          expect(proxy.connects).toEqual([
            { target: `${ZILLIZ_HOST}:443`, credentials: 'alice:s3cret-pw' },
          ])
          expect(r.outputs['error-message']).toBe(
            `the proxy 127.0.0.1:${proxy.port} asked for authentication (HTTP 407 Proxy Authentication Required): check the user:password in https_proxy`,
          )
          const everything = r.stdout + r.stderr + r.summary + JSON.stringify(r.outputs)
          expect(everything).not.toMatch(/s3cret|alice/)
          expectCleanLog(r)
        },
      )
    },
  )

  test.concurrent(
    'a proxy that refuses the connection: retried, and the timeout names it',
    async () => {
      const port = await freePort()
      const r = await runViaProxy(`http://127.0.0.1:${port}`, { inputs: { timeout: '3s' } })
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('error')
      const named = new RegExp(
        `cannot connect to the proxy 127\\.0\\.0\\.1:${port} set by https_proxy \\(ECONNREFUSED`,
      )
      expect(r.stdout).toMatch(new RegExp(`\\nJob job-p: ${named.source}`))
      expect(commands(r.stdout, 'error')[0]).toMatch(named)
      expect(r.stdout).not.toMatch(/network error talking to controller/)
      expectCleanLog(r)
    },
  )

  test.concurrent.each([
    [
      502,
      'Bad Gateway',
      /it could not resolve or reach that host; if the host name is wrong, check the "region" or "endpoint" input/,
    ],
    [504, 'Gateway Timeout', /it could not resolve or reach that host/],
    [
      503,
      'Service Unavailable',
      /did not open a tunnel to controller\.api\.gcp-us-west1\.zillizcloud\.com:443 \(HTTP 503 Service Unavailable\)/,
    ],
  ])(
    'CONNECT answered %i: transient, and the final line names the proxy',
    async (status, text, hint) => {
      await withProxy({ kind: 'status', status, text }, async (proxy) => {
        const r = await runViaProxy(proxy.url, { inputs: { timeout: '3s' } })
        expect(r.code).toBe(1)
        expect(r.outputs.state).toBe('error')
        expect(proxy.connects.length).toBeGreaterThan(1)
        const final = commands(r.stdout, 'error')[0] ?? ''
        expect(final).toMatch(
          new RegExp(
            `never reached .* the proxy 127\\.0\\.0\\.1:${proxy.port} did not open a tunnel`,
          ),
        )
        expect(final).toMatch(hint)
        expectCleanLog(r)
      })
    },
  )

  test.concurrent(
    'a healthy proxy: the import is followed through the tunnel, the key only inside TLS',
    async () => {
      const sim = await startSimulator({
        jobs: { 'job-p': job([0.5, 1]) },
        tls: { key: pem('server.key'), cert: pem('server.pem') },
      })
      try {
        await withProxy({ kind: 'tunnel', port: sim.port }, async (proxy) => {
          const r = await runViaProxy(`http://user:pa%40ss@127.0.0.1:${proxy.port}`, {
            inputs: { timeout: '30s' },
          })
          expect(r.code).toBe(0)
          expect(r.outputs.state).toBe('completed')
          expect(proxy.connects[0]).toEqual({
            target: `${ZILLIZ_HOST}:443`,
            credentials: 'user:pa@ss',
          })
          expect(sim.requests[0]?.headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`)
          expect(sim.requests[0]?.headers.host).toBe(ZILLIZ_HOST)
          expectCleanLog(r)
        })
      } finally {
        await sim.close()
      }
    },
  )
})

describe('TLS failures say what is wrong', () => {
  /** A TLS server with the given certificate that never gets past the handshake for the action. */
  async function tlsEndpoint(
    cert: string,
    key: string,
  ): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createTlsServer({ cert: pem(cert), key: pem(key) }, (socket) => socket.end())
    server.on('tlsClientError', () => undefined)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    return {
      url: `https://localhost:${port}`,
      close: () =>
        new Promise<void>((resolve) =>
          server.close(() => {
            resolve()
          }),
        ),
    }
  }

  test.concurrent.each([
    ['expired', 'expired.pem', 'expired.key', { NODE_EXTRA_CA_CERTS: CA }, 'CERT_HAS_EXPIRED'],
    ['self-signed', 'self-signed.pem', 'self-signed.key', {}, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    [
      'for another host',
      'other-host.pem',
      'other-host.key',
      { NODE_EXTRA_CA_CERTS: CA },
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ],
    // The server sends its CA too when its own process trusts it (npm test trusts the test CA
    // for the in-process HTTPS suites): then the unknown CA shows as a self-signed root.
    [
      'from an unknown CA',
      'server.pem',
      'server.key',
      {},
      '(?:UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)',
    ],
  ])(
    'a certificate %s: permanent at once, pointing at NODE_EXTRA_CA_CERTS',
    async (_name, cert, key, env, code) => {
      const endpoint = await tlsEndpoint(cert, key)
      try {
        const r = await runDirect(endpoint.url, env)
        expect(r.code).toBe(1)
        expect(elapsed(r)).toBeLessThan(5)
        expect(r.outputs['error-message']).toMatch(
          new RegExp(
            `^the TLS certificate of localhost:\\d+ was not accepted \\(${code}: .*NODE_EXTRA_CA_CERTS`,
          ),
        )
        expectCleanLog(r)
      } finally {
        await endpoint.close()
      }
    },
  )

  test.concurrent(
    'an https:// endpoint that answers plain HTTP: permanent, scheme or port',
    async () => {
      const sim = await startSimulator({ jobs: { 'job-t': job([1]) } })
      try {
        const r = await runDirect(sim.url.replace('http://', 'https://'))
        expect(r.code).toBe(1)
        expect(elapsed(r)).toBeLessThan(5)
        expect(r.outputs['error-message']).toMatch(
          /^127\.0\.0\.1:\d+ did not answer in TLS, as if it spoke plain HTTP \((EPROTO|ERR_SSL_[A-Z_]+)\): the endpoint's scheme or port is wrong/,
        )
        expectCleanLog(r)
      } finally {
        await sim.close()
      }
    },
  )
})

describe('transport details of real servers and gateways', () => {
  test.concurrent.each(['gzip', 'deflate', 'br'])(
    'answers with Content-Encoding %s are decoded',
    async (encoding) => {
      const r = await run({
        jobs: {
          'job-z': job([
            { progress: 0.5, encoding },
            { progress: 1, encoding },
          ]),
        },
      })
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/Job job-z: importing 50%/)
      expect(r.outputs.state).toBe('completed')
      expect(r.recorded[0]?.headers['accept-encoding']).toBe('gzip, deflate, br')
      expectCleanLog(r)
    },
  )

  test.concurrent('an unknown encoding is a clear error, not "not JSON" with binary', async () => {
    const r = await run({ jobs: { 'job-z': job([{ progress: 0.5, encoding: 'zstd' }]) } })
    expect(r.code).toBe(1)
    expect(r.outputs['error-message']).toMatch(
      /the answer is encoded as "zstd", which this action cannot decode/,
    )
    expect(r.stdout).not.toMatch(/not JSON/)
    expectCleanLog(r)
  })

  test.concurrent(
    'a kept-alive socket closed as it is reused is re-sent at once, silently',
    async () => {
      const reused: Step = { progress: 0.5, dropIfReused: true }
      const r = await run({
        jobs: { 'job-k': job([0.2, reused, reused, { progress: 1, dropIfReused: true }]) },
      })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      expect(commands(r.stdout, 'warning')).toEqual([])
      expect(r.stdout).not.toMatch(/socket hang up|ECONNRESET|retry/)
      expectCleanLog(r)
    },
  )

  test.concurrent('a failure on a fresh connection is still a retry (an info line)', async () => {
    const r = await run({ jobs: { 'job-k': job([{ reset: true }, 1]) } })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/\nJob job-k: network error talking to .*; retry 1 in /)
  })

  test.concurrent.each([
    [
      'requestid',
      { status: 503, headers: { requestid: 'req-503-abc' } },
      /HTTP 503 Service Unavailable from 127\.0\.0\.1:\d+ \(requestid: req-503-abc\)/,
    ],
    [
      'x-request-id',
      { code: 80001, message: 'Invalid token', headers: { 'x-request-id': 'f00d-1' } },
      /refused the request for job job-r: code 80001 \(x-request-id: f00d-1\), "Invalid token"/,
    ],
  ])('an error answer with a %s header quotes it', async (_name, step, line) => {
    const r = await run({ jobs: { 'job-r': job([step, 1]) } })
    expect(r.stdout).toMatch(line)
    expectCleanLog(r)
  })
})
