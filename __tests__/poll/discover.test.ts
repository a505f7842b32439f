import { AbortedError, ListUnsupportedError, TransientError } from '../../src/errors.js'
import type { ListJobs, ListedJob } from '../../src/job.js'
import { type DiscoverOptions, byId, discoverJobs, splitFound } from '../../src/poll/discover.js'
import { VirtualTime } from '../helpers/virtual-time.js'
import { failure } from '../helpers/api.js'

const record = (jobId: string, state: ListedJob['state'], collectionName?: string): ListedJob =>
  collectionName === undefined ? { jobId, state } : { jobId, state, collectionName }

function options(
  vt: VirtualTime,
  listJobs: ListJobs,
  overrides: Partial<DiscoverOptions> = {},
): DiscoverOptions {
  return {
    collectionName: 'books',
    listJobs,
    clock: vt.clock,
    sleep: vt.sleep,
    random: () => 0,
    signal: new AbortController().signal,
    timeoutMs: 60_000,
    ...overrides,
  }
}

describe('splitFound', () => {
  test('jobs not settled are waited for; settled ones are named; other collections left out', () => {
    const jobs = new Map(
      [
        record('1', 'importing', 'books'),
        record('2', 'completed', 'books'),
        record('3', 'pending', 'films'),
        record('4', 'pending'),
        record('5', 'uncommitted', 'books'),
        record('6', 'committing', 'books'),
        record('7', 'failed', 'books'),
      ].map((j) => [j.jobId, j]),
    )
    const found = splitFound('books', { jobs, pages: 1 })
    expect(found.waited).toEqual(['1', '4', '6'])
    expect(found.finished.map((j) => j.jobId)).toEqual(['2', '5', '7'])
  })

  test('in order of ID, numbers by value, whatever order the list came in', () => {
    const jobs = new Map(
      [
        record('10', 'importing'),
        record('9', 'completed'),
        record('b', 'pending'),
        record('2', 'importing'),
        record('a', 'failed'),
        record('1', 'failed'),
      ].map((j) => [j.jobId, j]),
    )
    const found = splitFound('books', { jobs, pages: 1 })
    expect(found.waited).toEqual(['2', '10', 'b'])
    expect(found.finished.map((j) => j.jobId)).toEqual(['1', '9', 'a'])
    expect(found.collectionName).toBe('books')
  })
})

describe('byId', () => {
  const sorted = (ids: string[]): string[] => [...ids].sort(byId)

  test('Milvus IDs (int64s as text) by value', () => {
    expect(sorted(['463013498384548227', '10', '9', '463013498384548226', '100'])).toEqual([
      '9',
      '10',
      '100',
      '463013498384548226',
      '463013498384548227',
    ])
  })

  test('numbers inside an ID by value, the rest by character', () => {
    expect(sorted(['job-10', 'job-2', 'job-1b', 'job-1a', 'job-', 'jab-3', 'a1', 'a-1'])).toEqual([
      'a-1',
      'a1',
      'jab-3',
      'job-',
      'job-1a',
      'job-1b',
      'job-2',
      'job-10',
    ])
  })

  test('leading zeros: equal numbers, so the one written with zeros comes first', () => {
    expect(sorted(['7', '08', '007', '10'])).toEqual(['007', '7', '08', '10'])
    expect(sorted(['x-7', 'x-07'])).toEqual(['x-07', 'x-7'])
    expect(byId('5', '5')).toBe(0)
    expect(byId('5', '6')).toBe(-1)
    expect(byId('6', '5')).toBe(1)
  })

  test('digits before letters, a prefix before what extends it, an empty ID first', () => {
    expect(sorted(['b', 'a1', '9', 'a', ''])).toEqual(['', '9', 'a', 'a1', 'b'])
  })
})

describe('discoverJobs', () => {
  test('every page, then the split, and the snapshot for the first round', async () => {
    const vt = new VirtualTime()
    const pages: [number, number][] = []
    const listJobs: ListJobs = (page) => {
      pages.push([page, vt.elapsed])
      return Promise.resolve({ jobs: [record(`j${page}`, 'importing', 'books')], more: page < 2 })
    }
    const { find, snapshot } = await discoverJobs(options(vt, listJobs))
    expect(find.waited).toEqual(['j1', 'j2'])
    expect(snapshot.pages).toBe(2)
    // Pages are requests under the 5/s cap.
    expect(pages).toEqual([
      [1, 0],
      [2, 200],
    ])
  })

  test('transient faults are retried with backoff until the list answers', async () => {
    const vt = new VirtualTime()
    let calls = 0
    const listJobs: ListJobs = () =>
      ++calls < 3
        ? Promise.reject(new TransientError('HTTP 503'))
        : Promise.resolve({ jobs: [record('1', 'importing')], more: false })
    const retries: { attempt: number; delayMs: number }[] = []
    const { find } = await discoverJobs(options(vt, listJobs, { onRetry: (e) => retries.push(e) }))
    expect(find.waited).toEqual(['1'])
    expect(retries.map((r) => r.attempt)).toEqual([1, 2])
    expect(retries.every((r) => r.delayMs > 0)).toBe(true)
  })

  test('faults until the deadline: the last one is thrown, at the deadline', async () => {
    const vt = new VirtualTime()
    const listJobs: ListJobs = () => Promise.reject(new TransientError('HTTP 503'))
    const error = await failure(discoverJobs(options(vt, listJobs, { timeoutMs: 10_000 })))
    expect(error).toBeInstanceOf(TransientError)
    expect(vt.elapsed).toBe(10_000)
  })

  test('a list that cannot be used is thrown at once', async () => {
    const vt = new VirtualTime()
    const listJobs: ListJobs = () => Promise.reject(new ListUnsupportedError('HTTP 404'))
    const error = await failure(discoverJobs(options(vt, listJobs)))
    expect(error).toBeInstanceOf(ListUnsupportedError)
    expect(vt.elapsed).toBe(0)
  })

  test('a fault that comes after the cancel is not retried, nor reported as a retry', async () => {
    const vt = new VirtualTime()
    const cancel = new AbortController()
    let calls = 0
    const retries: unknown[] = []
    const listJobs: ListJobs = () => {
      calls += 1
      cancel.abort()
      return Promise.reject(new TransientError('socket closed'))
    }
    const error = await failure(
      discoverJobs(
        options(vt, listJobs, { signal: cancel.signal, onRetry: (e) => retries.push(e) }),
      ),
    )
    expect(error).toBeInstanceOf(AbortedError)
    expect(retries).toEqual([])
    expect(calls).toBe(1)
  })

  test('a cancel is AbortedError, whether during a request or before the first', async () => {
    const vt = new VirtualTime()
    const cancel = new AbortController()
    const listJobs: ListJobs = () => {
      cancel.abort()
      return Promise.reject(new TransientError('socket closed'))
    }
    expect(
      await failure(discoverJobs(options(vt, listJobs, { signal: cancel.signal }))),
    ).toBeInstanceOf(AbortedError)
    const never: ListJobs = () => Promise.reject(new Error('not called'))
    expect(
      await failure(discoverJobs(options(vt, never, { signal: cancel.signal }))),
    ).toBeInstanceOf(AbortedError)
  })
})

describe('discoverJobs: time', () => {
  test('each list gets the time left, within 30 s and at least 2 s; a retry waits the delay it names', async () => {
    const vt = new VirtualTime()
    const calls: [number, number][] = []
    const listJobs: ListJobs = (_page, request) => {
      calls.push([vt.elapsed, request.timeoutMs])
      return calls.length < 3
        ? Promise.reject(new TransientError('HTTP 503'))
        : Promise.resolve({ jobs: [], more: false })
    }
    const delays: number[] = []
    await discoverJobs(
      options(vt, listJobs, { timeoutMs: 40_000, onRetry: (e) => delays.push(e.delayMs) }),
    )
    expect(calls[0]).toEqual([0, 30_000])
    expect(calls[1]?.[0]).toBe(delays[0])
    expect(calls[2]?.[0]).toBe((delays[0] ?? 0) + (delays[1] ?? 0))
    expect(calls[1]?.[1]).toBe(Math.min(30_000, 40_000 - (calls[1]?.[0] ?? 0)))
  })

  test('near the deadline a list still gets 2 s', async () => {
    const vt = new VirtualTime()
    const calls: number[] = []
    const listJobs: ListJobs = (_page, request) => {
      calls.push(request.timeoutMs)
      return Promise.reject(new TransientError('HTTP 503'))
    }
    await failure(discoverJobs(options(vt, listJobs, { timeoutMs: 3_000 })))
    expect(calls.at(-1)).toBe(2_000)
  })
})
