/**
 * End to end, per API: the same workflow step, changed only by api-version
 * and endpoint, waits on a job from the v1 API, Zilliz Cloud v2 and a
 * self-hosted Milvus, with the same outputs and summary layout.
 *
 * "zilliz-v2" runs are the simulator answering as Zilliz Cloud v2 does. Being
 * on loopback, not a Zilliz Cloud host, the action labels it Milvus in its
 * messages; the exchange itself (clusterId sent, code 0, reason "") is Zilliz's.
 */
import { jest } from '@jest/globals'
import type { SimulatorOptions } from '../../scripts/simulator.mjs'
import {
  type Run,
  type Scenario,
  commands,
  expectNoStackTrace,
  file,
  job,
  run,
} from '../helpers/e2e.js'

jest.setTimeout(60_000)

const withRows = (fileName: string, rows: number) => ({ ...file(fileName), rows })

type Api = 'v1' | 'zilliz-v2' | 'milvus'

/** Runs a scenario against one API: its simulator flavour and the inputs a user would change. */
function runOn(api: Api, scenario: Scenario): Promise<Run> {
  const simulator: Omit<SimulatorOptions, 'jobs'> =
    api === 'milvus' ? { v2: 'milvus' } : { v2: 'zilliz' }
  const inputs: Record<string, string> = api === 'v1' ? {} : { 'api-version': 'v2' }
  if (api === 'milvus') inputs['cluster-id'] = ''
  return run({
    ...scenario,
    simulator: { ...simulator, ...scenario.simulator },
    inputs: { ...inputs, ...scenario.inputs },
  })
}

/**
 * The summary with what legitimately differs removed: who imported, times, durations, the
 * Rows column, and the chart's values and time axis (they follow the real clock).
 */
function layout(summary: string): string {
  const hasRows = summary.includes('<th>Rows</th>')
  return summary
    .replace(/^<h2>(Zilliz|Milvus) import/, '<h2>PRODUCT import')
    .replace(/^ {2}line \[[\d., ]*\]$/gm, '  line [VALUES]')
    .replace(/ since the start" 0 --> [\d.]+$/m, ' since the start" 0 --> T')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'TIME')
    .replace(/(waited|Elapsed:) [\dhms ]+?(?=<| ·)/g, '$1 D')
    .replace(/ · Rows: [^<·]*?(?= ·|<)/g, '')
    .replace(/<th>Rows<\/th>/g, '')
    .replace(/<tr><td>(.*)<\/td><\/tr>/g, (row, cells: string) => {
      if (!hasRows) return row
      const parts = cells.split('</td><td>')
      parts.splice(3, 1) // File, Size, Progress, [Rows], Completed, Error
      return `<tr><td>${parts.join('</td><td>')}</td></tr>`
    })
}

describe('every API, through dist/index.js', () => {
  test.concurrent(
    'the same job gives identical outputs and summary layout on v1, Zilliz v2 and Milvus',
    async () => {
      const scenario: Scenario = {
        jobs: {
          'job-same': job([0.25, 0.5, 1], [withRows('a.parquet', 600), withRows('b.parquet', 400)]),
        },
      }
      const [v1, v2, milvus] = await Promise.all([
        runOn('v1', scenario),
        runOn('zilliz-v2', scenario),
        runOn('milvus', scenario),
      ])
      for (const r of [v1, v2, milvus]) {
        expect(r.code).toBe(0)
        expect(r.stderr).toBe('')
      }
      const comparable = (r: Run) => ({
        ...r.outputs,
        'complete-time': 'TIME',
        'elapsed-seconds': 'S',
        jobs: 'J',
      })
      expect(comparable(v2)).toEqual(comparable(v1))
      expect(comparable(milvus)).toEqual(comparable(v1))
      const shape = (r: Run) =>
        (JSON.parse(r.outputs.jobs ?? '[]') as Record<string, unknown>[]).map((entry) => ({
          keys: Object.keys(entry),
          state: entry.state,
          progress: entry.progress,
        }))
      expect(shape(v2)).toEqual(shape(v1))
      expect(shape(milvus)).toEqual(shape(v1))
      expect(layout(v2.summary)).toBe(layout(v1.summary))
      expect(layout(milvus.summary)).toBe(layout(v1.summary))
      // A self-hosted Milvus is not Zilliz (the "Zilliz v2" run is on loopback, so it is Milvus too).
      expect(v1.summary).toMatch(/^<h2>Zilliz import: /)
      expect(milvus.summary).toMatch(/^<h2>Milvus import: /)
      // What v2 sends: a POST to /describe with the job (and cluster) in the body.
      expect(v2.recorded[0]).toMatchObject({
        method: 'POST',
        path: '/v2/vectordb/jobs/import/describe',
        body: { jobId: 'job-same', clusterId: 'in03-simulator0001' },
      })
      expect(milvus.recorded[0]?.body).toEqual({ jobId: 'job-same' })
    },
  )

  test.concurrent(
    'Milvus: rows reach the jobs output and a Rows column in the summary',
    async () => {
      const r = await runOn('milvus', {
        jobs: {
          'job-m': job([0.85, 1], [withRows('a.parquet', 60_000), withRows('b.parquet', 20_000)]),
        },
      })
      expect(r.code).toBe(0)
      const [entry] = JSON.parse(r.outputs.jobs ?? '[]') as {
        importedRows: number
        totalRows: number
        details: { importedRows: number; totalRows: number }[]
      }[]
      expect(entry).toMatchObject({ importedRows: 80_000, totalRows: 80_000 })
      expect(entry?.details[0]).toMatchObject({ importedRows: 60_000, totalRows: 60_000 })
      expect(r.summary).toContain('<th>Progress</th><th>Rows</th><th>Completed</th>')
      expect(r.summary).toContain('Rows: 80,000&nbsp;/&nbsp;80,000')
      expect(r.stdout).toMatch(/via the Milvus v2 API at 127\.0\.0\.1:\d+/)
      // Rows still coming at 85%: writing the data (2.5+ would be past it; 2.4 is not).
      expect(r.stdout).toContain('Job job-m: importing 85% (writing the data; 0/2 files done)')
    },
  )

  test.concurrent.each(['zilliz-v2', 'milvus'] as const)(
    '%s: a failed file with a reason fails the step',
    async (api) => {
      const r = await runOn(api, {
        jobs: {
          'job-f': job([
            0.2,
            { progress: 0.4, fileErrors: { 0: 'row 17: vector dim 512, expected 768' } },
          ]),
        },
      })
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('failed')
      expect(r.outputs['error-message']).toBe('row 17: vector dim 512, expected 768')
      expect(commands(r.stdout, 'error')[0]).toBe(
        '::error title=Job job-f%3A folder/1.parquet::row 17: vector dim 512, expected 768',
      )
      expect(r.summary).toContain('<td>row 17: vector dim 512, expected 768</td>')
    },
  )

  test.concurrent('Milvus: an unknown job fails with the retention hint', async () => {
    const r = await runOn('milvus', {
      jobs: { 'job-m': job([1]) },
      inputs: { 'job-id': 'job-forgotten' },
    })
    expect(r.code).toBe(1)
    expect(r.outputs.state).toBe('error')
    expect(r.outputs['error-message']).toMatch(
      /^Milvus refused the request for job job-forgotten: code 2100, .*forgets finished jobs after its retention period/,
    )
    expect(r.requests).toBe(1)
    expectNoStackTrace(r)
  })

  test.concurrent('Zilliz v2: an unknown job fails with a hint', async () => {
    const r = await runOn('zilliz-v2', {
      jobs: { 'job-z': job([1]) },
      inputs: { 'job-id': 'job-nope' },
    })
    expect(r.code).toBe(1)
    expect(r.outputs['error-message']).toMatch(
      /code 80004, "The import job job-nope does not exist"\. The job is unknown/,
    )
  })

  test.concurrent.each([
    [
      'milvus',
      /HTTP 401 Unauthorized .*code 1800, "user hasn't authenticated"\. The API key was refused/,
    ],
    // On loopback the action takes the Zilliz-flavoured simulator for a self-hosted Milvus, so
    // its words say Milvus; which product a host is gets its own unit tests (inputs.test.ts).
    ['zilliz-v2', /code 80001, "Invalid token: your token is not valid"\. .*"api-key"/],
  ] as const)('%s: bad credentials stop at once', async (api, expected) => {
    const r = await runOn(api, { jobs: { 'job-k': job([1]) }, apiKey: 'root:wrong-password' })
    expect(r.code).toBe(1)
    expect(r.outputs.state).toBe('error')
    expect(r.outputs['error-message']).toMatch(expected)
    expect(r.requests).toBe(1)
    const leaks = (r.stdout + r.summary)
      .split('\n')
      .filter((line) => line.includes('wrong-password'))
    expect(leaks).toEqual(['::add-mask::root:wrong-password'])
  })

  test.concurrent(
    'Milvus: db-name reaches the server as the DB-Name header and the dbName field',
    async () => {
      const r = await runOn('milvus', {
        jobs: { 'job-db': job([1]) },
        inputs: { 'db-name': 'analytics' },
      })
      expect(r.code).toBe(0)
      expect(r.recorded[0]?.headers['db-name']).toBe('analytics')
      expect(r.recorded[0]?.body).toEqual({ jobId: 'job-db', dbName: 'analytics' })
      expect(r.stdout).toContain('in database analytics')
    },
  )

  test.concurrent(
    'Milvus 2.4 without /describe: asked once on /get_progress, which is kept',
    async () => {
      const r = await runOn('milvus', {
        jobs: { 'job-old': job([0.5, 1]) },
        simulator: { legacyMilvus: true },
      })
      expect(r.code).toBe(0)
      expect(r.recorded.map((q) => q.path)).toEqual([
        '/v2/vectordb/jobs/import/describe',
        '/v2/vectordb/jobs/import/get_progress',
        '/v2/vectordb/jobs/import/get_progress',
      ])
    },
  )

  test.concurrent(
    'an unknown v2 state is treated as running and noted once at debug level',
    async () => {
      const r = await runOn('milvus', {
        jobs: {
          'job-s': job([
            { progress: 0.5, state: 'IndexBuilding' },
            { progress: 0.5, state: 'IndexBuilding' },
            1,
          ]),
        },
        env: { RUNNER_DEBUG: '1' },
      })
      expect(r.code).toBe(0)
      const notes = r.stdout.split('\n').filter((line) => line.includes('unknown to this action'))
      expect(notes).toEqual([
        '::debug::The API reported the state "IndexBuilding", unknown to this action: treated as still running.',
      ])
      expect(r.stdout).toContain('Job job-s: importing 50%')
    },
  )
})
