/**
 * The commit gate through the bundle, against the simulator speaking
 * two-phase import: commit all, abort all on a failure, abort on a row
 * mismatch, a partial commit, a refused abort, cancel and timeout with
 * aborts, auto-committed jobs, and a server without two-phase import.
 */
import { jest } from '@jest/globals'
import type { JobSpec, RecordedRequest, Step } from '../../scripts/simulator.mjs'
import { RUNNER_CANCEL } from '../../scripts/run-action.mjs'
import { type Run, type Scenario, commands, expectKeyOnlyInMask, run } from '../helpers/e2e.js'

jest.setTimeout(60_000)

const COMMIT = '/v2/vectordb/jobs/import/commit'
const ABORT = '/v2/vectordb/jobs/import/abort'
const DESCRIBE = '/v2/vectordb/jobs/import/describe'

/** A job created with auto_commit "false": it holds at Uncommitted once its script completes. */
const held = (script: Step[], rows = 10_000, extra: Partial<JobSpec> = {}): JobSpec => ({
  collectionName: 'daily_events',
  files: [{ fileName: 'day/part.parquet', fileSize: 1_048_576, rows }],
  script,
  autoCommit: false,
  ...extra,
})
/** A job created with auto-commit (the default). */
const auto = (script: Step[], rows = 10_000): JobSpec => ({
  ...held(script, rows),
  autoCommit: true,
})

/**
 * Milvus over v2 with the gate inputs; the jobs in the order given. These
 * tests count describes, so the server plays one without the list call (one
 * describe per job, as before list rounds); `list: true` gives it the list.
 */
function gateRun(
  jobs: Record<string, JobSpec>,
  inputs: Record<string, string>,
  more: Partial<Scenario> & { list?: true } = {},
): Promise<Run> {
  return run({
    jobs,
    simulator: { v2: 'milvus', ...(more.list ? {} : { list: 'missing' }) },
    inputs: { 'api-version': 'v2', 'cluster-id': '', ...inputs },
    ...more,
  })
}

const calls = (r: Run, path: string): string[] =>
  r.recorded.filter((q: RecordedRequest) => q.path === path).map((q) => String(q.body.jobId))
const jobsOutput = (r: Run): { jobId: string; state: string; commit?: string }[] =>
  JSON.parse(r.outputs.jobs ?? '[]') as { jobId: string; state: string; commit?: string }[]
const commitField = (r: Run): Record<string, string | undefined> =>
  Object.fromEntries(jobsOutput(r).map((j) => [j.jobId, j.commit]))

describe('commit: true', () => {
  test.concurrent(
    'commit all over list rounds: held jobs seen in the list, described once, then committed',
    async () => {
      const r = await gateRun(
        { 'job-1': held([0.4, 1]), 'job-2': held([1]), 'job-3': held([0.2, 0.6, 1]) },
        { commit: 'true' },
        { list: true },
      )
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      expect(calls(r, COMMIT)).toEqual(['job-1', 'job-2', 'job-3'])
      const firstCommit = r.recorded.findIndex((q) => q.path === COMMIT)
      const before = r.recorded.slice(0, firstCommit)
      // Two lists saw job-2, then job-1 held, each described once then; job-3, left alone,
      // was described on its own until it was held too. No commit before that.
      expect(before.filter((q) => q.path.endsWith('/list'))).toHaveLength(2)
      const described = before.filter((q) => q.path === DESCRIBE).map((q) => q.body.jobId)
      expect(described.slice(0, 2)).toEqual(['job-2', 'job-1'])
      expect(new Set(described.slice(2))).toEqual(new Set(['job-3']))
      expect(described.length).toBeGreaterThanOrEqual(3)
      expect(r.stdout).not.toContain('The list call cannot be used')
    },
  )

  test.concurrent(
    'commit all: every job held, then each committed once, polled through Committing to Completed',
    async () => {
      const r = await gateRun(
        { 'job-1': held([0.4, 1]), 'job-2': held([1]), 'job-3': held([0.2, 0.6, 1]) },
        { commit: 'true' },
      )
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      expect(calls(r, COMMIT)).toEqual(['job-1', 'job-2', 'job-3'])
      expect(calls(r, ABORT)).toEqual([])
      // No commit before every job was held: the last describe of job-3 before the first commit.
      const firstCommit = r.recorded.findIndex((q) => q.path === COMMIT)
      const job3Describes = r.recorded
        .map((q, i) => ({ q, i }))
        .filter(({ q }) => q.path === DESCRIBE && q.body.jobId === 'job-3')
      expect(job3Describes.filter(({ i }) => i < firstCommit)).toHaveLength(3)
      expect(r.stdout).toContain('The list call cannot be used')
      expect(commitField(r)).toEqual({
        'job-1': 'committed',
        'job-2': 'committed',
        'job-3': 'committed',
      })
      expect(jobsOutput(r).map((j) => j.state)).toEqual(['completed', 'completed', 'completed'])
      expect(r.stdout).toContain('Commit of job job-2: committed (HTTP 200, code 0).')
      expect(r.stdout).toMatch(/Job job-1: committing 99%/)
      expect(r.stdout).toMatch(
        /Job job-2: uncommitted 99% .*; held, not visible, until every job is ready to commit\n/,
      )
      expect(r.stdout).not.toContain('not visible until the job is committed')
      expect(r.stdout).toMatch(
        /3 import jobs committed and completed after \d+s\. All or nothing: all 3 jobs committed; their data is visible\./,
      )
      // The summary leads with the gate's result, before any job.
      const lead = r.summary.indexOf('All or nothing: all 3 jobs committed')
      expect(lead).toBeGreaterThan(0)
      expect(lead).toBeLessThan(r.summary.indexOf('<h3>Job'))
      expect(r.summary).toContain('🔓 committed')
      expectKeyOnlyInMask(r, r.apiKey)
    },
  )

  test.concurrent(
    'Zilliz Cloud: commit bodies carry clusterId; Milvus: the DB-Name header and dbName',
    async () => {
      const zilliz = await run({
        jobs: { 'job-z': held([1]) },
        inputs: { 'api-version': 'v2', commit: 'true' },
      })
      expect(zilliz.outputs.state).toBe('completed')
      const commit = zilliz.recorded.find((q) => q.path === COMMIT)
      expect(commit?.body).toEqual({ jobId: 'job-z', clusterId: 'in03-simulator0001' })
      expect(commit?.headers.authorization).toBe(`Bearer ${zilliz.apiKey}`)

      const milvus = await gateRun({ 'job-m': held([1]) }, { commit: 'true', 'db-name': 'events' })
      const sent = milvus.recorded.find((q) => q.path === COMMIT)
      expect(sent?.body).toEqual({ jobId: 'job-m', dbName: 'events' })
      expect(sent?.headers['db-name']).toBe('events')
    },
  )

  test.concurrent(
    'a failure before the commit: every other job is aborted, none committed, state failed',
    async () => {
      const r = await gateRun(
        {
          'job-1': held([0.5, 1]),
          'job-2': held([0.3, 0.6, 0.9, 1]),
          'job-3': held([
            0.3,
            { progress: 0.5, jobError: 'field "vector" has dimension 512, expected 768' },
          ]),
        },
        { commit: 'true' },
      )
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('failed')
      expect(calls(r, COMMIT)).toEqual([])
      expect(calls(r, ABORT).sort()).toEqual(['job-1', 'job-2'])
      expect(commitField(r)).toEqual({ 'job-1': 'aborted', 'job-2': 'aborted', 'job-3': undefined })
      expect(r.summary).toContain(
        'All or nothing: none of the data became visible (a job failed): job-1 and job-2 are aborted; job-3 is not visible.',
      )
      expect(r.stdout).toContain('Abort of job job-1: aborted (HTTP 200, code 0).')
      expect(r.stdout).toContain('Not aborted: job job-3 (it failed: none of its data is visible).')
      // One annotation for the import's error, one for the verdict: the aborts are not failures.
      expect(commands(r.stdout, 'error')).toHaveLength(2)
      expect(r.outputs['error-message']).toBe('field "vector" has dimension 512, expected 768')
    },
  )

  test.concurrent(
    'a row mismatch on the Uncommitted counts: everything aborted, the counts named',
    async () => {
      const r = await gateRun(
        { 'job-1': held([1], 10_000), 'job-2': held([1], 15_000) },
        { commit: 'true', 'expected-rows': '30,000' },
      )
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('failed')
      expect(calls(r, COMMIT)).toEqual([])
      expect(calls(r, ABORT).sort()).toEqual(['job-1', 'job-2'])
      const message =
        'The row check failed: expected-rows asked for exactly 30,000 rows; the jobs imported 25,000 rows: a mismatch.'
      expect(commands(r.stdout, 'error').at(-1)).toContain(message)
      expect(r.outputs['error-message']).toContain(message)
      expect(r.summary).toContain('none of the data became visible (the row check failed)')
    },
  )

  test.concurrent('rows that match (a minimum): committed', async () => {
    const r = await gateRun(
      { 'job-1': held([1], 10_000), 'job-2': held([1], 15_000) },
      { commit: 'true', 'expected-rows': '>=25000' },
    )
    expect(r.outputs.state).toBe('completed')
    expect(calls(r, COMMIT)).toEqual(['job-1', 'job-2'])
    expect(r.summary).toContain(
      'expected-rows asked for at least 25,000 rows; the jobs imported 25,000 rows: as expected.',
    )
  })

  test.concurrent(
    'a partial commit: job 1 visible, job 2 refused, job 3 never sent; said exactly everywhere',
    async () => {
      const refused: Step = { code: 2100, message: 'commit refused: collection is being dropped' }
      const r = await gateRun(
        {
          'job-1': held([1]),
          'job-2': held([1], 10_000, { commitScript: [refused] }),
          'job-3': held([1]),
        },
        { commit: 'true' },
      )
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('error')
      expect(calls(r, COMMIT)).toEqual(['job-1', 'job-2'])
      // Job 1 is visible: aborting the others would make the partial state final.
      expect(calls(r, ABORT)).toEqual([])
      expect(commitField(r)).toEqual({
        'job-1': 'committed',
        'job-2': 'commit-failed',
        'job-3': undefined,
      })
      const exact =
        'Not all or nothing: the data of job-1 is visible; job-2 and job-3 are held, not visible (commit or abort them).'
      expect(r.outputs['error-message']).toContain(exact)
      expect(r.outputs['error-message']).toContain('collection is being dropped')
      expect(commands(r.stdout, 'error').at(-1)).toContain(exact)
      expect(r.summary).toContain('⚠️ partly committed')
      expect(r.summary).toContain(exact)
      expect(r.summary).toContain('Not sent: the commit of job-3')
      expect(r.summary).not.toContain('none of the data')
    },
  )

  test.concurrent(
    'the first commit refused: nothing visible, so every held job is aborted',
    async () => {
      const refused: Step = { code: 2100, message: 'commit refused' }
      const r = await gateRun(
        { 'job-1': held([1], 10_000, { commitScript: [refused] }), 'job-2': held([1]) },
        { commit: 'true' },
      )
      expect(r.outputs.state).toBe('error')
      expect(calls(r, COMMIT)).toEqual(['job-1'])
      expect(calls(r, ABORT).sort()).toEqual(['job-1', 'job-2'])
      expect(commitField(r)).toEqual({ 'job-1': 'aborted', 'job-2': 'aborted' })
      expect(r.summary).toContain('⚠️ not committed')
      expect(r.summary).toContain('All or nothing: none of the data became visible')
      // Both writes of job 1 are on record.
      expect(r.summary).toContain('Commit of job job-1: refused')
      expect(r.summary).toContain('Abort of job job-1: aborted')
    },
  )

  test.concurrent(
    'a commit that meets a transient fault is sent again, and goes through',
    async () => {
      const r = await gateRun(
        { 'job-1': held([1], 10_000, { commitScript: [{ status: 503, body: 'busy' }] }) },
        { commit: 'true' },
      )
      expect(r.outputs.state).toBe('completed')
      expect(calls(r, COMMIT)).toEqual(['job-1', 'job-1'])
      expect(r.stdout).toMatch(
        /Commit of job job-1, attempt 1: HTTP 503 .*; sending it again in \d/,
      )
      expect(commitField(r)).toEqual({ 'job-1': 'committed' })
    },
  )

  test.concurrent(
    'auto-committed jobs: visible whatever happens, said in a warning and the summary',
    async () => {
      const r = await gateRun({ 'job-a': auto([1]), 'job-h': held([0.5, 1]) }, { commit: 'true' })
      expect(r.outputs.state).toBe('completed')
      expect(calls(r, COMMIT)).toEqual(['job-h'])
      expect(commitField(r)).toEqual({ 'job-a': undefined, 'job-h': 'committed' })
      const warning = commands(r.stdout, 'warning').find((line) => line.includes('auto-commit'))
      expect(warning).toContain('Job job-a reached Completed without waiting at Uncommitted')
      expect(warning).toContain('"options": {"auto_commit": "false"}')
      expect(r.summary).toContain('created with auto-commit')

      // With a failure, the auto-committed job is visible: never "all or nothing".
      const failed = await gateRun(
        {
          'job-a': auto([1]),
          'job-h': held([0.5, 0.9, 1]),
          'job-f': held([0.4, { progress: 0.5, jobError: 'bad row' }]),
        },
        { commit: 'true' },
      )
      expect(failed.outputs.state).toBe('failed')
      expect(calls(failed, ABORT)).toEqual(['job-h'])
      expect(failed.summary).toContain(
        'Not all or nothing: the data of job-a is visible; job-h is aborted; job-f is not visible.',
      )
      expect(failed.summary).not.toContain('none of the data')
    },
  )

  test.concurrent(
    'a server without two-phase import (HTTP 404): said exactly, nothing claimed held back or discarded',
    async () => {
      const r = await gateRun(
        { 'job-1': held([{ progress: 0.99, state: 'Uncommitted' }]) },
        { commit: 'true' },
        { simulator: { v2: 'milvus', twoPhase: false } },
      )
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('error')
      expect(calls(r, COMMIT)).toEqual(['job-1'])
      expect(calls(r, ABORT)).toEqual(['job-1'])
      expect(r.stdout).toContain(
        'Commit of job job-1: this server has no two-phase import (HTTP 404: "404 page not found"), so nothing was committed by this call.',
      )
      expect(r.stdout).toContain(
        'Abort of job job-1: this server has no two-phase import (HTTP 404: "404 page not found"), so nothing was discarded by this call.',
      )
      expect(commitField(r)).toEqual({ 'job-1': 'abort-refused' })
      expect(r.summary).toContain('job-1 is held, not visible')
      expect(r.summary).not.toMatch(/aborted:|are aborted|is aborted/)
    },
  )
})

describe('abort-on', () => {
  test.concurrent(
    'timeout: the jobs still running are aborted; an auto-commit job refuses, a note and no second failure',
    async () => {
      const r = await gateRun(
        { 'job-h': held([0.1, 0.2, 0.3]), 'job-a': auto([0.1, 0.2, 0.3]) },
        { 'abort-on': 'timeout', timeout: '3s' },
      )
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('timed-out')
      expect(calls(r, ABORT).sort()).toEqual(['job-a', 'job-h'])
      expect(commitField(r)).toEqual({ 'job-h': 'aborted', 'job-a': 'abort-refused' })
      expect(r.stdout).toContain(
        'Abort of job job-a: refused (HTTP 200, code 2100 "job job-a is auto-commit, manual abort not allowed: importing data failed").',
      )
      // The verdict is the only error: a refused abort is not a second failure.
      expect(commands(r.stdout, 'error')).toHaveLength(1)
      expect(commands(r.stdout, 'error')[0]).toMatch(/Timed out after/)
      expect(r.summary).toContain('Abort of job job-a: refused')

      // With fail-on-timeout false the step passes, refused abort and all.
      const passing = await gateRun(
        { 'job-a': auto([0.1, 0.2, 0.3]) },
        { 'abort-on': 'timeout', timeout: '2s', 'fail-on-timeout': 'false' },
      )
      expect(passing.code).toBe(0)
      expect(commitField(passing)).toEqual({ 'job-a': 'abort-refused' })
    },
  )

  test.concurrent(
    'failure without commit: the running jobs aborted, completed ones left alone',
    async () => {
      const r = await gateRun(
        {
          'job-done': auto([1]),
          'job-run': held([0.2, 0.4, 0.6, 0.8]),
          'job-bad': held([0.2, { progress: 0.3, jobError: 'quota exceeded' }]),
        },
        { 'abort-on': 'failure' },
      )
      expect(r.outputs.state).toBe('failed')
      expect(calls(r, ABORT)).toEqual(['job-run'])
      expect(r.stdout).toContain('Not aborted: job job-done (it completed: its data is visible).')
      expect(commitField(r)).toEqual({
        'job-done': undefined,
        'job-run': 'aborted',
        'job-bad': undefined,
      })
    },
  )

  test.concurrent(
    'a job in a state the action does not know is never written to, and the summary says why',
    async () => {
      const r = await gateRun(
        {
          'job-odd': held([{ progress: 0.5, state: 'Rollbacking' }]),
          'job-bad': held([{ progress: 0.2, jobError: 'bad row' }]),
        },
        { 'abort-on': 'failure' },
      )
      expect(r.outputs.state).toBe('failed')
      expect(calls(r, ABORT)).toEqual([])
      expect(r.stdout).toContain('Not aborted: job job-odd (its state "Rollbacking" is unknown).')
      expect(r.summary).toContain(
        '<li>Not aborted: job job-odd (its state &quot;Rollbacking&quot; is unknown).</li>',
      )
    },
  )

  test.concurrent('no abort-on: a timeout writes nothing', async () => {
    const r = await gateRun({ 'job-h': held([0.1, 0.2]) }, { timeout: '2s' })
    expect(r.outputs.state).toBe('timed-out')
    expect(calls(r, ABORT)).toEqual([])
    expect(jobsOutput(r)[0]).not.toHaveProperty('commit')
  })

  test.concurrent(
    "cancel: summary and outputs first, the aborts in parallel, all inside the runner's window",
    async () => {
      const r = await gateRun(
        {
          'job-1': held([0.2, 0.3, 0.4], 10_000, {
            abortScript: [{ progress: 0, delayMs: 1_500 }],
          }),
          'job-2': held([0.2, 0.3, 0.4], 10_000, {
            abortScript: [{ progress: 0, delayMs: 1_500 }],
          }),
        },
        { 'abort-on': 'cancel', timeout: '5m' },
        {
          signal: {
            signal: 'SIGINT',
            when: (stdout) => stdout.includes('Job job-2: importing 20%'),
            then: RUNNER_CANCEL,
          },
        },
      )
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('cancelled')
      expect(commitField(r)).toEqual({ 'job-1': 'aborted', 'job-2': 'aborted' })
      expect(r.summary).toContain(
        'After the aborts (the run was cancelled): job-1 and job-2 are aborted.',
      )
      // Sent together: two 1.5 s answers took about 1.5 s, not 3 s.
      const sent = r.recorded.filter((q) => q.path === ABORT).map((q) => q.at)
      expect(sent).toHaveLength(2)
      expect(Math.abs((sent[0] ?? 0) - (sent[1] ?? 0))).toBeLessThan(1_000)
      expect(r.signalToExitMs).toBeLessThan(7_500)
    },
  )

  test.concurrent(
    'cancel with an abort that never answers: bounded, and what was written before it stays',
    async () => {
      const r = await gateRun(
        {
          'job-1': held([0.2, 0.3], 10_000, {
            abortScript: [{ hang: true }, { hang: true }, { hang: true }],
          }),
        },
        { 'abort-on': 'cancel', timeout: '5m' },
        {
          signal: {
            signal: 'SIGINT',
            when: (stdout) => stdout.includes('Job job-1: importing 20%'),
            then: RUNNER_CANCEL,
          },
        },
      )
      // Exits on its own, inside the window, before SIGTERM.
      expect(r.signalToExitMs).toBeLessThan(7_500)
      expect(r.outputs.state).toBe('cancelled')
      expect(commitField(r)).toEqual({ 'job-1': 'abort-refused' })
      expect(r.summary).toContain('whether it took effect is not known')
    },
  )

  test.concurrent(
    'cancel, killed while the abort is in flight: the summary and outputs are already written',
    async () => {
      const r = await gateRun(
        { 'job-1': held([0.2, 0.3], 10_000, { abortScript: [{ hang: true }] }) },
        { 'abort-on': 'cancel', timeout: '5m' },
        {
          signal: {
            signal: 'SIGINT',
            when: (stdout) => stdout.includes('Job job-1: importing 20%'),
            then: [{ afterMs: 1_500, signal: 'SIGKILL' }],
          },
        },
      )
      expect(r.code).toBeNull()
      expect(calls(r, ABORT)).toEqual(['job-1'])
      expect(r.outputs.state).toBe('cancelled')
      expect(r.summary).toContain('🚫 cancelled')
      // Written before the answer: the job has no commit field yet.
      expect(jobsOutput(r)[0]).not.toHaveProperty('commit')
    },
  )
})

describe('a cancel while a commit hangs', () => {
  test.concurrent(
    'the commit gets 5 s more, then the run ends inside the window, saying it is not known',
    async () => {
      const r = await gateRun(
        { 'job-1': held([1], 10_000, { commitScript: [{ hang: true }] }), 'job-2': held([1]) },
        { commit: 'true', 'abort-on': 'cancel', timeout: '5m' },
        {
          signal: {
            signal: 'SIGINT',
            when: (stdout) => stdout.includes('Job job-2: uncommitted'),
            delayMs: 500,
            then: RUNNER_CANCEL,
          },
        },
      )
      expect(calls(r, COMMIT)).toEqual(['job-1'])
      // job-1 may be committed: not aborted on a guess; job-2 was never committed: aborted.
      expect(calls(r, ABORT)).toEqual(['job-2'])
      expect(r.signalToExitMs).toBeLessThan(7_500)
      expect(r.outputs.state).toBe('cancelled')
      expect(commitField(r)).toEqual({ 'job-1': 'commit-failed', 'job-2': 'aborted' })
      expect(r.summary).toContain('whether job-1 is visible is not known')
      expect(r.summary).toContain('its commit got no answer: it may be committed')
      expect(r.outputs['error-message']).toContain('Not all or nothing')
    },
  )
})

describe('rows without commit', () => {
  test.concurrent(
    'a mismatch at the end fails the step and names both counts; no writes',
    async () => {
      const r = await gateRun({ 'job-1': auto([1], 999) }, { 'expected-rows': '1000' })
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('failed')
      expect(r.recorded.filter((q) => q.path !== DESCRIBE)).toEqual([])
      expect(r.outputs['error-message']).toContain('exactly 1,000 rows; the jobs imported 999 rows')
    },
  )

  test.concurrent('0 rows, with no expected-rows: a passing step with a warning', async () => {
    const r = await gateRun({ 'job-1': auto([1], 0) }, {})
    expect(r.code).toBe(0)
    expect(commands(r.stdout, 'warning').join('\n')).toContain(
      'Job job-1 finished with 0 rows: a success that may not be one.',
    )
    expect(r.summary).toContain('finished with 0 rows')
  })
})
