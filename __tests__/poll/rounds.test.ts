import {
  AbortedError,
  ListUnsupportedError,
  PermanentError,
  TransientError,
} from '../../src/errors.js'
import type {
  FetchJob,
  ImportJob,
  ListJobs,
  ListRetryEvent,
  ListedJob,
  WaitEvent,
} from '../../src/job.js'
import {
  LIST_NO_REASON,
  type RoundsOptions,
  listAllPages,
  waitInRounds,
} from '../../src/poll/rounds.js'
import { waitForJobs } from '../../src/poll/wait.js'
import { VirtualTime } from '../helpers/virtual-time.js'

/** A job in a world on virtual time: it ends (or fails) at `endsAt`, progress linear before. */
interface WorldJob {
  endsAt: number
  fails?: string
  /** Listed with this state text's meaning while running. */
  hidden?: boolean
}

interface Request {
  kind: 'list' | 'describe'
  at: number
  jobId?: string
  page?: number
}

/**
 * The import server as the rounds see it: a list (with or without progress,
 * paged) and a describe, both reading each job's state at the current
 * virtual time. Every request is recorded with its time.
 */
function world(
  vt: VirtualTime,
  jobs: Record<string, WorldJob>,
  shape: { progress: boolean; pageSize?: number } = { progress: true },
) {
  const requests: Request[] = []
  const stateOf = (id: string): ImportJob => {
    const spec = jobs[id]
    if (spec === undefined) throw new PermanentError(`job ${id} does not exist`)
    const t = vt.elapsed
    if (t >= spec.endsAt) {
      return spec.fails === undefined
        ? {
            jobId: id,
            state: 'completed',
            progress: 100,
            files: [{ fileName: 'a', progress: 100 }],
          }
        : {
            jobId: id,
            state: 'failed',
            progress: 0,
            errorMessage: spec.fails,
            files: [{ fileName: 'a', progress: 0, errorMessage: spec.fails }],
          }
    }
    const progress = Math.floor((t / spec.endsAt) * 100)
    return { jobId: id, state: 'importing', progress, files: [{ fileName: 'a', progress }] }
  }
  const fetchJob: FetchJob = (jobId) => {
    requests.push({ kind: 'describe', at: vt.elapsed, jobId })
    return Promise.resolve(stateOf(jobId))
  }
  const listJobs: ListJobs = (page) => {
    requests.push({ kind: 'list', at: vt.elapsed, page })
    const all: ListedJob[] = Object.keys(jobs)
      .filter((id) => jobs[id]?.hidden !== true)
      .map((id) => {
        const job = stateOf(id)
        const listed: ListedJob = { jobId: id, state: job.state, collectionName: 'c' }
        if (shape.progress) listed.progress = job.progress
        if (shape.progress && job.errorMessage !== undefined) listed.reason = job.errorMessage
        return listed
      })
    const size = shape.pageSize ?? all.length
    const slice = all.slice((page - 1) * size, page * size)
    return Promise.resolve({ jobs: slice, more: page * size < all.length })
  }
  return { fetchJob, listJobs, requests }
}

function options(
  vt: VirtualTime,
  calls: { fetchJob: FetchJob; listJobs: ListJobs },
  overrides: Partial<RoundsOptions> = {},
): RoundsOptions {
  return {
    jobIds: ['job-a', 'job-b'],
    ...calls,
    clock: vt.clock,
    sleep: vt.sleep,
    random: () => 0,
    signal: new AbortController().signal,
    timeoutMs: 120_000,
    pollIntervalMs: 5_000,
    ...overrides,
  }
}

const describes = (requests: Request[]): Request[] => requests.filter((r) => r.kind === 'describe')
const lists = (requests: Request[]): Request[] => requests.filter((r) => r.kind === 'list')

describe('waitInRounds with lists that carry progress (Milvus)', () => {
  test('one list a round tracks every job; each is described once, when the list shows it settled', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 7_000 }, 'job-b': { endsAt: 12_000 } })
    const events: WaitEvent[] = []
    const outcome = await waitInRounds(options(vt, w, { onEvent: (e) => events.push(e) }))
    expect(outcome.state).toBe('completed')
    expect(lists(w.requests).map((r) => r.at)).toEqual([0, 5_000, 10_000])
    // a is described once, a slot after the list that showed it completed.
    expect(
      describes(w.requests)
        .filter((r) => r.jobId === 'job-a')
        .map((r) => r.at),
    ).toEqual([10_200])
    // Seen settled when the list showed it: within one interval of the end.
    expect(outcome.jobs[0]?.settledAfterMs).toBe(10_000)
    // b, left alone, is described on its own from the next slot.
    expect(describes(w.requests).filter((r) => r.jobId === 'job-b')[0]?.at).toBe(10_400)
    expect(outcome.jobs[1]?.settledAfterMs).toBeGreaterThanOrEqual(12_000)
    expect(outcome.jobs[1]?.settledAfterMs).toBeLessThanOrEqual(17_000)
    // The describe's answer, with its files, is what the outcome keeps.
    expect(outcome.jobs[0]?.job?.files).toHaveLength(1)
    // Running jobs' progress came from the list, as updates.
    const progressOfB = events
      .filter((e) => e.kind === 'update' && e.jobId === 'job-b')
      .map((e) => (e.kind === 'update' ? e.job.progress : -1))
    expect(progressOfB.slice(0, 3)).toEqual([0, 41, 83])
    expect(progressOfB.at(-1)).toBe(100)
  })

  test('200 jobs: each seen settled within one interval of its end, with fewer requests than a describe per job', async () => {
    const ends: Record<string, WorldJob> = {}
    let seed = 7
    for (let i = 0; i < 200; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      ends[`job-${i}`] = { endsAt: 30_000 + Math.floor((seed / 2 ** 31) * 120_000) }
    }
    const ids = Object.keys(ends)
    const vt = new VirtualTime()
    const w = world(vt, ends)
    const outcome = await waitInRounds(options(vt, w, { jobIds: ids, timeoutMs: 600_000 }))
    expect(outcome.state).toBe('completed')
    const lateness = outcome.jobs.map(
      (s) => (s.settledAfterMs ?? Infinity) - (ends[s.jobId]?.endsAt ?? 0),
    )
    expect(Math.max(...lateness)).toBeLessThanOrEqual(5_000)
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0)

    const today = new VirtualTime()
    const perJob = world(today, ends)
    const before = await waitForJobs({
      ...options(today, perJob, { jobIds: ids, timeoutMs: 600_000 }),
    })
    expect(before.state).toBe('completed')
    expect(w.requests.length).toBeLessThan(perJob.requests.length)
    // Today a job's end is seen up to a whole round of 200 describes (40 s) late.
    const todayLate = before.jobs.map((s) => (s.settledAfterMs ?? 0) - (ends[s.jobId]?.endsAt ?? 0))
    expect(Math.max(...todayLate)).toBeGreaterThan(30_000)
  })

  test('a job the list shows failed is described first, and stops the others at once', async () => {
    const vt = new VirtualTime()
    const w = world(vt, {
      'job-a': { endsAt: 60_000 },
      'job-b': { endsAt: 6_000 },
      'job-c': { endsAt: 8_000, fails: 'bad schema' },
    })
    const outcome = await waitInRounds(options(vt, w, { jobIds: ['job-a', 'job-b', 'job-c'] }))
    expect(outcome.state).toBe('failed')
    // Round 2 (10 s) sees b completed and c failed: c is described first.
    expect(describes(w.requests).map((r) => r.jobId)).toEqual(['job-c'])
    expect(outcome.jobs[2]?.job?.files[0]?.errorMessage).toBe('bad schema')
    expect(outcome.jobs[0]?.stoppedBy).toBe('job-c')
    // b was seen completed by the list but never described: its list view is reported.
    expect(outcome.jobs[1]?.job?.state).toBe('completed')
    expect(outcome.jobs[1]?.settledAfterMs).toBe(10_000)
    expect(outcome.jobs[1]?.stoppedBy).toBe('job-c')
    expect(outcome.elapsedMs).toBe(10_200)
  })

  test('after fail fast nothing more happens: no fallback for the one job left', async () => {
    const vt = new VirtualTime()
    const w = world(vt, {
      'job-a': { endsAt: 60_000 },
      'job-c': { endsAt: 8_000, fails: 'bad schema' },
    })
    const events: WaitEvent[] = []
    const outcome = await waitInRounds(
      options(vt, w, { jobIds: ['job-a', 'job-c'], onEvent: (e) => events.push(e) }),
    )
    expect(outcome.state).toBe('failed')
    expect(events.some((e) => e.kind === 'fallback')).toBe(false)
    expect(w.requests).toHaveLength(4)
  })

  test('a job missing from the list is described every round until it settles', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 30_000 }, 'job-b': { endsAt: 7_000, hidden: true } })
    const outcome = await waitInRounds(options(vt, w))
    expect(outcome.state).toBe('completed')
    expect(
      describes(w.requests)
        .filter((r) => r.jobId === 'job-b')
        .map((r) => r.at),
    ).toEqual([200, 5_200, 10_200])
    expect(outcome.jobs[1]?.settledAfterMs).toBe(10_200)
    expect(outcome.jobs[0]?.settledAfterMs).toBeGreaterThanOrEqual(30_000)
    expect(outcome.jobs[0]?.settledAfterMs).toBeLessThanOrEqual(35_000)
  })

  test('when one open job is left, it is described on its own (a list costs as much), said as a fallback', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 3_000 }, 'job-b': { endsAt: 22_000 } })
    const events: WaitEvent[] = []
    const outcome = await waitInRounds(options(vt, w, { onEvent: (e) => events.push(e) }))
    expect(outcome.state).toBe('completed')
    expect(lists(w.requests).map((r) => r.at)).toEqual([0, 5_000])
    // b from then on: one describe per interval (or at its forecast finish), as wait.ts polls.
    expect(
      describes(w.requests)
        .map((r) => [r.jobId, r.at])
        .slice(0, 3),
    ).toEqual([
      ['job-a', 5_200],
      ['job-b', 5_400],
      ['job-b', 10_400],
    ])
    const fallbacks = events.filter((e) => e.kind === 'fallback')
    expect(fallbacks).toEqual([
      {
        kind: 'fallback',
        why: 'cheaper',
        reason: 'the list takes 1 request a round for 1 open job',
        elapsedMs: 5_200,
      },
    ])
    expect(outcome.jobs[1]?.settledAfterMs).toBeGreaterThanOrEqual(22_000)
    expect(outcome.jobs[1]?.settledAfterMs).toBeLessThanOrEqual(27_400)
  })

  test('a list taken before (finding the collection) is the first round: no second request for it', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 7_000 }, 'job-b': { endsAt: 8_000 } })
    const firstList = await listAllPages(w.listJobs, {
      acquire: () => Promise.resolve(true),
      signal: new AbortController().signal,
      timeoutMs: () => 1_000,
    })
    expect(firstList?.pages).toBe(1)
    const outcome = await waitInRounds(options(vt, w, { firstList }))
    expect(outcome.state).toBe('completed')
    expect(lists(w.requests).map((r) => r.at)).toEqual([0, 5_000, 10_000])
  })

  test('a describe that contradicts the list (still importing) wins: the job is not settled', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 4_000 }, 'job-b': { endsAt: 40_000 } })
    let lag = 1
    const fetchJob: FetchJob = async (jobId, request) => {
      const answer = await w.fetchJob(jobId, request)
      if (jobId === 'job-a' && lag-- > 0) return { ...answer, state: 'importing', progress: 99 }
      return answer
    }
    const outcome = await waitInRounds(options(vt, { ...w, fetchJob }))
    expect(outcome.state).toBe('completed')
    expect(
      describes(w.requests)
        .filter((r) => r.jobId === 'job-a')
        .map((r) => r.at),
    ).toEqual([5_200, 10_200])
    expect(outcome.jobs[0]?.settledAfterMs).toBe(10_000)
  })

  test('a failed list record without a reason says so; its describe gives the reason', async () => {
    const vt = new VirtualTime()
    const listJobs: ListJobs = () =>
      Promise.resolve({
        jobs: [
          { jobId: 'job-a', state: 'failed' },
          { jobId: 'job-b', state: 'importing', progress: 10 },
        ],
        more: false,
      })
    const fetchJob: FetchJob = () => Promise.reject(new TransientError('HTTP 503'))
    const outcome = await waitInRounds(options(vt, { listJobs, fetchJob }, { timeoutMs: 3_000 }))
    expect(outcome.state).toBe('failed')
    expect(outcome.jobs[0]?.job?.errorMessage).toBe(LIST_NO_REASON)
    expect(outcome.jobs[0]?.lastError).toBe('HTTP 503')
    expect(outcome.jobs[0]?.settledAfterMs).toBe(0)
  })
})

describe('waitInRounds with lists of state only (Zilliz Cloud)', () => {
  test('describes for progress fill what is left of the budget, in turn, never more than a describe per job', async () => {
    const vt = new VirtualTime()
    const jobs: Record<string, WorldJob> = {}
    for (const id of ['a', 'b', 'c', 'd', 'e']) jobs[id] = { endsAt: 50_000 }
    const w = world(vt, jobs, { progress: false, pageSize: 2 })
    const outcome = await waitInRounds(
      options(vt, w, {
        jobIds: Object.keys(jobs),
        timeoutMs: 100_000,
        pollIntervalMs: 1_000,
      }),
    )
    expect(outcome.state).toBe('completed')
    // A round of 1 s has room for 5 requests: 3 pages, and progress describes once the
    // credit covers a round where all five settle at once (3 pages + 5 describes).
    const firstRound = w.requests.filter((r) => r.at < 1_000)
    expect(firstRound.map((r) => r.kind)).toEqual(['list', 'list', 'list'])
    const progressDescribes = describes(w.requests.filter((r) => r.at < 50_000))
    expect(progressDescribes.length).toBeGreaterThan(60)
    // In turn: a, b, c, d, e, a, ...
    expect(progressDescribes.map((r) => r.jobId)).toEqual(
      progressDescribes.map((_r, i) => ['a', 'b', 'c', 'd', 'e'][i % 5]),
    )
    // Every job seen settled in the round at its end (once its three pages were read).
    expect(outcome.jobs.map((s) => s.settledAfterMs)).toEqual(Array(5).fill(50_400))
    // No more requests than a describe per job each interval (today).
    const today = new VirtualTime()
    const perJob = world(today, jobs, { progress: false })
    await waitForJobs({
      ...options(today, perJob, {
        jobIds: Object.keys(jobs),
        timeoutMs: 100_000,
        pollIntervalMs: 1_000,
      }),
      forecast: false,
    })
    expect(w.requests.length).toBeLessThanOrEqual(perJob.requests.length)
  })

  test('a first sight without progress is not reported as an update; a state change is', async () => {
    const vt = new VirtualTime()
    const w = world(
      vt,
      { 'job-a': { endsAt: 12_000 }, 'job-b': { endsAt: 60_000 } },
      { progress: false },
    )
    const events: WaitEvent[] = []
    // An interval of the spacing: a round's budget is one request, the list itself.
    await waitInRounds(
      options(vt, w, {
        onEvent: (e) => events.push(e),
        pollIntervalMs: 5_000,
        requestSpacingMs: 5_000,
      }),
    )
    const aUpdates = events.filter((e) => e.kind === 'update' && e.jobId === 'job-a')
    expect(aUpdates.map((e) => (e.kind === 'update' ? e.job.state : ''))).toEqual(['completed'])
  })
})

describe('waitInRounds when the list fails', () => {
  test('a list the server does not have: said once, then one describe per job', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 7_000 }, 'job-b': { endsAt: 12_000 } })
    const listJobs: ListJobs = () => Promise.reject(new ListUnsupportedError('HTTP 404'))
    const events: WaitEvent[] = []
    const outcome = await waitInRounds(
      options(vt, { ...w, listJobs }, { onEvent: (e) => events.push(e) }),
    )
    expect(outcome.state).toBe('completed')
    expect(events.filter((e) => e.kind === 'fallback')).toEqual([
      { kind: 'fallback', why: 'unsupported', reason: 'HTTP 404', elapsedMs: 0 },
    ])
    expect(
      describes(w.requests)
        .filter((r) => r.jobId === 'job-a')
        .map((r) => r.at),
    ).toEqual([200, 5_200, 10_200])
    expect(outcome.jobs[1]?.settledAfterMs).toBeGreaterThanOrEqual(12_000)
    expect(outcome.jobs[1]?.settledAfterMs).toBeLessThanOrEqual(15_200)
  })

  test('a refused list goes back to describes too (they say what is wrong with the job)', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 0 }, 'job-b': { endsAt: 0 } })
    const listJobs: ListJobs = () => Promise.reject(new PermanentError('permission deny'))
    const events: WaitEvent[] = []
    const outcome = await waitInRounds(
      options(vt, { ...w, listJobs }, { onEvent: (e) => events.push(e) }),
    )
    expect(outcome.state).toBe('completed')
    expect(events.find((e) => e.kind === 'fallback')).toMatchObject({ reason: 'permission deny' })
  })

  test('a list that fails for a while is retried with backoff; the jobs already seen keep their state', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 20_000 }, 'job-b': { endsAt: 21_000 } })
    let call = 0
    const listJobs: ListJobs = (page, request) => {
      call += 1
      if (call === 2 || call === 3) return Promise.reject(new TransientError('HTTP 503'))
      return w.listJobs(page, request)
    }
    const events: WaitEvent[] = []
    const outcome = await waitInRounds(
      options(vt, { ...w, listJobs }, { onEvent: (e) => events.push(e) }),
    )
    expect(outcome.state).toBe('completed')
    const retries = events.filter((e): e is ListRetryEvent => e.kind === 'list-retry')
    expect(retries.map((e) => [e.attempt, e.elapsedMs])).toEqual([
      [1, 5_000],
      [2, 5_000 + (retries[0]?.delayMs ?? Number.NaN)],
    ])
    expect(events.some((e) => e.kind === 'fallback')).toBe(false)
  })

  test('a list failing until the deadline ends the wait at the deadline, timed out', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 60_000 }, 'job-b': { endsAt: 60_000 } })
    let call = 0
    const listJobs: ListJobs = (page, request) =>
      call++ === 0 ? w.listJobs(page, request) : Promise.reject(new TransientError('HTTP 503'))
    const outcome = await waitInRounds(options(vt, { ...w, listJobs }, { timeoutMs: 20_000 }))
    expect(outcome.state).toBe('timed-out')
    expect(outcome.elapsedMs).toBe(20_000)
  })

  test('a describe refused for good stops every job (error)', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 60_000 }, 'job-b': { endsAt: 0, hidden: true } })
    const fetchJob: FetchJob = () => Promise.reject(new PermanentError('job-b does not exist'))
    const outcome = await waitInRounds(options(vt, { ...w, fetchJob }))
    expect(outcome.state).toBe('error')
    expect(outcome.jobs[1]?.problem).toBe('job-b does not exist')
    expect(outcome.jobs[0]?.stoppedBy).toBe('job-b')
  })

  test('an unexpected error in a describe is a problem named as such', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 60_000 }, 'job-b': { endsAt: 0, hidden: true } })
    const fetchJob: FetchJob = () => Promise.reject(new Error('boom'))
    const outcome = await waitInRounds(options(vt, { ...w, fetchJob }))
    expect(outcome.jobs[1]?.problem).toBe('Unexpected error: boom')
  })

  test('a cancel during the wait ends it at once: cancelled, with what was seen', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 60_000 }, 'job-b': { endsAt: 60_000 } })
    const cancel = new AbortController()
    let calls = 0
    const listJobs: ListJobs = (page, request) => {
      if (++calls === 3) cancel.abort()
      return w.listJobs(page, request)
    }
    const outcome = await waitInRounds(options(vt, { ...w, listJobs }, { signal: cancel.signal }))
    expect(outcome.state).toBe('cancelled')
    expect(outcome.elapsedMs).toBe(10_000)
    expect(outcome.jobs[0]?.job?.progress).toBe(8)
  })

  test('a cancel while a list hangs stops it', async () => {
    const vt = new VirtualTime()
    const cancel = new AbortController()
    const listJobs: ListJobs = (_page, request) =>
      new Promise((_resolve, reject) => {
        request.signal.addEventListener('abort', () => {
          reject(new AbortedError('aborted'))
        })
        cancel.abort()
      })
    const fetchJob: FetchJob = () => Promise.reject(new Error('not called'))
    const events: WaitEvent[] = []
    const outcome = await waitInRounds(
      options(
        vt,
        { listJobs, fetchJob },
        { signal: cancel.signal, onEvent: (e) => events.push(e) },
      ),
    )
    expect(outcome.state).toBe('cancelled')
    // The cancelled list is not a list that does not work: no fallback to describes.
    expect(events).toEqual([])
  })

  test('a describe fault that comes after the cancel is not noted as a fault', async () => {
    const vt = new VirtualTime()
    const cancel = new AbortController()
    const w = world(vt, { 'job-a': { endsAt: 0 }, 'job-b': { endsAt: 60_000 } })
    const fetchJob: FetchJob = () => {
      cancel.abort()
      return Promise.reject(new TransientError('socket closed'))
    }
    const outcome = await waitInRounds(options(vt, { ...w, fetchJob }, { signal: cancel.signal }))
    expect(outcome.state).toBe('cancelled')
    expect(outcome.jobs.map((s) => s.lastError)).toEqual([undefined, undefined])
    expect(outcome.jobs.map((s) => s.faults)).toEqual([undefined, undefined])
  })
})

describe('listAllPages', () => {
  test('asks page after page while the server says more, each under the rate cap', async () => {
    const pages: number[] = []
    let acquired = 0
    const listJobs: ListJobs = (page) => {
      pages.push(page)
      return Promise.resolve({ jobs: [{ jobId: `j${page}`, state: 'importing' }], more: page < 3 })
    }
    const snapshot = await listAllPages(listJobs, {
      acquire: () => Promise.resolve(++acquired > 0),
      signal: new AbortController().signal,
      timeoutMs: () => 1_000,
    })
    expect(pages).toEqual([1, 2, 3])
    expect(acquired).toBe(3)
    expect([...(snapshot?.jobs.keys() ?? [])]).toEqual(['j1', 'j2', 'j3'])
    expect(snapshot?.pages).toBe(3)
  })

  test('stops without a snapshot when no slot is left (deadline or cancel)', async () => {
    const listJobs: ListJobs = () => Promise.resolve({ jobs: [], more: true })
    let slots = 2
    const snapshot = await listAllPages(listJobs, {
      acquire: () => Promise.resolve(slots-- > 0),
      signal: new AbortController().signal,
      timeoutMs: () => 1_000,
    })
    expect(snapshot).toBeUndefined()
  })
})

describe('waitInRounds: the details', () => {
  test('each request gets the time left, within 30 s and at least 2 s', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 200_000 }, 'job-b': { endsAt: 200_000 } })
    const timeouts: [string, number, number][] = []
    const listJobs: ListJobs = (page, request) => {
      timeouts.push(['list', vt.elapsed, request.timeoutMs])
      return w.listJobs(page, request)
    }
    await waitInRounds(options(vt, { ...w, listJobs }, { timeoutMs: 40_000 }))
    expect(timeouts[0]).toEqual(['list', 0, 30_000])
    expect(timeouts.find(([, at]) => at === 15_000)).toEqual(['list', 15_000, 25_000])
    expect(timeouts.at(-1)).toEqual(['list', 40_000, 2_000])
  })

  test('the list view keeps the collection, an unknown state, and a failed job’s reason', async () => {
    const vt = new VirtualTime()
    const listJobs: ListJobs = () =>
      Promise.resolve({
        jobs: [
          {
            jobId: 'job-a',
            state: 'importing',
            unknownState: 'Sorting',
            progress: 40,
            collectionName: 'books',
          },
          { jobId: 'job-b', state: 'completed', collectionName: 'books' },
        ],
        more: false,
      })
    // Describes never answer: what the list showed is all that is known.
    const fetchJob: FetchJob = () => Promise.reject(new TransientError('HTTP 503'))
    const outcome = await waitInRounds(options(vt, { listJobs, fetchJob }, { timeoutMs: 3_000 }))
    expect(outcome.state).toBe('timed-out')
    expect(outcome.jobs[0]?.job).toMatchObject({
      collectionName: 'books',
      unknownState: 'Sorting',
      progress: 40,
    })
    // A completed record without progress (Zilliz Cloud) is 100%.
    expect(outcome.jobs[1]?.job).toMatchObject({
      state: 'completed',
      progress: 100,
      collectionName: 'books',
    })
    expect(outcome.jobs[1]?.job?.errorMessage).toBeUndefined()
    // A job still running at the end never settled.
    expect(outcome.jobs[0]?.settledAfterMs).toBeUndefined()
    expect(outcome.jobs[0]?.lastError).toBeUndefined()
  })

  test('a state the action knows again clears the unknown one', async () => {
    const vt = new VirtualTime()
    let call = 0
    const listJobs: ListJobs = () => {
      call += 1
      return Promise.resolve({
        jobs: [
          call === 1
            ? { jobId: 'job-a', state: 'importing', unknownState: 'Sorting', progress: 40 }
            : { jobId: 'job-a', state: 'importing', progress: 50 },
          { jobId: 'job-b', state: 'importing', progress: 1 },
        ],
        more: false,
      })
    }
    const fetchJob: FetchJob = () => Promise.reject(new Error('not called'))
    const outcome = await waitInRounds(options(vt, { listJobs, fetchJob }, { timeoutMs: 6_000 }))
    expect(outcome.jobs[0]?.job?.unknownState).toBeUndefined()
    expect(outcome.jobs[0]?.job?.progress).toBe(50)
  })

  test('a describe that fails for a while is tried again next round, and the wait goes on', async () => {
    const vt = new VirtualTime()
    const w = world(vt, {
      'job-a': { endsAt: 3_000 },
      'job-b': { endsAt: 60_000 },
      'job-c': { endsAt: 60_000 },
    })
    let fails = 1
    const fetchJob: FetchJob = (jobId, request) =>
      jobId === 'job-a' && fails-- > 0
        ? Promise.reject(new TransientError('HTTP 503'))
        : w.fetchJob(jobId, request)
    const outcome = await waitInRounds(
      options(vt, { ...w, fetchJob }, { jobIds: ['job-a', 'job-b', 'job-c'] }),
    )
    expect(outcome.state).toBe('completed')
    expect(
      describes(w.requests)
        .filter((r) => r.jobId === 'job-a')
        .map((r) => r.at),
    ).toEqual([10_200])
    // Seen settled at the first list that showed it, not at the late describe.
    expect(outcome.jobs[0]?.settledAfterMs).toBe(5_000)
    expect(outcome.jobs[0]?.lastError).toBeUndefined()
  })

  test('a cancel during a describe ends the wait cancelled, with no problem made of it', async () => {
    const vt = new VirtualTime()
    const cancel = new AbortController()
    const w = world(vt, { 'job-a': { endsAt: 0 }, 'job-b': { endsAt: 60_000 } })
    const fetchJob: FetchJob = (_jobId, request) =>
      new Promise((_resolve, reject) => {
        request.signal.addEventListener('abort', () => {
          reject(new AbortedError('aborted'))
        })
        cancel.abort()
      })
    const events: WaitEvent[] = []
    const outcome = await waitInRounds(
      options(vt, { ...w, fetchJob }, { signal: cancel.signal, onEvent: (e) => events.push(e) }),
    )
    expect(outcome.state).toBe('cancelled')
    expect(outcome.jobs.map((s) => s.problem)).toEqual([undefined, undefined])
    expect(events.some((e) => e.kind === 'fallback')).toBe(false)
  })

  test('fail fast marks the others stopped, never the failed job or one already done', async () => {
    const vt = new VirtualTime()
    const w = world(vt, {
      'job-a': { endsAt: 2_000 },
      'job-b': { endsAt: 60_000 },
      'job-c': { endsAt: 8_000, fails: 'bad schema' },
    })
    const outcome = await waitInRounds(options(vt, w, { jobIds: ['job-a', 'job-b', 'job-c'] }))
    expect(outcome.jobs.map((s) => s.stoppedBy)).toEqual([undefined, 'job-c', undefined])
  })

  test('the fallback to describes keeps the deadline', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 600_000 }, 'job-b': { endsAt: 600_000 } })
    const listJobs: ListJobs = () => Promise.reject(new ListUnsupportedError('HTTP 404'))
    const outcome = await waitInRounds(options(vt, { ...w, listJobs }, { timeoutMs: 20_000 }))
    expect(outcome.state).toBe('timed-out')
    expect(outcome.elapsedMs).toBe(20_000)
  })

  test('jobs that all settle in one round end the wait there, with no fallback', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 6_000 }, 'job-b': { endsAt: 7_000 } })
    const events: WaitEvent[] = []
    const outcome = await waitInRounds(options(vt, w, { onEvent: (e) => events.push(e) }))
    expect(outcome.state).toBe('completed')
    expect(events.some((e) => e.kind === 'fallback')).toBe(false)
    expect(outcome.elapsedMs).toBe(10_400)
  })

  test('the fallback says how many requests a paged list takes for how many open jobs', async () => {
    const vt = new VirtualTime()
    const w = world(
      vt,
      { a: { endsAt: 3_000 }, b: { endsAt: 30_000 }, c: { endsAt: 30_000 } },
      { progress: true, pageSize: 1 },
    )
    const events: WaitEvent[] = []
    await waitInRounds(options(vt, w, { jobIds: ['a', 'b', 'c'], onEvent: (e) => events.push(e) }))
    expect(events.find((e) => e.kind === 'fallback')).toMatchObject({
      why: 'cheaper',
      reason: 'the list takes 3 requests a round for 3 open jobs',
    })
  })

  test('a list that fails at the deadline is not retried past it', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 60_000 }, 'job-b': { endsAt: 60_000 } })
    let call = 0
    const listJobs: ListJobs = (page, request) =>
      call++ === 0 ? w.listJobs(page, request) : Promise.reject(new TransientError('HTTP 503'))
    const events: WaitEvent[] = []
    await waitInRounds(
      options(vt, { ...w, listJobs }, { timeoutMs: 20_000, onEvent: (e) => events.push(e) }),
    )
    const retries = events.filter((e): e is ListRetryEvent => e.kind === 'list-retry')
    expect(retries.length).toBeGreaterThan(0)
    expect(retries.every((e) => e.delayMs > 0)).toBe(true)
  })

  test('progress describes are paid for by rounds of open jobs only (jobs that end early add nothing)', async () => {
    const vt = new VirtualTime()
    const jobs: Record<string, WorldJob> = {
      a: { endsAt: 1_000 },
      b: { endsAt: 1_000 },
      c: { endsAt: 1_000 },
      d: { endsAt: 40_000 },
      e: { endsAt: 40_000 },
      f: { endsAt: 40_000 },
    }
    const w = world(vt, jobs, { progress: false, pageSize: 10 })
    await waitInRounds(
      options(vt, w, { jobIds: Object.keys(jobs), pollIntervalMs: 1_000, timeoutMs: 60_000 }),
    )
    const today = new VirtualTime()
    const perJob = world(today, jobs, { progress: false })
    await waitForJobs({
      ...options(today, perJob, {
        jobIds: Object.keys(jobs),
        pollIntervalMs: 1_000,
        timeoutMs: 60_000,
      }),
      forecast: false,
    })
    expect(w.requests.length).toBeLessThanOrEqual(perJob.requests.length)
    // A job described settled is never described again, for progress or anything else.
    for (const id of ['a', 'b', 'c']) {
      expect(describes(w.requests).filter((r) => r.jobId === id)).toHaveLength(1)
    }
  })

  test('more open jobs than a round has room for: a round still takes one interval, a list each', async () => {
    const vt = new VirtualTime()
    const jobs: Record<string, WorldJob> = {}
    for (let i = 0; i < 10; i += 1) jobs[`j${String(i)}`] = { endsAt: 30_000 }
    const w = world(vt, jobs, { progress: false })
    const outcome = await waitInRounds(
      options(vt, w, { jobIds: Object.keys(jobs), pollIntervalMs: 1_000, timeoutMs: 60_000 }),
    )
    expect(outcome.state).toBe('completed')
    // 1 s at 5 requests/s is 5 requests a round: the list and at most 4 describes for progress.
    const early = w.requests.filter((r) => r.at < 20_000)
    expect(lists(early).map((r) => r.at)).toEqual(Array.from({ length: 20 }, (_, i) => i * 1_000))
    expect(describes(early).length).toBeLessThanOrEqual(20 * 4)
    expect(describes(early).length).toBeGreaterThan(40)
  })

  test('a job seen settled whose describe failed is listed again, not handed to the fallback', async () => {
    const vt = new VirtualTime()
    const jobs: Record<string, WorldJob> = {
      'job-a': { endsAt: 3_000 },
      'job-b': { endsAt: 60_000 },
      'job-c': { endsAt: 1_000 },
    }
    // Two pages a round: once job-c is done, the list costs as much as the two open jobs.
    const w = world(vt, jobs, { progress: true, pageSize: 2 })
    let failedOnce = false
    const fetchJob: FetchJob = (jobId, request) => {
      if (jobId === 'job-a' && !failedOnce) {
        failedOnce = true
        return Promise.reject(new TransientError('socket closed'))
      }
      return w.fetchJob(jobId, request)
    }
    const events: WaitEvent[] = []
    const outcome = await waitInRounds(
      options(
        vt,
        { ...w, fetchJob },
        { jobIds: Object.keys(jobs), onEvent: (e) => events.push(e) },
      ),
    )
    expect(outcome.state).toBe('completed')
    // job-a, seen settled at 5 s, is described by the round at 10 s; only then the fallback.
    expect(events.filter((e) => e.kind === 'fallback').map((e) => e.elapsedMs)).toEqual([10_400])
    expect(outcome.jobs[0]?.settledAfterMs).toBe(5_200)
  })

  test('a job described for progress that never settles has no settled time', async () => {
    const vt = new VirtualTime()
    const jobs: Record<string, WorldJob> = { a: { endsAt: 90_000 }, b: { endsAt: 90_000 } }
    const w = world(vt, jobs, { progress: false })
    const outcome = await waitInRounds(
      options(vt, w, { jobIds: ['a', 'b'], pollIntervalMs: 1_000, timeoutMs: 20_000 }),
    )
    expect(outcome.state).toBe('timed-out')
    expect(describes(w.requests).length).toBeGreaterThan(0)
    expect(outcome.jobs.map((s) => s.settledAfterMs)).toEqual([undefined, undefined])
    expect(outcome.jobs.map((s) => s.job?.state)).toEqual(['importing', 'importing'])
  })

  test('a job the list shows settled but whose describe is refused keeps no list view of it', async () => {
    const vt = new VirtualTime()
    const w = world(vt, { 'job-a': { endsAt: 0 }, 'job-b': { endsAt: 60_000 } })
    const fetchJob: FetchJob = (jobId) =>
      Promise.reject(new PermanentError(`job ${jobId}: permission denied`))
    const events: WaitEvent[] = []
    const outcome = await waitInRounds(
      options(vt, { ...w, fetchJob }, { onEvent: (e) => events.push(e) }),
    )
    expect(outcome.state).toBe('error')
    expect(outcome.jobs[0]?.problem).toBe('job job-a: permission denied')
    // No update for job-a: its settled view was never confirmed.
    expect(events.filter((e) => e.kind === 'update' && e.jobId === 'job-a')).toEqual([])
  })

  test('a list record without a collection or unknown state leaves what the describe said', async () => {
    const vt = new VirtualTime()
    const described: ImportJob = {
      jobId: 'job-a',
      state: 'importing',
      progress: 10,
      collectionName: 'books',
      files: [],
    }
    const fetchJob: FetchJob = (jobId) =>
      Promise.resolve(jobId === 'job-a' ? described : { ...described, jobId, collectionName: 'c' })
    // Round 0 does not show job-a (so it is described); later rounds show it without a name.
    const listJobs: ListJobs = () =>
      Promise.resolve({
        jobs: [
          { jobId: 'job-b', state: 'importing', progress: 5, collectionName: 'c' },
          ...(vt.elapsed === 0
            ? []
            : [{ jobId: 'job-a', state: 'importing' as const, progress: 20 }]),
        ],
        more: false,
      })
    const outcome = await waitInRounds(options(vt, { fetchJob, listJobs }, { timeoutMs: 12_000 }))
    expect(outcome.state).toBe('timed-out')
    const job = outcome.jobs[0]?.job
    expect(job?.progress).toBe(20)
    expect(job?.collectionName).toBe('books')
    expect(job !== undefined && 'unknownState' in job).toBe(false)
  })

  test('a state-only list reports a change of state as an update, the first sight not', async () => {
    const vt = new VirtualTime()
    const stateAt = (t: number): 'pending' | 'importing' => (t < 5_000 ? 'pending' : 'importing')
    const listJobs: ListJobs = () =>
      Promise.resolve({
        jobs: ['job-a', 'job-b'].map((jobId) => ({ jobId, state: stateAt(vt.elapsed) })),
        more: false,
      })
    const fetchJob: FetchJob = () => Promise.reject(new Error('not called'))
    const events: WaitEvent[] = []
    await waitInRounds(
      options(vt, { fetchJob, listJobs }, { timeoutMs: 12_000, onEvent: (e) => events.push(e) }),
    )
    expect(
      events.flatMap((e) => (e.kind === 'update' ? [[e.jobId, e.job.state, e.elapsedMs]] : [])),
    ).toEqual([
      ['job-a', 'importing', 5_000],
      ['job-b', 'importing', 5_000],
    ])
  })
})
