/**
 * Each job's progress over time, for the summary's chart: a small recorder fed
 * by the poll loop's update events (both waits, the gate's included), keeping
 * only the answers that changed a job's progress. A step line through those
 * points is exactly the line through every answer, so a plateau costs one
 * point however long it lasts. No I/O, no clock: times are the events'.
 */
import type { ProgressHistory, ProgressPoint, UpdateEvent } from '../job.js'

/**
 * At most this many points per job. Progress has a thousand steps (0.1%), so
 * only a job whose progress goes back and forth gets here; it is then thinned
 * to every other point, its first and last kept.
 */
export const HISTORY_MAX_POINTS = 1_000

export interface HistoryRecorder {
  record: (event: UpdateEvent) => void
  /** What was recorded so far; later events do not change a snapshot. */
  snapshot: () => ProgressHistory
}

export function createHistory(maxPoints = HISTORY_MAX_POINTS): HistoryRecorder {
  const jobs = new Map<string, { points: ProgressPoint[]; answers: number }>()
  return {
    record({ jobId, job, elapsedMs }) {
      let seen = jobs.get(jobId)
      if (seen === undefined) {
        seen = { points: [], answers: 0 }
        jobs.set(jobId, seen)
      }
      seen.answers += 1
      if (seen.points.at(-1)?.progress === job.progress) return
      seen.points.push({ atMs: elapsedMs, progress: job.progress })
      if (seen.points.length > maxPoints) seen.points = thin(seen.points)
    },
    snapshot() {
      return new Map(
        [...jobs].map(([jobId, seen]) => [
          jobId,
          { points: [...seen.points], answers: seen.answers },
        ]),
      )
    },
  }
}

/** Every other point, keeping the first and the last (the start and where it stands). */
function thin(points: readonly ProgressPoint[]): ProgressPoint[] {
  const last = points.at(-1)
  const kept = points.filter((_, i) => i % 2 === 0)
  if (last !== undefined && kept.at(-1) !== last) kept.push(last)
  return kept
}
