/**
 * A virtual clock for the poll loop: sleep() registers a timer, and whenever
 * every coroutine is waiting (checked with setImmediate, after all pending
 * microtasks), time jumps to the earliest timer. Tests of a 30-minute wait
 * run in milliseconds and see exact times.
 *
 * The clock starts at a real-looking epoch time, not 0, so that code which
 * forgets to subtract its start time shows it; tests read `elapsed` and
 * schedule with `at()` relative to that start.
 */
import type { Clock, Sleep } from '../../src/time.js'

interface Timer {
  at: number
  seq: number
  fire: () => void
}

/** 2025-11-29T12:00:00Z: what the code under test sees as "now" at the start. */
export const VIRTUAL_START_MS = 1_764_417_600_000

export class VirtualTime {
  private current = VIRTUAL_START_MS
  private seq = 0
  private timers: Timer[] = []
  private tickScheduled = false

  readonly clock: Clock = { now: () => this.current }

  /** Virtual time since the start. */
  get elapsed(): number {
    return this.current - VIRTUAL_START_MS
  }

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted || ms <= 0) {
        resolve()
        return
      }
      const timer: Timer = {
        at: this.current + ms,
        seq: this.seq++,
        fire: () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      const onAbort = (): void => {
        this.timers = this.timers.filter((t) => t !== timer)
        resolve()
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.add(timer)
    })

  /** Runs `action` when `elapsedMs` of virtual time have passed since the start. */
  at(elapsedMs: number, action: () => void): void {
    this.add({ at: VIRTUAL_START_MS + elapsedMs, seq: this.seq++, fire: action })
  }

  private add(timer: Timer): void {
    this.timers.push(timer)
    this.scheduleTick()
  }

  private scheduleTick(): void {
    if (this.tickScheduled) return
    this.tickScheduled = true
    setImmediate(() => {
      this.tickScheduled = false
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
      const next = this.timers.shift()
      if (next === undefined) return
      this.current = Math.max(this.current, next.at)
      next.fire()
      if (this.timers.length > 0) this.scheduleTick()
    })
  }
}
