import { createRedactor } from '../../src/redact.js'
import { ImportApiClient } from '../../src/api/client.js'
import { HttpTransport, type Transport } from '../../src/api/http.js'
import { NO_REASON, V2Dialect, V2_PATHS, mapV2Job } from '../../src/api/v2.js'
import { PermanentError, TransientError } from '../../src/errors.js'
import { systemClock } from '../../src/time.js'
import { failure, fetchOnce } from '../helpers/api.js'
import {
  type JobSpec,
  type SimulatorOptions,
  type Step,
  startSimulator,
} from '../../scripts/simulator.mjs'

const fail = (expected: string): PermanentError => new PermanentError(`expected ${expected}`)

describe('mapV2Job', () => {
  const completed = {
    jobId: '448761313698322011',
    collectionName: 'medium_articles',
    fileName: 'medium_articles_2020_dpr.json',
    fileSize: 3279917,
    state: 'Completed',
    progress: 100,
    completeTime: '2024-04-01T06:17:55Z',
    reason: '',
    totalRows: 100000,
    details: [
      {
        fileName: 'medium_articles_2020_dpr.json',
        fileSize: 3279917,
        state: 'Completed',
        progress: 100,
        completeTime: '2024-04-01T06:17:53Z',
        reason: '',
      },
    ],
  }

  test('the documented Zilliz Cloud v2 sample', () => {
    expect(mapV2Job('j', completed, fail)).toEqual({
      jobId: 'j',
      state: 'completed',
      progress: 100,
      collectionName: 'medium_articles',
      completeTime: '2024-04-01T06:17:55Z',
      fileSize: 3279917,
      totalRows: 100000,
      files: [
        {
          fileName: 'medium_articles_2020_dpr.json',
          fileSize: 3279917,
          progress: 100,
          completeTime: '2024-04-01T06:17:53Z',
        },
      ],
    })
  })

  test('Milvus: rows per job and file, "" completion times, reason left out', () => {
    const job = mapV2Job(
      'j',
      {
        state: 'Importing',
        progress: 85,
        completeTime: '',
        importedRows: 60000,
        totalRows: 80000,
        details: [
          {
            fileName: 'a.parquet',
            state: 'Importing',
            progress: 85,
            completeTime: '',
            importedRows: '51000',
            totalRows: '60000',
          },
        ],
      },
      fail,
    )
    expect(job).toEqual({
      jobId: 'j',
      state: 'importing',
      progress: 85,
      importedRows: 60000,
      totalRows: 80000,
      files: [{ fileName: 'a.parquet', progress: 85, importedRows: 51000, totalRows: 60000 }],
    })
  })

  test.each([
    ['Pending', 'pending'],
    ['Importing', 'importing'],
    ['completed', 'completed'],
    ['FAILED', 'failed'],
  ])('state %s -> %s', (state, expected) => {
    expect(mapV2Job('j', { state, progress: 10 }, fail).state).toBe(expected)
  })

  test('unknown or absent states mean still running, each unknown state reported', () => {
    const unknown: string[] = []
    const job = mapV2Job(
      'j',
      { state: 'IndexBuilding', progress: 90, details: [{ state: 'Sorting' }, {}] },
      fail,
      (s) => unknown.push(s),
    )
    expect(job.state).toBe('importing')
    expect(job.files.map((f) => f.progress)).toEqual([0, 0])
    expect(unknown).toEqual(['Sorting', 'IndexBuilding'])
    expect(mapV2Job('j', {}, fail)).toEqual({
      jobId: 'j',
      state: 'importing',
      progress: 0,
      files: [],
    })
  })

  test('a failed file fails the job; its reason is the error text', () => {
    const job = mapV2Job(
      'j',
      {
        state: 'Importing',
        progress: 40,
        details: [{ fileName: 'b', state: 'Failed', reason: 'dim mismatch' }],
      },
      fail,
    )
    expect(job.state).toBe('failed')
    expect(job.files[0]?.errorMessage).toBe('dim mismatch')
  })

  test('Failed without any reason still carries an error text, at the most specific level', () => {
    expect(mapV2Job('j', { state: 'Failed' }, fail).errorMessage).toBe(NO_REASON)
    const byFile = mapV2Job(
      'j',
      { state: 'Failed', details: [{ fileName: 'a', state: 'Failed' }] },
      fail,
    )
    expect([byFile.errorMessage, byFile.files[0]?.errorMessage]).toEqual([undefined, NO_REASON])
    const withReason = mapV2Job(
      'j',
      { state: 'Failed', details: [{ fileName: 'a', state: 'Failed', reason: 'bad row' }] },
      fail,
    )
    expect([withReason.errorMessage, withReason.files[0]?.errorMessage]).toEqual([
      undefined,
      'bad row',
    ])
  })

  test('a reason fails a job only with state Failed or with no state at all', () => {
    expect(mapV2Job('j', { state: 'Failed', reason: 'disk full' }, fail)).toMatchObject({
      state: 'failed',
      errorMessage: 'disk full',
    })
    expect(mapV2Job('j', { reason: 'disk full' }, fail)).toMatchObject({
      state: 'failed',
      errorMessage: 'disk full',
    })
    const running = mapV2Job('j', { state: 'Importing', progress: 40, reason: 'slow' }, fail)
    expect(running).toMatchObject({ state: 'importing', retrying: 'slow', progress: 40 })
    expect(running.errorMessage).toBeUndefined()
  })

  test('Completed is 100% whatever progress says, for the job and each file', () => {
    const job = mapV2Job(
      'j',
      { state: 'Completed', progress: 99, details: [{ fileName: 'a', state: 'Completed' }] },
      fail,
    )
    expect([job.progress, job.files[0]?.progress]).toEqual([100, 100])
  })

  test('a reason next to Failed or Completed is never a "retrying" note', () => {
    const job = mapV2Job(
      'j',
      {
        state: 'Importing',
        reason: 'waiting for a datanode',
        details: [
          { fileName: 'a', state: 'Failed', reason: 'bad row' },
          { fileName: 'b', state: 'Completed', reason: 'done with warnings' },
        ],
      },
      fail,
    )
    // A failed file fails the job: what it was retrying no longer matters.
    expect(job).toMatchObject({ state: 'failed' })
    expect(job).not.toHaveProperty('retrying')
    expect(job.files[0]).toMatchObject({ errorMessage: 'bad row' })
    // File records carry every field (one shape, less memory): absent is undefined.
    expect(job.files[0]?.retrying).toBeUndefined()
    expect(job.files[1]?.retrying).toBeUndefined()
    expect(job.files[1]?.errorMessage).toBeUndefined()
  })

  test("the job's own reason stays when a file failed too", () => {
    const job = mapV2Job(
      'j',
      { state: 'Failed', reason: 'quota exceeded', details: [{ state: 'Failed', reason: 'x' }] },
      fail,
    )
    expect(job.errorMessage).toBe('quota exceeded')
  })

  test('states are read as sent: a control character makes a state unknown, not Completed', () => {
    const unknown: string[] = []
    const job = mapV2Job('j', { state: 'Completed\u0000', progress: 100 }, fail, (state) => {
      unknown.push(state)
    })
    expect(job.state).toBe('importing')
    expect(unknown).toEqual(['Completed\u0000'])
  })

  test('only finished work shows 100%: a running job or file at 100 shows 99.9', () => {
    const job = mapV2Job(
      'j',
      { state: 'Importing', progress: 100, details: [{ state: 'InProgress', progress: 100 }] },
      fail,
    )
    expect(job.progress).toBe(99.9)
    expect(job.files[0]?.progress).toBe(99.9)
    expect(mapV2Job('j', { state: 'Failed', progress: 100, reason: 'x' }, fail).progress).toBe(99.9)
  })

  test('a state named like an Object property is unknown, not a function', () => {
    const unknown: string[] = []
    for (const state of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const job = mapV2Job('j', { state, progress: 5 }, fail, (s) => unknown.push(s))
      expect(job.state).toBe('importing')
    }
    expect(unknown).toEqual(['constructor', 'toString', '__proto__', 'hasOwnProperty'])
  })

  test('states are not trimmed: "Completed\\n" is unknown; a reason of blanks fails the job', () => {
    expect(mapV2Job('j', { state: 'Completed\n', progress: 100 }, fail).state).toBe('importing')
    expect(mapV2Job('j', { state: 'Failed', reason: ' ' }, fail)).toMatchObject({
      state: 'failed',
      errorMessage: ' ',
    })
  })

  test('a reason of control characters only still fails the job', () => {
    const job = mapV2Job('j', { state: 'Failed', reason: '\u001b[31m' }, fail)
    expect(job).toMatchObject({ state: 'failed', errorMessage: '\u001b[31m' })
  })

  test('a file without a name is called by its place in the list', () => {
    const job = mapV2Job('j', { details: [{ state: 'Importing' }, { state: 'Importing' }] }, fail)
    expect(job.files.map((file) => file.fileName)).toEqual(['(file 1)', '(file 2)'])
  })

  test('Milvus Retry tasks: the reason is a note, the job keeps running', () => {
    const job = mapV2Job(
      'j',
      {
        state: 'Importing',
        progress: 55,
        details: [
          { fileName: '[a.parquet]', state: 'Retry', progress: 20, reason: 'datanode lost' },
          { fileName: '[b.parquet]', state: 'InProgress', progress: 60 },
        ],
      },
      fail,
    )
    expect(job.state).toBe('importing')
    expect(job.errorMessage).toBeUndefined()
    expect(job.files[0]).toMatchObject({ retrying: 'datanode lost', progress: 20 })
    expect(job.files[0]?.errorMessage).toBeUndefined()
    expect(job.files[1]?.retrying).toBeUndefined()
  })

  test.each([
    ['Uncommitted', 'uncommitted'],
    ['Committing', 'committing'],
    ['InProgress', 'importing'],
    ['Retry', 'importing'],
  ])('state %s is known: %s, with no "unknown state" note', (state, expected) => {
    const unknown: string[] = []
    const job = mapV2Job('j', { state, progress: 99 }, fail, (s) => unknown.push(s))
    expect(job.state).toBe(expected)
    expect(job.unknownState).toBeUndefined()
    expect(unknown).toEqual([])
  })

  test('an unknown job state reads importing and is kept as sent, for the gate never to write on it', () => {
    const job = mapV2Job('j', { state: 'Rollbacking', progress: 50 }, fail)
    expect(job.state).toBe('importing')
    expect(job.unknownState).toBe('Rollbacking')
    // An unknown task state does not make the job's state unknown.
    const withTask = mapV2Job('j', { state: 'Importing', details: [{ state: 'Odd' }] }, fail)
    expect(withTask.unknownState).toBeUndefined()
    // A failed job's state is known, whatever its files say.
    const failed = mapV2Job(
      'j',
      { state: 'Odd', details: [{ state: 'Failed', reason: 'x' }] },
      fail,
    )
    expect(failed.state).toBe('failed')
    expect(failed.unknownState).toBeUndefined()
  })

  test('progress keeps one decimal; out of range or not a plain number is a shape error', () => {
    expect(mapV2Job('j', { state: 'Importing', progress: '42.57' }, fail).progress).toBe(42.5)
    expect(() => mapV2Job('j', { state: 'Importing', progress: 250 }, fail)).toThrow(
      'expected "progress" to be a number from 0 to 100',
    )
    expect(() => mapV2Job('j', { state: 'Importing', progress: -1 }, fail)).toThrow(
      'expected "progress" to be a number from 0 to 100',
    )
    expect(() => mapV2Job('j', { state: 'Importing', progress: 'lots' }, fail)).toThrow(
      'expected "progress" to be a number from 0 to 100',
    )
    expect(() => mapV2Job('j', { state: 7 }, fail)).toThrow('expected "state" to be text or null')
    expect(() => mapV2Job('j', { details: [{ reason: ['x'] }] }, fail)).toThrow(
      'expected "details[0].reason" to be text or null',
    )
    expect(() => mapV2Job('j', { details: [{ importedRows: 1.5 }] }, fail)).toThrow(
      'expected "details[0].importedRows" to be a whole number',
    )
    expect(() => mapV2Job('j', { details: 'x' }, fail)).toThrow('expected "details" to be an array')
  })
})

describe('V2Dialect', () => {
  const base = new URL('https://api.cloud.zilliz.com')

  test('POSTs jobId, clusterId and dbName, with a DB-Name header', () => {
    const dialect = new V2Dialect({
      product: 'Zilliz Cloud',
      baseUrl: base,
      clusterId: 'in03-1',
      dbName: 'analytics',
    })
    const request = dialect.request('job-1', V2_PATHS[0])
    expect(request.method).toBe('POST')
    expect(request.url.href).toBe('https://api.cloud.zilliz.com/v2/vectordb/jobs/import/describe')
    expect(request.headers).toEqual({ 'content-type': 'application/json', 'db-name': 'analytics' })
    expect(JSON.parse(request.body ?? '')).toEqual({
      jobId: 'job-1',
      clusterId: 'in03-1',
      dbName: 'analytics',
    })
  })

  test('sends clusterId and dbName only when given', () => {
    const dialect = new V2Dialect({
      product: 'Milvus',
      baseUrl: new URL('https://milvus.example.com/api'),
    })
    const request = dialect.request('42', V2_PATHS[0])
    expect(request.url.pathname).toBe('/api/v2/vectordb/jobs/import/describe')
    expect(request.headers).toEqual({ 'content-type': 'application/json' })
    expect(JSON.parse(request.body ?? '')).toEqual({ jobId: '42' })
  })

  test('an unknown state is reported once per dialect, however often it is seen', () => {
    const unknown: string[] = []
    const dialect = new V2Dialect({
      product: 'Milvus',
      baseUrl: base,
      onUnknownState: (state) => unknown.push(state),
    })
    dialect.mapData('a', { state: 'Sorting' }, fail)
    dialect.mapData('b', { state: 'Sorting', details: [{ state: 'Sorting' }] }, fail)
    dialect.mapData('a', { state: 'Indexing' }, fail)
    expect(unknown).toEqual(['Sorting', 'Indexing'])
  })

  test('hints name what to check, per product', () => {
    const milvus = new V2Dialect({ product: 'Milvus', baseUrl: base })
    const cloud = new V2Dialect({ product: 'Zilliz Cloud', baseUrl: base })
    expect(milvus.hint(1800, "user hasn't authenticated")).toMatch(/Milvus token or user:password/)
    expect(cloud.hint(80001, 'Invalid token')).toMatch(/check the "api-key" secret/)
    expect(milvus.hint(2100, 'import job does not exist')).toMatch(
      /forgets finished jobs after its retention period/,
    )
    expect(milvus.hint(1100, 'database not found')).toBe('Check "db-name".')
  })
})

describe('the v2 client against the simulator', () => {
  type Simulator = Awaited<ReturnType<typeof startSimulator>>
  let sim: Simulator | undefined
  let transport: HttpTransport | undefined

  afterEach(async () => {
    transport?.dispose()
    await sim?.close()
    sim = undefined
  })

  const one = (...script: Step[]): Record<string, JobSpec> => ({
    'job-1': {
      collectionName: 'medium_articles',
      files: [
        { fileName: 'a.parquet', fileSize: 1_000, rows: 600 },
        { fileName: 'b.parquet', fileSize: 3_000, rows: 400 },
      ],
      script,
    },
  })

  async function clientFor(
    jobs: Record<string, JobSpec>,
    options: Partial<SimulatorOptions> & {
      product?: 'Zilliz Cloud' | 'Milvus'
      apiKey?: string
      dbName?: string
    } = {},
  ) {
    sim = await startSimulator({ jobs, ...options, apiKey: undefined })
    transport = new HttpTransport('zilliz-import-wait/test')
    const product = options.product ?? (options.v2 === 'milvus' ? 'Milvus' : 'Zilliz Cloud')
    const dialect = new V2Dialect({
      product,
      baseUrl: new URL(sim.url),
      ...(product === 'Zilliz Cloud' ? { clusterId: sim.clusterId } : {}),
      ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
    })
    const client = new ImportApiClient(dialect, {
      apiKey: options.apiKey ?? sim.apiKey,
      redact: createRedactor(options.apiKey ?? sim.apiKey),
      transport,
      clock: systemClock,
    })
    return { client, sim }
  }

  test('Zilliz Cloud v2: progress, then completion with total rows', async () => {
    const { client, sim } = await clientFor(one(0.5, 1))
    expect(await fetchOnce(client, 'job-1')).toMatchObject({
      state: 'importing',
      progress: 50,
      totalRows: 1_000,
    })
    const done = await fetchOnce(client, 'job-1')
    expect(done).toMatchObject({
      state: 'completed',
      progress: 100,
      collectionName: 'medium_articles',
    })
    expect(done.completeTime).toMatch(/Z$/)
    expect(sim.requests[0]?.body).toEqual({ jobId: 'job-1', clusterId: sim.clusterId })
  })

  test('Milvus: staged progress with rows; a plateau is just a repeated value', async () => {
    const { client } = await clientFor(one(0.85, 1), { v2: 'milvus' })
    const job = await fetchOnce(client, 'job-1')
    expect(job).toMatchObject({
      state: 'importing',
      progress: 85,
      importedRows: 850,
      totalRows: 1_000,
    })
    expect(job.completeTime).toBeUndefined()
    expect(job.files[0]).toMatchObject({ importedRows: 510, totalRows: 600 })
    expect((await fetchOnce(client, 'job-1')).state).toBe('completed')
  })

  test('a failed file with a reason fails the job', async () => {
    const { client } = await clientFor(one({ progress: 0.4, fileErrors: { 1: 'bad schema' } }), {
      v2: 'milvus',
    })
    const job = await fetchOnce(client, 'job-1')
    expect(job.state).toBe('failed')
    expect(job.files[1]).toMatchObject({ errorMessage: 'bad schema', progress: 40 })
  })

  test('an unknown Milvus job: code 2100 with the retention hint', async () => {
    const { client } = await clientFor(one(1), { v2: 'milvus' })
    const error = await failure(fetchOnce(client, 'job-gone'))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(
      /^Milvus refused the request for job job-gone: code 2100, "import job does not exist, jobID=job-gone: importing data failed"\. The job is unknown.*retention period/,
    )
  })

  test('Milvus bad credentials: HTTP 401 with code 1800 is permanent', async () => {
    const { client } = await clientFor(one(1), { v2: 'milvus', apiKey: 'root:wrong' })
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(
      /HTTP 401 Unauthorized .*code 1800, "user hasn't authenticated".*"api-key"/,
    )
  })

  test('Milvus rate limiting (code 1807) is transient', async () => {
    const { client } = await clientFor(one({ code: 1807, message: 'rate limit exceeded' }, 1), {
      v2: 'milvus',
    })
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toBe(
      'Milvus asked to slow down for job job-1: code 1807, "rate limit exceeded"',
    )
  })

  test("Milvus's limiter at HTTP 200 with Retry-After: the wait it asks for, and the host answered", async () => {
    const { client } = await clientFor(
      one(
        { code: 1807, message: 'request is rejected by limiter', headers: { 'retry-after': '3' } },
        1,
      ),
      { v2: 'milvus' },
    )
    const error = await failure(fetchOnce(client, 'job-1'))
    expect(error).toBeInstanceOf(TransientError)
    expect(error).toMatchObject({ retryAfterMs: 3_000, answered: 'code 1807' })
  })

  test('a refusal that is not rate limiting has no Retry-After to give', async () => {
    const { client } = await clientFor(one({ code: 1807, message: 'slow down' }, 1), {
      v2: 'milvus',
    })
    expect(await failure(fetchOnce(client, 'job-1'))).toMatchObject({ retryAfterMs: undefined })
  })

  test('a Milvus 2.4 without /describe is asked on /get_progress, which is then kept', async () => {
    const { client, sim } = await clientFor(one(0.5, 1), { v2: 'milvus', legacyMilvus: true })
    expect((await fetchOnce(client, 'job-1')).progress).toBe(50)
    expect((await fetchOnce(client, 'job-1')).state).toBe('completed')
    expect(sim.requests.map((r) => r.path)).toEqual([V2_PATHS[0], V2_PATHS[1], V2_PATHS[1]])
  })

  test('db-name reaches the server as header and field', async () => {
    const { client, sim } = await clientFor(one(1), { v2: 'milvus', dbName: 'analytics' })
    await fetchOnce(client, 'job-1')
    expect(sim.requests[0]?.headers['db-name']).toBe('analytics')
    expect(sim.requests[0]?.body).toEqual({ jobId: 'job-1', dbName: 'analytics' })
  })
})

describe('the /describe to /get_progress fallback', () => {
  /** A Milvus 2.4 stand-in: 404 on /describe, and each answer held until the test releases it. */
  function heldAnswers() {
    const held: { path: string; release: () => void }[] = []
    const transport: Transport = {
      send: (request) =>
        new Promise((resolve) => {
          const path = request.url.pathname
          const found = path.endsWith('/get_progress')
          held.push({
            path,
            release: () => {
              resolve({
                status: found ? 200 : 404,
                statusText: found ? 'OK' : 'Not Found',
                headers: {},
                body: found
                  ? JSON.stringify({ code: 0, data: { state: 'Importing', progress: 10 } })
                  : '404 page not found',
              })
            },
          })
        }),
    }
    const client = new ImportApiClient(
      new V2Dialect({ product: 'Milvus', baseUrl: new URL('http://127.0.0.1:1') }),
      { apiKey: 'k', redact: createRedactor('k'), transport, clock: systemClock },
    )
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 5; i += 1) await Promise.resolve()
    }
    return { client, held, settle }
  }

  test('polls in flight together each fall back, in whatever order their 404s land; later polls start at /get_progress', async () => {
    const { client, held, settle } = heldAnswers()
    const a = fetchOnce(client, 'a')
    const b = fetchOnce(client, 'b')
    await settle()
    expect(held.map((h) => h.path)).toEqual([V2_PATHS[0], V2_PATHS[0]])
    // b's 404 lands first, then a's: neither moves the other back.
    held[1]?.release()
    await settle()
    held[0]?.release()
    await settle()
    expect(held.map((h) => h.path)).toEqual([V2_PATHS[0], V2_PATHS[0], V2_PATHS[1], V2_PATHS[1]])
    held[2]?.release()
    held[3]?.release()
    expect((await a).progress).toBe(10)
    expect((await b).progress).toBe(10)
    const c = fetchOnce(client, 'c')
    await settle()
    expect(held[4]?.path).toBe(V2_PATHS[1])
    held[4]?.release()
    expect((await c).state).toBe('importing')
  })
})

describe('one poll, one time budget', () => {
  /** A server that answers 404 to every path, taking `costMs` of the injected clock per request. */
  function notFoundEverywhere(costMs: number) {
    let now = 1_000_000
    const budgets: number[] = []
    const transport: Transport = {
      send: (request) => {
        budgets.push(request.timeoutMs)
        now += costMs
        return Promise.resolve({
          status: 404,
          statusText: 'Not Found',
          headers: {},
          body: '404 page not found',
        })
      },
    }
    const client = new ImportApiClient(
      new V2Dialect({ product: 'Milvus', baseUrl: new URL('http://127.0.0.1:1') }),
      { apiKey: 'k', redact: createRedactor('k'), transport, clock: { now: () => now } },
    )
    const poll = () =>
      client.fetchJob('j', { signal: new AbortController().signal, timeoutMs: 1_000 })
    return { poll, budgets }
  }

  test('the /get_progress fallback gets what is left of the poll, not a fresh budget', async () => {
    const { poll, budgets } = notFoundEverywhere(600)
    const error = await failure(poll())
    expect(budgets).toEqual([1_000, 400])
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(/HTTP 404 Not Found/)
  })

  test('with nothing left, no second request: a transient "no answer"', async () => {
    const { poll, budgets } = notFoundEverywhere(1_000)
    const error = await failure(poll())
    expect(budgets).toEqual([1_000])
    expect(error).toBeInstanceOf(TransientError)
    expect(error.message).toBe(
      'no answer for job j within 1 s (/v2/vectordb/jobs/import/get_progress was next)',
    )
  })
})
