import type { CollectionFind, ListedJob } from '../../src/job.js'
import {
  NAMED_MAX,
  fallbackLine,
  foundHtml,
  foundLine,
  listRetryLine,
  nothingToWaitFor,
  requiredJobsMissing,
} from '../../src/report/found.js'

const finished = (jobId: string, state: ListedJob['state']): ListedJob => ({ jobId, state })
const find = (waited: string[], done: ListedJob[] = []): CollectionFind => ({
  collectionName: 'books',
  waited,
  finished: done,
})

describe('what was found by collection-name', () => {
  test('the jobs waited for are named; the finished ones counted by state and named', () => {
    expect(
      foundLine(find(['101', '102'], [finished('90', 'completed'), finished('91', 'completed')])),
    ).toBe(
      'Found 2 unfinished import jobs into collection books: 101, 102. Already finished, not waited for: 2 completed (90, 91).',
    )
    expect(foundLine(find(['101']))).toBe(
      'Found 1 unfinished import job into collection books: 101.',
    )
  })

  test('an earlier failure is named, and said not to fail this step', () => {
    expect(
      foundLine(
        find([], [finished('90', 'failed'), finished('91', 'completed'), finished('92', 'failed')]),
      ),
    ).toBe(
      'No unfinished import job into collection books was found. Already finished, not waited for: 2 failed, 1 completed (90, 91, 92); an earlier failure does not fail this step.',
    )
  })

  test(`at most ${NAMED_MAX} IDs are named; the rest are counted`, () => {
    const ids = Array.from({ length: NAMED_MAX + 3 }, (_, i) => `j${i}`)
    const line = foundLine(find(ids))
    expect(line).toContain(`j${NAMED_MAX - 1} and 3 more.`)
    expect(line).not.toContain(`j${NAMED_MAX},`)
    expect(foundLine(find(ids.slice(0, NAMED_MAX)))).toMatch(new RegExp(`j${NAMED_MAX - 1}\\.$`))
  })

  test('the summary paragraph is escaped', () => {
    const html = foundHtml({ collectionName: 'b<i>', waited: ['1'], finished: [] })
    expect(html).toBe('<p>Found 1 unfinished import job into collection b&lt;i&gt;: 1.</p>\n')
  })

  test('nothing to wait for: the passing note and the require-jobs error', () => {
    expect(nothingToWaitFor(find([]))).toBe(
      'Nothing to wait for: no import into collection books was running. Set require-jobs: true to fail the step in this case.',
    )
    expect(requiredJobsMissing(find([]))).toBe(
      'No unfinished import job into collection books was found, and require-jobs is true: an import was expected to be running. Check that the import was started, and "collection-name" and "db-name".',
    )
  })

  test('list retries and the fallback, in the log', () => {
    expect(
      listRetryLine({
        kind: 'list-retry',
        reason: 'HTTP 503',
        attempt: 2,
        delayMs: 1_250,
        elapsedMs: 0,
      }),
    ).toBe('Listing the import jobs: HTTP 503; retry 2 in 1.3s')
    expect(
      fallbackLine({ kind: 'fallback', why: 'unsupported', reason: 'HTTP 404', elapsedMs: 0 }),
    ).toBe(
      'The list call cannot be used (HTTP 404): each job is described on its own from here, one request per job and poll.',
    )
    expect(
      fallbackLine({
        kind: 'fallback',
        why: 'cheaper',
        reason: 'the list takes 2 requests a round for 2 open jobs',
        elapsedMs: 0,
      }),
    ).toBe(
      'Each job is described on its own from here: the list takes 2 requests a round for 2 open jobs, no fewer than describing each job.',
    )
  })
})
