import { AbortedError, PermanentError, TransientError } from '../../src/errors.js'
import type { FetchJob, ImportJob, JobState, JobStatus, WaitEvent } from '../../src/job.js'
import { type WaitOptions, decideState, waitForJobs } from '../../src/poll/wait.js'
import { VirtualTime } from '../helpers/virtual-time.js'

function job(
  jobId: string,
  state: JobState,
  progress: number,
  extra: Partial<ImportJob> = {},
): ImportJob {
  return { jobId, state, progress, files: [], ...extra }
}

/** One answer per call; the last repeats. `latencyMs` answers after virtual time passes. */
type Answer = ImportJob | Error | { latencyMs: number; then: ImportJob | Error }

interface Call {
  jobId: string
  at: number
  timeoutMs: number
}

function scripted(vt: VirtualTime, scripts: Record<string, Answer[]>) {
  const calls: Call[] = []
  const served = new Map<string, number>()
  const fetchJob: FetchJob = async (jobId, request) => {
    calls.push({ jobId, at: vt.elapsed, timeoutMs: request.timeoutMs })
    const script = scripts[jobId] ?? []
    const count = served.get(jobId) ?? 0
    served.set(jobId, count + 1)
    let answer = script[Math.min(count, script.length - 1)]
    if (answer !== undefined && 'latencyMs' in answer) {
      await vt.sleep(answer.latencyMs, request.signal)
      if (request.signal.aborted) throw new AbortedError('aborted')
      answer = answer.then
    }
    if (answer === undefined) throw new Error(`no script for ${jobId}`)
    if (answer instanceof Error) throw answer
    return answer
  }
  return { fetchJob, calls }
}

function options(
  vt: VirtualTime,
  fetchJob: FetchJob,
  overrides: Partial<WaitOptions> = {},
): WaitOptions {
  return {
    jobIds: ['job-a'],
    fetchJob,
    clock: vt.clock,
    sleep: vt.sleep,
    random: () => 0,
    signal: new AbortController().signal,
    timeoutMs: 60_000,
    pollIntervalMs: 5_000,
    ...overrides,
  }
}

describe('waitForJobs', () => {
  test('polls one job every interval until it completes', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [
        job('job-a', 'pending', 0),
        job('job-a', 'importing', 40),
        job('job-a', 'completed', 100),
      ],
    })
    const outcome = await waitForJobs(options(vt, fetchJob))
    expect(outcome.state).toBe('completed')
    expect(calls.map((c) => c.at)).toEqual([0, 5_000, 10_000])
    expect(outcome.jobs[0]?.job?.progress).toBe(100)
    expect(outcome.jobs[0]?.settledAfterMs).toBe(10_000)
    expect(outcome.elapsedMs).toBe(10_000)
  })

  test('measures the interval from the start of a poll, not its end', async () => {
    const vt = new VirtualTime()
    const running = job('job-a', 'importing', 10)
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [
        { latencyMs: 1_000, then: running },
        { latencyMs: 1_000, then: job('job-a', 'completed', 100) },
      ],
    })
    await waitForJobs(options(vt, fetchJob))
    expect(calls.map((c) => c.at)).toEqual([0, 5_000])
  })

  test('emits an update per answer, with the previous answer', async () => {
    const vt = new VirtualTime()
    const first = job('job-a', 'importing', 10)
    const second = job('job-a', 'completed', 100)
    const { fetchJob } = scripted(vt, { 'job-a': [first, second] })
    const events: WaitEvent[] = []
    await waitForJobs(options(vt, fetchJob, { onEvent: (e) => events.push(e) }))
    expect(events).toEqual([
      { kind: 'update', jobId: 'job-a', job: first, previous: undefined, elapsedMs: 0 },
      { kind: 'update', jobId: 'job-a', job: second, previous: first, elapsedMs: 5_000 },
    ])
  })

  test('a job that completes first does not stop the others: each is polled until it settles', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [job('job-a', 'completed', 100)],
      'job-b': [job('job-b', 'importing', 40), job('job-b', 'uncommitted', 99)],
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { jobIds: ['job-a', 'job-b'] }))
    expect(outcome.state).toBe('uncommitted')
    expect(outcome.jobs.map((s) => [s.jobId, s.job?.state, s.settledAfterMs])).toEqual([
      ['job-a', 'completed', 0],
      // job-b's first poll waits 200 ms behind job-a's (5 requests/s), then one interval.
      ['job-b', 'uncommitted', 5_200],
    ])
    expect(outcome.jobs.some((s) => s.stoppedBy !== undefined)).toBe(false)
    expect(calls.map((c) => c.jobId)).toEqual(['job-a', 'job-b', 'job-b'])
  })

  test('fails fast: one failed job stops the others and keeps their last state', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [
        job('job-a', 'importing', 10),
        job('job-a', 'failed', 20, { errorMessage: 'bad file' }),
      ],
      'job-b': [job('job-b', 'importing', 50)],
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { jobIds: ['job-a', 'job-b'] }))
    expect(outcome.state).toBe('failed')
    expect(outcome.elapsedMs).toBe(5_000)
    // job-a's failing poll was at 5 s; job-b's 5.2 s slot was never used.
    expect(calls.filter((c) => c.jobId === 'job-b').map((c) => c.at)).toEqual([200])
    expect(outcome.jobs[1]?.job?.progress).toBe(50)
    expect(outcome.jobs[1]?.settledAfterMs).toBeUndefined()
  })

  test('fails fast on a failed job even while another request is in flight', async () => {
    const vt = new VirtualTime()
    const { fetchJob } = scripted(vt, {
      'job-a': [
        job('job-a', 'importing', 10),
        { latencyMs: 30_000, then: job('job-a', 'importing', 90) },
      ],
      'job-b': [job('job-b', 'importing', 0), job('job-b', 'failed', 0, { errorMessage: 'x' })],
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { jobIds: ['job-a', 'job-b'] }))
    expect(outcome.state).toBe('failed')
    expect(outcome.elapsedMs).toBe(5_200)
    expect(outcome.jobs[0]?.job?.progress).toBe(10)
  })

  test('a permanent error stops everything and is kept as the job problem', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [new PermanentError('code 80001: invalid token')],
      'job-b': [job('job-b', 'importing', 0)],
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { jobIds: ['job-a', 'job-b'] }))
    expect(outcome.state).toBe('error')
    expect(outcome.jobs[0]?.problem).toBe('code 80001: invalid token')
    expect(outcome.jobs[1]?.stoppedBy).toBe('job-a')
    expect(outcome.jobs[0]?.stoppedBy).toBeUndefined()
    expect(calls).toHaveLength(1)
  })

  test('an unexpected error is a permanent problem, not a crash', async () => {
    const vt = new VirtualTime()
    const { fetchJob } = scripted(vt, { 'job-a': [new TypeError('x is undefined')] })
    const outcome = await waitForJobs(options(vt, fetchJob))
    expect(outcome.state).toBe('error')
    expect(outcome.jobs[0]?.problem).toBe('Unexpected error: x is undefined')
  })

  test('retries transient faults with growing backoff, then resets after a success', async () => {
    const vt = new VirtualTime()
    const fault = new TransientError('HTTP 503')
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [fault, fault, job('job-a', 'importing', 10), fault, job('job-a', 'completed', 100)],
    })
    const events: WaitEvent[] = []
    const outcome = await waitForJobs(options(vt, fetchJob, { onEvent: (e) => events.push(e) }))
    expect(outcome.state).toBe('completed')
    // random() = 0 gives the lower half of each step: 500 ms, then 1 000 ms.
    expect(calls.map((c) => c.at)).toEqual([0, 500, 1_500, 6_500, 7_000])
    const retries = events.filter((e) => e.kind === 'retry')
    expect(retries.map((e) => [e.attempt, e.delayMs, e.reason])).toEqual([
      [1, 500, 'HTTP 503'],
      [2, 1_000, 'HTTP 503'],
      [1, 500, 'HTTP 503'],
    ])
    expect(outcome.jobs[0]?.lastError).toBeUndefined()
  })

  test('honours Retry-After as the earliest next attempt', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [
        new TransientError('HTTP 429', { retryAfterMs: 7_000 }),
        job('job-a', 'completed', 100),
      ],
    })
    await waitForJobs(options(vt, fetchJob))
    expect(calls.map((c) => c.at)).toEqual([0, 7_000])
  })

  test('a Retry-After past the deadline: no poll against it; the job waits out the time left', async () => {
    const vt = new VirtualTime()
    const asked = new TransientError('HTTP 503', { retryAfterMs: 3_600_000, answered: 'HTTP 503' })
    const { fetchJob, calls } = scripted(vt, { 'job-a': [job('job-a', 'importing', 50), asked] })
    const events: WaitEvent[] = []
    const outcome = await waitForJobs(
      options(vt, fetchJob, { timeoutMs: 8_000, onEvent: (e) => events.push(e) }),
    )
    expect(calls.map((c) => c.at)).toEqual([0, 5_000])
    expect(outcome.elapsedMs).toBe(8_000)
    expect(outcome.state).toBe('timed-out')
    expect(outcome.jobs[0]).toMatchObject({ retryAfterMs: 3_600_000, lastAnswer: 'HTTP 503' })
    expect(events.at(-1)).toEqual({
      kind: 'retry',
      jobId: 'job-a',
      reason: 'HTTP 503',
      attempt: 1,
      delayMs: 3_000,
      elapsedMs: 5_000,
      retryAfterMs: 3_600_000,
    })
  })

  test('a Retry-After that ends exactly at the deadline is honoured with a poll there', async () => {
    const vt = new VirtualTime()
    const asked = new TransientError('HTTP 429', { retryAfterMs: 3_000 })
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [job('job-a', 'importing', 50), asked, job('job-a', 'completed', 100)],
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { timeoutMs: 8_000 }))
    expect(calls.map((c) => c.at)).toEqual([0, 5_000, 8_000])
    expect(outcome.state).toBe('completed')
    expect(outcome.jobs[0]?.retryAfterMs).toBeUndefined()
  })

  test('counts failed polls by whether the host answered, and keeps the last answer', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [
        new TransientError('HTTP 503', { answered: 'HTTP 503' }),
        new TransientError('ECONNRESET'),
        new TransientError('code 1807', { answered: 'code 1807' }),
      ],
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { timeoutMs: 4_000 }))
    expect(outcome.state).toBe('error')
    expect(calls).toHaveLength(5)
    expect(outcome.jobs[0]?.faults).toEqual({ answered: 4, silent: 1 })
    expect(outcome.jobs[0]?.lastAnswer).toBe('code 1807')
  })

  test('a silent last poll clears the last answer; a success clears both', async () => {
    const vt = new VirtualTime()
    const { fetchJob } = scripted(vt, {
      'job-a': [new TransientError('HTTP 503', { answered: 'HTTP 503' }), new TransientError('x')],
      'job-b': [
        new TransientError('HTTP 503', { answered: 'HTTP 503' }),
        job('job-b', 'importing', 5),
      ],
    })
    const outcome = await waitForJobs(
      options(vt, fetchJob, { jobIds: ['job-a', 'job-b'], timeoutMs: 2_500 }),
    )
    expect(outcome.jobs[0]?.lastAnswer).toBeUndefined()
    expect(outcome.jobs[1]).not.toHaveProperty('lastAnswer')
    expect(outcome.jobs[1]).not.toHaveProperty('lastError')
  })

  test('times out at the deadline, with the last poll at the deadline itself', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, { 'job-a': [job('job-a', 'importing', 30)] })
    const outcome = await waitForJobs(options(vt, fetchJob, { timeoutMs: 12_000 }))
    expect(outcome.state).toBe('timed-out')
    expect(calls.map((c) => c.at)).toEqual([0, 5_000, 10_000, 12_000])
    expect(outcome.elapsedMs).toBe(12_000)
  })

  test('never lets a request run past the deadline, but gives the last poll a short grace', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, { 'job-a': [job('job-a', 'importing', 30)] })
    await waitForJobs(options(vt, fetchJob, { timeoutMs: 41_000, pollIntervalMs: 20_000 }))
    expect(calls.map((c) => [c.at, c.timeoutMs])).toEqual([
      [0, 30_000],
      [20_000, 21_000],
      [40_000, 2_000],
      [41_000, 2_000],
    ])
  })

  test('keeps retrying until the deadline, capping the backoff there, and keeps the last error', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, { 'job-a': [new TransientError('ECONNREFUSED')] })
    const events: WaitEvent[] = []
    const outcome = await waitForJobs(
      options(vt, fetchJob, { timeoutMs: 10_000, onEvent: (e) => events.push(e) }),
    )
    // Not one answer in the whole wait: the API was never reached, an error, not a timeout.
    expect(outcome.state).toBe('error')
    expect(calls.map((c) => c.at)).toEqual([0, 500, 1_500, 3_500, 7_500, 10_000])
    // The retry scheduled at 7.5 s would be 8 s later; it is cut to the deadline.
    expect(events.filter((e) => e.kind === 'retry').map((e) => e.delayMs)).toEqual([
      500, 1_000, 2_000, 4_000, 2_500,
    ])
    expect(outcome.jobs[0]?.lastError).toBe('ECONNREFUSED')
  })

  test('shares one budget of 5 requests per second across all jobs', async () => {
    const vt = new VirtualTime()
    const ids = Array.from({ length: 12 }, (_, i) => `job-${i}`)
    const { fetchJob, calls } = scripted(
      vt,
      Object.fromEntries(ids.map((id) => [id, [job(id, 'importing', 1)]])),
    )
    await waitForJobs(
      options(vt, fetchJob, { jobIds: ids, pollIntervalMs: 1_000, timeoutMs: 10_000 }),
    )
    const starts = calls.map((c) => c.at)
    for (let i = 1; i < starts.length; i++) {
      expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(200)
    }
    for (const t of starts)
      expect(starts.filter((s) => s >= t && s < t + 1_000).length).toBeLessThanOrEqual(5)
    // With 12 jobs the cap wins: each job is polled about every 2.4 s, not every second.
    expect(calls.filter((c) => c.jobId === 'job-0').length).toBeLessThan(6)
    expect(Math.max(...starts)).toBeLessThanOrEqual(10_000)
  })

  test('cancellation while sleeping stops at once', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, { 'job-a': [job('job-a', 'importing', 30)] })
    const cancel = new AbortController()
    vt.at(7_000, () => {
      cancel.abort()
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { signal: cancel.signal }))
    expect(outcome.state).toBe('cancelled')
    expect(outcome.elapsedMs).toBe(7_000)
    expect(calls).toHaveLength(2)
    expect(outcome.jobs[0]?.job?.progress).toBe(30)
  })

  test('cancellation aborts a request in flight', async () => {
    const vt = new VirtualTime()
    const { fetchJob } = scripted(vt, {
      'job-a': [{ latencyMs: 20_000, then: job('job-a', 'completed', 100) }],
    })
    const cancel = new AbortController()
    vt.at(3_000, () => {
      cancel.abort()
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { signal: cancel.signal }))
    expect(outcome.state).toBe('cancelled')
    expect(outcome.elapsedMs).toBe(3_000)
    expect(outcome.jobs[0]?.job).toBeUndefined()
  })

  test('cancellation during a retry backoff stops at once', async () => {
    const vt = new VirtualTime()
    const { fetchJob } = scripted(vt, {
      'job-a': [new TransientError('HTTP 503', { retryAfterMs: 30_000 })],
    })
    const cancel = new AbortController()
    vt.at(1_000, () => {
      cancel.abort()
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { signal: cancel.signal }))
    expect(outcome.state).toBe('cancelled')
    expect(outcome.elapsedMs).toBe(1_000)
  })

  test('a cancel while waiting out a Retry-After past the deadline stops at once', async () => {
    const vt = new VirtualTime()
    const { fetchJob } = scripted(vt, {
      'job-a': [new TransientError('HTTP 503', { retryAfterMs: 3_600_000 })],
    })
    const cancel = new AbortController()
    vt.at(2_000, () => {
      cancel.abort()
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { signal: cancel.signal }))
    expect(outcome.state).toBe('cancelled')
    expect(outcome.elapsedMs).toBe(2_000)
  })

  test('another job failing while one waits out a Retry-After ends the wait then', async () => {
    const vt = new VirtualTime()
    const { fetchJob } = scripted(vt, {
      'job-a': [new TransientError('HTTP 503', { retryAfterMs: 3_600_000 })],
      'job-b': [job('job-b', 'importing', 10), job('job-b', 'failed', 10, { errorMessage: 'x' })],
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { jobIds: ['job-a', 'job-b'] }))
    expect(outcome.state).toBe('failed')
    expect(outcome.elapsedMs).toBe(5_200)
    expect(outcome.jobs[0]?.stoppedBy).toBe('job-b')
  })

  test('with more jobs than the deadline allows, no request starts after it', async () => {
    const vt = new VirtualTime()
    const ids = Array.from({ length: 30 }, (_, i) => `job-${i}`)
    const { fetchJob, calls } = scripted(
      vt,
      Object.fromEntries(ids.map((id) => [id, [job(id, 'importing', 1)]])),
    )
    const outcome = await waitForJobs(options(vt, fetchJob, { jobIds: ids, timeoutMs: 3_000 }))
    expect(outcome.state).toBe('timed-out')
    expect(Math.max(...calls.map((c) => c.at))).toBeLessThanOrEqual(3_000)
    expect(outcome.elapsedMs).toBe(3_000)
    expect(outcome.jobs.filter((s) => s.job === undefined).length).toBeGreaterThan(0)
  })
})

describe('edges of the loop', () => {
  test('an answer that arrives after a cancel is not recorded', async () => {
    const vt = new VirtualTime()
    const cancel = new AbortController()
    const fetchJob: FetchJob = (jobId) => {
      cancel.abort()
      return Promise.resolve(job(jobId, 'completed', 100))
    }
    const outcome = await waitForJobs(options(vt, fetchJob, { signal: cancel.signal }))
    expect(outcome.state).toBe('cancelled')
    expect(outcome.jobs).toEqual([{ jobId: 'job-a' }])
  })

  test('a fault that arrives after a cancel is not recorded, and no retry is announced', async () => {
    const vt = new VirtualTime()
    const cancel = new AbortController()
    const events: WaitEvent[] = []
    const fetchJob: FetchJob = () => {
      cancel.abort()
      return Promise.reject(new TransientError('HTTP 503'))
    }
    const outcome = await waitForJobs(
      options(vt, fetchJob, { signal: cancel.signal, onEvent: (e) => events.push(e) }),
    )
    expect(outcome).toMatchObject({ state: 'cancelled', jobs: [{ jobId: 'job-a' }] })
    expect(outcome.jobs[0]).not.toHaveProperty('lastError')
    expect(events).toEqual([])
  })

  test('fail-fast marks only the jobs still open as stopped by the failed one', async () => {
    const vt = new VirtualTime()
    const { fetchJob } = scripted(vt, {
      'job-a': [job('job-a', 'completed', 100)],
      'job-b': [job('job-b', 'importing', 10), job('job-b', 'failed', 10, { errorMessage: 'x' })],
      'job-c': [job('job-c', 'importing', 10)],
      'job-d': [job('job-d', 'uncommitted', 99)],
    })
    const outcome = await waitForJobs(
      options(vt, fetchJob, { jobIds: ['job-a', 'job-b', 'job-c', 'job-d'] }),
    )
    expect(outcome.state).toBe('failed')
    expect(outcome.jobs.map((status) => [status.jobId, status.stoppedBy])).toEqual([
      ['job-a', undefined],
      ['job-b', undefined],
      ['job-c', 'job-b'],
      ['job-d', undefined],
    ])
  })

  test('a retry is announced with the time elapsed since the start', async () => {
    const vt = new VirtualTime()
    const { fetchJob } = scripted(vt, {
      'job-a': [
        job('job-a', 'importing', 10),
        new TransientError('HTTP 503'),
        job('job-a', 'completed', 100),
      ],
    })
    const events: WaitEvent[] = []
    await waitForJobs(options(vt, fetchJob, { onEvent: (e) => events.push(e) }))
    expect(events.filter((e) => e.kind === 'retry')).toEqual([
      expect.objectContaining({ kind: 'retry', attempt: 1, elapsedMs: 5_000 }),
    ])
  })

  test('with no spacing between requests, the poll at the deadline is still the last', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, { 'job-a': [job('job-a', 'importing', 10)] })
    const outcome = await waitForJobs(
      options(vt, fetchJob, { timeoutMs: 10_000, requestSpacingMs: 0 }),
    )
    expect(outcome.state).toBe('timed-out')
    expect(calls.map((c) => c.at)).toEqual([0, 5_000, 10_000])
  })
})

describe('forecast polls', () => {
  /** A job whose progress follows `progressAt`, answered instantly on the virtual clock. */
  function modelled(vt: VirtualTime, progressAt: (t: number) => number) {
    const calls: number[] = []
    const fetchJob: FetchJob = (jobId) => {
      calls.push(vt.elapsed)
      const progress = Math.min(100, progressAt(vt.elapsed))
      return Promise.resolve(job(jobId, progress >= 100 ? 'completed' : 'importing', progress))
    }
    return { fetchJob, calls }
  }
  const linear = (durationMs: number) => (t: number) => Math.floor((1_000 * t) / durationMs) / 10

  test('steady progress: one early poll lands just after the finish, no extra requests', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = modelled(vt, linear(62_000))
    const outcome = await waitForJobs(options(vt, fetchJob, { timeoutMs: 600_000 }))
    expect(outcome.state).toBe('completed')
    // Fixed polling would see it at 65 s; the forecast poll lands just after it ends
    // (progress is reported to 0.1%, so the forecast is a few hundred ms late at most).
    expect(calls.at(-1)).toBeGreaterThanOrEqual(62_000)
    expect(calls.at(-1)).toBeLessThan(62_600)
    expect(calls.slice(0, -1)).toEqual(Array.from({ length: 13 }, (_, i) => i * 5_000))
    expect(calls).toHaveLength(14)
  })

  test('the first poll that can forecast does: three samples are enough', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = modelled(vt, linear(12_000))
    await waitForJobs(options(vt, fetchJob, { timeoutMs: 600_000 }))
    expect(calls.slice(0, 3)).toEqual([0, 5_000, 10_000])
    expect(calls[3]).toBeGreaterThanOrEqual(12_000)
    expect(calls[3]).toBeLessThan(12_600)
    expect(calls).toHaveLength(4)
  })

  test('an early poll still keeps the spacing between requests', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = modelled(vt, linear(12_000))
    await waitForJobs(options(vt, fetchJob, { timeoutMs: 600_000, requestSpacingMs: 4_000 }))
    expect(calls).toEqual([0, 5_000, 10_000, 14_000])
  })

  test('a forecast that lands exactly on the next poll is no early poll, so the next may forecast', async () => {
    // 1/256 % per ms, so every figure is exact: the finish forecast at the third
    // poll plus the 250 ms margin is exactly the fourth poll's time, 3 intervals.
    const interval = 250 + 256 * 16
    const step = interval / 256
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [
        job('job-a', 'importing', 84 - 2 * step),
        job('job-a', 'importing', 84 - step),
        job('job-a', 'importing', 84),
        // Slower, yet within 25%: steady enough to forecast again.
        job('job-a', 'importing', 97),
        job('job-a', 'completed', 100),
      ],
    })
    await waitForJobs(options(vt, fetchJob, { pollIntervalMs: interval, timeoutMs: 600_000 }))
    const times = calls.map((c) => c.at)
    expect(times.slice(0, 4)).toEqual([0, interval, 2 * interval, 3 * interval])
    expect(times[4]).toBeGreaterThan(3 * interval)
    expect(times[4]).toBeLessThan(4 * interval)
  })

  test('forecast: false keeps the fixed grid', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = modelled(vt, linear(62_000))
    await waitForJobs(options(vt, fetchJob, { timeoutMs: 600_000, forecast: false }))
    expect(calls).toEqual(Array.from({ length: 14 }, (_, i) => i * 5_000))
  })

  test('stepped progress and plateaus get no early polls', async () => {
    const vt = new VirtualTime()
    const stepped = (t: number): number =>
      t < 20_000 ? 10 : t < 40_000 ? 40 : t < 90_000 ? 85 : 100
    const { fetchJob, calls } = modelled(vt, stepped)
    await waitForJobs(options(vt, fetchJob, { timeoutMs: 600_000 }))
    expect(calls.every((t) => t % 5_000 === 0)).toBe(true)
  })

  test('a wrong forecast never stretches a gap past the interval, and is not repeated at once', async () => {
    const vt = new VirtualTime()
    // Steady all the way to 99.9% (due at 47.5 s), then held there until 60 s while the
    // last step runs: the forecast is too early, and the pace still looks steady after it.
    const slowing = (t: number): number =>
      t >= 60_000 ? 100 : Math.min(99.9, Math.floor((t * 1_000) / 47_500) / 10)
    const { fetchJob, calls } = modelled(vt, slowing)
    await waitForJobs(options(vt, fetchJob, { timeoutMs: 600_000 }))
    const gaps = calls.slice(1).map((t, i) => t - (calls[i] ?? 0))
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5_000)
    // The forecast did fire (a short gap) ...
    expect(gaps.some((g) => g < 5_000)).toBe(true)
    // ... but never twice in a row: after an early poll comes a full interval.
    for (let i = 1; i < gaps.length; i++) {
      if ((gaps[i - 1] ?? 0) < 5_000 && i < gaps.length - 1) expect(gaps[i]).toBe(5_000)
    }
  })
})

describe('decideState', () => {
  const faulty = (): JobStatus => ({ jobId: 'j', lastError: 'ECONNREFUSED' })
  const s = (state?: JobState, problem?: string): JobStatus => {
    const status: JobStatus = { jobId: 'j' }
    if (state) status.job = job('j', state, 0)
    if (problem) status.problem = problem
    return status
  }

  test.each([
    ['a failed job wins', [s('completed'), s('failed')], false, 'failed'],
    [
      'a problem is an error, and wins over cancel',
      [s('completed'), s(undefined, 'bad key')],
      true,
      'error',
    ],
    [
      'an import failure wins over a problem',
      [s('failed'), s(undefined, 'bad key')],
      false,
      'failed',
    ],
    ['an error wins over all done', [s('completed'), s(undefined, 'bad key')], false, 'error'],
    ['all completed wins over a late cancel', [s('completed'), s('completed')], true, 'completed'],
    ['cancelled before the end', [s('completed'), s('importing')], true, 'cancelled'],
    ['still running at the deadline', [s('completed'), s('importing')], false, 'timed-out'],
    ['one never answered, one did', [s('completed'), s()], false, 'timed-out'],
    ['one answered, one only faults', [s('importing'), faulty()], false, 'timed-out'],
    ['answered, then faults', [{ ...s('importing'), lastError: 'HTTP 503' }], false, 'timed-out'],
    ['never polled at all', [s()], false, 'timed-out'],
    ['none ever answered, only faults', [faulty(), faulty()], false, 'error'],
    [
      'none answered: faults, and jobs never polled before the deadline',
      [faulty(), s(), s()],
      false,
      'error',
    ],
    ['none answered, cancelled', [faulty()], true, 'cancelled'],
    ['done, one waiting for its commit', [s('completed'), s('uncommitted')], false, 'uncommitted'],
    ['a failure wins over uncommitted', [s('uncommitted'), s('failed')], false, 'failed'],
    ['uncommitted wins over a late cancel', [s('uncommitted')], true, 'uncommitted'],
    ['uncommitted and still running', [s('uncommitted'), s('importing')], false, 'timed-out'],
  ])('%s', (_label, statuses, cancelled, expected) => {
    expect(decideState(statuses, cancelled)).toBe(expected)
  })
})

describe('waiting for committed jobs (the commit gate)', () => {
  test('uncommittedSettles false: Uncommitted and Committing are polled on until Completed', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [
        job('job-a', 'uncommitted', 99),
        job('job-a', 'committing', 99),
        job('job-a', 'completed', 100),
      ],
    })
    const outcome = await waitForJobs(options(vt, fetchJob, { uncommittedSettles: false }))
    expect(calls).toHaveLength(3)
    expect(outcome.state).toBe('completed')
    // By default, Uncommitted is done waiting.
    const first = scripted(vt, { 'job-a': [job('job-a', 'uncommitted', 99)] })
    expect((await waitForJobs(options(vt, first.fetchJob))).state).toBe('uncommitted')
    expect(first.calls).toHaveLength(1)
  })

  test('startedAt: elapsed times count from it; the deadline from now', async () => {
    const vt = new VirtualTime()
    const { fetchJob, calls } = scripted(vt, {
      'job-a': [job('job-a', 'committing', 99), job('job-a', 'completed', 100)],
    })
    const outcome = await waitForJobs(
      options(vt, fetchJob, { startedAt: vt.clock.now() - 30_000, timeoutMs: 6_000 }),
    )
    expect(calls.map((c) => c.at)).toEqual([0, 5_000])
    expect(outcome.jobs[0]?.settledAfterMs).toBe(35_000)
    expect(outcome.elapsedMs).toBe(35_000)
  })

  test('a failure stops a job still Uncommitted there too, and says which one stopped it', async () => {
    const vt = new VirtualTime()
    const { fetchJob } = scripted(vt, {
      'job-a': [job('job-a', 'uncommitted', 99)],
      'job-b': [job('job-b', 'failed', 0, { errorMessage: 'x' })],
    })
    const outcome = await waitForJobs(
      options(vt, fetchJob, { jobIds: ['job-a', 'job-b'], uncommittedSettles: false }),
    )
    expect(outcome.state).toBe('failed')
    expect(outcome.jobs[0]?.stoppedBy).toBe('job-b')
  })
})
