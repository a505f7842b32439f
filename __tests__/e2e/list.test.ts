/**
 * Issue 18 through the bundle, against the simulator: waiting by
 * collection-name (Milvus and Zilliz Cloud list shapes, paging,
 * require-jobs), list-based rounds for job IDs, and the fallback to one
 * describe per job when the list is missing or in a shape the action does
 * not know.
 */
import { jest } from '@jest/globals'
import type { JobSpec, RecordedRequest, Step } from '../../scripts/simulator.mjs'
import { type Run, commands, expectKeyOnlyInMask, expectNoStackTrace, run } from '../helpers/e2e.js'

jest.setTimeout(60_000)

const LIST = '/v2/vectordb/jobs/import/list'
const DESCRIBE = '/v2/vectordb/jobs/import/describe'
const into = (collectionName: string, script: Step[]): JobSpec => ({
  collectionName,
  files: [{ fileName: `${collectionName}/part.parquet`, fileSize: 1_048_576, rows: 1_000 }],
  script,
})
const paths = (r: Run): string[] => r.recorded.map((q: RecordedRequest) => q.path)
const described = (r: Run): string[] =>
  r.recorded.filter((q) => q.path === DESCRIBE).map((q) => String(q.body.jobId))
const jobIds = (r: Run): string[] =>
  (JSON.parse(r.outputs.jobs ?? '[]') as { jobId: string }[]).map((j) => j.jobId)

const byCollection = (extra: Record<string, string> = {}): Record<string, string> => ({
  'job-id': '',
  'collection-name': 'books',
  'api-version': 'v2',
  ...extra,
})

describe('collection-name on Milvus', () => {
  test.concurrent(
    'finds the unfinished jobs, names them, and waits for exactly those',
    async () => {
      const r = await run({
        jobs: {
          '448761313698322011': into('books', [0.3, 0.6, 1]),
          '448761313698322012': into('books', [0.5, 1]),
          '448761313698322001': into('books', [1]),
          '448761313698322002': into('films', [0.2]),
        },
        simulator: { v2: 'milvus' },
        inputs: byCollection({ 'cluster-id': '' }),
      })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      expect(r.stdout).toContain(
        'Found 2 unfinished import jobs into collection books: 448761313698322011, 448761313698322012. ' +
          'Already finished, not waited for: 1 completed (448761313698322001).',
      )
      expect(jobIds(r)).toEqual(['448761313698322011', '448761313698322012'])
      expect(r.summary).toContain('Found 2 unfinished import jobs into collection books')
      // Milvus filters by collectionName: every list asks for it.
      const lists = r.recorded.filter((q) => q.path === LIST)
      expect(lists.every((q) => q.body.collectionName === 'books')).toBe(true)
      // The running jobs are described only once settled (or alone): never the finished one.
      expect(described(r)).not.toContain('448761313698322001')
      expectKeyOnlyInMask(r, r.apiKey)
    },
  )

  test.concurrent('nothing running passes and says so; require-jobs: true fails it', async () => {
    const jobs = { '7': into('books', [1]) }
    const passing = await run({
      jobs,
      simulator: { v2: 'milvus' },
      inputs: byCollection({ 'cluster-id': '' }),
    })
    expect(passing.code).toBe(0)
    expect(passing.outputs.state).toBe('completed')
    expect(passing.stdout).toContain(
      'Nothing to wait for: no import into collection books was running.',
    )
    expect(passing.outputs.jobs).toBe('[]')

    const required = await run({
      jobs,
      simulator: { v2: 'milvus' },
      inputs: byCollection({ 'cluster-id': '', 'require-jobs': 'true' }),
    })
    expect(required.code).toBe(1)
    expect(required.outputs.state).toBe('error')
    expect(commands(required.stdout, 'error')).toEqual([
      '::error::No unfinished import job into collection books was found, and require-jobs is true: an import was expected to be running. Check that the import was started, and "collection-name" and "db-name".',
    ])
    expect(required.summary).toContain(
      'No import was running to wait for, and require-jobs is true.',
    )
    expectNoStackTrace(required)
  })

  test.concurrent(
    'an unknown collection fails with the server words and what to check',
    async () => {
      const r = await run({
        jobs: { '7': into('books', [1]) },
        simulator: { v2: 'milvus' },
        inputs: byCollection({ 'cluster-id': '', 'collection-name': 'bookz', 'db-name': 'shop' }),
      })
      expect(r.code).toBe(1)
      expect(r.outputs['error-message']).toBe(
        'Could not list the import jobs of collection bookz: Milvus refused to list the import jobs: code 100, ' +
          '"collection not found[database=shop][collection=bookz]". The collection is unknown: check "collection-name" ' +
          'and "db-name" (Milvus looks in the default database unless "db-name" is set).',
      )
      expect(r.recorded[0]?.headers['db-name']).toBe('shop')
    },
  )

  test.concurrent('a failure among the jobs found fails the step, fast', async () => {
    const r = await run({
      jobs: {
        '11': into('books', [0.2, 0.4, 0.6, 0.8, 1]),
        '12': into('books', [
          0.2,
          { progress: 0.3, jobError: 'the file has 3 columns, expected 4' },
        ]),
      },
      simulator: { v2: 'milvus' },
      inputs: byCollection({ 'cluster-id': '' }),
    })
    expect(r.code).toBe(1)
    expect(r.outputs.state).toBe('failed')
    expect(r.outputs['error-message']).toContain('the file has 3 columns, expected 4')
  })
})

describe('collection-name on Zilliz Cloud (paged, state only)', () => {
  test.concurrent("pages through every job of the cluster and keeps the collection's", async () => {
    const jobs: Record<string, JobSpec> = {}
    for (let i = 0; i < 5; i++) jobs[`job-old-${i}`] = into('books', [1])
    jobs['job-other'] = into('films', [0.1])
    jobs['job-new-1'] = into('books', [0.5, 1])
    jobs['job-new-2'] = into('books', [0.5, 0.7, 1])
    const r = await run({ jobs, simulator: { listPageMax: 3 }, inputs: byCollection() })
    expect(r.code).toBe(0)
    expect(r.outputs.state).toBe('completed')
    expect(jobIds(r)).toEqual(['job-new-1', 'job-new-2'])
    // Discovery read all three pages of 8 jobs, each with the cluster and its page.
    const first = r.recorded.slice(0, 3)
    expect(first.map((q) => [q.path, q.body.clusterId, q.body.currentPage])).toEqual([
      [LIST, r.recorded[0]?.body.clusterId, 1],
      [LIST, r.recorded[0]?.body.clusterId, 2],
      [LIST, r.recorded[0]?.body.clusterId, 3],
    ])
    expect(r.stdout).toContain(
      'Found 2 unfinished import jobs into collection books: job-new-1, job-new-2. Already finished, not waited for: 5 completed',
    )
  })
})

describe('job IDs in list rounds', () => {
  test.concurrent(
    'Milvus: one list a round for every job; each described once it settles',
    async () => {
      const jobs: Record<string, JobSpec> = {}
      for (let i = 1; i <= 6; i++)
        jobs[`${100 + i}`] = into('books', [0.2, 0.5, ...Array<number>(i).fill(0.8), 1])
      const r = await run({
        jobs,
        simulator: { v2: 'milvus' },
        inputs: { 'api-version': 'v2', 'cluster-id': '' },
      })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      // Jobs given by ID: the list of every database (no collection name), job IDs being unique.
      expect(r.recorded[0]?.path).toBe(LIST)
      expect(r.recorded[0]?.body.collectionName).toBe('')
      // Each job described once when settled, except the last open one, described on its own.
      const counts = new Map<string, number>()
      for (const id of described(r)) counts.set(id, (counts.get(id) ?? 0) + 1)
      for (let i = 1; i <= 5; i++) expect(counts.get(`${100 + i}`)).toBe(1)
      // Fewer requests than six describes a round would take.
      const rounds = paths(r).filter((p) => p === LIST).length
      expect(r.requests).toBeLessThan(rounds * 6)
      expect(r.stdout).not.toContain('The list call cannot be used')
    },
  )

  test.concurrent(
    'a server without the list: said once, then each job described as before',
    async () => {
      const r = await run({
        jobs: { 'job-1': into('books', [0.5, 1]), 'job-2': into('books', [0.5, 0.8, 1]) },
        simulator: { v2: 'milvus', list: 'missing' },
        inputs: { 'api-version': 'v2', 'cluster-id': '' },
      })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      const said = r.stdout
        .split('\n')
        .filter((line) => line.startsWith('The list call cannot be used'))
      expect(said).toEqual([
        `The list call cannot be used (${LIST} answered HTTP 404: code 404, "no such API: POST ${LIST}"): each job is described on its own from here, one request per job and poll.`,
      ])
      expect(commands(r.stdout, 'warning')).toEqual([])
      expect(described(r).filter((id) => id === 'job-2').length).toBeGreaterThanOrEqual(3)
    },
  )

  test.concurrent(
    'a list in a shape the action does not know (pre-2.4): the same fallback, named',
    async () => {
      const r = await run({
        jobs: { 'job-1': into('books', [0.5, 1]), 'job-2': into('books', [1]) },
        simulator: { v2: 'milvus', list: 'array' },
        inputs: { 'api-version': 'v2', 'cluster-id': '' },
      })
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(
        /The list call cannot be used \(the list answer is not in the v2 import-job format \(expected a "data" object with "records"\): .*\): each job is described on its own from here/,
      )
    },
  )

  test.concurrent(
    'Zilliz Cloud: state-only lists, and the last job described on its own',
    async () => {
      const r = await run({
        jobs: { 'job-1': into('books', [0.5, 1]), 'job-2': into('books', [0.2, 0.4, 0.6, 0.8, 1]) },
        inputs: { 'api-version': 'v2' },
      })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      expect(r.recorded[0]?.path).toBe(LIST)
      expect(r.recorded[0]?.body.clusterId).toBeTruthy()
    },
  )
})
