/** The gate in the existing renderers: the start line, the verdict, the summary and the outputs. */
import type { GateRecord, JobStatus, JobWrite, Outcome, OutcomeState } from '../src/job.js'
import type { Settings } from '../src/inputs.js'
import { startLine, verdict } from '../src/report/log.js'
import { outputValues } from '../src/report/outputs.js'
import { GATE_NOTES_MAX, renderSummary } from '../src/report/summary.js'
import { importJob, outcome } from './helpers/outcomes.js'
import { gateRecord } from './helpers/gate.js'

const api = { product: 'Milvus', host: '127.0.0.1:19530' }
const w = (
  call: JobWrite['call'],
  mark: JobWrite['mark'],
  answer = 'HTTP 200, code 0',
): JobWrite => ({
  call,
  mark,
  answer,
})
const gate = gateRecord
const withGate = (state: OutcomeState, jobs: JobStatus[], g: GateRecord = gate()): Outcome => ({
  ...outcome(state, jobs),
  gate: g,
})
const committed = (jobId: string): JobStatus => ({
  jobId,
  job: importJob(jobId, { importedRows: 10, totalRows: 10 }),
  writes: [w('commit', 'committed')],
})
const held = (jobId: string, writes?: JobWrite[]): JobStatus => ({
  jobId,
  job: importJob(jobId, { state: 'uncommitted', progress: 99, completeTime: undefined }),
  ...(writes === undefined ? {} : { writes }),
})
const rowsFailed = {
  expected: { count: 30_000, atLeast: false },
  imported: 25_000,
  passed: false,
  uncounted: [],
}

describe('startLine: the gate is announced before anything is written', () => {
  const base: Settings = {
    jobIds: ['a'],
    apiKey: 'k',
    target: { api: 'v2', product: 'Milvus', baseUrl: new URL('http://127.0.0.1:19530') },
    timeoutMs: 60_000,
    pollIntervalMs: 5_000,
    failOnTimeout: true,
    gate: { commit: false, abortOn: new Set() },
  }
  const tail = (gateSettings: Settings['gate']): string =>
    startLine({ ...base, gate: gateSettings }).replace(/^.*poll every 5s\./, '')
  test('nothing asked: nothing said', () => {
    expect(tail(base.gate)).toBe('')
  })
  test('commit, with and without more abort reasons', () => {
    expect(tail({ commit: true, abortOn: new Set(['failure']) })).toBe(
      ' Gate: then commit every job once all are Uncommitted (all or nothing); abort them all on a failure.',
    )
    expect(tail({ commit: true, abortOn: new Set(['failure', 'cancel', 'timeout']) })).toBe(
      ' Gate: then commit every job once all are Uncommitted (all or nothing); abort them all on a failure or cancel or timeout.',
    )
  })
  test('abort-on alone, and expected-rows', () => {
    expect(
      tail({
        commit: false,
        abortOn: new Set(['timeout', 'failure']),
        expectedRows: { count: 5, atLeast: true },
      }),
    ).toBe(
      ' Gate: abort the jobs still running or held on timeout or failure; expect at least 5 rows over all jobs.',
    )
  })
})

describe('verdict with the gate', () => {
  test('committed and completed; the headline follows', () => {
    expect(verdict(withGate('completed', [committed('a'), committed('b')]), true, api)).toEqual({
      level: 'success',
      message:
        '2 import jobs committed and completed after 1m 05s. All or nothing: all 2 jobs committed; their data is visible.',
    })
  })
  test('a row mismatch: the step fails, naming both counts', () => {
    const o = withGate(
      'failed',
      [held('a', [w('abort', 'aborted')])],
      gate({ rows: rowsFailed, abortReason: 'rows' }),
    )
    expect(verdict(o, true, api)).toEqual({
      level: 'failure',
      message:
        'The row check failed: expected-rows asked for exactly 30,000 rows; the jobs imported 25,000 rows: a mismatch. ' +
        'All or nothing: none of the data became visible (the row check failed): a is aborted.',
    })
  })
  test('a commit that did not go through: the step fails, saying what is visible', () => {
    const o = withGate('error', [
      committed('a'),
      held('b', [w('commit', 'commit-failed', 'code 2100')]),
    ])
    expect(verdict(o, true, api).message).toBe(
      'The commit did not go through. Commit of job b: refused (code 2100). ' +
        'Not all or nothing: the data of a is visible; b is held, not visible (commit or abort it).',
    )
  })
  test('a timeout with aborts: the timeout verdict, then the gate', () => {
    const o = withGate(
      'timed-out',
      [
        {
          jobId: 'a',
          job: importJob('a', { state: 'importing', progress: 40 }),
          writes: [w('abort', 'aborted')],
        },
      ],
      gate({ mode: 'abort', abortReason: 'timeout', abortTargets: ['a'] }),
    )
    const v = verdict(o, false, api)
    expect(v.level).toBe('warning')
    expect(v.message).toMatch(
      /^Timed out after 1m 05s .*Passing because fail-on-timeout is false\. After the aborts \(the timeout passed\): a is aborted\.$/,
    )
  })
  test('a cancel after a refused commit is still the cancel verdict, with the gate after it', () => {
    const o = withGate('cancelled', [held('a', [w('commit', 'commit-failed', 'code 1')])])
    expect(verdict(o, true, api).message).toMatch(/^Cancelled after 1m 05s; last known: /)
  })
  test('completed with some jobs committed and some auto-committed: "committed and completed"', () => {
    const o = withGate('completed', [committed('a'), { jobId: 'b', job: importJob('b') }])
    expect(verdict(o, true, api).message).toMatch(/^2 import jobs committed and completed after/)
  })
  test('completed without writes reads as before', () => {
    expect(
      verdict(withGate('completed', [{ jobId: 'a', job: importJob('a') }]), true, api).message,
    ).toBe('1 import job completed after 1m 05s.')
  })
})

describe('summary with the gate', () => {
  test('the gate leads: headline, then notes, then what failed, then the jobs', () => {
    const o = withGate(
      'failed',
      [
        held('a', [w('abort', 'aborted')]),
        { jobId: 'f', job: importJob('f', { state: 'failed', errorMessage: 'bad <row>' }) },
      ],
      gate({
        abortReason: 'failure',
        abortTargets: ['a'],
        leftAlone: [{ jobId: 'f', why: 'it failed' }],
      }),
    )
    const html = renderSummary(o, { product: 'Milvus' })
    const order = [
      '<h2>Milvus import: ❌ failed</h2>',
      '<p><strong>All or nothing: none of the data became visible (a job failed): a is aborted; f is not visible.</strong></p>',
      '<li>Abort of job a: aborted (HTTP 200, code 0).</li>',
      '<li>Not aborted: job f (it failed).</li>',
      '<h3>What failed</h3>',
      '<h3>Job <code>a</code>: ⏸️ uncommitted · 🗑️ aborted</h3>',
      '<h3>Job <code>f</code>: ❌ failed</h3>',
    ].map((part) => html.indexOf(part))
    expect(order.every((at) => at >= 0)).toBe(true)
    expect([...order].sort((x, y) => x - y)).toEqual(order)
    // A held job the gate wrote to does not get the "commit it yourself" note.
    expect(html).not.toContain('not visible until the job is committed')
  })

  test('each mark has its label; the heading says what a commit error means', () => {
    const partial = renderSummary(
      withGate('error', [committed('a'), held('b', [w('commit', 'commit-failed')])]),
    )
    expect(partial).toContain('<h2>Zilliz import: ⚠️ partly committed</h2>')
    expect(partial).toContain('Job <code>a</code>: ✅ completed · 🔓 committed')
    expect(partial).toContain('Job <code>b</code>: ⏸️ uncommitted · ⛔ commit failed')
    const none = renderSummary(
      withGate('error', [held('b', [w('commit', 'commit-failed'), w('abort', 'abort-refused')])]),
    )
    expect(none).toContain('<h2>Zilliz import: ⚠️ not committed</h2>')
    expect(none).toContain('⛔ abort refused')
    // An error with no commit failure is still "could not check".
    const plain = renderSummary(withGate('error', [{ jobId: 'x', problem: 'HTTP 401' }]))
    expect(plain).toContain('⚠️ could not check the import')
    expect(plain).toContain('<h3>Job <code>x</code>: ⚠️ could not check</h3>')
    const unread = renderSummary(
      withGate('cancelled', [{ jobId: 'y', writes: [w('abort', 'abort-refused')] }]),
    )
    expect(unread).toContain('<h3>Job <code>y</code>: ❓ not checked · ⛔ abort refused</h3>')
  })

  test('notes are escaped, and capped', () => {
    const many = Array.from({ length: GATE_NOTES_MAX + 5 }, (_, i) =>
      held(`j${i}`, [w('abort', 'aborted', `<b>${i}</b>`)]),
    )
    const html = renderSummary(withGate('failed', many, gate({ abortReason: 'failure' })))
    expect(html).toContain('Abort of job j0: aborted (&lt;b&gt;0&lt;/b&gt;).')
    expect(html).not.toContain('<b>0</b>')
    expect(html).toContain(`Abort of job j${GATE_NOTES_MAX - 1}:`)
    expect(html).not.toContain(`Abort of job j${GATE_NOTES_MAX}:`)
    expect(html).toContain('<li>and 5 more (in the log)</li>')
  })

  test('rows that may not be a success: warned in the summary, unless expected-rows checked them', () => {
    const zero = { jobId: 'z', job: importJob('z', { totalRows: 0 }) }
    expect(renderSummary(outcome('completed', [zero]))).toContain(
      '<li>⚠️ Job z finished with 0 rows: a success that may not be one.',
    )
    const checked = {
      ...rowsFailed,
      expected: { count: 0, atLeast: false },
      imported: 0,
      passed: true,
    }
    const html = renderSummary(
      withGate('completed', [zero], gate({ mode: 'abort', rows: checked })),
    )
    expect(html).not.toContain('finished with 0 rows')
    expect(html.match(/<li>/g)).toHaveLength(1)
    expect(html).toContain(
      '<li>expected-rows asked for exactly 0 rows; the jobs imported 0 rows: as expected.</li>',
    )
  })

  test('a failed run with a row mismatch keeps the failed heading', () => {
    const o = withGate('failed', [committed('a')], gate({ mode: 'abort', rows: rowsFailed }))
    expect(renderSummary(o)).toContain('<h2>Zilliz import: ❌ failed</h2>')
  })

  test('notes with no headline: the list alone; a headline with no notes: the line alone', () => {
    const passed = { ...rowsFailed, imported: 30_000, passed: true }
    const notesOnly = renderSummary(
      withGate(
        'completed',
        [{ jobId: 'a', job: importJob('a') }],
        gate({ mode: 'abort', rows: passed }),
      ),
    )
    expect(notesOnly).toContain(
      '<p>1 job · 100% overall · waited 1m 05s</p>\n<ul>\n<li>expected-rows asked for exactly 30,000 rows; the jobs imported 30,000 rows: as expected.</li>\n</ul>\n<h3>Job',
    )
    const headlineOnly = renderSummary(withGate('timed-out', [held('a')]))
    expect(headlineOnly).toContain(
      '<p><strong>All or nothing: none of the data became visible: a is held, not visible (commit or abort it).</strong></p>\n<h3>Job',
    )
  })

  test('exactly the cap of notes: no "more" line', () => {
    const jobs = Array.from({ length: GATE_NOTES_MAX }, (_, i) =>
      held(`j${i}`, [w('abort', 'aborted')]),
    )
    const html = renderSummary(withGate('failed', jobs, gate({ abortReason: 'failure' })))
    expect(html).not.toContain('more (in the log)')
    expect(html.match(/<li>Abort of job/g)).toHaveLength(GATE_NOTES_MAX)
  })

  test('no gate, no warnings: no gate section at all', () => {
    const html = renderSummary(outcome('completed', [{ jobId: 'a', job: importJob('a') }]))
    expect(html).not.toContain('<ul>')
    expect(html).not.toContain('<strong>')
  })
})

describe('outputs with the gate', () => {
  test('jobs[].commit: the last write, absent for jobs left alone', () => {
    const { values } = outputValues(
      withGate('error', [
        committed('a'),
        held('b', [w('commit', 'commit-failed'), w('abort', 'aborted')]),
        held('c'),
        {
          jobId: 'd',
          job: importJob('d', { state: 'importing' }),
          writes: [w('abort', 'abort-refused')],
        },
      ]),
    )
    const jobs = JSON.parse(values.jobs) as Record<string, unknown>[]
    expect(jobs.map((j) => j.commit)).toEqual(['committed', 'aborted', undefined, 'abort-refused'])
    expect(jobs[2]).not.toHaveProperty('commit')
  })
  test('error-message: a job error first; else the gate failure and where the data stands', () => {
    const partial = outputValues(
      withGate('error', [committed('a'), held('b', [w('commit', 'commit-failed', 'code 9')])]),
    )
    expect(partial.values['error-message']).toBe(
      'The commit did not go through. Commit of job b: refused (code 9). Not all or nothing: the data of a is visible; b is held, not visible (commit or abort it).',
    )
    const failed = outputValues(
      withGate(
        'failed',
        [{ jobId: 'f', job: importJob('f', { state: 'failed', errorMessage: 'bad row' }) }],
        gate({ rows: rowsFailed }),
      ),
    )
    expect(failed.values['error-message']).toBe('bad row')
    const rows = outputValues(
      withGate(
        'failed',
        [{ jobId: 'a', job: importJob('a') }],
        gate({ mode: 'abort', rows: rowsFailed }),
      ),
    )
    expect(rows.values['error-message']).toBe(
      'The row check failed: expected-rows asked for exactly 30,000 rows; the jobs imported 25,000 rows: a mismatch.',
    )
    expect(outputValues(withGate('completed', [committed('a')])).values['error-message']).toBe('')
    // A partial state with no failed commit (a cancel between commits) still reaches later steps.
    const cancelled = outputValues(withGate('cancelled', [committed('a'), held('b')]))
    expect(cancelled.values['error-message']).toBe(
      'Not all or nothing: the data of a is visible; b is held, not visible (commit or abort it).',
    )
  })
})
