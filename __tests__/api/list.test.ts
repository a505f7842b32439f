import { createRedactor } from '../../src/redact.js'
import { ImportApiClient } from '../../src/api/client.js'
import { HttpTransport } from '../../src/api/http.js'
import {
  LIST_PAGE_SIZE,
  MAX_LIST_PAGES,
  type ListQuery,
  listBody,
  readListPage,
} from '../../src/api/list.js'
import { V2Dialect } from '../../src/api/v2.js'
import { ListUnsupportedError, PermanentError, TransientError } from '../../src/errors.js'
import type { JobState, ListPage } from '../../src/job.js'
import { systemClock } from '../../src/time.js'
import { failure } from '../helpers/api.js'
import {
  type JobSpec,
  type SimulatorOptions,
  V2_LIST,
  startSimulator,
} from '../../scripts/simulator.mjs'

const fail = (expected: string): Error => new ListUnsupportedError(`expected ${expected}`)
const known = (text: string): { state: JobState; unknown: string | undefined } =>
  text === 'Completed'
    ? { state: 'completed', unknown: undefined }
    : text === 'Failed'
      ? { state: 'failed', unknown: undefined }
      : text === 'Sorting'
        ? { state: 'importing', unknown: 'Sorting' }
        : { state: 'importing', unknown: undefined }
const page1: ListQuery = { collectionName: 'c', page: 1 }

describe('listBody', () => {
  test('one body for both servers: the name always (empty lists every job), the paging, and what the target has', () => {
    expect(listBody({ page: 2 }, {})).toStrictEqual({
      collectionName: '',
      pageSize: LIST_PAGE_SIZE,
      currentPage: 2,
    })
    expect(listBody(page1, { clusterId: 'in03-1', dbName: 'db' })).toStrictEqual({
      collectionName: 'c',
      dbName: 'db',
      clusterId: 'in03-1',
      pageSize: 100,
      currentPage: 1,
    })
  })
})

describe('readListPage', () => {
  test('a record carries only the fields it was sent (no undefined ones)', () => {
    const page = readListPage({ records: [{ jobId: '1', state: 'Pending' }] }, page1, fail, known)
    expect(page).toStrictEqual({ jobs: [{ jobId: '1', state: 'importing' }], more: false })
  })

  test('Milvus records: string IDs, state, progress, a reason only when failed', () => {
    const page = readListPage(
      {
        records: [
          { jobId: '448761313698322011', collectionName: 'c', state: 'Importing', progress: 40 },
          { jobId: '2', collectionName: 'c', state: 'Failed', progress: 0, reason: 'bad' },
          { jobId: '3', collectionName: 'c', state: 'Sorting', progress: 10 },
        ],
      },
      page1,
      fail,
      known,
    )
    expect(page).toEqual({
      jobs: [
        { jobId: '448761313698322011', collectionName: 'c', state: 'importing', progress: 40 },
        { jobId: '2', collectionName: 'c', state: 'failed', progress: 0, reason: 'bad' },
        {
          jobId: '3',
          collectionName: 'c',
          state: 'importing',
          unknownState: 'Sorting',
          progress: 10,
        },
      ],
      more: false,
    })
  })

  test('Zilliz Cloud records carry no progress; the docs example reads as one page', () => {
    const page = readListPage(
      {
        count: 1,
        currentPage: 1,
        pageSize: 10,
        records: [
          {
            collectionName: 'test_collection',
            jobId: 'job-xxxxxxxxxxxxxxxxxxxxx',
            state: 'Completed',
          },
        ],
      },
      page1,
      fail,
      known,
    )
    expect(page).toEqual({
      jobs: [
        {
          jobId: 'job-xxxxxxxxxxxxxxxxxxxxx',
          collectionName: 'test_collection',
          state: 'completed',
        },
      ],
      more: false,
    })
  })

  const full = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ jobId: `j${i}`, state: 'Completed' }))

  test.each([
    [
      'a full page with a count beyond it',
      { count: 250, pageSize: 100, records: full(100) },
      1,
      true,
    ],
    [
      'a full page that reaches the count',
      { count: 200, pageSize: 100, records: full(100) },
      2,
      false,
    ],
    ['a full page and no count', { records: full(100) }, 1, true],
    ['a short page', { count: 250, pageSize: 100, records: full(50) }, 1, false],
    ['an empty page', { count: 250, pageSize: 100, records: [] }, 1, false],
    ['the server capped the page size', { count: 50, pageSize: 10, records: full(10) }, 1, true],
    ['a count that is not a number', { count: '250', pageSize: 100, records: full(100) }, 1, true],
    [
      'a page size that is not a number (the asked one holds)',
      { pageSize: 'x', records: full(99) },
      1,
      false,
    ],
    ['a page size of 0 (the asked one holds)', { pageSize: 0, records: full(99) }, 1, false],
    ['a count of 0 (as if none)', { count: 0, pageSize: 100, records: full(100) }, 1, true],
    [
      'the last page allowed',
      { count: 10 ** 6, pageSize: 100, records: full(100) },
      MAX_LIST_PAGES,
      false,
    ],
    [
      'the page before it',
      { count: 10 ** 6, pageSize: 100, records: full(100) },
      MAX_LIST_PAGES - 1,
      true,
    ],
  ])('more pages: %s', (_name, data, page, more) => {
    expect(readListPage(data, { page }, fail, known).more).toBe(more)
  })

  test('absent records are none', () => {
    expect(readListPage({}, page1, fail, known)).toEqual({ jobs: [], more: false })
  })

  test('job ID 0 is one', () => {
    expect(
      readListPage({ records: [{ jobId: 0, state: 'Pending' }] }, page1, fail, known).jobs[0]
        ?.jobId,
    ).toBe('0')
  })

  test('a whole-number job ID is read as text; one past 2^53 could not be read exactly', () => {
    expect(
      readListPage({ records: [{ jobId: 42, state: 'Pending' }] }, page1, fail, known).jobs[0]
        ?.jobId,
    ).toBe('42')
    expect(() =>
      readListPage({ records: [{ jobId: 2 ** 60, state: 'Pending' }] }, page1, fail, known),
    ).toThrow(/records\[0\]\.jobId" to be a job ID/)
  })

  test.each([
    ['records not an array', { records: { a: 1 } }, /"records" to be an array/],
    ['a record not an object', { records: ['x'] }, /"records\[0\]" to be an object/],
    ['no job ID', { records: [{ state: 'Pending' }] }, /"records\[0\]\.jobId" to be a job ID/],
    [
      'a job ID with a line break',
      { records: [{ jobId: 'a\nb', state: 'Pending' }] },
      /jobId" to be a job ID/,
    ],
    [
      'a job ID of 129 characters',
      { records: [{ jobId: 'a'.repeat(129), state: 'Pending' }] },
      /jobId" to be a job ID/,
    ],
    ['a negative job ID', { records: [{ jobId: -1, state: 'Pending' }] }, /jobId" to be a job ID/],
    ['no state', { records: [{ jobId: '1' }] }, /"records\[0\]\.state" to be a state/],
    [
      'a state that is not text',
      { records: [{ jobId: '1', state: 3 }] },
      /"records\[0\]\.state" to be text/,
    ],
    [
      'progress out of range',
      { records: [{ jobId: '1', state: 'Pending', progress: 101 }] },
      /progress" to be a number from 0 to 100/,
    ],
    [
      'a name that is not text',
      { records: [{ jobId: '1', state: 'Pending', collectionName: 1 }] },
      /collectionName" to be text/,
    ],
    [
      'a reason that is not text',
      { records: [{ jobId: '1', state: 'Failed', reason: 1 }] },
      /reason" to be text/,
    ],
  ])('a shape it does not know: %s', (_name, data, expected) => {
    expect(() => readListPage(data as Record<string, unknown>, page1, fail, known)).toThrow(
      expected,
    )
  })

  test('a job ID is taken as sent: at most 128 characters, no blanks around it', () => {
    const id = `a${'b'.repeat(127)}`
    expect(
      readListPage({ records: [{ jobId: id, state: 'Pending' }] }, page1, fail, known).jobs[0]
        ?.jobId,
    ).toBe(id)
    expect(() =>
      readListPage({ records: [{ jobId: ' 1', state: 'Pending' }] }, page1, fail, known),
    ).toThrow()
  })
})

describe('V2Dialect.list', () => {
  test('reads states as describes do, and tells of an unknown one once', () => {
    const told: string[] = []
    const dialect = new V2Dialect({
      product: 'Milvus',
      baseUrl: new URL('https://milvus.example.com'),
      onUnknownState: (state) => told.push(state),
    })
    const list = dialect.list
    const data = {
      records: [
        { jobId: '1', state: 'Sorting' },
        { jobId: '2', state: 'Sorting' },
        { jobId: '3', state: 'Completed' },
      ],
    }
    expect(list.mapPage(data, page1, fail).jobs).toStrictEqual([
      { jobId: '1', state: 'importing', unknownState: 'Sorting' },
      { jobId: '2', state: 'importing', unknownState: 'Sorting' },
      { jobId: '3', state: 'completed' },
    ])
    expect(told).toEqual(['Sorting'])
    const request = list.request({ collectionName: 'books', page: 1 })
    expect([request.method, request.url.href, request.headers]).toEqual([
      'POST',
      'https://milvus.example.com/v2/vectordb/jobs/import/list',
      { 'content-type': 'application/json' },
    ])
  })
})

describe('the list client against the simulator', () => {
  type Simulator = Awaited<ReturnType<typeof startSimulator>>
  let sim: Simulator | undefined
  let transport: HttpTransport | undefined

  afterEach(async () => {
    transport?.dispose()
    await sim?.close()
    sim = undefined
  })

  const jobs: Record<string, JobSpec> = {
    '101': { collectionName: 'books', script: [0.4, 1] },
    '102': { collectionName: 'books', script: [{ progress: 0.2, jobError: 'bad row' }] },
    '103': { collectionName: 'films', script: [1] },
  }

  async function listClient(
    options: Partial<SimulatorOptions> & { apiKey?: string; dbName?: string } = {},
  ) {
    sim = await startSimulator({ jobs, ...options, apiKey: undefined })
    transport = new HttpTransport('zilliz-import-wait/test')
    const milvus = options.v2 === 'milvus'
    const dialect = new V2Dialect({
      product: milvus ? 'Milvus' : 'Zilliz Cloud',
      baseUrl: new URL(sim.url),
      ...(milvus ? {} : { clusterId: sim.clusterId }),
      ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
    })
    const key = options.apiKey ?? sim.apiKey
    const client = new ImportApiClient(dialect, {
      apiKey: key,
      redact: createRedactor(key),
      transport,
      clock: systemClock,
    })
    const list = (query: ListQuery): Promise<ListPage> =>
      client.listJobs(query, { signal: new AbortController().signal, timeoutMs: 5_000 })
    return { list, sim }
  }

  test('Milvus: the collection filtered by the server, progress and reason, the DB-Name header', async () => {
    const { list, sim } = await listClient({ v2: 'milvus', dbName: 'shop' })
    const page = await list({ collectionName: 'books', page: 1 })
    expect(page.more).toBe(false)
    expect(page.jobs.map((j) => j.jobId).sort()).toEqual(['101', '102'])
    expect(page.jobs.find((j) => j.jobId === '102')).toEqual({
      jobId: '102',
      collectionName: 'books',
      state: 'failed',
      progress: 0,
      reason: 'bad row',
    })
    const sent = sim.listRequests()[0]
    expect(sent?.path).toBe(V2_LIST)
    expect(sent?.headers['db-name']).toBe('shop')
    expect(sent?.body).toEqual({
      collectionName: 'books',
      dbName: 'shop',
      pageSize: 100,
      currentPage: 1,
    })
  })

  test('Milvus: an unknown collection is a refusal that names what to check', async () => {
    const { list } = await listClient({ v2: 'milvus' })
    const error = await failure(list({ collectionName: 'nope', page: 1 }))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toBe(
      'Milvus refused to list the import jobs: code 100, "collection not found[database=default][collection=nope]". ' +
        'The collection is unknown: check "collection-name" and "db-name" (Milvus looks in the default database unless "db-name" is set).',
    )
  })

  test('Zilliz Cloud: every job of the cluster, page by page, state only', async () => {
    const { list, sim } = await listClient({ listPageMax: 2 })
    const first = await list({ collectionName: 'books', page: 1 })
    expect(first).toEqual({
      jobs: [
        { jobId: '101', collectionName: 'books', state: 'importing' },
        { jobId: '102', collectionName: 'books', state: 'failed' },
      ],
      more: true,
    })
    const second = await list({ collectionName: 'books', page: 2 })
    expect(second).toEqual({
      jobs: [{ jobId: '103', collectionName: 'films', state: 'completed' }],
      more: false,
    })
    expect(sim.listRequests()[1]?.body).toMatchObject({ clusterId: sim.clusterId, currentPage: 2 })
  })

  test('a bad key is a refusal, not a missing list', async () => {
    const { list } = await listClient({ apiKey: 'wrong-key-0123456789' })
    const error = await failure(list(page1))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(
      /refused to list the import jobs: code 80001.*check the "api-key" secret/,
    )
  })

  test('a server without the list (HTTP 404) says so as ListUnsupportedError', async () => {
    const { list } = await listClient({ v2: 'milvus', list: 'missing' })
    const error = await failure(list(page1))
    expect(error).toBeInstanceOf(ListUnsupportedError)
    expect(error.message).toBe(
      `${V2_LIST} answered HTTP 404: code 404, "no such API: POST ${V2_LIST}"`,
    )
  })

  test('the pre-2.4 shape (data an array) is a shape the action does not know', async () => {
    const { list } = await listClient({ v2: 'milvus', list: 'array' })
    const error = await failure(list({ collectionName: 'books', page: 1 }))
    expect(error).toBeInstanceOf(ListUnsupportedError)
    expect(error.message).toMatch(
      /^the list answer is not in the v2 import-job format \(expected a "data" object with "records"\)/,
    )
  })

  test.each([
    ['HTTP 503', { status: 503, body: 'busy' }, TransientError, /HTTP 503/],
    [
      'a body that is not JSON',
      { status: 200, body: '<html>gateway</html>' },
      TransientError,
      /^the list answer was not JSON/,
    ],
    [
      'a rate limit (code 1807)',
      { code: 1807, message: 'rate limit exceeded' },
      TransientError,
      /asked to slow down the list: code 1807/,
    ],
    [
      'a body that says the route is unknown',
      { code: 404, message: 'Not Found' },
      ListUnsupportedError,
      /is not known there: code 404/,
    ],
    [
      'HTTP 405',
      { status: 405, body: '{"code":405,"message":"method not allowed"}' },
      ListUnsupportedError,
      /answered HTTP 405/,
    ],
    ['a JSON array', { status: 200, body: '[1]' }, ListUnsupportedError, /expected a JSON object/],
    [
      'no code',
      { status: 200, body: '{"data":{"records":[]}}' },
      ListUnsupportedError,
      /expected "code" to be a whole number/,
    ],
    [
      'a code that is no number',
      { status: 200, body: '{"code":"x","data":{"records":[]}}' },
      ListUnsupportedError,
      /"code" to be a whole number/,
    ],
    [
      'JSON nested too deep',
      { status: 200, body: `{"code":0,"data":${'['.repeat(40)}${']'.repeat(40)}}` },
      ListUnsupportedError,
      /JSON nested at most 32 levels deep/,
    ],
    [
      'a refusal of its own',
      { code: 65535, message: 'permission deny' },
      PermanentError,
      /refused to list the import jobs: code 65535, "permission deny"/,
    ],
  ])('%s', async (_name, step, kind, message) => {
    const { list } = await listClient({ v2: 'milvus', listScript: [step] })
    const error = await failure(list(page1))
    expect(error).toBeInstanceOf(kind)
    expect(error.message).toMatch(message)
  })

  test.each([
    [
      'a success code with only a message (an error envelope)',
      '{"code":0,"message":"The token is illegal."}',
    ],
    ['data null next to a message', '{"code":0,"data":null,"message":"no such cluster"}'],
  ])('%s is a refusal, not an unknown shape', async (_name, body) => {
    const { list } = await listClient({ v2: 'milvus', listScript: [{ status: 200, body }] })
    const error = await failure(list(page1))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(/^Milvus refused to list the import jobs: code 0, /)
  })

  test('data null without a message is a shape it does not know', async () => {
    const { list } = await listClient({
      v2: 'milvus',
      listScript: [{ status: 200, body: '{"code":0,"data":null}' }],
    })
    const error = await failure(list(page1))
    expect(error).toBeInstanceOf(ListUnsupportedError)
  })

  test('a rate limit and a body that is not JSON say what the host answered; Retry-After is kept', async () => {
    const { list } = await listClient({
      v2: 'milvus',
      listScript: [
        { code: 1807, message: 'rate limit exceeded', headers: { 'retry-after': '3' } },
        { status: 200, body: '<html>' },
      ],
    })
    const limited = await failure(list(page1))
    if (!(limited instanceof TransientError)) throw new Error('expected a TransientError')
    expect([limited.answered, limited.retryAfterMs]).toEqual(['code 1807', 3_000])
    const garbled = await failure(list(page1))
    if (!(garbled instanceof TransientError)) throw new Error('expected a TransientError')
    expect(garbled.answered).toBe('answers that were not JSON')
  })

  test('the key is never quoted from a list answer', async () => {
    const { list } = await listClient({
      v2: 'milvus',
      listScript: [{ code: 65535, message: 'bad key {{authorization}}' }],
    })
    const error = await failure(list(page1))
    expect(error.message).not.toContain('sim-key-0123456789abcdef')
    expect(error.message).toMatch(/bad key Bearer \*\*\*/)
  })
})
