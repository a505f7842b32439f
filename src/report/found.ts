/**
 * What was found by collection-name, said in the log and the summary, and the
 * list's own notes (a retry, going back to describes). Pure.
 */
import type { CollectionFind, FallbackEvent, ListRetryEvent, ListedJob } from '../job.js'
import { escapeHtml } from '../text.js'

/** Job IDs named in one line or paragraph; the rest are counted. */
export const NAMED_MAX = 20

function named(ids: readonly string[]): string {
  const shown = ids.slice(0, NAMED_MAX).join(', ')
  const rest = ids.length - NAMED_MAX
  return rest > 0 ? `${shown} and ${rest} more` : shown
}

function finishedPart(finished: readonly ListedJob[]): string {
  if (finished.length === 0) return ''
  const byState = new Map<string, number>()
  for (const job of finished) byState.set(job.state, (byState.get(job.state) ?? 0) + 1)
  const counts = [...byState].map(([state, count]) => `${count} ${state}`).join(', ')
  const failed = finished.some((job) => job.state === 'failed')
  const note = failed ? '; an earlier failure does not fail this step' : ''
  return ` Already finished, not waited for: ${counts} (${named(finished.map((job) => job.jobId))})${note}.`
}

/** What the list found: the jobs waited for by ID, and the finished ones counted by state. */
export function foundLine(find: CollectionFind): string {
  const { collectionName, waited } = find
  const head =
    waited.length === 0
      ? `No unfinished import job into collection ${collectionName} was found.`
      : `Found ${waited.length} unfinished import ${waited.length === 1 ? 'job' : 'jobs'} into collection ${collectionName}: ${named(waited)}.`
  return `${head}${finishedPart(find.finished)}`
}

/** Nothing to wait for, and require-jobs is off: the step passes and says why. */
export function nothingToWaitFor(find: CollectionFind): string {
  return `Nothing to wait for: no import into collection ${find.collectionName} was running. Set require-jobs: true to fail the step in this case.`
}

/** Nothing to wait for, and require-jobs is on: the error the step fails with. */
export function requiredJobsMissing(find: CollectionFind): string {
  return `No unfinished import job into collection ${find.collectionName} was found, and require-jobs is true: an import was expected to be running. Check that the import was started, and "collection-name" and "db-name".`
}

/** The summary's paragraph on what was found (escaped). */
export function foundHtml(find: CollectionFind): string {
  return `<p>${escapeHtml(foundLine(find))}</p>\n`
}

export function listRetryLine(event: ListRetryEvent): string {
  return `Listing the import jobs: ${event.reason}; retry ${event.attempt} in ${(event.delayMs / 1000).toFixed(1)}s`
}

/** Said once, when the rounds stop using the list. */
export function fallbackLine(event: FallbackEvent): string {
  return event.why === 'unsupported'
    ? `The list call cannot be used (${event.reason}): each job is described on its own from here, one request per job and poll.`
    : `Each job is described on its own from here: ${event.reason}, no fewer than describing each job.`
}
