/**
 * Faults and abuse, table-driven, through dist/index.js as the runner runs it.
 * Every row checks the exit code, `state`, the key line of the log, that the
 * summary was written, that no stack trace escaped, and that the API key shows
 * up nowhere but the ::add-mask:: line.
 */
import { jest } from '@jest/globals'
import { createServer } from 'node:net'
import path from 'node:path'
import {
  DEFAULT_API_KEY,
  DEFAULT_CLUSTER_ID,
  type JobSpec,
  type Step,
  startSimulator,
} from '../../scripts/simulator.mjs'
import { ROOT, runAction } from '../../scripts/run-action.mjs'
import {
  type Run,
  commands,
  expectKeyOnlyInMask,
  expectNoStackTrace,
  file,
  job,
  node,
  run,
} from '../helpers/e2e.js'

jest.setTimeout(120_000)

const expectNoKeyLeak = (r: Run): void => {
  expectKeyOnlyInMask(r, r.apiKey)
}

/** What every row must show, whatever the fault. */
function expectClean(r: Run): void {
  expectNoStackTrace(r)
  expectNoKeyLeak(r)
  expect(r.summary).toMatch(/^<h2>Zilliz import: /)
}

const later = new Date(Date.now() + 1_000).toUTCString()

/** Faults that must be retried: they clear (then success) or never clear (then a clean timeout). */
const transient: [string, Step, RegExp][] = [
  ['HTTP 500', { status: 500, body: 'oops' }, /HTTP 500 Internal Server Error/],
  [
    'HTTP 502 with an HTML page',
    { status: 502, body: '<html>bad gateway</html>' },
    /HTTP 502 Bad Gateway/,
  ],
  ['HTTP 503', { status: 503 }, /HTTP 503 Service Unavailable/],
  ['HTTP 504', { status: 504 }, /HTTP 504 Gateway Timeout/],
  ['HTTP 408', { status: 408 }, /HTTP 408 Request Timeout/],
  ['HTTP 429 without Retry-After', { status: 429 }, /HTTP 429 Too Many Requests/],
  [
    'HTTP 429, Retry-After in seconds',
    { status: 429, headers: { 'retry-after': '1' } },
    /HTTP 429/,
  ],
  [
    'HTTP 429, Retry-After as a date',
    { status: 429, headers: { 'retry-after': later } },
    /HTTP 429/,
  ],
  [
    'an HTML page with 200',
    { status: 200, body: '<html>maintenance</html>' },
    /was not JSON: "<html>/,
  ],
  ['an empty body', { status: 200, body: '' }, /was not JSON: an empty body/],
  ['truncated JSON', { status: 200, body: '{"code":200,"data":{"readyPerc' }, /was not JSON/],
  ['a connection reset mid-body', { reset: true }, /network error talking to 127\.0\.0\.1:\d+/],
]

describe('transient faults through the bundle', () => {
  test.concurrent.each(transient)(
    '%s: retried, then success when it clears',
    async (_name, fault, reason) => {
      const r = await run({ jobs: { 'job-f': job([fault, fault, 0.5, 1]) } })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      // A blip that recovers is two info lines, and no yellow annotation.
      expect(commands(r.stdout, 'warning')).toEqual([])
      const retries = r.stdout.split('\n').filter((line) => /; retry \d in /.test(line))
      expect(retries).toHaveLength(2)
      for (const retry of retries) expect(retry).toMatch(reason)
      expect(r.summary).toContain('✅ completed')
      expectClean(r)
    },
  )

  test.concurrent.each(transient)(
    '%s: a clean timeout when it never clears',
    async (_name, fault, reason) => {
      const r = await run({ jobs: { 'job-f': job([0.3, fault]) }, inputs: { timeout: '3s' } })
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('timed-out')
      expect(r.outputs.progress).toBe('30')
      expect(commands(r.stdout, 'error')).toEqual([
        expect.stringMatching(
          /^::error::Timed out after 3s at 30%25 overall; still running: job-f importing 30%25 \(last poll: /,
        ),
      ])
      expect(r.summary).toContain('⏱️ timed out')
      expect(r.summary).toMatch(/<strong>Last poll failed:<\/strong> /)
      expect(commands(r.stdout, 'warning').every((w) => reason.test(w))).toBe(true)
      expectClean(r)
    },
  )

  test.concurrent(
    'a server that never answers: the request times out, then it clears',
    async () => {
      // Requests get 30 s at most: this row takes that long by design.
      const r = await run({
        jobs: { 'job-h': job([{ hang: true }, 1]) },
        inputs: { timeout: '2m' },
      })
      expect(r.code).toBe(0)
      expect(commands(r.stdout, 'warning')).toEqual([])
      expect(r.stdout).toMatch(
        /\nJob job-h: no answer from 127\.0\.0\.1:\d+ within 30 s \(waiting for the answer\); retry 1 in /,
      )
      expectClean(r)
    },
  )

  test.concurrent(
    'a server that never answers, until the deadline: a clean timeout on time',
    async () => {
      const started = Date.now()
      const r = await run({ jobs: { 'job-h': job([{ hang: true }]) }, inputs: { timeout: '3s' } })
      expect(r.code).toBe(1)
      // Not one answer: nothing is known of the import, and a longer timeout would not help.
      expect(r.outputs.state).toBe('error')
      expect(r.summary).toMatch(/no answer from 127\.0\.0\.1:\d+ within 3 s/)
      expect(commands(r.stdout, 'error')).toEqual([
        expect.stringMatching(
          /^::error::Could not check the import: never reached 127\.0\.0\.1:\d+ in 3s: no answer from .*a longer "timeout" will not help$/,
        ),
      ])
      // The request was cut at the deadline (plus the last poll's short grace), not after 30 s.
      expect(Date.now() - started).toBeLessThan(15_000)
      expectClean(r)
    },
  )

  test.concurrent('a server slower than the remaining deadline: a clean timeout', async () => {
    const r = await run({
      jobs: { 'job-s': job([0.2, { delayMs: 20_000, progress: 1 }]) },
      inputs: { timeout: '3s' },
    })
    expect(r.code).toBe(1)
    expect(r.outputs.state).toBe('timed-out')
    expect(r.outputs.progress).toBe('20')
    expectClean(r)
  })

  test.concurrent('a refused connection: retried, then success once the server is up', async () => {
    const port = await freePort()
    const sim = startSimulatorLater(port, 1_500, { 'job-r': job([1]) })
    const r = await runOnPort(port, '30s')
    await (await sim).close()
    expect(r.code).toBe(0)
    expect(r.outputs.state).toBe('completed')
    expect(r.stdout).toMatch(
      /\nJob job-r: network error talking to 127\.0\.0\.1:\d+ \(ECONNREFUSED/,
    )
  })

  test.concurrent(
    'a refused connection that never clears: a clean timeout saying why',
    async () => {
      const port = await freePort()
      const r = await runOnPort(port, '2s')
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('error')
      expect(r.summary).toContain('❓ not checked')
      expect(commands(r.stdout, 'error')[0]).toMatch(
        /^::error::Could not check the import: never reached 127\.0\.0\.1:\d+ in 2s: network error talking to 127\.0\.0\.1:\d+ \(ECONNREFUSED.*Check the network, the proxy \(https_proxy\) and the "endpoint" input/,
      )
      expect(r.summary).toMatch(
        /Last poll failed:<\/strong> network error talking to 127\.0\.0\.1:\d+ \(ECONNREFUSED/,
      )
    },
  )
})

/** Answers that are JSON of the wrong shape: a clear error or a sane report, never a crash. */
const body = (data: unknown, code = 200): Step => ({
  status: 200,
  body: JSON.stringify({ code, data }),
})
const shapes: [string, Step[], 'completed' | 'error', RegExp][] = [
  ['data missing', [{ status: 200, body: '{"code":200}' }], 'error', /expected a "data" object/],
  [
    'details not an array',
    [body({ readyPercentage: 0.5, details: 'x' })],
    'error',
    /expected "details" to be an array/,
  ],
  [
    'readyPercentage as a string',
    [body({ readyPercentage: '0.5' }), 1],
    'completed',
    /importing 50%/,
  ],
  // Out of range is a shape error, never clamped into "pending" or "completed".
  [
    'readyPercentage negative',
    [body({ readyPercentage: -3 }), 1],
    'error',
    /"readyPercentage" to be a number from 0 to 1/,
  ],
  [
    'readyPercentage above 1',
    [body({ readyPercentage: 7 })],
    'error',
    /"readyPercentage" to be a number from 0 to 1/,
  ],
  [
    'readyPercentage NaN-like',
    [body({ readyPercentage: 'NaN' })],
    'error',
    /"readyPercentage" to be a number from 0 to 1/,
  ],
  [
    'fileSize missing',
    [body({ readyPercentage: 1, details: [{ fileName: 'a', readyPercentage: 1 }] })],
    'completed',
    /completed 100% \(1\/1 files done\)/,
  ],
  [
    'unknown extra fields',
    [body({ readyPercentage: 1, shiny: { new: [1] }, details: [] }), 1],
    'completed',
    /completed 100%/,
  ],
  [
    'progress going backwards',
    [0.6, 0.3, 1],
    'completed',
    /importing 60%[\s\S]*importing 30%[\s\S]*completed 100%/,
  ],
]

describe('wrong shapes through the bundle', () => {
  test.concurrent.each(shapes)('%s', async (_name, script, state, logLine) => {
    const r = await run({ jobs: { 'job-w': job(script) } })
    expect(r.outputs.state).toBe(state)
    expect(r.code).toBe(state === 'completed' ? 0 : 1)
    expect(r.stdout).toMatch(logLine)
    if (state === 'error') expect(r.outputs['error-message']).toMatch(logLine)
    expectClean(r)
  })

  test.concurrent('a missing file size shows as "-" in the summary', async () => {
    const r = await run({
      jobs: {
        'job-w': job([
          body({ readyPercentage: 1, details: [{ fileName: 'a.json', readyPercentage: 1 }] }),
        ]),
      },
    })
    expect(r.summary).toContain('<tr><td>a.json</td><td>-</td><td>100%</td>')
  })
})

describe('abuse through the bundle', () => {
  test.concurrent.each([
    ['region evil.com/x', { endpoint: '', region: 'evil.com/x' }, 'Input "region"'],
    ['region a.b', { endpoint: '', region: 'a.b' }, 'Input "region"'],
    ['region x@y', { endpoint: '', region: 'x@y' }, 'Input "region"'],
    [
      'region gcp-us-west1.evil.com',
      { endpoint: '', region: 'gcp-us-west1.evil.com' },
      'Input "region"',
    ],
    [
      'http:// to a non-loopback host',
      { endpoint: 'http://198.51.100.7:8080' },
      'Input "endpoint" must use https://',
    ],
    [
      'credentials in the endpoint',
      { endpoint: 'https://user:pass@127.0.0.1:1' },
      'Input "endpoint" must not contain credentials',
    ],
    ['a job ID with &', { 'job-id': 'a&clusterId=x' }, 'Input "job-id"'],
    ['a job ID with #', { 'job-id': 'job#1' }, 'Input "job-id"'],
    ['a job ID with spaces', { 'job-id': 'job 1' }, 'Input "job-id"'],
    ['a job ID in unicode', { 'job-id': 'jöb-ü' }, 'Input "job-id"'],
    ['a 10 KB job ID', { 'job-id': 'j'.repeat(10_240) }, 'Input "job-id"'],
  ])('%s is refused before any request', async (_name, inputs, expected) => {
    const r = await run({ jobs: { 'job-1': job([1]) }, inputs })
    expect(r.code).toBe(1)
    expect(commands(r.stdout, 'error')).toEqual([expect.stringContaining(`::error::${expected}`)])
    expect(r.requests).toBe(0)
    expect(r.stdout.length).toBeLessThan(2_000)
    expectNoStackTrace(r)
    expectNoKeyLeak(r)
  })

  test.concurrent(
    'an endpoint with a path: the prefix is kept, and a 404 is a clear error',
    async () => {
      const r = await run({ jobs: { 'job-1': job([1]) }, endpointPath: '/proxy/zilliz' })
      expect(r.code).toBe(1)
      expect(r.recorded[0]?.path).toBe('/proxy/zilliz/v1/vector/collections/import/get')
      expect(r.outputs['error-message']).toMatch(
        /HTTP 404 Not Found .*check "region" \(or "endpoint"\)/,
      )
      expectClean(r)
    },
  )

  test.concurrent('a redirect to another host: refused, and the key never reaches it', async () => {
    const other = await startSimulator({ host: '127.0.0.2' })
    try {
      const r = await run({
        jobs: { 'job-1': job([{ redirect: `${other.url}/v1/vector/collections/import/get` }]) },
      })
      expect(r.code).toBe(1)
      expect(r.outputs['error-message']).toMatch(
        /HTTP 302 .*a redirect to 127\.0\.0\.2:\d+.*Redirects are not followed/,
      )
      expect(other.requests).toHaveLength(0)
      expectClean(r)
    } finally {
      await other.close()
    }
  })

  test.concurrent(
    'file names and errors with HTML, pipes, backticks and links are shown, not rendered',
    async () => {
      const nasty: JobSpec = {
        collectionName: '<b>bold</b>',
        files: [file('<img src=x onerror=alert(1)>|`x`|[link](https://evil.example).parquet')],
        script: [
          {
            progress: 0.5,
            fileErrors: { 0: '<script>alert(1)</script> | `rm -rf` [click](https://evil.example)' },
          },
        ],
      }
      const r = await run({ jobs: { 'job-x': nasty } })
      expect(r.code).toBe(1)
      expect(r.summary).not.toMatch(/<img|<script|<b>bold|\]\(https|`/)
      const row =
        r.summary.split('\n').find((line) => line.startsWith('<tr>') && line.includes('onerror')) ??
        ''
      expect(row.match(/<td>/g)).toHaveLength(5)
      expect(row).toContain(
        '&lt;img src=x onerror=alert(1)&gt;&#124;&#96;x&#96;&#124;&#91;link&#93;(https://evil.example).parquet',
      )
      expectClean(r)
    },
  )
})

describe('scale through the bundle', () => {
  test.concurrent(
    '5,000 files in one job: summary under 1 MiB with the cut noted, jobs output bounded',
    async () => {
      const files = Array.from({ length: 5_000 }, (_, i) =>
        file(`${'deep/'.repeat(40)}part-${i}.parquet`, 1_000 + i),
      )
      const r = await run({
        jobs: { 'job-big': { collectionName: 'big', files, script: [0.5, 1] } },
      })
      expect(r.code).toBe(0)
      expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024)
      expect(r.summary).toMatch(/[\d,]+ more files not shown/)
      expect(Buffer.byteLength(r.outputs.jobs ?? '')).toBeLessThanOrEqual(100_000)
      expect(r.stdout).toMatch(/The "jobs" output leaves out 0 jobs and [\d]+ file entries/)
      expectClean(r)
    },
  )

  test.concurrent(
    '10 jobs of 1,000 files: the young generation stays at 4 MiB (it grew to 16-32 MiB before)',
    async () => {
      const files = Array.from({ length: 1_000 }, (_, i) => file(`folder/part-${i}.parquet`))
      const jobs = Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [`job-${i}`, job([0.5, 1], files)]),
      )
      const r = await run({
        jobs,
        nodeArgs: ['--import', path.join(ROOT, '__tests__', 'fixtures', 'young-generation.mjs')],
      })
      expect(r.code).toBe(0)
      const young = Number(/young_generation_bytes=(\d+)/.exec(r.stderr)?.[1])
      // src/memory.ts: the first answer of 1,000 files stops its growth (both semi-spaces).
      expect(young).toBeGreaterThan(0)
      expect(young).toBeLessThanOrEqual(4 * 1024 * 1024)
      expectClean(r)
    },
  )

  test.concurrent(
    '200 jobs at once: at most 5 requests a second, bounded summary and outputs',
    async () => {
      const jobs = Object.fromEntries(
        Array.from({ length: 200 }, (_, i) => [
          `job-${String(i).padStart(3, '0')}`,
          job([1], [file(`f-${i}.parquet`)]),
        ]),
      )
      const r = await run({ jobs, inputs: { timeout: '2m' } })
      expect(r.code).toBe(0)
      expect(r.requests).toBe(200)
      // The average rate holds on a busy machine; single arrival gaps need not (see action.test.ts).
      const span = (r.requestTimes.at(-1) ?? 0) - (r.requestTimes[0] ?? 0)
      expect(199 / (span / 1_000)).toBeLessThanOrEqual(5.05)
      expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024)
      expect(Buffer.byteLength(r.outputs.jobs ?? '')).toBeLessThanOrEqual(100_000)
      expect(JSON.parse(r.outputs.jobs ?? '[]')).toHaveLength(200)
      expectClean(r)
    },
  )
})

describe('cancellation through the bundle', () => {
  test.concurrent.each([
    ['while a request is in flight', [0.2, { hang: true }] as Step[], 'importing 20%', 1_500],
    [
      'during a retry back-off',
      [0.2, { status: 503, headers: { 'retry-after': '30' } }] as Step[],
      'retry 1 in 30s',
      200,
    ],
  ])(
    'SIGINT %s: summary and state=cancelled, exit well within 7.5 s',
    async (_name, script, line, delayMs) => {
      const r = await run({
        jobs: { 'job-c': job(script) },
        inputs: { timeout: '5m' },
        signal: { signal: 'SIGINT', when: (stdout) => stdout.includes(line), delayMs },
      })
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('cancelled')
      expect(r.summary).toContain('🚫 cancelled')
      expect(r.signalToExitMs).toBeLessThan(7_500)
      expectClean(r)
    },
  )
})

/** The bundle against whatever listens on a loopback port (maybe nothing). */
function runOnPort(port: number, timeout: string) {
  return runAction({
    node,
    inputs: {
      'job-id': 'job-r',
      'cluster-id': DEFAULT_CLUSTER_ID,
      'api-key': DEFAULT_API_KEY,
      endpoint: `http://127.0.0.1:${port}`,
      'poll-interval': '1s',
      timeout,
    },
  })
}

/** A port nobody listens on (the OS picks it, then it is released). */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => {
        resolve(port)
      })
    })
  })
}

async function startSimulatorLater(port: number, afterMs: number, jobs: Record<string, JobSpec>) {
  await new Promise((resolve) => setTimeout(resolve, afterMs))
  return startSimulator({ jobs, port })
}
