/** Choosing what fits in a byte budget, shared by the summary and the jobs output. */

/**
 * Indices of the items to keep: lowest rank first (ties in original order),
 * each kept while its size still fits in what is left of `budget`. The set
 * iterates in that order.
 */
export function fitByRank<T>(
  items: readonly T[],
  rank: (item: T) => number,
  size: (item: T, index: number) => number,
  budget: number,
): Set<number> {
  const order = items.map((_, i) => i)
  const ranks = items.map(rank)
  // sort() is stable: ties keep their original order.
  order.sort((a, b) => (ranks[a] ?? 0) - (ranks[b] ?? 0))
  const kept = new Set<number>()
  let used = 0
  for (const i of order) {
    const cost = size(items[i] as T, i)
    if (used + cost > budget) break
    kept.add(i)
    used += cost
  }
  return kept
}

export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8')
