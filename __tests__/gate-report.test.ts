import {
  autoCommitNote,
  gateFailure,
  gateHeadline,
  gateNotes,
  jobList,
  visibilityOf,
  writeEventLine,
  writeText,
} from '../src/report/gate.js'
import type {
  GateRecord,
  JobState,
  JobStatus,
  JobWrite,
  Outcome,
  OutcomeState,
} from '../src/job.js'
import { gateRecord, jobStatus } from './helpers/gate.js'

const w = (
  call: JobWrite['call'],
  mark: JobWrite['mark'],
  extra: Partial<JobWrite> = {},
): JobWrite => ({
  call,
  mark,
  answer: 'HTTP 200, code 0',
  ...extra,
})
const status = (
  jobId: string,
  state?: JobState,
  writes?: JobWrite[],
  unknownState?: string,
): JobStatus =>
  jobStatus(jobId, state, {
    ...(writes === undefined ? {} : { writes }),
    ...(unknownState === undefined ? {} : { job: { unknownState } }),
  })
const gate = gateRecord
const outcome = (
  jobs: JobStatus[],
  g: GateRecord | null = gate(),
  state: OutcomeState = 'completed',
): Outcome => ({
  state,
  jobs,
  elapsedMs: 1_000,
  ...(g === null ? {} : { gate: g }),
})

describe('visibilityOf', () => {
  test.each<[string, JobStatus, string]>([
    [
      'aborted, whatever the state read',
      status('a', 'uncommitted', [w('abort', 'aborted')]),
      'discarded',
    ],
    ['completed', status('a', 'completed'), 'visible'],
    [
      'completed after a refused abort',
      status('a', 'completed', [w('abort', 'abort-refused')]),
      'visible',
    ],
    ['committing', status('a', 'committing'), 'becoming visible'],
    [
      'committed, still read as uncommitted',
      status('a', 'uncommitted', [w('commit', 'committed')]),
      'becoming visible',
    ],
    [
      'a commit with no answer',
      status('a', 'uncommitted', [w('commit', 'commit-failed', { unanswered: true })]),
      'unknown',
    ],
    [
      'a refused commit: still held',
      status('a', 'uncommitted', [w('commit', 'commit-failed')]),
      'held',
    ],
    [
      'an abort with no answer: still held',
      status('a', 'uncommitted', [w('abort', 'abort-refused', { unanswered: true })]),
      'held',
    ],
    ['uncommitted', status('a', 'uncommitted'), 'held'],
    ['never read', status('a'), 'unknown'],
    ['an unknown state', status('a', 'importing', undefined, 'Odd'), 'unknown'],
    ['importing', status('a', 'importing'), 'importing'],
    ['pending', status('a', 'pending'), 'importing'],
    ['failed', status('a', 'failed'), 'not visible'],
  ])('%s: %s', (_name, s, expected) => {
    expect(visibilityOf(s)).toBe(expected)
  })
})

describe('jobList', () => {
  test('names, "and", and at most max before "and N more"', () => {
    expect(jobList([])).toBe('')
    expect(jobList(['a'])).toBe('a')
    expect(jobList(['a', 'b'])).toBe('a and b')
    expect(jobList(['a', 'b', 'c'])).toBe('a, b and c')
    expect(jobList(['a', 'b', 'c'], 2)).toBe('a, b and 1 more')
    expect(jobList(Array.from({ length: 12 }, (_, i) => `j${i}`))).toBe(
      'j0, j1, j2, j3, j4, j5, j6, j7, j8, j9 and 2 more',
    )
    expect(jobList(['a', 'b'], 2)).toBe('a and b')
  })
})

describe('gateHeadline', () => {
  test('no gate, or a gate that did nothing: nothing to say', () => {
    expect(gateHeadline(outcome([status('a', 'completed')], null))).toBeUndefined()
    expect(gateHeadline(outcome([status('a', 'completed')]))).toBeUndefined()
    expect(gateHeadline(outcome([status('a', 'failed')]))).toBeUndefined()
    expect(
      gateHeadline(outcome([status('a', 'importing')], gate({ mode: 'abort' }), 'timed-out')),
    ).toBeUndefined()
  })

  test('all committed, some still committing', () => {
    expect(
      gateHeadline(
        outcome([status('a', 'completed', [w('commit', 'committed')]), status('b', 'completed')]),
      ),
    ).toBe('All or nothing: all 2 jobs committed; their data is visible.')
    expect(gateHeadline(outcome([status('a', 'committing', [w('commit', 'committed')])]))).toBe(
      'All or nothing: all 1 job committed; their data is visible; 1 still committing when the wait ended.',
    )
  })

  test('none visible: every group named, with the reason', () => {
    const o = outcome(
      [
        status('a', 'uncommitted', [w('abort', 'aborted')]),
        status('b', 'failed'),
        status('c', 'uncommitted', [w('abort', 'abort-refused')]),
      ],
      gate({ abortReason: 'failure' }),
      'failed',
    )
    // A held job whose abort was refused may be committing by another hand.
    expect(gateHeadline(o)).toBe(
      'Not all or nothing: a is aborted; b is not visible; whether c is visible is not known.',
    )
    const noCall = outcome(
      [
        status('a', 'uncommitted', [w('abort', 'aborted')]),
        status('b', 'failed'),
        status('c', 'uncommitted', [w('abort', 'abort-refused', { unsupported: true })]),
        status('d', 'uncommitted', [w('abort', 'abort-refused', { unanswered: true })]),
      ],
      gate({ abortReason: 'failure' }),
      'failed',
    )
    expect(gateHeadline(noCall)).toBe(
      'All or nothing: none of the data became visible (a job failed): c and d are held, not visible (commit or abort them); a is aborted; b is not visible.',
    )
    const reasons = {
      rows: 'the row check failed',
      timeout: 'the timeout passed',
      cancel: 'the run was cancelled',
    } as const
    for (const [reason, text] of Object.entries(reasons)) {
      const held = outcome(
        [status('a', 'uncommitted', [w('abort', 'aborted')])],
        gate({ abortReason: reason as keyof typeof reasons }),
      )
      expect(gateHeadline(held)).toBe(
        `All or nothing: none of the data became visible (${text}): a is aborted.`,
      )
    }
  })

  test('held jobs with no write (a cancel before the commit): still said', () => {
    expect(gateHeadline(outcome([status('a', 'uncommitted'), status('b', 'uncommitted')]))).toBe(
      'All or nothing: none of the data became visible: a and b are held, not visible (commit or abort them).',
    )
  })

  test('partial: exactly where each job stands, never "all or nothing"', () => {
    const o = outcome([
      status('v', 'completed', [w('commit', 'committed')]),
      status('g', 'committing', [w('commit', 'committed')]),
      status('h1', 'uncommitted', [w('commit', 'commit-failed')]),
      status('h2', 'uncommitted'),
      status('i', 'importing'),
      status('u', 'uncommitted', [w('commit', 'commit-failed', { unanswered: true })]),
    ])
    expect(gateHeadline(o)).toBe(
      'Not all or nothing: the data of v is visible; g is committed and becoming visible; h1 and h2 are held, not visible (commit or abort them); i is still importing, not visible yet; whether u is visible is not known.',
    )
  })

  test('a job still importing, or unknown, is not "none visible"', () => {
    const importing = outcome(
      [
        status('a', 'uncommitted', [w('abort', 'aborted')]),
        status('b', 'importing', [w('abort', 'abort-refused')]),
      ],
      gate({ abortReason: 'timeout' }),
    )
    expect(gateHeadline(importing)).toBe(
      'Not all or nothing: a is aborted; b is still importing, not visible yet.',
    )
    const unknown = outcome(
      [status('a', 'uncommitted', [w('abort', 'aborted')]), status('b')],
      gate({ abortReason: 'failure' }),
    )
    expect(gateHeadline(unknown)).toBe(
      'Not all or nothing: a is aborted; whether b is visible is not known.',
    )
  })

  test('one job unknown and one importing: neither lets "none visible" be said', () => {
    const o = outcome(
      [status('a', 'uncommitted', [w('abort', 'aborted')]), status('b'), status('c', 'importing')],
      gate({ abortReason: 'failure' }),
    )
    expect(gateHeadline(o)).toBe(
      'Not all or nothing: a is aborted; c is still importing, not visible yet; whether b is visible is not known.',
    )
    const visibleAndUnknown = outcome(
      [status('v', 'completed'), status('u'), status('h', 'uncommitted', [w('abort', 'aborted')])],
      gate({ abortReason: 'failure' }),
    )
    expect(gateHeadline(visibleAndUnknown)).toMatch(
      /^Not all or nothing: the data of v is visible;/,
    )
  })

  test('abort-on alone: "after the aborts", once something was written', () => {
    const o = outcome(
      [
        status('a', 'importing', [w('abort', 'aborted')]),
        status('b', 'completed'),
        status('c', 'importing', [w('abort', 'abort-refused')]),
      ],
      gate({ mode: 'abort', abortReason: 'timeout' }),
      'timed-out',
    )
    expect(gateHeadline(o)).toBe(
      'After the aborts (the timeout passed): the data of b is visible; a is aborted; c is still importing, not visible yet.',
    )
  })
})

describe('writeText and writeEventLine', () => {
  test('each outcome of a write, with the answer', () => {
    expect(writeText('j', w('commit', 'committed'))).toBe(
      'Commit of job j: committed (HTTP 200, code 0).',
    )
    expect(writeText('j', w('commit', 'commit-failed', { answer: 'code 2100' }))).toBe(
      'Commit of job j: refused (code 2100).',
    )
    expect(writeText('j', w('abort', 'aborted'))).toBe(
      'Abort of job j: aborted (HTTP 200, code 0).',
    )
    expect(writeText('j', w('abort', 'abort-refused', { answer: 'code 2100' }))).toBe(
      'Abort of job j: refused (code 2100).',
    )
    expect(
      writeText('j', w('commit', 'commit-failed', { answer: 'HTTP 404', unsupported: true })),
    ).toBe(
      'Commit of job j: this server has no two-phase import (HTTP 404), so nothing was committed by this call.',
    )
    expect(
      writeText('j', w('abort', 'abort-refused', { answer: 'HTTP 404', unsupported: true })),
    ).toBe(
      'Abort of job j: this server has no two-phase import (HTTP 404), so nothing was discarded by this call.',
    )
    expect(
      writeText('j', w('abort', 'abort-refused', { answer: 'no answer: reset', unanswered: true })),
    ).toBe('Abort of job j: no answer: reset; whether it took effect is not known.')
    expect(writeText('j', w('abort', 'aborted', { answer: 'x'.repeat(1_000) }))).toHaveLength(
      'Abort of job j: aborted ().'.length + 400,
    )
  })

  test('attempts: sent again, or not', () => {
    expect(
      writeEventLine({
        call: 'commit',
        jobId: 'j',
        attempt: 1,
        fault: 'HTTP 503',
        retryInMs: 1_500,
      }),
    ).toBe('Commit of job j, attempt 1: HTTP 503; sending it again in 1.5s.')
    // Sub-second backoffs (aborts after a cancel) keep their tenths; long ones read as durations.
    expect(
      writeEventLine({ call: 'abort', jobId: 'j', attempt: 1, fault: 'x', retryInMs: 250 }),
    ).toBe('Abort of job j, attempt 1: x; sending it again in 0.3s.')
    expect(
      writeEventLine({ call: 'abort', jobId: 'j', attempt: 1, fault: 'x', retryInMs: 9_999 }),
    ).toBe('Abort of job j, attempt 1: x; sending it again in 10.0s.')
    expect(
      writeEventLine({ call: 'abort', jobId: 'j', attempt: 1, fault: 'x', retryInMs: 10_000 }),
    ).toBe('Abort of job j, attempt 1: x; sending it again in 10s.')
    expect(
      writeEventLine({ call: 'commit', jobId: 'j', attempt: 1, fault: 'x', retryInMs: 65_000 }),
    ).toBe('Commit of job j, attempt 1: x; sending it again in 1m 05s.')
    expect(writeEventLine({ call: 'abort', jobId: 'j', attempt: 3, fault: 'reset' })).toBe(
      'Abort of job j, attempt 3: reset; not sent again.',
    )
    expect(
      writeEventLine({ call: 'abort', jobId: 'j', attempt: 1, settled: w('abort', 'aborted') }),
    ).toBe('Abort of job j: aborted (HTTP 200, code 0).')
  })
})

describe('gateNotes', () => {
  const rows = {
    expected: { count: 10, atLeast: false },
    imported: 9,
    passed: false,
    uncounted: [],
  }
  const o = outcome(
    [
      status('a', 'completed'),
      status('b', 'uncommitted', [
        w('commit', 'commit-failed', { answer: 'no' }),
        w('abort', 'aborted'),
      ]),
      status('c', 'failed'),
    ],
    gate({
      rows,
      autoCommitted: ['a'],
      notCommitted: ['x', 'y'],
      abortReason: 'failure',
      abortTargets: ['b'],
      leftAlone: [{ jobId: 'c', why: 'it failed' }],
    }),
  )
  test('the row check, auto-commits, each write in order, commits not sent, jobs left alone', () => {
    expect(gateNotes(o)).toEqual([
      'expected-rows asked for exactly 10 rows; the jobs imported 9 rows: a mismatch.',
      autoCommitNote(['a']),
      'Commit of job b: refused (no).',
      'Abort of job b: aborted (HTTP 200, code 0).',
      'Not sent: the commit of x and y (commits stop at the first that fails, or at a cancel).',
      'Not aborted: job c (it failed).',
    ])
  })
  test('for the log: no writes or auto-commits (said as they happened)', () => {
    expect(gateNotes(o, true)).toEqual([
      'expected-rows asked for exactly 10 rows; the jobs imported 9 rows: a mismatch.',
      'Not sent: the commit of x and y (commits stop at the first that fails, or at a cancel).',
      'Not aborted: job c (it failed).',
    ])
  })
  test('jobs left alone are named only when aborts were called for', () => {
    const quiet = outcome(
      [status('c', 'failed')],
      gate({ leftAlone: [{ jobId: 'c', why: 'it failed' }] }),
    )
    expect(gateNotes(quiet)).toEqual([])
    expect(gateNotes(outcome([status('a', 'completed')], null))).toEqual([])
  })
  test('autoCommitNote: one job or several', () => {
    expect(autoCommitNote(['a'])).toBe(
      'Job a reached Completed without waiting at Uncommitted: it was created with auto-commit, so its data is visible whatever happens to the others. To hold jobs for this gate, create them with "options": {"auto_commit": "false"}.',
    )
    expect(autoCommitNote(['a', 'b'])).toBe(
      'Jobs a and b reached Completed without waiting at Uncommitted: they were created with auto-commit, so their data is visible whatever happens to the others. To hold jobs for this gate, create them with "options": {"auto_commit": "false"}.',
    )
  })
})

describe('gateFailure', () => {
  test('a row mismatch first, then the first commit that did not go through', () => {
    const rows = {
      expected: { count: 10, atLeast: true },
      imported: 9,
      passed: false,
      uncounted: [],
    }
    expect(gateFailure(outcome([status('a', 'uncommitted')], gate({ rows })))).toBe(
      'The row check failed: expected-rows asked for at least 10 rows; the jobs imported 9 rows: a mismatch.',
    )
    const commits = outcome([
      status('a', 'completed', [w('commit', 'committed')]),
      status('b', 'uncommitted', [w('commit', 'commit-failed', { answer: 'code 1' })]),
      status('c', 'uncommitted', [w('commit', 'commit-failed', { answer: 'code 2' })]),
    ])
    expect(gateFailure(commits)).toBe(
      'The commit did not go through. Commit of job b: refused (code 1).',
    )
    const unanswered = outcome([
      status('a', 'uncommitted', [
        w('commit', 'commit-failed', { answer: 'no answer: reset', unanswered: true }),
      ]),
    ])
    expect(gateFailure(unanswered)).toBe(
      'A commit got no answer. Commit of job a: no answer: reset; whether it took effect is not known.',
    )
  })
  test('nothing failed: undefined (a refused abort is not a failure)', () => {
    const passed = {
      expected: { count: 1, atLeast: true },
      imported: 9,
      passed: true,
      uncounted: [],
    }
    expect(gateFailure(outcome([status('a', 'completed')], gate({ rows: passed })))).toBeUndefined()
    expect(
      gateFailure(outcome([status('a', 'importing', [w('abort', 'abort-refused')])])),
    ).toBeUndefined()
    expect(gateFailure(outcome([status('a', 'completed')], null))).toBeUndefined()
  })
})
