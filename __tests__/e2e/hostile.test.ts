/**
 * Issue 15, through dist/index.js as the runner runs it: server text that
 * tries to forge workflow commands or smuggle the key out, short keys, the
 * last network faults (big headers, a proxy that drops its tunnel, a broken
 * https_proxy, servers that require mutual TLS), Retry-After everywhere, and
 * verdicts that say whether the host answered.
 */
import { jest } from '@jest/globals'
import {
  DEFAULT_API_KEY,
  DEFAULT_CLUSTER_ID,
  type JobSpec,
  type SimulatorOptions,
  startSimulator,
} from '../../scripts/simulator.mjs'
import { type RunResult, runAction } from '../../scripts/run-action.mjs'
import { expectKeyOnlyInMask, expectNoStackTrace, file, job, node, run } from '../helpers/e2e.js'
import { type ProxyMode, freePort, startProxy } from '../helpers/proxy.js'
import { CA, ZILLIZ_HOST, pem, runViaProxy } from '../helpers/tls.js'

jest.setTimeout(120_000)

const elapsed = (r: RunResult): number => Number(r.outputs['elapsed-seconds'])

/** Every spelling of a line break the issue names, each followed by forged commands. */
const BREAKS: Record<string, string> = {
  CR: '\r',
  LF: '\n',
  CRLF: '\r\n',
  NEL: '\u0085',
  LS: '\u2028',
  PS: '\u2029',
  VT: '\v',
  FF: '\f',
}
const FORGED =
  // The runner's old command form, which it finds anywhere in a line (first: messages are cut).
  ' ##[error]INJ-OLD ##[stop-commands]INJ-OLD ##[add-mask]INJ-OLD' +
  Object.entries(BREAKS)
    .map(
      ([name, br]) =>
        `${br}::stop-commands::INJ-${name}${br}::add-mask::INJ-${name}${br}::error::INJ-${name}`,
    )
    .join('')

/** Lines as the runner, a terminal or a browser may split them. */
const lines = (text: string): string[] => text.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/)

/**
 * No line of stdout or stderr starts a command the action did not write: only
 * its own kinds, the key's mask, and nothing that begins with server text.
 */
function expectNoForgedCommand(r: RunResult, apiKey = DEFAULT_API_KEY, old = true): void {
  const all = lines(`${r.stdout}\n${r.stderr}`)
  // The runner trims a line before it looks for "::", and finds "##[" anywhere.
  expect(all.filter((line) => line.includes('##['))).toEqual([])
  const commandLines = all.map((line) => line.trim()).filter((line) => line.startsWith('::'))
  for (const line of commandLines) {
    expect(line).toMatch(/^::(add-mask|debug|warning|error)( [^:]*)?::/)
    expect(line).not.toMatch(/^::[a-z-]+( [^:]*)?::INJ/)
    if (line.startsWith('::add-mask::')) expect(line).toBe(`::add-mask::${apiKey}`)
  }
  // The forged text did reach the log (flattened): the test would see a failure to flatten it.
  expect(r.stdout).toContain('::error::INJ-LF')
  if (old) expect(r.stdout).toContain('#\u2060#[error]INJ-OLD')
}

describe('server text cannot forge a workflow command', () => {
  const v1 = (spec: JobSpec, simulator?: Omit<SimulatorOptions, 'jobs'>, env = {}) =>
    run({
      jobs: { 'job-x': spec },
      ...(simulator ? { simulator } : {}),
      inputs: { timeout: '4s' },
      env,
    })

  test.concurrent.each([
    [
      'code and message of a 503 (the retry line)',
      job([
        { status: 503, body: JSON.stringify({ code: `x${FORGED}`, message: `m${FORGED}` }) },
        1,
      ]),
    ],
    [
      'code and message of a refusal (error, annotation, output)',
      job([{ status: 200, body: JSON.stringify({ code: `x${FORGED}`, message: `m${FORGED}` }) }]),
    ],
    [
      'errorMessage of the job and of a file, fileName and collectionName',
      {
        collectionName: `c${FORGED}`,
        files: [file(`f${FORGED}.parquet`)],
        script: [{ progress: 0.5, jobError: `j${FORGED}`, fileErrors: { 0: `e${FORGED}` } }],
      },
    ],
    [
      'a status text (raw bytes; request-ID headers are quoted only when they are tokens)',
      job([
        {
          raw:
            'HTTP/1.1 503 Busy\u0085::error::INJ-LF ##[error]INJ-OLD\r\n' +
            'content-length: 0\r\nconnection: close\r\n\r\n',
        },
        1,
      ]),
    ],
  ])('%s', async (_name, spec) => {
    const r = await v1(spec)
    expectNoForgedCommand(r)
    expectNoStackTrace(r)
  })

  test.concurrent(
    'Milvus: a reason, a Retry task reason, and an unknown state (debug)',
    async () => {
      const inputs = { 'api-version': 'v2', 'cluster-id': '', timeout: '4s' }
      const retrying = await run({
        jobs: { 'job-m': job([{ progress: 0.5, fileRetry: { 0: `r${FORGED}` } }, 1]) },
        simulator: { v2: 'milvus' },
        inputs,
      })
      expectNoForgedCommand(retrying)
      const failed = await run({
        jobs: { 'job-m': job([{ progress: 0.5, jobError: `j${FORGED}` }]) },
        simulator: { v2: 'milvus' },
        inputs,
      })
      expectNoForgedCommand(failed)
      const unknownState = await run({
        jobs: { 'job-m': job([{ progress: 0.5, state: `Odd${FORGED}` }, 1]) },
        simulator: { v2: 'milvus' },
        inputs,
        env: { RUNNER_DEBUG: '1' },
      })
      expect(unknownState.stdout).toMatch(/^::debug::The API reported the state "Odd/m)
      expectNoForgedCommand(unknownState)
    },
  )

  test.concurrent("a proxy's status text", async () => {
    const proxy = await startProxy({
      kind: 'status',
      status: 403,
      text: `No\u0085::error::INJ-LF ##[error]INJ-OLD`,
    })
    try {
      const r = await runViaProxy(proxy.url, { inputs: { timeout: '4s' } })
      expect(r.outputs['error-message']).toMatch(/did not open a tunnel .*HTTP 403 No/)
      expectNoForgedCommand(r)
    } finally {
      await proxy.close()
    }
  })
})

describe('the key never leaks, in any spelling', () => {
  // & < > for Go's escapes, / for "\/", " and \ for JSON's own.
  const KEY = 'zk/a&b<c>d"e\\f-0123456789'
  const json = (text: string): string => JSON.stringify(text).slice(1, -1)
  const goJson = (text: string): string =>
    json(text)
      .replace(/&/g, '\\u0026')
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/\//g, '\\/')
  const spellings = [
    KEY,
    json(KEY),
    json(json(KEY)),
    goJson(KEY),
    encodeURIComponent(KEY),
    'zk/a&amp;b&lt;c&gt;d&quot;e&#92;f-0123456789',
  ]

  function expectNoKey(r: RunResult): void {
    const everything = [
      ...lines(r.stdout).filter((line) => line !== `::add-mask::${KEY}`),
      r.stderr,
      r.summary,
      ...Object.values(r.outputs),
    ].join('\n')
    for (const spelling of spellings)
      expect([spelling, everything.includes(spelling)]).toEqual([spelling, false])
    // It was there to leak, and was masked.
    expect(r.outputs['error-message']).toContain('***')
  }

  test.concurrent.each([
    [
      'a 401 from a Go gateway, escaping & < > and /',
      401,
      `{"error":"key ${goJson(KEY)} is not valid"}`,
    ],
    [
      'a 401 whose code is an object holding the key',
      401,
      `{"code":{"key":"${json(KEY)}"},"message":"denied"}`,
    ],
    [
      'a refusal (HTTP 200) whose code holds the key',
      200,
      `{"code":{"key":"${json(KEY)}"},"message":"no"}`,
    ],
  ])('%s', async (_name, status, body) => {
    const r = await run({
      jobs: { 'job-k': job([{ status, body }]) },
      simulator: { apiKey: KEY },
      apiKey: KEY,
    })
    expect(r.code).toBe(1)
    expect(r.outputs.state).toBe('error')
    expectNoKey(r)
  })

  test.concurrent.each(['e', '0'])(
    'a placeholder key %p changes no word or number of the action, and masks only itself as a word',
    async (key) => {
      const milvus = { v2: 'milvus' as const, apiKey: key }
      const inputs = { 'api-version': 'v2', 'cluster-id': '' }
      const done = await run({
        jobs: { 'job-e': job([0.5, 1]) },
        simulator: milvus,
        apiKey: key,
        inputs,
      })
      expect(done.code).toBe(0)
      expect(done.outputs).toMatchObject({ state: 'completed', progress: '100' })
      expect(done.outputs['elapsed-seconds']).toMatch(/^\d+$/)
      expect(done.outputs['complete-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/)
      const jobs = JSON.parse(done.outputs.jobs ?? '') as { jobId: string; progress: number }[]
      expect(jobs).toEqual([expect.objectContaining({ jobId: 'job-e', progress: 100 })])
      expect(`${done.stdout}${done.summary}${JSON.stringify(done.outputs)}`).not.toContain('***')
      // Too short to mask without starring every "e" or "0" of the log: not given to the runner.
      expect(done.stdout).not.toContain(`::add-mask::${key}`)

      const failed = await run({
        jobs: { 'job-e': job([{ progress: 0.5, jobError: `user ${key} denied: code 10${key}` }]) },
        simulator: milvus,
        apiKey: key,
        inputs,
      })
      expect(failed.outputs['error-message']).toBe(`user *** denied: code 10${key}`)
    },
  )
})

test.concurrent(
  "a numeric key of 8 characters: outputs rendered from redacted text keep the action's numbers",
  async () => {
    const key = '00000000'
    const r = await run({
      jobs: {
        'job-n': {
          collectionName: 'c',
          files: [{ fileName: 'a.parquet', fileSize: 100_000_000, rows: 100_000_000 }],
          script: [0.5, 1],
        },
      },
      simulator: { v2: 'milvus', apiKey: key },
      apiKey: key,
      inputs: { 'api-version': 'v2', 'cluster-id': '' },
    })
    expect(r.code).toBe(0)
    const [entry] = JSON.parse(r.outputs.jobs ?? '') as { totalRows: number; fileSize: number }[]
    expect(entry).toMatchObject({ totalRows: 100_000_000, fileSize: 100_000_000 })
    expect(r.stdout).toContain(`::add-mask::${key}`)
  },
)

describe('no false pass, no empty error-message, no unfinished 100%', () => {
  test.concurrent(
    '30 jobs, a 3 s timeout, nothing listening, fail-on-timeout false: error, not a pass',
    async () => {
      const port = await freePort()
      const ids = Array.from({ length: 30 }, (_, i) => `job-${i}`)
      const r = await runAction({
        node,
        inputs: {
          'job-id': ids.join(','),
          'cluster-id': DEFAULT_CLUSTER_ID,
          'api-key': DEFAULT_API_KEY,
          endpoint: `http://127.0.0.1:${port}`,
          timeout: '3s',
          'fail-on-timeout': 'false',
        },
      })
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('error')
      expect(r.outputs['error-message']).toMatch(/ECONNREFUSED/)
      expect(r.stdout).toMatch(
        new RegExp(
          `::error::Could not check the import: never reached 127\\.0\\.0\\.1:${port} in 3s: .*\\(\\d+ of 30 jobs were not polled before the timeout\\)`,
        ),
      )
    },
  )

  test.concurrent('readyPercentage 0.9999999999 shows 99.9%, never 100%', async () => {
    const body = JSON.stringify({
      code: 200,
      data: { readyPercentage: 0.9999999999, completeTime: null, details: [] },
    })
    const r = await run({
      jobs: { 'job-n': job([{ status: 200, body }]) },
      inputs: { timeout: '3s' },
    })
    expect(r.outputs).toMatchObject({ state: 'timed-out', progress: '99.9' })
    expect(r.stdout).toContain('Job job-n: importing 99.9%')
    expect(r.stdout).not.toContain('100%')
  })

  test.concurrent('an error of control characters only fails the step, shown as such', async () => {
    const r = await run({ jobs: { 'job-c': job([{ progress: 1, jobError: '\u001b[31m' }]) } })
    expect(r.code).toBe(1)
    expect(r.outputs.state).toBe('failed')
    expect(r.outputs['error-message']).toBe('(5 unprintable characters)')
    expect(r.stdout).toMatch(/^::error title=Job job-c::\(5 unprintable characters\)$/m)
  })

  test.concurrent('a v2 state "Completed\\u0000" is not Completed', async () => {
    const r = await run({
      jobs: { 'job-z': job([{ progress: 1, state: 'Completed\u0000' }]) },
      inputs: { 'api-version': 'v2', timeout: '3s' },
    })
    expect(r.outputs.state).toBe('timed-out')
  })
})

describe('Retry-After is honoured everywhere', () => {
  test.concurrent('Milvus rate limiting: HTTP 200, code 1807 and Retry-After 3', async () => {
    const r = await run({
      jobs: {
        'job-r': job([
          {
            code: 1807,
            message: 'request is rejected by limiter',
            headers: { 'retry-after': '3' },
          },
          1,
        ]),
      },
      simulator: { v2: 'milvus' },
      inputs: { 'api-version': 'v2', 'cluster-id': '' },
    })
    expect(r.code).toBe(0)
    const [first = 0, second = 0] = r.requestTimes
    expect(second - first).toBeGreaterThanOrEqual(3_000)
    expect(r.stdout).toMatch(/Milvus asked to slow down for job job-r: code 1807.*; retry 1 in 3s/)
  })

  test.concurrent(
    'a Retry-After past the deadline: no poll against it; the verdict says so',
    async () => {
      const asked = { status: 503, headers: { 'retry-after': '3600' } }
      const never = await run({ jobs: { 'job-a': job([asked]) }, inputs: { timeout: '5s' } })
      expect(never.requests).toBe(1)
      expect(never.code).toBe(1)
      expect(elapsed(never)).toBeGreaterThanOrEqual(4)
      expect(never.outputs.state).toBe('error')
      expect(never.stdout).toMatch(
        /Job job-a: HTTP 503 .*; the server asked to come back after 1h 00m 00s, past the timeout: not polling it again/,
      )
      expect(never.stdout).toMatch(
        /::error::Could not check the import: Zilliz Cloud answered every poll with HTTP 503 for \d+s .* It asked to come back after 1h 00m 00s, past the timeout: a longer "timeout" lets the action wait for that/,
      )
      expect(never.stdout).not.toContain('will not help')

      const late = await run({ jobs: { 'job-a': job([0.5, asked]) }, inputs: { timeout: '5s' } })
      expect(late.requests).toBe(2)
      expect(late.outputs.state).toBe('timed-out')
      expect(late.stdout).toMatch(
        /::error::Timed out after \d+s at 50%25 overall; still running: .*; the server asked to come back after 1h 00m 00s, past the timeout, so it was not asked again\./,
      )
    },
  )
})

describe('a verdict says whether the host answered', () => {
  test.concurrent(
    '503 on every poll: the host answered; no advice against a longer timeout',
    async () => {
      const r = await run({
        jobs: { 'job-5': job([{ status: 503, body: 'busy' }]) },
        inputs: { timeout: '3s' },
      })
      expect(r.outputs.state).toBe('error')
      expect(r.outputs['error-message']).toMatch(
        /^HTTP 503 Service Unavailable from 127\.0\.0\.1:\d+/,
      )
      expect(r.stdout).toMatch(
        /::error::Could not check the import: Zilliz Cloud answered every poll with HTTP 503 for 3s \(last: HTTP 503/,
      )
      expect(r.stdout).not.toContain('never reached')
      expect(r.stdout).not.toContain('will not help')
    },
  )
})

describe('headers a gateway sends', () => {
  const cookies = (kib: number): Record<string, string> =>
    Object.fromEntries(
      Array.from({ length: kib / 2 }, (_, i) => [`x-cookie-${i}`, 'v'.repeat(2_040)]),
    )

  test.concurrent('24 KiB of headers are read', async () => {
    const r = await run({ jobs: { 'job-h': job([{ progress: 1, headers: cookies(24) }]) } })
    expect(r.code).toBe(0)
    expect(r.outputs.state).toBe('completed')
  })

  test.concurrent('over 128 KiB of headers fail at once, naming the cause', async () => {
    const r = await run({
      jobs: { 'job-h': job([{ progress: 1, headers: cookies(140) }]) },
      inputs: { timeout: '5m' },
    })
    expect(r.code).toBe(1)
    expect(elapsed(r)).toBeLessThan(5)
    expect(r.outputs['error-message']).toMatch(
      /^the answer from 127\.0\.0\.1:\d+ has more than 128 KiB of headers \(HPE_HEADER_OVERFLOW\)/,
    )
  })
})

describe('proxies', () => {
  test.concurrent(
    'a proxy that opens the tunnel and closes it is named, not the API host',
    async () => {
      const mode: ProxyMode = { kind: 'close-tunnel' }
      const proxy = await startProxy(mode)
      try {
        const r = await runViaProxy(proxy.url, { inputs: { timeout: '4s' } })
        expect(r.code).toBe(1)
        expect(r.outputs['error-message']).toMatch(
          new RegExp(
            `^the proxy 127\\.0\\.0\\.1:${proxy.port} opened a tunnel to ${ZILLIZ_HOST.replace(/\./g, '\\.')}:443, but the tunnel closed before the TLS handshake with ${ZILLIZ_HOST.replace(/\./g, '\\.')} finished`,
          ),
        )
      } finally {
        await proxy.close()
      }
    },
  )

  test.concurrent.each([
    ['https_proxy', 'http://alice:pa#ss@127.0.0.1:3128'],
    ['HTTPS_PROXY', 'http://127.0.0.1:312800'],
  ])(
    '%s set but not a URL (%s): a permanent error naming it, never its credentials',
    async (name, value) => {
      const r = await runViaProxy('', { env: { [name]: value }, inputs: { timeout: '5m' } })
      expect(r.code).toBe(1)
      expect(elapsed(r)).toBeLessThan(5)
      expect(r.outputs['error-message']).toMatch(
        new RegExp(
          `^The ${name} environment variable is set but is not a valid URL, so no request was sent\\.`,
        ),
      )
      const everything = `${r.stdout}${r.stderr}${r.summary}${JSON.stringify(r.outputs)}`
      expect(everything).not.toContain('pa#ss')
      expect(everything).not.toContain('alice')
      expect(everything).not.toContain('312800')
      expect(everything).not.toContain('cannot resolve')
    },
  )
})

describe('mutual TLS', () => {
  type Simulator = Awaited<ReturnType<typeof startSimulator>>
  const mtls = (): Promise<Simulator> =>
    startSimulator({
      jobs: { 'job-m': job([0.5, 1]) },
      tls: { key: pem('server.key'), cert: pem('server.pem'), clientCa: pem('ca.pem') },
    })
  /** A server that requires mutual TLS for the length of `body`. */
  async function withMtls(body: (sim: Simulator) => Promise<void>): Promise<void> {
    const sim = await mtls()
    try {
      await body(sim)
    } finally {
      await sim.close()
    }
  }
  const direct = (url: string, inputs: Record<string, string> = {}) =>
    runAction({
      node,
      inputs: {
        'job-id': 'job-m',
        'cluster-id': DEFAULT_CLUSTER_ID,
        'api-key': DEFAULT_API_KEY,
        endpoint: url.replace('127.0.0.1', 'localhost'),
        'poll-interval': '1s',
        timeout: '5m',
        ...inputs,
      },
      env: { NODE_EXTRA_CA_CERTS: CA },
    })
  const KEY_LINES = pem('client.key')
    .split('\n')
    .filter((line) => line.length >= 8 && !line.startsWith('-----'))

  test.concurrent(
    'without a client certificate: permanent at once, saying what the server wants',
    () =>
      withMtls(async (sim) => {
        const r = await direct(sim.url)
        expect(r.code).toBe(1)
        expect(elapsed(r)).toBeLessThan(5)
        expect(r.outputs['error-message']).toMatch(
          /^localhost:\d+ requires a client certificate \(mutual TLS; TLS alert "certificate required"\): pass it in the "client-cert" and "client-key" inputs/,
        )
        expect(sim.requests).toHaveLength(0)
      }),
  )

  test.concurrent(
    'with client-cert and client-key: the import is followed; the key is masked, never shown',
    () =>
      withMtls(async (sim) => {
        const r = await direct(sim.url, {
          'client-cert': pem('client.pem'),
          'client-key': pem('client.key'),
        })
        expect(r.code).toBe(0)
        expect(r.outputs.state).toBe('completed')
        expect(r.stdout).toContain('with a client certificate')
        for (const line of KEY_LINES) expect(r.stdout).toContain(`::add-mask::${line}`)
        const shown = [
          ...lines(r.stdout).filter((line) => !line.startsWith('::add-mask::')),
          r.stderr,
          r.summary,
          ...Object.values(r.outputs),
        ].join('\n')
        for (const line of KEY_LINES) expect(shown).not.toContain(line)
        expectKeyOnlyInMask(r, DEFAULT_API_KEY)
      }),
  )

  test.concurrent('through a proxy tunnel, the certificate goes to the API host', async () => {
    const sim = await mtls()
    const proxy = await startProxy({ kind: 'tunnel', port: sim.port })
    try {
      const r = await runViaProxy(proxy.url, {
        inputs: {
          'job-id': 'job-m',
          timeout: '30s',
          'client-cert': pem('client.pem'),
          'client-key': pem('client.key'),
        },
      })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      expect(proxy.connects[0]?.target).toBe(`${ZILLIZ_HOST}:443`)
    } finally {
      await proxy.close()
      await sim.close()
    }
  })

  // Node's TLS server closes the connection after the handshake without an
  // alert (Go's, as in Milvus, sends "bad certificate": see http.test.ts).
  test.concurrent(
    'a certificate the server does not trust and closes on: the message says it may be that',
    () =>
      withMtls(async (sim) => {
        const r = await direct(sim.url, {
          'client-cert': pem('self-signed.pem'),
          'client-key': pem('self-signed.key'),
          timeout: '3s',
        })
        expect(r.code).toBe(1)
        expect(r.outputs['error-message']).toMatch(
          /^network error talking to localhost:\d+ \(ECONNRESET: .*\); a client certificate was offered, and a server that does not accept it may close the connection like this$/,
        )
      }),
  )

  test.concurrent("a client-key that is not the certificate's: an input error, nothing sent", () =>
    withMtls(async (sim) => {
      const r = await direct(sim.url, {
        'client-cert': pem('client.pem'),
        'client-key': pem('server.key'),
      })
      expect(r.code).toBe(1)
      expect(r.outputs['error-message']).toBe(
        'Input "client-key" is not the private key of the certificate in "client-cert".',
      )
      expect(r.outputs.jobs).toBe('[]')
      expect(sim.requests).toHaveLength(0)
    }),
  )
})
