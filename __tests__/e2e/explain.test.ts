/**
 * Issue 17 through the bundle, against the simulator: the explainer's family
 * and advice in the annotations, the summary and the `jobs` output (errorKind),
 * for failed jobs and for refusals; the Milvus phase in the log and summary
 * (and none for Zilliz Cloud); the progress chart in the summary.
 */
import { jest } from '@jest/globals'
import type { JobSpec, Step } from '../../scripts/simulator.mjs'
import { type Run, commands, expectKeyOnlyInMask, run } from '../helpers/e2e.js'

jest.setTimeout(60_000)

const SCHEMA =
  "expected dim '768' for field 'vector' with type 'FloatVector', got dim '512': importing data failed"

interface Entry {
  jobId: string
  state: string
  errorMessage: string | null
  errorKind: string | null
  details: { fileName: string; errorKind: string | null }[]
}
const jobsOutput = (r: Run): Entry[] => JSON.parse(r.outputs.jobs ?? '[]') as Entry[]

const milvusJob = (script: Step[], extra: Partial<JobSpec> = {}): JobSpec => ({
  collectionName: 'articles',
  files: [
    { fileName: 'a/1.parquet', fileSize: 1_048_576, rows: 60_000 },
    { fileName: 'a/2.parquet', fileSize: 1_048_576, rows: 20_000 },
  ],
  script,
  ...extra,
})

/** Milvus over v2 (no cluster), the jobs in the order given. */
const milvus = (jobs: Record<string, JobSpec>, inputs: Record<string, string> = {}) =>
  run({
    jobs,
    simulator: { v2: 'milvus' },
    inputs: { 'api-version': 'v2', 'cluster-id': '', ...inputs },
  })

describe('the failure explainer', () => {
  test.concurrent(
    "a file's schema error: family in the annotation's title, advice in its message, the summary and errorKind",
    async () => {
      const r = await milvus({
        'job-1': milvusJob([0.5, { progress: 0.6, fileErrors: { 1: SCHEMA } }]),
      })
      expect(r.code).toBe(1)
      const errors = commands(r.stdout, 'error')
      expect(errors[0]).toMatch(
        /^::error title=Job job-1%3A a\/2.parquet \(the files do not match the collection's schema\)::expected dim '768'.*importing data failed What to do: Compare the files with the collection's schema/,
      )
      expect(errors.at(-1)).toMatch(/^::error::The import failed: 1 file of job job-1/)
      expect(r.summary).toMatch(
        /<li>Job <code>job-1<\/code>, <code>a\/2\.parquet<\/code>: expected dim .*<br>💡 <strong>The files do not match the collection&#39;s schema:<\/strong> /,
      )
      const [job] = jobsOutput(r)
      expect(job?.errorKind).toBe('schema-mismatch')
      expect(job?.details.map((d) => d.errorKind)).toEqual([null, 'schema-mismatch'])
      expectKeyOnlyInMask(r, r.apiKey)
    },
  )

  test.concurrent.each([
    [
      'job-gone: Milvus has forgotten the job (code 2100)',
      { code: 2100, message: 'import job does not exist, jobID=4543: importing data failed' },
      'job-gone',
      /What to do: Milvus forgets a finished job after dataCoord\.import\.taskRetention/,
    ],
    [
      'access: the key may not import (HTTP 403 from RBAC)',
      {
        status: 403,
        body: '{"code":65535,"message":"rpc error: code = PermissionDenied desc = PrivilegeImport: permission deny to apikey user in the `default` database"}',
      },
      'access',
      /What to do: The job, or its collection, is in another database, or the user may not import there/,
    ],
  ] as const)('a refusal: %s', async (_, step, kind, advice) => {
    const r = await milvus({ 'job-1': milvusJob([step]) })
    expect(r.code).toBe(1)
    expect(r.outputs.state).toBe('error')
    expect(jobsOutput(r)[0]?.errorKind).toBe(kind)
    expect(commands(r.stdout, 'error').at(-1)).toMatch(advice)
    expect(r.summary).toMatch(/could not check: .*<br>💡 <strong>/)
  })

  test.concurrent.each([
    [
      'capacity (a job error)',
      {
        progress: 0.1,
        jobError: 'quota exceeded[reason=disk quota exceeded, please allocate more resources]',
      },
      'capacity',
      'a capacity limit',
    ],
    [
      'files not found (a file error)',
      {
        progress: 0.1,
        fileErrors: {
          0: "failed to get file size of 'a/1.parquet', error:NoSuchKey(key=a/1.parquet): importing data failed",
        },
      },
      'file-not-found',
      'files not found',
    ],
  ] as const)('Zilliz Cloud v2: %s', async (_, step, kind, title) => {
    const r = await run({
      jobs: { 'job-1': milvusJob([step]) },
      simulator: { v2: 'zilliz' },
      inputs: { 'api-version': 'v2' },
    })
    expect(r.code).toBe(1)
    expect(jobsOutput(r)[0]?.errorKind).toBe(kind)
    const [annotation] = commands(r.stdout, 'error')
    expect(annotation).toContain(`(${title})::`)
    // Zilliz Cloud's advice: nothing of Milvus's configuration, which its users cannot change.
    expect(annotation).toMatch(
      / What to do: (The cluster is at a limit|Check each file's object URL)/,
    )
    expect(r.summary).not.toMatch(/minio|dataCoord|dataNode|quotaAndLimits/)
  })

  test.concurrent('a text of no family: shown as it is, no advice, errorKind null', async () => {
    const r = await milvus({ 'job-1': milvusJob([{ progress: 0.5, jobError: 'import timeout' }]) })
    expect(r.code).toBe(1)
    expect(commands(r.stdout, 'error')[0]).toBe('::error title=Job job-1::import timeout')
    expect(r.summary).toContain('<li>Job <code>job-1</code>: import timeout</li>')
    expect(r.summary).not.toContain('💡')
    expect(jobsOutput(r)[0]?.errorKind).toBeNull()
  })
})

describe('the phase of a Milvus import', () => {
  // Staged as Milvus 2.5+ stages it: queued, pre-import, rows, sort, then index building at 85%.
  const stuck = (): JobSpec => milvusJob([0.05, 0.3, 0.55, 0.75, 0.85], { staged: true })

  test.concurrent('named in each progress line and in the summary', async () => {
    const r = await milvus({ 'job-1': stuck() }, { timeout: '6s' })
    expect(r.outputs.state).toBe('timed-out')
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('Job job-1: '))
    expect(lines.map((l) => /^Job job-1: (\w+ [\d.]+% \([^);]+)/.exec(l)?.[1])).toEqual([
      'pending 5% (queued',
      'importing 30% (pre-importing',
      'importing 55% (writing the data',
      'importing 75% (sorting',
      'importing 85% (building indexes',
    ])
    expect(r.summary).toContain('Progress: 85% (building indexes) · ')
  })

  test.concurrent(
    'never guessed for Zilliz Cloud (a cluster-id): the same numbers, no phase',
    async () => {
      // Milvus's answers (rows and all), but a cluster-id says Zilliz Cloud behind its own endpoint.
      const r = await run({
        jobs: { 'job-1': stuck() },
        simulator: { v2: 'milvus' },
        inputs: { 'api-version': 'v2', 'cluster-id': 'in03-private', timeout: '6s' },
      })
      expect(r.outputs.state).toBe('timed-out')
      expect(r.stdout).toContain('Job job-1: pending 5%, 0s elapsed')
      expect(r.stdout).toMatch(/Job job-1: importing 85% \(2\/2 files done\), \ds elapsed/)
      expect(r.stdout).not.toMatch(/queued|pre-importing|writing the data|sorting|building indexes/)
      expect(r.summary).toContain('Progress: 85% · ')
    },
  )
})

describe('the progress chart', () => {
  test.concurrent(
    'a run of several polls: one line per job in a mermaid xychart, under "What failed", the failed one red',
    async () => {
      const r = await milvus({
        'job-1': milvusJob([0.2, 0.5, 0.7, 0.9, 1]),
        'job-2': milvusJob([0.1, 0.3, { progress: 0.4, fileErrors: { 0: SCHEMA } }]),
      })
      expect(r.code).toBe(1)
      const block = /\n\n```mermaid\n([\s\S]*?)\n```\n\n/.exec(r.summary)?.[1] ?? ''
      expect(block).toContain('xychart-beta')
      expect(block.match(/^ {2}line \[/gm)).toHaveLength(2)
      // job-2 failed: its line is the red one (second in the palette, as it is second of the lines).
      expect(block).toMatch(/plotColorPalette: "#55acee, #dd2e44"/)
      expect(r.summary.indexOf('```mermaid')).toBeGreaterThan(r.summary.indexOf('What failed'))
      expect(r.summary.indexOf('```mermaid')).toBeLessThan(r.summary.indexOf('<h3>Job <code>'))
      expect(r.summary).toMatch(/🟥 <code>job-2<\/code>, failed after \ds/)
    },
  )

  test.concurrent('a run of one poll: no chart', async () => {
    const r = await milvus({ 'job-1': milvusJob([1]) })
    expect(r.code).toBe(0)
    expect(r.summary).not.toContain('mermaid')
  })
})
