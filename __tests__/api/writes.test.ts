/**
 * The API client's commit and abort calls against the simulator playing
 * Milvus (and Zilliz Cloud) two-phase import: what each answer becomes.
 */
import { ImportApiClient } from '../../src/api/client.js'
import { HttpTransport } from '../../src/api/http.js'
import { V2Dialect, V2_WRITE_PATHS } from '../../src/api/v2.js'
import { v1Dialect } from '../../src/api/v1.js'
import { PermanentError, TransientError } from '../../src/errors.js'
import type { WriteCall } from '../../src/job.js'
import { createRedactor } from '../../src/redact.js'
import { systemClock } from '../../src/time.js'
import { failure } from '../helpers/api.js'
import { type JobSpec, type SimulatorOptions, startSimulator } from '../../scripts/simulator.mjs'

type Sim = Awaited<ReturnType<typeof startSimulator>>
let sim: Sim | undefined
let transport: HttpTransport | undefined
afterEach(async () => {
  transport?.dispose()
  await sim?.close()
  sim = undefined
})

const held = (extra: Partial<JobSpec> = {}): JobSpec => ({
  script: [1],
  autoCommit: false,
  ...extra,
})

async function clientFor(
  jobs: Record<string, JobSpec>,
  options: Partial<SimulatorOptions> & { apiKey?: string; dbName?: string } = {},
) {
  sim = await startSimulator({ v2: 'milvus', ...options, jobs, apiKey: undefined })
  transport = new HttpTransport('zilliz-import-wait/test')
  const milvus = (options.v2 ?? 'milvus') === 'milvus'
  const dialect = new V2Dialect({
    product: milvus ? 'Milvus' : 'Zilliz Cloud',
    baseUrl: new URL(sim.url),
    ...(milvus ? {} : { clusterId: sim.clusterId }),
    ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
  })
  const apiKey = options.apiKey ?? sim.apiKey
  const client = new ImportApiClient(dialect, {
    apiKey,
    redact: createRedactor(apiKey),
    transport,
    clock: systemClock,
  })
  const read = () =>
    client.fetchJob('job-1', { signal: new AbortController().signal, timeoutMs: 5_000 })
  const write = (call: WriteCall, jobId = 'job-1') =>
    client.writeJob(call, jobId, { signal: new AbortController().signal, timeoutMs: 5_000 })
  return { client, sim, read, write }
}

/** The TransientError a call rejects with; fails the test on anything else. */
async function transient(promise: Promise<unknown>): Promise<TransientError> {
  const error = await failure(promise)
  if (!(error instanceof TransientError))
    throw new Error(`expected a TransientError: ${error.message}`)
  return error
}

describe('writeJob', () => {
  test('commit of a held job: done, then Committing, then Completed', async () => {
    const { read, write, sim } = await clientFor({ 'job-1': held() })
    expect((await read()).state).toBe('uncommitted')
    expect(await write('commit')).toEqual({ kind: 'done', said: 'HTTP 200, code 0' })
    expect((await read()).state).toBe('committing')
    expect((await read()).state).toBe('completed')
    // A repeated commit is the same commit.
    expect((await write('commit')).kind).toBe('done')
    const sent = sim.requests.filter((q) => q.path === V2_WRITE_PATHS.commit)
    expect(sent[0]?.method).toBe('POST')
    expect(sent[0]?.body).toEqual({ jobId: 'job-1' })
    expect(sent[0]?.headers['content-type']).toBe('application/json')
    expect(sent[0]?.headers.authorization).toBe(`Bearer ${sim.apiKey}`)
  })

  test('abort of a held job: done, and it reads Failed after', async () => {
    const { read, write } = await clientFor({ 'job-1': held() })
    await read()
    expect(await write('abort')).toEqual({ kind: 'done', said: 'HTTP 200, code 0' })
    expect(await read()).toMatchObject({
      state: 'failed',
      errorMessage: 'import job aborted by user',
    })
  })

  test('refusals are answers, with the code and message', async () => {
    const { read, write } = await clientFor({ 'job-1': { script: [0.5, 1] } })
    await read()
    expect(await write('abort')).toEqual({
      kind: 'refused',
      said: 'HTTP 200, code 2100 "job job-1 is auto-commit, manual abort not allowed: importing data failed"',
    })
    expect((await write('commit', 'job-x')).said).toBe(
      'HTTP 200, code 2100 "import job does not exist, jobID=job-x: importing data failed"',
    )
  })

  test('a commit before Uncommitted, or an abort once Completed: refused', async () => {
    const { read, write } = await clientFor({ 'job-1': held({ script: [0.5, 1] }) })
    await read()
    expect((await write('commit')).said).toContain('is in state Importing, not Uncommitted')
    await read()
    await write('commit')
    await read()
    await read()
    expect((await write('abort')).said).toContain(
      'terminal/committed state Completed, abort not allowed',
    )
  })

  test('no two-phase import here (HTTP 404, text/plain): unsupported', async () => {
    const { write } = await clientFor({ 'job-1': held() }, { twoPhase: false })
    expect(await write('commit')).toEqual({
      kind: 'unsupported',
      said: 'HTTP 404: "404 page not found"',
    })
    expect((await write('abort')).kind).toBe('unsupported')
  })

  test.each([
    [{ code: 404, message: 'Not Found' }, 'HTTP 200, code 404 "Not Found"'],
    [{ code: 90001, message: 'API not found: /v2/vectordb/jobs/import/commit' }, 'not found'],
    [{ code: 5, message: 'no such route' }, 'no such route'],
    [{ code: 5, message: 'Unknown path' }, 'Unknown path'],
    [{ code: 5, message: 'no such method' }, 'no such method'],
    [{ code: 5, message: 'unknown API' }, 'unknown API'],
    [{ code: 5, message: 'not found' }, 'not found'],
    [{ code: 5, message: '404 page not found' }, '404 page not found'],
    [{ code: 5, message: 'the endpoint does not exist' }, 'does not exist'],
    [{ code: 404, message: 'gone' }, 'code 404'],
  ])('a 200 body that says the call does not exist (%o): unsupported', async (refusal, said) => {
    const { write } = await clientFor({ 'job-1': held({ commitScript: [refusal] }) })
    const answer = await write('commit')
    expect(answer.kind).toBe('unsupported')
    expect(answer.said).toContain(said)
  })

  test.each([
    { code: 2100, message: 'job not found' },
    { code: 2101, message: 'import job 7 not found' },
    { code: 2100, message: 'jobID=7: not found' },
    { code: 2100, message: 'job_id 7 not found' },
    { code: 1100, message: 'found nothing to do' },
    { code: 100, message: 'collection not found[collection=daily_events]' },
    { code: 800, message: 'database not found[database=events]' },
    { code: 5, message: 'unknown field in request' },
    { code: 100, message: 'collection not found' },
    { code: 5, message: 'Not Found: no handler for the collection' },
    // About the job, whatever else it says: "job", "jobid", "job_id".
    { code: 5, message: 'job 7: unknown path' },
    { code: 5, message: 'jobid=7 unknown path' },
    { code: 5, message: 'job_id: unknown path parameter' },
  ])('a refusal about the job, or a near miss, stays a refusal (%o)', async (refusal) => {
    const { write } = await clientFor({ 'job-1': held({ abortScript: [refusal] }) })
    expect((await write('abort')).kind).toBe('refused')
  })

  test('Zilliz Cloud: clusterId in the body; Milvus with a database: DB-Name and dbName', async () => {
    const cloud = await clientFor({ 'job-1': held() }, { v2: 'zilliz' })
    await cloud.read()
    expect((await cloud.write('commit')).kind).toBe('done')
    expect(cloud.sim.requests.at(-1)?.body).toEqual({
      jobId: 'job-1',
      clusterId: cloud.sim.clusterId,
    })
    await cloud.sim.close()
    const milvus = await clientFor({ 'job-1': held() }, { dbName: 'events' })
    await milvus.write('abort')
    const sent = milvus.sim.requests.at(-1)
    expect(sent?.body).toEqual({ jobId: 'job-1', dbName: 'events' })
    expect(sent?.headers['db-name']).toBe('events')
  })

  test('HTTP 503 and 429, and code 1807: transient, with Retry-After; the call may be sent again', async () => {
    const { write } = await clientFor({
      'job-1': held({
        commitScript: [
          { status: 503, body: 'busy' },
          { status: 429, body: '{}', headers: { 'retry-after': '7' } },
          { code: 1807, message: 'rate limit exceeded', headers: { 'retry-after': '3' } },
        ],
      }),
    })
    const first = await failure(write('commit'))
    expect(first).toBeInstanceOf(TransientError)
    expect(first.message).toMatch(/^HTTP 503 .*busy/)
    const second = await transient(write('commit'))
    expect(second.retryAfterMs).toBe(7_000)
    const third = await transient(write('commit'))
    expect(third).toBeInstanceOf(TransientError)
    expect(third.message).toBe(
      'Milvus asked to slow down: HTTP 200, code 1807 "rate limit exceeded"',
    )
    expect(third.retryAfterMs).toBe(3_000)
    expect(third.answered).toBe('code 1807')
  })

  test('an answer that is not a {code} object: transient (whether it acted is unknown)', async () => {
    for (const body of [
      '<html>bad gateway</html>',
      '[1]',
      '{"data":{}}',
      '{"code":"x"}',
      '\uFEFF{"code"',
    ]) {
      const { write } = await clientFor({
        'job-1': held({ commitScript: [{ status: 200, body }] }),
      })
      const error = await transient(write('commit'))
      expect(error).toBeInstanceOf(TransientError)
      expect(error.message).toMatch(
        /^the answer to the commit of job job-1 was not a \{code\} object: /,
      )
      expect(error.answered).toBe('HTTP 200')
      await sim?.close()
    }
  })

  test('a byte-order mark before a good answer is read through', async () => {
    const { write } = await clientFor({
      'job-1': held({ commitScript: [{ status: 200, body: '\uFEFF{"code":0,"data":{}}' }] }),
    })
    expect((await write('commit')).kind).toBe('done')
  })

  test('HTTP 403 (a key without the privilege): permanent, with its hint', async () => {
    const { write } = await clientFor({
      'job-1': held({
        abortScript: [{ status: 403, body: '{"code":1803,"message":"permission deny"}' }],
      }),
    })
    const error = await failure(write('abort'))
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toContain('HTTP 403')
    expect(error.message).toContain('code 1803, "permission deny"')
  })

  test('the key is redacted from a refusal that echoes it', async () => {
    const { write, sim } = await clientFor({
      'job-1': held({ commitScript: [{ code: 1100, message: 'bad header {{authorization}}' }] }),
    })
    const answer = await write('commit')
    expect(answer.said).not.toContain(sim.apiKey)
    expect(answer.said).toContain('bad header Bearer ***')
  })

  test('a refusal with no message says only its code', async () => {
    const { write } = await clientFor({ 'job-1': held({ abortScript: [{ code: 1100 }] }) })
    expect(await write('abort')).toEqual({ kind: 'refused', said: 'HTTP 200, code 1100' })
  })

  test('a dialect with no writes (v1) refuses before sending anything', async () => {
    sim = await startSimulator({ jobs: { 'job-1': held() } })
    transport = new HttpTransport('t')
    const client = new ImportApiClient(v1Dialect(new URL(sim.url), sim.clusterId), {
      apiKey: sim.apiKey,
      redact: createRedactor(sim.apiKey),
      transport,
      clock: systemClock,
    })
    const error = await failure(
      client.writeJob('commit', 'job-1', {
        signal: new AbortController().signal,
        timeoutMs: 1_000,
      }),
    )
    expect(error).toBeInstanceOf(PermanentError)
    expect(error.message).toMatch(/has no commit call$/)
    expect(sim.requests).toEqual([])
  })
})

describe('the simulator creates jobs as Milvus does', () => {
  const post = async (url: string, apiKey: string, body: unknown) => {
    const response = await fetch(`${url}/v2/vectordb/jobs/import/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return (await response.json()) as { code: number; data?: { jobId: string }; message?: string }
  }

  test('auto_commit "false" (a string) holds the job for its commit; the default does not', async () => {
    const { client, sim } = await clientFor({})
    const made = await post(sim.url, sim.apiKey, {
      collectionName: 'c',
      files: [['a.parquet']],
      options: { auto_commit: 'false' },
    })
    expect(made.code).toBe(0)
    const heldId = made.data?.jobId ?? ''
    const auto = await post(sim.url, sim.apiKey, { collectionName: 'c', files: [['b.parquet']] })
    const autoId = auto.data?.jobId ?? ''
    const read = (jobId: string) =>
      client.fetchJob(jobId, { signal: new AbortController().signal, timeoutMs: 5_000 })
    for (let i = 0; i < 3; i += 1) await read(heldId)
    expect((await read(heldId)).state).toBe('uncommitted')
    for (let i = 0; i < 3; i += 1) await read(autoId)
    expect((await read(autoId)).state).toBe('completed')
    const write = (call: 'commit' | 'abort', jobId: string) =>
      client.writeJob(call, jobId, { signal: new AbortController().signal, timeoutMs: 5_000 })
    expect((await write('abort', autoId)).kind).toBe('refused')
    expect((await write('commit', heldId)).kind).toBe('done')
  })

  test('a boolean auto_commit is refused, as newer Milvus does (code 1801)', async () => {
    const { sim } = await clientFor({})
    const refused = await post(sim.url, sim.apiKey, {
      collectionName: 'c',
      options: { auto_commit: false },
    })
    expect(refused).toEqual({
      code: 1801,
      message: 'options.auto_commit must be one of "true" or "false"',
    })
  })
})
