/**
 * A virtual clock for the poll loop: sleep() registers a timer, and whenever
 * every coroutine is waiting (checked with setImmediate, after all pending
 * microtasks), time jumps to the earliest timer. Tests of a 30-minute wait
 * run in milliseconds and see exact times.
 */
import type { Clock, Sleep } from '../../src/time.js'

interface Timer {
  at: number
  seq: number
  fire: () => void
}

export class VirtualTime {
  private current = 0
  private seq = 0
  private timers: Timer[] = []
  private tickScheduled = false

  readonly clock: Clock = { now: () => this.current }

  get now(): number {
    return this.current
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

  /** Runs `action` when virtual time reaches `at`. */
  at(at: number, action: () => void): void {
    this.add({ at, seq: this.seq++, fire: action })
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
