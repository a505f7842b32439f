/**
 * When will a job reach 100%? Only answered when its progress is steady:
 * the last three samples rising at rates within 25% of each other. Stepped
 * or stalled progress (Milvus stages, index-building plateaus) gives no
 * forecast, so the poll loop keeps its regular interval there. Pure.
 */

export interface Sample {
  atMs: number
  /** 0-100 */
  progress: number
}

/** How far apart two consecutive rates may be and still count as one pace. */
export const STEADY_TOLERANCE = 0.25

export function forecastFinish(samples: readonly Sample[]): number | undefined {
  const [a, b, c] = samples.slice(-3)
  if (a === undefined || b === undefined || c === undefined) return undefined
  if (!(a.atMs < b.atMs && b.atMs < c.atMs)) return undefined
  const rate1 = (b.progress - a.progress) / (b.atMs - a.atMs)
  const rate2 = (c.progress - b.progress) / (c.atMs - b.atMs)
  // A steady pace: rates within 25% of the faster one, which must be moving
  // forward (so both are: progress that stalls or goes back has no finish).
  const faster = Math.max(rate1, rate2)
  if (!(faster > 0) || Math.abs(rate2 - rate1) > STEADY_TOLERANCE * faster) return undefined
  const rate = (c.progress - a.progress) / (c.atMs - a.atMs)
  return c.atMs + (100 - c.progress) / rate
}
