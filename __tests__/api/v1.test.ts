/**
 * The v1 client and HTTP transport against the simulator over real HTTP on
 * loopback: no mocked modules.
 */
import { HttpTransport } from '../../src/api/http.js'
import { createRedactor } from '../../src/redact.js'
import { ImportApiClient } from '../../src/api/client.js'
import { V1_PATH, mapV1Job, v1Dialect, v1Url } from '../../src/api/v1.js'
import { AbortedError, PermanentError, TransientError } from '../../src/errors.js'
import { clip } from '../../src/text.js'
import { systemClock } from '../../src/time.js'
import { failure, fetchOnce } from '../helpers/api.js'
import { type JobSpec, type Step, startSimulator } from '../../scripts/simulator.mjs'

type Simulator = Awaited<ReturnType<typeof startSimulator>>
let sim: Simulator | undefined
let transport: HttpTransport | undefined
const debugLines: string[] = []

afterEach(async () => {
  transport?.dispose()
  await sim?.close()
  sim = undefined
  debugLines.length = 0
})

async function clientFor(
  jobs: Record<string, JobSpec>,
  overrides: { apiKey?: string; base?: string } = {},
) {
  sim = await startSimulator({ jobs })
  transport = new HttpTransport('zilliz-import-wait/test', 64 * 1024)
  const client = new ImportApiClient(v1Dialect(new URL(overrides.base ?? sim.url), sim.clusterId), {
    apiKey: overrides.apiKey ?? sim.apiKey,
    redact: createRedactor(overrides.apiKey ?? sim.apiKey),
    transport,
    clock: systemClock,
    debug: (message) => debugLines.push(message()),
  })
  return { client, sim }
}

const one = (...script: Step[]): Record<string, JobSpec> => ({
  'job-1': {
    collectionName: 'medium_articles',
    files: [
      { fileName: 'a.parquet', fileSize: 1_000 },
      { fileName: 'b.parquet', fileSize: 3_000 },
    ],
    script,
  },
})

describe('request', () => {
  test('GET with bearer key, JSON accept, User-Agent and URL-encoded query', async () => {
    const { client, sim } = await clientFor(one(0.5))
    await fetchOnce(client, 'job-1')
    const [request] = sim.requests
    expect(request?.method).toBe('GET')
    expect(request?.path).toBe(V1_PATH)
    expect(request?.query).toEqual({ jobId: 'job-1', clusterId: sim.clusterId })
    expect(request?.headers.authorization).toBe(`Bearer ${sim.apiKey}`)
    expect(request?.headers.accept).toBe('application/json')
    expect(request?.headers['user-agent']).toBe('zilliz-import-wait/test')
  })

  test('a job ID cannot add or cut query parameters', () => {
    const url = v1Url(new URL('https://h.example/prefix'), 'a&clusterId=evil#x y/ü', 'in03-1')
    expect(url.host).toBe('h.example')
    expect(url.pathname).toBe(`/prefix${V1_PATH}`)
    expect([...url.searchParams.entries()]).toEqual([
      ['jobId', 'a&clusterId=evil#x y/ü'],
      ['clusterId', 'in03-1'],
    ])
    expect(url.hash).toBe('')
  })

  test('an endpoint path prefix is kept', async () => {
    const { client, sim } = await clientFor(one(0.5))
    const prefixed = new ImportApiClient(v1Dialect(new URL(`${sim.url}/proxy`), sim.clusterId), {
      apiKey: sim.apiKey,
      redact: createRedactor(sim.apiKey),
      transport: transport as HttpTransport,
      clock: systemClock,
    })
    await failure(fetchOnce(prefixed, 'job-1'))
    await fetchOnce(client, 'job-1')
    expect(sim.requests.map((r) => r.path)).toEqual([`/proxy${V1_PATH}`, V1_PATH])
  })
})

describe('mapping the v1 answer', () => {
  test('in progress: readyPercentage is a fraction', async () => {
    const { client } = await clientFor(one({ progress: 0.456, files: [1, 0.2] }))
    const job = await fetchOnce(client, 'job-1')
    expect(job).toMatchObject({
      jobId: 'job-1',
      state: 'importing',
      progress: 45.6,
      collectionName: 'medium_articles',
      fileSize: 4_000,
    })
    expect(job.files).toEqual([
      {
        fileName: 'a.parquet',
        fileSize: 1_000,
        progress: 100,
        completeTime: expect.any(String) as string,
      },
      { fileName: 'b.parquet', fileSize: 3_000, progress: 20 },
    ])
  })

  test('pending at 0, completed at 1 with a completion time', async () => {
    const { client } = await clientFor(one(0, 1))
    expect((await fetchOnce(client, 'job-1')).state).toBe('pending')
    const done = await fetchOnce(client, 'job-1')
    expect(done.state).toBe('completed')
    expect(done.progress).toBe(100)
    expect(done.completeTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })

  test('a file error fails the job', async () => {
    const { client } = await clientFor(one({ progress: 0.4, fileErrors: { 1: 'bad schema' } }))
    const job = await fetchOnce(client, 'job-1')
    expect(job.state).toBe('failed')
    expect(job.files[1]?.errorMessage).toBe('bad schema')
  })

  test('a job error fails the job', async () => {
    const { client } = await clientFor(one({ progress: 0.4, jobError: 'quota exceeded' }))
    expect(await fetchOnce(client, 'job-1')).toMatchObject({
      state: 'failed',
      errorMessage: 'quota exceeded',
    })
  })

  test('code 0 is success too, and a completeTime alone completes a job', async () => {
    const body = JSON.stringify({
      code: 0,
      data: { readyPercentage: 0.99, completeTime: '2023-10-28T06:51:49Z' },
    })
    const { client } = await clientFor(one({ status: 200, body }))
    expect(await fetchOnce(client, 'job-1')).toMatchObject({
      state: 'completed',
      progress: 100,
      files: [],
    })
  })

  test('a file with a completeTime is done at 100% whatever its readyPercentage', async () => {
    const body = JSON.stringify({
      code: 200,
      data: {
        readyPercentage: 0.5,
        details: [{ fileName: 'a', readyPercentage: 0.5, completeTime: '2023-10-28T06:51:49Z' }],
      },
    })
    const { client } = await clientFor(one({ status: 200, body }))
    const job = await fetchOnce(client, 'job-1')
    expect(job.files).toEqual([
      { fileName: 'a', progress: 100, completeTime: '2023-10-28T06:51:49Z' },
    ])
  })

  test('readyPercentage 0.9999999999 is not done: 99.9%, never a rounded-up 100%', async () => {
    const body = JSON.stringify({
      code: 200,
      data: {
        readyPercentage: 0.9999999999,
        completeTime: null,
        details: [{ fileName: 'a', readyPercentage: 0.9999999999, completeTime: null }],
      },
    })
    const { client } = await clientFor(one({ status: 200, body }))
    const job = await fetchOnce(client, 'job-1')
    expect(job).toMatchObject({ state: 'importing', progress: 99.9 })
    expect(job.files[0]?.progress).toBe(99.9)
  })

  test('readyPercentage 1 alone is done, for the job and for each file; just under 1 is not', async () => {
    const body = JSON.stringify({
      code: 200,
      data: {
        readyPercentage: 1,
        completeTime: null,
        details: [
          { fileName: 'a', readyPercentage: 1, completeTime: null },
          { fileName: 'b', readyPercentage: 0.9999, completeTime: null },
        ],
      },
    })
    const { client } = await clientFor(one({ status: 200, body }))
    const job = await fetchOnce(client, 'job-1')
    expect(job.state).toBe('completed')
    expect(job.progress).toBe(100)
    expect(job.files.map((file) => [file.fileName, file.progress])).toEqual([
      ['a', 100],
      ['b', 99.9],
    ])
  })

  test.each([
    ['a numeric string', '"0.5"', 50],
    ['float noise just above 1', '1.0000000001', 100],
    ['null', 'null', 0],
  ])('readyPercentage as %s is read sanely', async (_label, value, progress) => {
    const body = `{"code":200,"data":{"readyPercentage":${value},"details":[{"readyPercentage":${value}}],"extra":{"x":1}}}`
    const { client } = await clientFor(one({ status: 200, body }))
    const job = await fetchOnce(client, 'job-1')
    expect(job.progress).toBe(progress)
    expect(job.files[0]).toEqual({ fileName: '(file 1)', progress })
  })

  test.each([
    ['data missing', '{"code":200}', /expected a "data" object/],
    ['code missing', '{"data":{}}', /expected a "code" field/],
    [
      'details not an array',
      '{"code":200,"data":{"details":{"a":1}}}',
      /expected "details" to be an array/,
    ],
    [
      'a detail not an object',
      '{"code":200,"data":{"details":[3]}}',
      /expected "details\[0\]" to be an object/,
    ],
    [
      'readyPercentage text',
      '{"code":200,"data":{"readyPercentage":"half"}}',
      /"readyPercentage" to be a number/,
    ],
    ['an array body', '[1,2]', /expected a JSON object/],
    // Out of range is never clamped into a plausible value: 50 as a fraction is not "done".
    [
      'readyPercentage 50',
      '{"code":200,"data":{"readyPercentage":50}}',
      /"readyPercentage" to be a number from 0 to 1/,
    ],
    [
      'readyPercentage -0.2',
      '{"code":200,"data":{"readyPercentage":-0.2}}',
      /"readyPercentage" to be a number from 0 to 1/,
    ],
    [
      'readyPercentage "0x1"',
      '{"code":200,"data":{"readyPercentage":"0x1"}}',
      /"readyPercentage" to be a number/,
    ],
    [
      'readyPercentage "0b1"',
      '{"code":200,"data":{"readyPercentage":"0b1"}}',
      /"readyPercentage" to be a number/,
    ],
    [
      'readyPercentage "Infinity"',
      '{"code":200,"data":{"readyPercentage":"Infinity"}}',
      /"readyPercentage" to be a number/,
    ],
    [
      'completeTime 1',
      '{"code":200,"data":{"completeTime":1}}',
      /"completeTime" to be text or null/,
    ],
    [
      'completeTime false',
      '{"code":200,"data":{"completeTime":false}}',
      /"completeTime" to be text or null/,
    ],
    [
      'completeTime 0',
      '{"code":200,"data":{"completeTime":0}}',
      /"completeTime" to be text or null/,
    ],
    [
      'completeTime []',
      '{"code":200,"data":{"completeTime":[]}}',
      /"completeTime" to be text or null/,
    ],
    [
      'completeTime {}',
      '{"code":200,"data":{"completeTime":{}}}',
      /"completeTime" to be text or null/,
    ],
    [
      'a file completeTime true',
      '{"code":200,"data":{"details":[{"completeTime":true}]}}',
      /"details\[0\]\.completeTime" to be text or null/,
    ],
    [
      'fileSize 1e308',
      '{"code":200,"data":{"fileSize":1e308}}',
      /"fileSize" to be a whole number from 0 to 9007199254740991/,
    ],
    [
      'a 309-digit fileSize',
      `{"code":200,"data":{"fileSize":${'9'.repeat(309)}}}`,
      /"fileSize" to be a whole number/,
    ],
    ['fileSize -1', '{"code":200,"data":{"fileSize":-1}}', /"fileSize" to be a whole number/],
    [
      'fileSize 2^53',
      '{"code":200,"data":{"fileSize":9007199254740992}}',
      /"fileSize" to be a whole number/,
    ],
    [
      'a file fileSize "12kb"',
      '{"code":200,"data":{"details":[{"fileSize":"12kb"}]}}',
      /"details\[0\]\.fileSize" to be a whole number/,
    ],
    ['code null', '{"code":null,"data":{"readyPercentage":1}}', /"code" to be a whole number/],
    ['code ""', '{"code":"","data":{"readyPercentage":1}}', /"code" to be a whole number/],
    ['code []', '{"code":[],"data":{"readyPercentage":1}}', /"code" to be a whole number/],
    ['code [200]', '{"code":[200],"data":{"readyPercentage":1}}', /"code" to be a whole number/],
    ['code "0x0"', '{"code":"0x0","data":{"readyPercentage":1}}', /"code" to be a whole number/],
    [
      'errorMessage 42',
      '{"code":200,"data":{"errorMessage":42}}',
      /"errorMessage" to be text or null/,
    ],
    [
      'nesting 2,500 levels deep',
      `{"code":200,"data":{"x":${'['.repeat(2_500)}${']'.repeat(2_500)}}}`,
      /JSON nested at most 32 levels deep/,
    ],
  ])('a body with %s is a clear permanent error quoting it', async (_label, body, expected) => {
    const { client } = await clientFor(one({ status: 200, body }))
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(expected)
    expect(error.message).toContain('not in the v1 import-progress format')
  })
})

describe('faults', () => {
  test.each([
    [
      'HTTP 500',
      { status: 500, body: 'oops' },
      /HTTP 500 Internal Server Error from 127\.0\.0\.1:\d+: "oops"/,
    ],
    ['HTTP 502 HTML', { status: 502, body: '<html>bad gateway</html>' }, /HTTP 502/],
    ['HTTP 503', { status: 503 }, /HTTP 503 Service Unavailable .*an empty body/],
    ['HTTP 504', { status: 504 }, /HTTP 504/],
    ['HTTP 408', { status: 408 }, /HTTP 408/],
    [
      'HTTP 429',
      { status: 429, body: '{"code":429,"message":"slow down"}' },
      /HTTP 429 .*code 429, "slow down"/,
    ],
    [
      'an HTML page with 200',
      { status: 200, body: '<html>maintenance</html>' },
      /was not JSON: "<html>maintenance<\/html>"/,
    ],
    ['an empty 200 body', { status: 200, body: '' }, /was not JSON: an empty body/],
    ['truncated JSON', { status: 200, body: '{"code":200,"data":{"readyPerc' }, /was not JSON/],
    ['a connection reset mid-body', { reset: true }, /network error talking to 127\.0\.0\.1:\d+/],
  ] as const)('%s is transient', async (_label, step, expected) => {
    const { client } = await clientFor(one(step))
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toMatch(expected)
  })

  test('an answer that is not JSON is an answer: the host was reached', async () => {
    const { client } = await clientFor(one({ status: 200, body: '<html>maintenance</html>' }))
    expect(await failure(fetchOnce(client, 'job-1'))).toMatchObject({
      answered: 'answers that were not JSON',
    })
  })

  test('a quoted body is redacted after decoding, whatever its JSON escapes', async () => {
    // "sim-key-..." with its first letters escaped as \u0073\u0069: no spelling list has that.
    const body = '{"error":"key \\u0073\\u0069m-key-0123456789abcdef refused"}'
    const { client } = await clientFor(one({ status: 401, body }))
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error.message).toContain('"{\\"error\\":\\"key *** refused\\"}"')
    expect(error.message).not.toMatch(/0123456789abcdef/)
  })

  test('an error body nested past the depth limit is quoted, not walked', async () => {
    // A million levels: JSON.parse copes, a recursive walk would overflow the stack.
    const body = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`
    await clientFor(one({ status: 401, body }))
    const big = new HttpTransport('zilliz-import-wait/test')
    const client = new ImportApiClient(v1Dialect(new URL(sim?.url ?? ''), sim?.clusterId ?? ''), {
      apiKey: sim?.apiKey ?? '',
      redact: createRedactor(sim?.apiKey ?? ''),
      transport: big,
      clock: systemClock,
    })
    const error = await failure(fetchOnce(client, 'job-1')).finally(() => {
      big.dispose()
    })
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(/^HTTP 401 Unauthorized from 127\.0\.0\.1:\d+: "\[\[\[/)
  })

  test('a status text that echoes the key is redacted', async () => {
    // The simulator's default key, echoed by a gateway in its status line.
    const { client } = await clientFor(
      one({ raw: 'HTTP/1.1 503 sim-key-0123456789abcdef busy\r\ncontent-length: 0\r\n\r\n' }),
    )
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error.message).toMatch(/^HTTP 503 \*\*\* busy from /)
  })

  test('Retry-After in seconds and as an HTTP date', async () => {
    const later = new Date(Date.now() + 120_000).toUTCString()
    const { client } = await clientFor(
      one(
        { status: 429, headers: { 'retry-after': '3' } },
        { status: 503, headers: { 'retry-after': later } },
      ),
    )
    const seconds = await failure(fetchOnce(client, 'job-1'))
    const dated = await failure(fetchOnce(client, 'job-1'))
    if (!(seconds instanceof TransientError) || !(dated instanceof TransientError)) {
      throw new Error('expected transient errors')
    }
    expect(seconds.retryAfterMs).toBe(3_000)
    expect(dated.retryAfterMs).toBeGreaterThan(100_000)
    expect(dated.retryAfterMs).toBeLessThanOrEqual(120_000)
  })

  test('a server that never answers times out as a transient fault', async () => {
    const { client } = await clientFor(one({ hang: true }))
    const error = await failure(fetchOnce(client, 'job-1', 300))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toMatch(/no answer from 127\.0\.0\.1:\d+ within 0\.3 s/)
  })

  test('a refused connection is transient', async () => {
    const { client, sim } = await clientFor(one(0.5))
    const url = sim.url
    await sim.close()
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toMatch(
      new RegExp(`network error talking to ${url.slice(7).replace(/\./g, '\\.')} \\(ECONNREFUSED`),
    )
  })

  test('cancelling aborts a request in flight at once', async () => {
    const { client } = await clientFor(one({ hang: true }))
    const cancel = new AbortController()
    const pending = client.fetchJob('job-1', { signal: cancel.signal, timeoutMs: 30_000 })
    setTimeout(() => {
      cancel.abort()
    }, 50)
    expect(await failure(pending)).toBeInstanceOf(AbortedError)
  })

  test('an answer over the size cap is refused', async () => {
    const { client } = await clientFor(
      one({ status: 200, body: `{"code":200,"pad":"${'x'.repeat(70 * 1024)}"}` }),
    )
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(/larger than/)
  })

  test.each([
    [400, /HTTP 400 .*check "job-id" and "cluster-id"/],
    [401, /HTTP 401 .*check the "api-key" secret/],
    [403, /HTTP 403 .*check "api-key" and "cluster-id"/],
    [404, /HTTP 404 .*check "region"/],
    [409, /HTTP 409/],
  ])('HTTP %i is permanent, with a hint', async (status, expected) => {
    const { client } = await clientFor(one({ status, body: '{"code":1,"message":"nope"}' }))
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(expected)
    expect(error.message).toContain('code 1, "nope"')
  })

  test('an error body with only a message, or a non-text one, is quoted readably', async () => {
    const { client } = await clientFor(
      one(
        { status: 403, body: '{"message":{"reason":"no access"}}' },
        { status: 401, body: '{"message":"expired"}' },
      ),
    )
    const objectMessage = await failure(fetchOnce(client, 'job-1'))
    expect(objectMessage.message).toContain('HTTP 403 Forbidden from')
    expect(objectMessage.message).toContain('{\\"reason\\":\\"no access\\"}')
    expect(objectMessage.message).not.toMatch(/object Object|code undefined/)
    expect((await failure(fetchOnce(client, 'job-1'))).message).toMatch(
      /HTTP 401 Unauthorized from [^:]+:\d+: "expired"\. The API key/,
    )
  })

  test('API error codes are permanent and quoted, with a hint', async () => {
    const { client } = await clientFor(one(0.5), { apiKey: 'wrong-key-123456' })
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toBe(
      'Zilliz Cloud refused the request for job job-1: code 80001, "Invalid token: your token is not valid". ' +
        'The API key is invalid or expired: check the "api-key" secret.',
    )
  })

  test('an unknown job gets its own hint', async () => {
    const { client } = await clientFor(one(0.5))
    const error = await failure(fetchOnce(client, 'job-nope'))
    expect(error.message).toMatch(
      /code 80004, "The import job job-nope does not exist"\. The job is unknown: check "job-id"/,
    )
  })

  test('a redirect is refused and the key never reaches the other host', async () => {
    const other = await startSimulator({ host: '127.0.0.2' })
    try {
      const { client } = await clientFor(one({ redirect: `${other.url}${V1_PATH}?jobId=job-1` }))
      const error = await failure(fetchOnce(client, 'job-1'))
      expect(error).toBeInstanceOf(PermanentError)
      expect(error.message).toMatch(
        /HTTP 302 .*a redirect to 127\.0\.0\.2:\d+.*Redirects are not followed/,
      )
      expect(other.requests).toHaveLength(0)
    } finally {
      await other.close()
    }
  })
})

describe('the API key', () => {
  test('echoed by the server, it is redacted from job data, errors and debug output', async () => {
    const { client, sim } = await clientFor(
      one(
        { progress: 0.2, jobError: 'token {{authorization}} lacks quota' },
        { status: 503, body: 'upstream saw {{authorization}}' },
        { code: 80001, message: 'bad {{authorization}}' },
      ),
    )
    const job = await fetchOnce(client, 'job-1')
    const transient = await failure(fetchOnce(client, 'job-1'))
    const permanent = await failure(fetchOnce(client, 'job-1'))
    const everything =
      JSON.stringify(job) + transient.message + permanent.message + debugLines.join('\n')
    expect(everything).not.toContain(sim.apiKey)
    expect(job.errorMessage).toBe('token Bearer *** lacks quota')
    expect(debugLines.length).toBe(3)
  })
})

describe('answers as real servers and gateways send them', () => {
  test('an error envelope without data is a refusal whatever its code, with the hint', async () => {
    const { client } = await clientFor(
      one({ status: 200, body: '{"code": 200, "message": "The token is illegal."}' }),
    )
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toBe(
      'Zilliz Cloud refused the request for job job-1: code 200, "The token is illegal.". The API key is invalid or expired: check the "api-key" secret.',
    )
  })

  test('the same envelope with "data": null is the same refusal', async () => {
    const { client } = await clientFor(
      one({ status: 200, body: '{"code": 200, "message": "The token is illegal.", "data": null}' }),
    )
    expect((await failure(fetchOnce(client, 'job-1'))).message).toMatch(
      /^Zilliz Cloud refused the request for job job-1: code 200, "The token is illegal."\. The API key/,
    )
  })

  test('an answer with data is the job even when it also carries a message', async () => {
    const { client } = await clientFor(
      one({
        status: 200,
        body: '{"code":200,"message":"success","data":{"readyPercentage":0.25}}',
      }),
    )
    expect((await fetchOnce(client, 'job-1')).progress).toBe(25)
  })

  test('a failure code without a message is a refusal naming the code', async () => {
    const { client } = await clientFor(one({ status: 200, body: '{"code":80004}' }))
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(/^Zilliz Cloud refused the request for job job-1: code 80004\. /)
  })

  test('an error body that is JSON without code or message is quoted whole, trimmed', async () => {
    const { client } = await clientFor(
      one({ status: 500, body: '  {"error":"disk"}\n' }, { status: 500, body: '  oops \n' }),
    )
    expect((await failure(fetchOnce(client, 'job-1'))).message).toMatch(
      /^HTTP 500 Internal Server Error from 127\.0\.0\.1:\d+: "\{\\"error\\":\\"disk\\"\}"$/,
    )
    expect((await failure(fetchOnce(client, 'job-1'))).message).toMatch(/\d: "oops"$/)
  })

  test('debug output shows each exchange: method, path and query, status, body', async () => {
    const { client, sim } = await clientFor(one(0.5))
    await fetchOnce(client, 'job-1')
    expect(debugLines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^GET ${V1_PATH.replaceAll('/', '\\/')}\\?jobId=job-1&clusterId=${sim.clusterId} -> HTTP 200: \\{"code":200,`,
        ),
      ),
    ])
  })

  test('a refusal quotes the request ID header', async () => {
    const { client } = await clientFor(
      one({ code: 80004, message: 'job missing', headers: { 'x-zilliz-request-id': 'zr-77' } }),
    )
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error.message).toMatch(
      /^Zilliz Cloud refused the request for job job-1: code 80004 \(x-zilliz-request-id: zr-77\), "job missing"/,
    )
  })

  test('a shape error quotes the request ID header too', async () => {
    const { client } = await clientFor(
      one({ status: 200, body: '{"code":200,"data":[]}', headers: { requestid: 'r-1' } }),
    )
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error.message).toMatch(/^the answer for job job-1 \(requestid: r-1\) is not in the v1/)
  })

  test('a leading byte-order mark is ignored', async () => {
    const { client } = await clientFor(
      one({ status: 200, body: '\uFEFF{"code":200,"data":{"readyPercentage":0.25}}' }),
    )
    expect((await fetchOnce(client, 'job-1')).progress).toBe(25)
  })

  test('server text is read as sent: terminal escapes are stripped only where it is shown', async () => {
    const sent = '\u001b[1;31mbad\u001b[0m schema\u0007'
    const { client } = await clientFor(one({ progress: 0.5, fileErrors: { 0: sent } }))
    const job = await fetchOnce(client, 'job-1')
    expect(job.files[0]?.errorMessage).toBe(sent)
    expect(clip(job.files[0]?.errorMessage ?? '', 100)).toBe('bad schema')
  })

  test('an errorMessage of blanks is an error; only "" and null are none', () => {
    const fail = (expected: string): PermanentError => new PermanentError(expected)
    const read = (errorMessage: unknown) =>
      mapV1Job('j', { readyPercentage: 0.5, errorMessage }, fail).state
    expect([' ', '\n', '', null].map(read)).toEqual(['failed', 'failed', 'importing', 'importing'])
  })

  test('an error of control characters only is an error, shown as such', async () => {
    const { client } = await clientFor(one({ progress: 1, jobError: '\u001b[31m' }))
    const job = await fetchOnce(client, 'job-1')
    expect(job.state).toBe('failed')
    expect(clip(job.errorMessage ?? '', 100)).toBe('(5 unprintable characters)')
  })

  test('a gzip-encoded answer is read', async () => {
    const { client } = await clientFor(one({ progress: 0.5, encoding: 'gzip' }))
    expect((await fetchOnce(client, 'job-1')).progress).toBe(50)
  })
})
