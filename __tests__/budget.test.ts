import { fitByRank } from '../src/report/budget.js'

describe('fitByRank', () => {
  const size = (item: { bytes: number }) => item.bytes

  test('keeps the lowest ranks first, ties in their original order', () => {
    const items = [
      { rank: 2, bytes: 1 },
      { rank: 0, bytes: 1 },
      { rank: 1, bytes: 1 },
      { rank: 0, bytes: 1 },
      { rank: 1, bytes: 1 },
    ]
    expect([...fitByRank(items, (item) => item.rank, size, 3)]).toEqual([1, 3, 2])
  })

  test('an item that fits exactly is kept; the first that does not fit ends the choice', () => {
    const items = [3, 4, 1, 1].map((bytes) => ({ bytes }))
    expect([...fitByRank(items, () => 0, size, 7)]).toEqual([0, 1])
    expect([...fitByRank(items, () => 0, size, 6)]).toEqual([0])
    expect([...fitByRank(items, () => 0, size, 0)]).toEqual([])
  })
})
