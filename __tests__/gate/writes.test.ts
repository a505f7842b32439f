import { AbortedError, PermanentError, TransientError } from '../../src/errors.js'
import { getEventListeners } from 'node:events'
import { type WriteLimits, sendWrite } from '../../src/gate/writes.js'
import { createRateLimiter } from '../../src/poll/rate-limit.js'
import type { FetchRequest, WriteAnswer, WriteCall, WriteEvent } from '../../src/job.js'
import { VirtualTime } from '../helpers/virtual-time.js'

type Answer = WriteAnswer | Error | { hangMs: number }

/** A write call that answers from a script, one entry per attempt, and records each. */
function scripted(vt: VirtualTime, script: Answer[]) {
  const seen: { call: WriteCall; jobId: string; request: FetchRequest; at: number }[] = []
  const write = async (call: WriteCall, jobId: string, request: FetchRequest) => {
    seen.push({ call, jobId, request, at: vt.elapsed })
    const next = script[Math.min(seen.length - 1, script.length - 1)]
    if (next === undefined) throw new Error('empty script')
    if ('hangMs' in next) {
      // As the transport does: the request's signal ends it (AbortedError), or its timeout.
      await vt.sleep(Math.min(next.hangMs, request.timeoutMs), request.signal)
      if (request.signal.aborted) throw new AbortedError('request cancelled')
      throw new TransientError(`no answer within ${request.timeoutMs} ms`)
    }
    if (next instanceof Error) throw next
    return next
  }
  return { write, seen }
}

const limits = (over: Partial<WriteLimits> = {}): WriteLimits => ({
  deadline: Number.POSITIVE_INFINITY,
  attempts: 4,
  requestTimeoutMs: 30_000,
  backoff: { baseMs: 1_000, maxMs: 8_000 },
  ...over,
})

function deps(vt: VirtualTime, script: Answer[]) {
  const events: WriteEvent[] = []
  const { write, seen } = scripted(vt, script)
  return {
    deps: {
      write,
      clock: vt.clock,
      sleep: vt.sleep,
      random: () => 0.5,
      onWrite: (event: WriteEvent) => events.push(event),
    },
    events,
    seen,
  }
}

const done: WriteAnswer = { kind: 'done', said: 'HTTP 200, code 0' }

describe('sendWrite', () => {
  test('done: committed or aborted, sent once, the answer recorded and reported', async () => {
    const vt = new VirtualTime()
    const commit = deps(vt, [done])
    expect(await sendWrite('commit', 'j', commit.deps, limits())).toEqual({
      call: 'commit',
      mark: 'committed',
      answer: 'HTTP 200, code 0',
    })
    expect(commit.seen.map((s) => [s.call, s.jobId])).toEqual([['commit', 'j']])
    expect(commit.events).toEqual([
      { call: 'commit', jobId: 'j', attempt: 1, settled: commit.events[0]?.settled },
    ])
    expect(commit.events[0]?.settled?.mark).toBe('committed')
    const abort = deps(vt, [done])
    expect((await sendWrite('abort', 'j', abort.deps, limits())).mark).toBe('aborted')
  })

  test('refused: commit-failed or abort-refused at once, never sent again', async () => {
    const vt = new VirtualTime()
    const refused: WriteAnswer = { kind: 'refused', said: 'HTTP 200, code 2100 "no"' }
    const commit = deps(vt, [refused, done])
    expect(await sendWrite('commit', 'j', commit.deps, limits())).toEqual({
      call: 'commit',
      mark: 'commit-failed',
      answer: 'HTTP 200, code 2100 "no"',
    })
    expect(commit.seen).toHaveLength(1)
    const abort = deps(vt, [refused])
    expect((await sendWrite('abort', 'j', abort.deps, limits())).mark).toBe('abort-refused')
  })

  test('unsupported (HTTP 404): refused, and marked so', async () => {
    const vt = new VirtualTime()
    const d = deps(vt, [{ kind: 'unsupported', said: 'HTTP 404' }])
    expect(await sendWrite('abort', 'j', d.deps, limits())).toEqual({
      call: 'abort',
      mark: 'abort-refused',
      answer: 'HTTP 404',
      unsupported: true,
    })
  })

  test('a permanent fault (a refused key) or a bug: refused with its message, once', async () => {
    const vt = new VirtualTime()
    const permanent = deps(vt, [new PermanentError('HTTP 403 Forbidden'), done])
    expect(await sendWrite('commit', 'j', permanent.deps, limits())).toEqual({
      call: 'commit',
      mark: 'commit-failed',
      answer: 'HTTP 403 Forbidden',
    })
    expect(permanent.seen).toHaveLength(1)
    const bug = deps(vt, [new TypeError('x is undefined')])
    expect((await sendWrite('commit', 'j', bug.deps, limits())).answer).toBe(
      'Unexpected error: x is undefined',
    )
    // Cut short (a cancel's grace ran out): no answer, so not known.
    const aborted = deps(vt, [new AbortedError('stopped'), done])
    expect(await sendWrite('abort', 'j', aborted.deps, limits())).toEqual({
      call: 'abort',
      mark: 'abort-refused',
      answer: 'no answer: the run was cancelled before an answer came',
      unanswered: true,
    })
    expect(aborted.seen).toHaveLength(1)
  })

  test('transient faults: sent again after a backoff, then done', async () => {
    const vt = new VirtualTime()
    const d = deps(vt, [new TransientError('HTTP 503'), new TransientError('HTTP 502'), done])
    const record = await sendWrite('commit', 'j', d.deps, limits())
    expect(record.mark).toBe('committed')
    // Equal jitter at random 0.5: 750 ms, then 1,500 ms.
    expect(d.seen.map((s) => s.at)).toEqual([0, 750, 2_250])
    expect(d.events.slice(0, 2)).toEqual([
      { call: 'commit', jobId: 'j', attempt: 1, fault: 'HTTP 503', retryInMs: 750 },
      { call: 'commit', jobId: 'j', attempt: 2, fault: 'HTTP 502', retryInMs: 1_500 },
    ])
    expect(d.events[2]?.attempt).toBe(3)
  })

  test("a server's Retry-After is a floor for the next attempt", async () => {
    const vt = new VirtualTime()
    const d = deps(vt, [new TransientError('HTTP 429', { retryAfterMs: 5_000 }), done])
    await sendWrite('commit', 'j', d.deps, limits())
    expect(d.seen.map((s) => s.at)).toEqual([0, 5_000])
  })

  test('out of attempts: not known whether it took effect, said so', async () => {
    const vt = new VirtualTime()
    const d = deps(vt, [new TransientError('socket hang up')])
    const record = await sendWrite('commit', 'j', d.deps, limits({ attempts: 3 }))
    expect(record).toEqual({
      call: 'commit',
      mark: 'commit-failed',
      answer: 'no answer: socket hang up',
      unanswered: true,
    })
    expect(d.seen).toHaveLength(3)
    // The last fault is not followed by "sending it again".
    expect(d.events.at(-2)).toEqual({
      call: 'commit',
      jobId: 'j',
      attempt: 3,
      fault: 'socket hang up',
    })
    expect(d.events.at(-1)?.attempt).toBe(3)
  })

  test('the deadline bounds every attempt and the backoffs', async () => {
    const vt = new VirtualTime()
    const d = deps(vt, [{ hangMs: 60_000 }])
    const record = await sendWrite(
      'abort',
      'j',
      d.deps,
      limits({ deadline: vt.clock.now() + 5_000, requestTimeoutMs: 30_000 }),
    )
    // One attempt, cut at the deadline (5 s, not 30 s); no time left for another.
    expect(d.seen.map((s) => s.request.timeoutMs)).toEqual([5_000])
    expect(vt.elapsed).toBe(5_000)
    expect(record).toMatchObject({ mark: 'abort-refused', unanswered: true })
    expect(record.answer).toBe('no answer: no answer within 5000 ms')
  })

  test('a backoff that would end past the deadline is not waited for', async () => {
    const vt = new VirtualTime()
    const d = deps(vt, [new TransientError('HTTP 503'), done])
    const record = await sendWrite('abort', 'j', d.deps, limits({ deadline: vt.clock.now() + 700 }))
    expect(d.seen).toHaveLength(1)
    expect(vt.elapsed).toBe(0)
    expect(record.unanswered).toBe(true)
    expect(d.events[0]).not.toHaveProperty('retryInMs')
  })

  test('a back-off that would end exactly at the deadline is not waited for either', async () => {
    const vt = new VirtualTime()
    const d = deps(vt, [new TransientError('HTTP 503'), done])
    // Attempt 1's back-off at random 0.5 is 750 ms.
    await sendWrite('abort', 'j', d.deps, limits({ deadline: vt.clock.now() + 750 }))
    expect(d.seen).toHaveLength(1)
    expect(vt.elapsed).toBe(0)
    expect(d.events[0]).not.toHaveProperty('retryInMs')
    const room = deps(vt, [new TransientError('HTTP 503'), done])
    await sendWrite('abort', 'j', room.deps, limits({ deadline: vt.clock.now() + 751 }))
    expect(room.seen).toHaveLength(2)
  })

  test('no time at all: nothing is sent, and the record says why', async () => {
    const vt = new VirtualTime()
    const d = deps(vt, [done])
    const record = await sendWrite('abort', 'j', d.deps, limits({ deadline: vt.clock.now() }))
    expect(d.seen).toEqual([])
    expect(record).toEqual({
      call: 'abort',
      mark: 'abort-refused',
      answer: 'no answer: no time was left to send it',
      unanswered: true,
    })
  })

  test('each attempt gets the smaller of the request timeout and the time left', async () => {
    const vt = new VirtualTime()
    const d = deps(vt, [done])
    await sendWrite('commit', 'j', d.deps, limits({ requestTimeoutMs: 2_000 }))
    expect(d.seen[0]?.request.timeoutMs).toBe(2_000)
    expect(d.seen[0]?.request.signal.aborted).toBe(false)
  })

  describe('after a cancel', () => {
    test('a write under way gets the grace, then is cut: not known, not sent again', async () => {
      const vt = new VirtualTime()
      const cancel = new AbortController()
      const d = deps(vt, [{ hangMs: 60_000 }, done])
      vt.at(1_000, () => {
        cancel.abort()
      })
      const record = await sendWrite(
        'commit',
        'j',
        d.deps,
        limits({ cancel: cancel.signal, cancelGraceMs: 5_000 }),
      )
      expect(vt.elapsed).toBe(6_000)
      expect(d.seen).toHaveLength(1)
      expect(record).toMatchObject({
        mark: 'commit-failed',
        answer: 'no answer: the run was cancelled before an answer came',
        unanswered: true,
      })
      // No listener is left behind on the run's signal.
      expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(0)
    })

    test('already cancelled: the first attempt still goes out (an abort on cancel), within the grace', async () => {
      const vt = new VirtualTime()
      const cancel = new AbortController()
      cancel.abort()
      const answered = deps(vt, [done])
      const record = await sendWrite(
        'abort',
        'j',
        answered.deps,
        limits({ cancel: cancel.signal, cancelGraceMs: 5_000 }),
      )
      expect(record.mark).toBe('aborted')
      const hanging = deps(vt, [{ hangMs: 60_000 }])
      const start = vt.elapsed
      await sendWrite(
        'abort',
        'j',
        hanging.deps,
        limits({ cancel: cancel.signal, cancelGraceMs: 2_000 }),
      )
      expect(vt.elapsed - start).toBe(2_000)
    })

    test('a cancel during a back-off ends it at once, and nothing more is sent', async () => {
      const vt = new VirtualTime()
      const cancel = new AbortController()
      const d = deps(vt, [new TransientError('HTTP 503'), done])
      vt.at(100, () => {
        cancel.abort()
      })
      const record = await sendWrite(
        'commit',
        'j',
        d.deps,
        limits({ cancel: cancel.signal, cancelGraceMs: 5_000 }),
      )
      expect(vt.elapsed).toBe(100)
      expect(d.seen).toHaveLength(1)
      expect(record).toMatchObject({ answer: 'no answer: HTTP 503', unanswered: true })
    })

    test('a fault after the cancel is not followed by another attempt', async () => {
      const vt = new VirtualTime()
      const cancel = new AbortController()
      cancel.abort()
      const d = deps(vt, [new TransientError('HTTP 502'), done])
      await sendWrite('abort', 'j', d.deps, limits({ cancel: cancel.signal }))
      expect(d.seen).toHaveLength(1)
      expect(d.events[0]).not.toHaveProperty('retryInMs')
    })

    test('an answer before the cancel: nothing left to cut, no listener left', async () => {
      const vt = new VirtualTime()
      const cancel = new AbortController()
      const d = deps(vt, [done])
      await sendWrite(
        'commit',
        'j',
        d.deps,
        limits({ cancel: cancel.signal, cancelGraceMs: 5_000 }),
      )
      expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(0)
      expect(d.seen[0]?.request.signal.aborted).toBe(true)
    })
  })

  test('a limiter spaces attempts; no slot before the deadline is no time left', async () => {
    const vt = new VirtualTime()
    const limiter = createRateLimiter(200, vt.clock, vt.sleep)
    const a = deps(vt, [done])
    const b = deps(vt, [done])
    const c = deps(vt, [done])
    const deadline = vt.clock.now() + 300
    const records = await Promise.all([
      sendWrite('abort', 'a', a.deps, limits({ limiter, deadline })),
      sendWrite('abort', 'b', b.deps, limits({ limiter, deadline })),
      sendWrite('abort', 'c', c.deps, limits({ limiter, deadline })),
    ])
    expect([a, b, c].map((x) => x.seen.map((q) => q.at))).toEqual([[0], [200], []])
    expect(records.map((r) => r.mark)).toEqual(['aborted', 'aborted', 'abort-refused'])
    expect(records[2].answer).toBe('no answer: no time was left to send it')
  })
})
