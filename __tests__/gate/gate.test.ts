import { TransientError } from '../../src/errors.js'
import { GATE_LIMITS, type GateDeps, runGate } from '../../src/gate/gate.js'
import type { GateSettings } from '../../src/inputs.js'
import type {
  FetchRequest,
  JobState,
  JobStatus,
  Outcome,
  OutcomeState,
  WriteAnswer,
  WriteCall,
} from '../../src/job.js'
import { VirtualTime } from '../helpers/virtual-time.js'

const status = (jobId: string, state?: JobState, rows?: number): JobStatus =>
  state === undefined
    ? { jobId }
    : {
        jobId,
        job: {
          jobId,
          state,
          progress: state === 'completed' ? 100 : 99,
          files: [],
          ...(rows === undefined ? {} : { importedRows: rows }),
        },
      }
const outcome = (state: OutcomeState, jobs: JobStatus[], elapsedMs = 10_000): Outcome => ({
  state,
  jobs,
  elapsedMs,
})
const settings = (over: Partial<GateSettings> = {}): GateSettings => ({
  commit: true,
  abortOn: new Set(['failure']),
  ...over,
})

const done: WriteAnswer = { kind: 'done', said: 'HTTP 200, code 0' }
const refused: WriteAnswer = { kind: 'refused', said: 'HTTP 200, code 2100 "no"' }

interface Harness {
  deps: GateDeps
  vt: VirtualTime
  writes: { call: WriteCall; jobId: string; at: number; timeoutMs: number }[]
  waited: { jobIds: string[]; timeoutMs: number }[]
  reportedBeforeAborts: Outcome[]
  cancel: AbortController
}

/**
 * Deps whose writes answer per job and call (default done) after `latencyMs`,
 * and whose second wait ends every job in `after` (default completed).
 */
function harness(
  answers: Record<string, Partial<Record<WriteCall, WriteAnswer | 'hang' | 'transient'>>> = {},
  after: { state?: OutcomeState; jobState?: JobState } = {},
): Harness {
  const vt = new VirtualTime()
  const cancel = new AbortController()
  const h: Harness = {
    vt,
    cancel,
    writes: [],
    waited: [],
    reportedBeforeAborts: [],
    deps: {
      clock: vt.clock,
      sleep: vt.sleep,
      random: () => 0.5,
      signal: cancel.signal,
      write: async (call: WriteCall, jobId: string, request: FetchRequest) => {
        h.writes.push({ call, jobId, at: vt.elapsed, timeoutMs: request.timeoutMs })
        const answer = answers[jobId]?.[call] ?? done
        if (answer === 'hang') {
          await vt.sleep(request.timeoutMs, new AbortController().signal)
          throw new TransientError('no answer')
        }
        if (answer === 'transient') throw new TransientError('HTTP 503')
        await vt.sleep(100, new AbortController().signal)
        return answer
      },
      waitCommitted: (jobIds, timeoutMs) => {
        h.waited.push({ jobIds, timeoutMs })
        return Promise.resolve(
          outcome(
            after.state ?? 'completed',
            jobIds.map((id) => ({
              ...status(id, after.jobState ?? 'completed'),
              settledAfterMs: 42,
            })),
            1_000,
          ),
        )
      },
      beforeWrites: (seen) => {
        // A copy: what the report saw at that moment.
        h.reportedBeforeAborts.push(structuredClone(seen))
        return Promise.resolve()
      },
    },
  }
  return h
}

const timing = (vt: VirtualTime, elapsedMs = 10_000, timeoutMs = 600_000) => ({
  startedAt: vt.clock.now() - elapsedMs,
  deadline: vt.clock.now() - elapsedMs + timeoutMs,
})
const marks = (o: Outcome) =>
  Object.fromEntries(o.jobs.map((s) => [s.jobId, s.writes?.map((w) => w.mark)]))

describe('runGate: commit', () => {
  test('every job held: committed one by one, then waited for until Completed', async () => {
    const h = harness()
    const seen = outcome('uncommitted', [status('a', 'uncommitted'), status('b', 'uncommitted')])
    const result = await runGate(seen, settings(), h.deps, timing(h.vt))
    expect(h.writes.map((w) => [w.call, w.jobId, w.at])).toEqual([
      ['commit', 'a', 0],
      ['commit', 'b', 100],
    ])
    expect(h.writes[0]?.timeoutMs).toBe(GATE_LIMITS.requestTimeoutMs)
    // The second wait gets the rest of the timeout (600 s - 10 s - 0.2 s).
    expect(h.waited).toEqual([{ jobIds: ['a', 'b'], timeoutMs: 589_800 }])
    expect(result.state).toBe('completed')
    expect(marks(result)).toEqual({ a: ['committed'], b: ['committed'] })
    expect(result.jobs.map((s) => [s.job?.state, s.settledAfterMs])).toEqual([
      ['completed', 42],
      ['completed', 42],
    ])
    expect(result.elapsedMs).toBe(10_200)
    expect(result.gate).toEqual({
      mode: 'commit',
      autoCommitted: [],
      notCommitted: [],
      abortTargets: [],
      leftAlone: [],
    })
    // The wait's outcome is not changed under its caller.
    expect(seen.state).toBe('uncommitted')
    expect(seen.jobs[0]?.writes).toBeUndefined()
  })

  test('near the deadline, committed jobs still get the minimum time to complete', async () => {
    const h = harness()
    const seen = outcome('uncommitted', [status('a', 'uncommitted')])
    await runGate(seen, settings(), h.deps, timing(h.vt, 599_000, 600_000))
    expect(h.waited[0]?.timeoutMs).toBe(GATE_LIMITS.commitSettleMinMs)
  })

  test('still Uncommitted after the second wait is a timeout; a failure after the commit is a failure', async () => {
    const stuck = harness({}, { state: 'uncommitted', jobState: 'uncommitted' })
    const seen = outcome('uncommitted', [status('a', 'uncommitted')])
    expect((await runGate(seen, settings(), stuck.deps, timing(stuck.vt))).state).toBe('timed-out')
    const broken = harness({}, { state: 'failed', jobState: 'failed' })
    expect((await runGate(seen, settings(), broken.deps, timing(broken.vt))).state).toBe('failed')
    const cancelled = harness({}, { state: 'cancelled', jobState: 'committing' })
    expect((await runGate(seen, settings(), cancelled.deps, timing(cancelled.vt))).state).toBe(
      'cancelled',
    )
  })

  test('auto-committed jobs are recorded, and only held ones are committed', async () => {
    const h = harness()
    const seen = outcome('uncommitted', [
      status('auto', 'completed'),
      status('held', 'uncommitted'),
    ])
    const result = await runGate(seen, settings(), h.deps, timing(h.vt))
    expect(result.gate?.autoCommitted).toEqual(['auto'])
    expect(h.writes.map((w) => w.jobId)).toEqual(['held'])
    expect(result.state).toBe('completed')
  })

  test('every job auto-committed: nothing to write, still completed', async () => {
    const h = harness()
    const seen = outcome('completed', [status('a', 'completed')])
    const result = await runGate(seen, settings(), h.deps, timing(h.vt))
    expect(h.writes).toEqual([])
    expect(h.waited).toEqual([])
    expect(result.state).toBe('completed')
  })

  test('a refused commit after one went through: the rest left held, state error', async () => {
    const h = harness({ b: { commit: refused } })
    const seen = outcome('uncommitted', [
      status('a', 'uncommitted'),
      status('b', 'uncommitted'),
      status('c', 'uncommitted'),
    ])
    const result = await runGate(seen, settings(), h.deps, timing(h.vt))
    expect(h.writes.map((w) => [w.call, w.jobId])).toEqual([
      ['commit', 'a'],
      ['commit', 'b'],
    ])
    expect(h.waited.map((w) => w.jobIds)).toEqual([['a']])
    expect(result.state).toBe('error')
    expect(result.gate?.notCommitted).toEqual(['c'])
    expect(marks(result)).toEqual({ a: ['committed'], b: ['commit-failed'], c: undefined })
    expect(result.jobs.map((s) => s.job?.state)).toEqual([
      'completed',
      'uncommitted',
      'uncommitted',
    ])
  })

  test('the first commit refused: every held job aborted, nothing visible', async () => {
    const h = harness({ a: { commit: refused } })
    const seen = outcome('uncommitted', [status('a', 'uncommitted'), status('b', 'uncommitted')])
    const result = await runGate(seen, settings(), h.deps, timing(h.vt))
    expect(h.writes.map((w) => [w.call, w.jobId])).toEqual([
      ['commit', 'a'],
      ['abort', 'a'],
      ['abort', 'b'],
    ])
    expect(result.state).toBe('error')
    expect(result.gate?.abortReason).toBe('commit')
    expect(result.gate?.notCommitted).toEqual(['b'])
    expect(marks(result)).toEqual({ a: ['commit-failed', 'aborted'], b: ['aborted'] })
    expect(h.waited).toEqual([])
  })

  test('a commit that never answers is sent at most commitAttempts times', async () => {
    const h = harness({ a: { commit: 'transient' } })
    const seen = outcome('uncommitted', [status('a', 'uncommitted')])
    const result = await runGate(seen, settings(), h.deps, timing(h.vt))
    expect(h.writes.filter((w) => w.call === 'commit')).toHaveLength(GATE_LIMITS.commitAttempts)
    expect(result.jobs[0]?.writes?.[0]).toMatchObject({ mark: 'commit-failed', unanswered: true })
  })

  test('a cancel before the commits: none sent, state cancelled, nothing aborted', async () => {
    const h = harness()
    h.cancel.abort()
    const seen = outcome('uncommitted', [status('a', 'uncommitted'), status('b', 'uncommitted')])
    const result = await runGate(seen, settings(), h.deps, timing(h.vt))
    expect(h.writes).toEqual([])
    expect(result.state).toBe('cancelled')
    expect(result.gate?.notCommitted).toEqual(['a', 'b'])
  })

  test('a cancel between commits: no commit after it, no abort, the committed ones still read', async () => {
    const h = harness()
    const original = h.deps.write
    h.deps.write = async (call, jobId, request) => {
      const answer = await original(call, jobId, request)
      h.cancel.abort()
      return answer
    }
    const seen = outcome('uncommitted', [status('a', 'uncommitted'), status('b', 'uncommitted')])
    const result = await runGate(seen, settings(), h.deps, timing(h.vt))
    expect(h.writes.map((w) => [w.call, w.jobId])).toEqual([['commit', 'a']])
    expect(h.waited.map((w) => w.jobIds)).toEqual([['a']])
    expect(result.state).toBe('cancelled')
    expect(result.gate?.notCommitted).toEqual(['b'])
  })
})

describe('runGate: checks and aborts', () => {
  const held = () => [status('a', 'uncommitted', 600), status('b', 'uncommitted', 300)]

  test('a row mismatch before the commit: state failed, every job aborted, no commit', async () => {
    const h = harness()
    const result = await runGate(
      outcome('uncommitted', held()),
      settings({ expectedRows: { count: 1_000, atLeast: false } }),
      h.deps,
      timing(h.vt),
    )
    expect(h.writes.map((w) => [w.call, w.jobId])).toEqual([
      ['abort', 'a'],
      ['abort', 'b'],
    ])
    expect(result.state).toBe('failed')
    expect(result.gate).toMatchObject({
      abortReason: 'rows',
      abortTargets: ['a', 'b'],
      rows: { imported: 900, passed: false },
    })
  })

  test('rows that match: committed', async () => {
    const h = harness()
    const result = await runGate(
      outcome('uncommitted', held()),
      settings({ expectedRows: { count: 900, atLeast: false } }),
      h.deps,
      timing(h.vt),
    )
    expect(result.gate?.rows?.passed).toBe(true)
    expect(h.writes.map((w) => w.call)).toEqual(['commit', 'commit'])
    expect(result.state).toBe('completed')
  })

  test('rows are checked only when every job is done', async () => {
    const h = harness()
    const result = await runGate(
      outcome('timed-out', [status('a', 'importing', 1)]),
      settings({ commit: false, abortOn: new Set(), expectedRows: { count: 5, atLeast: false } }),
      h.deps,
      timing(h.vt),
    )
    expect(result.gate?.rows).toBeUndefined()
    expect(result.state).toBe('timed-out')
  })

  test('without commit: a mismatch fails the step; aborts only when abort-on has failure', async () => {
    const h = harness()
    const result = await runGate(
      outcome('completed', [status('a', 'completed', 5)]),
      settings({ commit: false, abortOn: new Set(), expectedRows: { count: 6, atLeast: true } }),
      h.deps,
      timing(h.vt),
    )
    expect(result.state).toBe('failed')
    expect(result.gate?.mode).toBe('abort')
    expect(result.gate?.abortReason).toBeUndefined()
    expect(h.writes).toEqual([])
  })

  test('a failed job: the others aborted in parallel, the failed one left alone', async () => {
    const h = harness()
    const seen = outcome('failed', [
      status('f', 'failed'),
      status('u', 'uncommitted'),
      status('i', 'importing'),
    ])
    const result = await runGate(seen, settings(), h.deps, timing(h.vt))
    // Together, spaced as polls are (5 a second), not one after another's answer.
    expect(h.writes.map((w) => [w.call, w.jobId, w.at])).toEqual([
      ['abort', 'u', 0],
      ['abort', 'i', GATE_LIMITS.requestSpacingMs],
    ])
    expect(h.writes[0]?.timeoutMs).toBe(GATE_LIMITS.abortBudgetMs)
    expect(result.state).toBe('failed')
    expect(result.gate?.leftAlone.map((l) => l.jobId)).toEqual(['f'])
    // The report went out once, before the first write.
    expect(h.reportedBeforeAborts).toHaveLength(1)
    expect(h.reportedBeforeAborts[0]?.jobs.every((s) => s.writes === undefined)).toBe(true)
    expect(h.waited).toEqual([])
  })

  test('timeout and cancel abort only when abort-on lists them', async () => {
    const running = () => [status('i', 'importing')]
    const none = harness()
    await runGate(outcome('timed-out', running()), settings(), none.deps, timing(none.vt))
    await runGate(outcome('cancelled', running()), settings(), none.deps, timing(none.vt))
    expect(none.writes).toEqual([])
    const timeout = harness()
    const result = await runGate(
      outcome('timed-out', running()),
      settings({ commit: false, abortOn: new Set(['timeout']) }),
      timeout.deps,
      timing(timeout.vt),
    )
    expect(timeout.writes.map((w) => w.call)).toEqual(['abort'])
    expect(result.state).toBe('timed-out')
    expect(result.gate?.abortReason).toBe('timeout')
  })

  test('cancel: the report goes out first, then the aborts, bounded by the cancel budget', async () => {
    const h = harness({ i: { abort: 'hang' } })
    const result = await runGate(
      outcome('cancelled', [status('i', 'importing'), status('u', 'uncommitted')]),
      settings({ commit: false, abortOn: new Set(['cancel']) }),
      h.deps,
      timing(h.vt),
    )
    expect(h.reportedBeforeAborts).toHaveLength(1)
    const reported = h.reportedBeforeAborts[0]
    expect(reported?.gate?.abortTargets).toEqual(['i', 'u'])
    expect(reported?.jobs.every((s) => s.writes === undefined)).toBe(true)
    // One hanging abort, cut at the budget; the other answered at once.
    expect(h.writes.map((w) => [w.jobId, w.timeoutMs])).toEqual([
      ['i', GATE_LIMITS.cancelAbortBudgetMs],
      ['u', GATE_LIMITS.cancelAbortBudgetMs - GATE_LIMITS.requestSpacingMs],
    ])
    expect(h.vt.elapsed).toBe(GATE_LIMITS.cancelAbortBudgetMs)
    expect(marks(result)).toEqual({ i: ['abort-refused'], u: ['aborted'] })
    expect(result.state).toBe('cancelled')
  })

  test('nothing to abort: no report ahead of time, no writes, the reason still recorded', async () => {
    const h = harness()
    const result = await runGate(
      outcome('cancelled', [status('c', 'completed'), status('n')]),
      settings({ commit: false, abortOn: new Set(['cancel']) }),
      h.deps,
      timing(h.vt),
    )
    expect(h.reportedBeforeAborts).toEqual([])
    expect(h.writes).toEqual([])
    expect(result.gate?.abortReason).toBe('cancel')
    expect(result.gate?.leftAlone.map((l) => l.jobId)).toEqual(['c', 'n'])
  })

  test('abort mode records no auto-committed jobs; an error never aborts', async () => {
    const h = harness()
    const result = await runGate(
      outcome('error', [status('c', 'completed'), status('i', 'importing')]),
      settings({ commit: false, abortOn: new Set(['failure', 'timeout', 'cancel']) }),
      h.deps,
      timing(h.vt),
    )
    expect(result.gate?.autoCommitted).toEqual([])
    expect(h.writes).toEqual([])
    expect(result.state).toBe('error')
  })
})

describe('runGate: what the review found', () => {
  test('the report goes out before the first commit, once', async () => {
    const h = harness()
    await runGate(
      outcome('uncommitted', [status('a', 'uncommitted'), status('b', 'uncommitted')]),
      settings(),
      h.deps,
      timing(h.vt),
    )
    expect(h.reportedBeforeAborts).toHaveLength(1)
    expect(h.reportedBeforeAborts[0]?.jobs.every((s) => s.writes === undefined)).toBe(true)
  })

  test('a first commit with no answer: that job is not aborted (it may be committed), the rest are', async () => {
    const h = harness({ a: { commit: 'transient' } })
    const result = await runGate(
      outcome('uncommitted', [status('a', 'uncommitted'), status('b', 'uncommitted')]),
      settings(),
      h.deps,
      timing(h.vt),
    )
    expect(h.writes.filter((w) => w.call === 'abort').map((w) => w.jobId)).toEqual(['b'])
    expect(result.gate?.leftAlone).toEqual([
      { jobId: 'a', why: 'its commit got no answer: it may be committed' },
    ])
    expect(result.gate?.abortReason).toBe('commit')
    expect(result.state).toBe('error')
  })

  test('a cancel before the first commit, with abort-on cancel: the held jobs are aborted', async () => {
    const h = harness()
    h.cancel.abort()
    const result = await runGate(
      outcome('uncommitted', [status('a', 'uncommitted'), status('b', 'uncommitted')]),
      settings({ abortOn: new Set(['failure', 'cancel']) }),
      h.deps,
      timing(h.vt),
    )
    expect(h.writes.map((w) => [w.call, w.jobId])).toEqual([
      ['abort', 'a'],
      ['abort', 'b'],
    ])
    expect(result.state).toBe('cancelled')
    expect(result.gate?.abortReason).toBe('cancel')
    expect(result.gate?.notCommitted).toEqual(['a', 'b'])
  })

  test('a cancel while committed jobs are awaited is a cancel, not a timeout', async () => {
    const h = harness({}, { state: 'uncommitted', jobState: 'uncommitted' })
    h.deps.waitCommitted = (jobIds) => {
      h.cancel.abort()
      return Promise.resolve(
        outcome(
          'uncommitted',
          jobIds.map((id) => status(id, 'uncommitted')),
          500,
        ),
      )
    }
    const result = await runGate(
      outcome('uncommitted', [status('a', 'uncommitted')]),
      settings(),
      h.deps,
      timing(h.vt),
    )
    expect(result.state).toBe('cancelled')
  })

  test('a job that fails after its commit: failed wins, even over a refused commit', async () => {
    const h = harness({ b: { commit: refused } }, { state: 'failed', jobState: 'failed' })
    const result = await runGate(
      outcome('uncommitted', [status('a', 'uncommitted'), status('b', 'uncommitted')]),
      settings(),
      h.deps,
      timing(h.vt),
    )
    expect(result.state).toBe('failed')
  })

  test("the second wait's reading replaces the first's, leaving no stale fields", async () => {
    const h = harness()
    h.deps.waitCommitted = (jobIds) =>
      Promise.resolve(
        outcome(
          'completed',
          jobIds.map((id) => status(id, 'completed')),
          500,
        ),
      )
    const first: JobStatus = {
      ...status('a', 'uncommitted'),
      settledAfterMs: 9_000,
      lastError: 'x',
    }
    const result = await runGate(outcome('uncommitted', [first]), settings(), h.deps, timing(h.vt))
    const [only] = result.jobs
    expect(Object.keys(only ?? {}).sort()).toEqual(['job', 'jobId', 'writes'])
    expect(only?.job?.state).toBe('completed')
    expect(only?.writes?.map((w) => w.mark)).toEqual(['committed'])
  })

  test('commit: true commits only when every job is done: a timeout leaves the held ones alone', async () => {
    const h = harness()
    const result = await runGate(
      outcome('timed-out', [status('a', 'uncommitted'), status('b', 'importing')]),
      settings(),
      h.deps,
      timing(h.vt),
    )
    expect(h.writes).toEqual([])
    expect(result.state).toBe('timed-out')
  })
})
