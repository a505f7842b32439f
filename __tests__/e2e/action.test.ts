/**
 * End to end: the built bundle (dist/index.js) run as a child process the way
 * the runner runs it (INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY
 * files), against the simulator over real HTTP. `npm test` rebuilds dist first.
 *
 * Set E2E_NODE to run the bundle under another Node binary (e.g. Node 24).
 */
import { jest } from '@jest/globals'
import { commands, expectNoStackTrace, file, job, run } from '../helpers/e2e.js'

jest.setTimeout(60_000)

describe('dist/index.js as the runner runs it', () => {
  test.concurrent(
    'completes: exit 0, every output, a summary table and progress lines',
    async () => {
      const r = await run({
        jobs: {
          'job-ok': job(
            [0, 0.5, 1],
            [file('folder/1.parquet'), file('folder/2.parquet', 6_553_600)],
          ),
        },
      })
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('')
      // The key is masked before anything else is printed.
      expect(r.stdout.split('\n')[0]).toBe(`::add-mask::${r.apiKey}`)
      expect(r.stdout).not.toContain('::debug::')
      expect(r.outputs.state).toBe('completed')
      expect(r.outputs.progress).toBe('100')
      expect(r.outputs['collection-name']).toBe('medium_articles')
      expect(r.outputs['complete-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(r.outputs['error-message']).toBe('')
      expect(Number(r.outputs['elapsed-seconds'])).toBeGreaterThanOrEqual(2)
      const jobs = JSON.parse(r.outputs.jobs ?? '') as {
        jobId: string
        state: string
        details: unknown[]
      }[]
      expect(jobs.map((j) => [j.jobId, j.state, j.details.length])).toEqual([
        ['job-ok', 'completed', 2],
      ])
      expect(r.summary).toContain('<h2>Zilliz import: ✅ completed</h2>')
      expect(r.summary).toContain('<td>folder/1.parquet</td><td>18.7&nbsp;MiB</td><td>100%</td>')
      expect(r.summary).toContain('<td>folder/2.parquet</td><td>6.3&nbsp;MiB</td>')
      expect(r.stdout).toMatch(/Job job-ok: pending 0% \(0\/2 files done\), 0s elapsed/)
      expect(r.stdout).toMatch(/Job job-ok: importing 50% \(0\/2 files done\)/)
      expect(r.stdout).toMatch(/Job job-ok: completed 100% \(2\/2 files done\)/)
      expect(r.stdout).toContain('1 import job completed after')
      expect(r.requests).toBe(3)
    },
  )

  test.concurrent(
    'a file error fails the step at once, with an annotation titled by the file',
    async () => {
      const r = await run({
        jobs: {
          'job-bad': job(
            [0.1, { progress: 0.3, fileErrors: { 1: 'field "vector" has dim 512, expected 768' } }],
            [file('ok.parquet'), file('broken.parquet')],
          ),
        },
      })
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('failed')
      expect(r.outputs['error-message']).toBe('field "vector" has dim 512, expected 768')
      expect(commands(r.stdout, 'error')).toEqual([
        '::error title=Job job-bad%3A broken.parquet::field "vector" has dim 512, expected 768',
        // The verdict does not repeat the error: each file error appears once in the log.
        '::error::The import failed: 1 file of job job-bad reported an error (annotated above, all of them listed in the job summary). Fix the data and import again.',
      ])
      expect(r.summary).toContain('<h2>Zilliz import: ❌ failed</h2>')
      expect(r.summary).toContain('<td>field &quot;vector&quot; has dim 512, expected 768</td>')
      expect(r.requests).toBe(2) // no polling after the failure
      expectNoStackTrace(r)
    },
  )

  test.concurrent('a job error fails the step, and the other job stops too', async () => {
    const r = await run({
      jobs: {
        'job-slow': job([0.1]),
        'job-quota': job([0.2, { progress: 0.2, jobError: 'storage quota exceeded' }]),
      },
    })
    expect(r.code).toBe(1)
    expect(r.outputs.state).toBe('failed')
    expect(r.outputs['error-message']).toBe('storage quota exceeded')
    expect(commands(r.stdout, 'error')[0]).toBe(
      '::error title=Job job-quota::storage quota exceeded',
    )
    expect(r.summary).toContain('<h3>Job <code>job-slow</code>: 🔄 importing</h3>')
    expect(r.summary).toContain('<strong>Error:</strong> storage quota exceeded')
    expect(r.requests).toBeLessThanOrEqual(4)
  })

  test.concurrent(
    'the runner-sent defaults of action.yml (timeout and poll-interval as well) are accepted',
    async () => {
      // The helper's own poll-interval and timeout give way to action.yml's.
      const r = await run({
        jobs: { 'job-done': job([1]) },
        inputs: { 'poll-interval': '5s', timeout: '30m' },
      })
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('timeout 30m 00s, poll every 5s.')
      expect(r.outputs.state).toBe('completed')
    },
  )

  test.concurrent('a timeout fails the step by default', async () => {
    const r = await run({ jobs: { 'job-stuck': job([0.4]) }, inputs: { timeout: '3s' } })
    expect(r.code).toBe(1)
    expect(r.outputs.state).toBe('timed-out')
    expect(r.outputs.progress).toBe('40')
    expect(r.outputs['complete-time']).toBe('')
    expect(commands(r.stdout, 'error')).toEqual([
      '::error::Timed out after 3s at 40%25 overall; still running: job-stuck importing 40%25.',
    ])
    expect(r.summary).toContain('⏱️ timed out')
    // Polls at 0, 1, 2 and 3 s: the last one at the deadline.
    expect(r.requests).toBe(4)
  })

  test.concurrent(
    'fail-on-timeout: false turns a timeout into a warning and a passing step',
    async () => {
      const r = await run({
        jobs: { 'job-stuck': job([0.4]) },
        inputs: { timeout: '2s', 'fail-on-timeout': 'false' },
      })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('timed-out')
      expect(commands(r.stdout, 'error')).toEqual([])
      expect(commands(r.stdout, 'warning')).toEqual([
        '::warning::Timed out after 2s at 40%25 overall; still running: job-stuck importing 40%25. Passing because fail-on-timeout is false.',
      ])
    },
  )

  test.concurrent(
    'transient faults are retried as info lines, one warning at the third in a row, then it completes',
    async () => {
      const r = await run({
        jobs: {
          'job-flaky': job([
            { status: 503 },
            { status: 429, headers: { 'retry-after': '1' } },
            { status: 200, body: '<html>maintenance</html>' },
            { reset: true },
            0.5,
            1,
          ]),
        },
      })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      // Each retry is an info line; the third in a row earns the one warning that says so.
      const retries = r.stdout.split('\n').filter((line) => /; retry \d in /.test(line))
      expect(retries).toHaveLength(4)
      expect(retries[0]).toMatch(
        /^Job job-flaky: HTTP 503 Service Unavailable from .*; retry 1 in [\d.]+s$/,
      )
      expect(retries[1]).toMatch(/HTTP 429 Too Many Requests.*; retry 2 in /)
      expect(retries[2]).toMatch(/was not JSON: "<html>maintenance<\/html>"; retry 3 in /)
      expect(retries[3]).toMatch(/network error talking to .*; retry 4 in /)
      expect(commands(r.stdout, 'warning')).toEqual([
        expect.stringMatching(
          /^::warning::Job job-flaky: 3 polls in a row failed \(last: .*was not JSON.*\); still retrying until the timeout\.$/,
        ),
      ])
    },
  )

  test.concurrent('an invalid key stops at once with the server code and a hint', async () => {
    const r = await run({ jobs: { 'job-1': job([0.5]) }, apiKey: 'zk-wrong-key-0000000000' })
    expect(r.code).toBe(1)
    // Nothing is known of the import: the action could not check it.
    expect(r.outputs.state).toBe('error')
    expect(r.outputs['error-message']).toContain(
      'code 80001, "Invalid token: your token is not valid"',
    )
    expect(commands(r.stdout, 'error')).toEqual([
      expect.stringMatching(
        /^::error::Could not check the import: Zilliz Cloud refused the request for job job-1: code 80001, .*check the "api-key" secret\.$/,
      ),
    ])
    expect(r.summary).toMatch(/^<h2>Zilliz import: ⚠️ could not check the import<\/h2>/)
    expect(r.requests).toBe(1)
    expectNoStackTrace(r)
  })

  test.concurrent.each([
    [
      'job-id',
      { 'job-id': '' },
      'Input "job-id" is empty: the step that started the import produced no job ID.',
    ],
    [
      'job-id null',
      { 'job-id': 'null' },
      'Input "job-id" is "null": the step that started the import produced no job ID.',
    ],
    [
      'job-id undefined',
      { 'job-id': 'undefined' },
      'Input "job-id" is "undefined": the step that started the import produced no job ID.',
    ],
    [
      'region',
      { endpoint: '', region: 'gcp-us-west1.evil.com' },
      'Input "region" must be a Zilliz Cloud region ID',
    ],
    ['endpoint', { endpoint: 'http://192.0.2.10:8080' }, 'Input "endpoint" must use https://'],
    ['timeout', { timeout: 'forever' }, 'Input "timeout" must be a duration'],
    ['poll-interval', { 'poll-interval': '0.5' }, 'Input "poll-interval" must be a duration'],
    ['cluster-id', { 'cluster-id': 'in03 x' }, 'Input "cluster-id" must be a cluster ID'],
  ])(
    'bad input %s: one clear line, no request, no stack trace',
    async (_name, inputs, expected) => {
      const r = await run({ jobs: { 'job-1': job([1]) }, inputs })
      expect(r.code).toBe(1)
      const errors = commands(r.stdout, 'error')
      expect(errors).toHaveLength(1)
      expect(errors[0]).toContain(`::error::${expected}`)
      expect(r.requests).toBe(0)
      // Later steps still learn what happened, and the summary says it.
      expect(r.outputs.state).toBe('error')
      expect(r.outputs['error-message']).toContain(expected)
      // Every output is set, so a later step's fromJSON(jobs) reads an empty list.
      expect(r.outputs).toMatchObject({ progress: '0', jobs: '[]', 'elapsed-seconds': '0' })
      expect(Object.keys(r.outputs).sort()).toEqual([
        'collection-name',
        'complete-time',
        'elapsed-seconds',
        'error-message',
        'jobs',
        'progress',
        'state',
      ])
      expect(r.summary).toMatch(
        /^<h2>Zilliz import: ⚠️ could not check the import<\/h2>\n<p>The inputs were refused, so nothing was asked of the API\.<\/p>/,
      )
      expectNoStackTrace(r)
    },
  )

  test.concurrent('two jobs are waited on together', async () => {
    const r = await run({
      jobs: {
        'job-a': job([0, 0.5, 1]),
        'job-b': { collectionName: 'images', files: [file('img.json', 1_000)], script: [0.5, 1] },
      },
    })
    expect(r.code).toBe(0)
    expect(r.outputs['collection-name']).toBe('medium_articles,images')
    const jobs = JSON.parse(r.outputs.jobs ?? '') as { jobId: string; state: string }[]
    expect(jobs.map((j) => [j.jobId, j.state])).toEqual([
      ['job-a', 'completed'],
      ['job-b', 'completed'],
    ])
    expect(r.summary).toContain('<p>2 jobs · 100% overall')
    // job-b finished on its second poll, job-a on its third: 5 requests in all.
    expect(r.requests).toBe(5)
  })

  test.concurrent(
    'outside a runner (no GITHUB_STEP_SUMMARY) the summary is skipped with a warning',
    async () => {
      const r = await run({ jobs: { 'job-1': job([1]) }, env: { GITHUB_STEP_SUMMARY: '' } })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      expect(commands(r.stdout, 'warning')).toEqual([
        expect.stringMatching(
          /^::warning::Could not write the job summary: Unable to find environment variable/,
        ),
      ])
    },
  )

  test.concurrent('many jobs share the rate limit without warnings on stderr', async () => {
    const ids = Array.from({ length: 15 }, (_, i) => `job-${i}`)
    const r = await run({ jobs: Object.fromEntries(ids.map((id) => [id, job([0.5, 1])])) })
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.outputs.state).toBe('completed')
    expect(r.requests).toBe(30)
    // Slots are 200 ms apart (exact spacing is asserted on the virtual clock in
    // wait.test.ts). Arrival gaps on a busy machine can bunch when a timer fires
    // late; the average rate over the run cannot exceed 5 requests a second.
    const span = (r.requestTimes.at(-1) ?? 0) - (r.requestTimes[0] ?? 0)
    expect((r.requestTimes.length - 1) / (span / 1_000)).toBeLessThanOrEqual(5.05)
  })

  test.concurrent.each(['SIGINT', 'SIGTERM'] as const)(
    '%s: stops at once, writes the summary and state=cancelled, exits non-zero',
    async (signal) => {
      const r = await run({
        jobs: { 'job-long': job([0.25]) },
        inputs: { 'poll-interval': '30s', timeout: '10m' },
        signal: { signal, when: (stdout) => stdout.includes('importing 25%') },
      })
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('cancelled')
      expect(r.outputs.progress).toBe('25')
      expect(r.summary).toContain('🚫 cancelled')
      expect(r.stdout).toContain(`Received ${signal}: stopping`)
      expect(commands(r.stdout, 'error')).toEqual([
        '::error::Cancelled after 0s; last known: job-long importing 25%25.',
      ])
      // The next poll was 30 s away: exiting within a few seconds proves the sleep was cut.
      expect(r.signalToExitMs).toBeLessThan(5_000)
      console.info(`${signal} to exit: ${r.signalToExitMs ?? '?'} ms`)
    },
  )

  test.concurrent('with runner debug on, raw answers are logged at debug level', async () => {
    const r = await run({ jobs: { 'job-dbg': job([1]) }, env: { RUNNER_DEBUG: '1' } })
    expect(r.code).toBe(0)
    const debug = r.stdout.split('\n').filter((line) => line.startsWith('::debug::'))
    expect(debug).toHaveLength(1)
    expect(debug[0]).toMatch(
      /^::debug::GET \/v1\/vector\/collections\/import\/get\?jobId=job-dbg&clusterId=in03-simulator0001 -> HTTP 200: \{"code":200,"data":\{/,
    )
  })

  test.concurrent(
    'a server that echoes the key: it appears only in the add-mask line',
    async () => {
      const r = await run({
        jobs: {
          'job-echo': job([
            { status: 502, body: '<html>proxy saw {{authorization}}</html>' },
            {
              progress: 0.5,
              fileErrors: { 0: 'denied for {{authorization}}' },
              jobError: 'key {{authorization}}',
            },
          ]),
        },
      })
      expect(r.code).toBe(1)
      const everywhere = [r.stdout, r.stderr, r.summary, JSON.stringify(r.outputs)].join('\n')
      const lines = everywhere.split('\n').filter((line) => line.includes(r.apiKey))
      expect(lines).toEqual([`::add-mask::${r.apiKey}`])
      expect(r.outputs['error-message']).toBe('key Bearer ***')
      // "*" is escaped in the summary (it is markdown); it renders as "Bearer ***".
      expect(r.summary).toContain('denied for Bearer &#42;&#42;&#42;')
    },
  )
})
