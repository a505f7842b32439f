/**
 * Failure triage through dist/index.js as the runner runs it: what GitHub will
 * show (at most 10 error and 10 warning annotations, the verdict always among
 * them), and a summary that leads with what failed.
 */
import { jest } from '@jest/globals'
import type { Step } from '../../scripts/simulator.mjs'
import { commands, expectKeyOnlyInMask, file, job, run } from '../helpers/e2e.js'

jest.setTimeout(120_000)

describe('annotations within GitHub limits', () => {
  test.concurrent(
    '15 failing files: 8 annotated, one "more" line, and the verdict: 10 errors',
    async () => {
      const files = Array.from({ length: 15 }, (_, i) =>
        file(`batch/part-${String(i).padStart(2, '0')}.parquet`),
      )
      const fileErrors = Object.fromEntries(
        files.map((_, i) => [i, `row ${i}: field "vector" is missing`]),
      )
      const r = await run({ jobs: { 'job-15': job([{ progress: 0.4, fileErrors }], files) } })
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('failed')
      const errors = commands(r.stdout, 'error')
      expect(errors).toHaveLength(10)
      expect(errors[0]).toBe(
        '::error title=Job job-15%3A batch/part-00.parquet::row 0: field "vector" is missing',
      )
      expect(errors[8]).toBe(
        '::error title=More errors::7 more errors are listed in the job summary ("What failed").',
      )
      expect(errors[9]).toBe(
        '::error::The import failed: 15 files of job job-15 reported errors (annotated above, all of them listed in the job summary). Fix the data and import again.',
      )
      // Each file error once in the log: its annotation, nothing repeats it.
      expect(r.stdout.match(/row 0: field/g)).toHaveLength(1)
      // The summary leads with all 15.
      const top = r.summary.slice(0, r.summary.indexOf('<h3>Job '))
      expect(top).toContain('<h3>What failed</h3>')
      expect(top.match(/<li>/g)).toHaveLength(15)
      expectKeyOnlyInMask(r, r.apiKey)
    },
  )

  test.concurrent(
    '20 transient faults that recover: 20 info lines, no yellow annotation',
    async () => {
      const jobs = Object.fromEntries(
        Array.from({ length: 20 }, (_, i) => [`job-${i}`, job([{ status: 503 }, 1])]),
      )
      const r = await run({ jobs, inputs: { timeout: '1m' } })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      expect(commands(r.stdout, 'warning')).toEqual([])
      expect(r.stdout.match(/HTTP 503 Service Unavailable from [^;]*; retry 1 in /g)).toHaveLength(
        20,
      )
    },
  )

  test.concurrent(
    '20 faults that persist: at most 9 warnings, the rest to the log, the verdict passes',
    async () => {
      const fault: Step = { status: 503 }
      const jobs = Object.fromEntries(
        Array.from({ length: 20 }, (_, i) => [`job-${i}`, job([fault, fault, fault, 1])]),
      )
      const r = await run({ jobs, inputs: { timeout: '1m' } })
      expect(r.code).toBe(0)
      const warnings = commands(r.stdout, 'warning')
      expect(warnings).toHaveLength(9)
      for (const warning of warnings) expect(warning).toMatch(/3 polls in a row failed/)
      // The other 11 are still in the log, as plain lines.
      expect(r.stdout.match(/^Job job-\d+: 3 polls in a row failed/gm)).toHaveLength(11)
      expect(commands(r.stdout, 'error')).toEqual([])
    },
  )
})

describe('outcomes that name the real cause', () => {
  test.concurrent(
    'a job stopped by another job\'s failure is "not checked", with the reason',
    async () => {
      const r = await run({
        jobs: {
          'job-bad': job([{ progress: 0.2, jobError: 'quota exceeded' }]),
          'job-slow': job([{ delayMs: 5_000, progress: 0.5 }]),
        },
      })
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('failed')
      expect(r.summary).toContain(
        '<h3>Job <code>job-slow</code>: ❓ not checked</h3>\n<p>Not checked: Polling stopped when job <code>job-bad</code> failed.</p>',
      )
    },
  )

  test.concurrent(
    'a refused key outranks nothing that failed: state error, one line that says why',
    async () => {
      const r = await run({
        jobs: { 'job-1': job([0.5]), 'job-2': job([0.5]) },
        apiKey: 'zk-wrong',
      })
      expect(r.outputs.state).toBe('error')
      expect(commands(r.stdout, 'error')).toEqual([
        expect.stringMatching(
          /^::error::Could not check the import: Zilliz Cloud refused the request for job job-1: code 80001/,
        ),
      ])
      expect(r.summary).toMatch(
        /<h3>What failed<\/h3>\n<ul>\n<li>Job <code>job-1<\/code>: could not check: Zilliz Cloud refused/,
      )
    },
  )
})
