/**
 * List-based polling rounds. One list call a round (a few pages on Zilliz
 * Cloud) sees every job's state at once, so a job's end is seen within one
 * interval however many jobs there are; the 5 requests/s cap made that 40 s
 * at 200 jobs with one describe per job. A job is described (one request) only:
 *
 * - when the list shows it settled: its files and error texts come from the
 *   describe, which has the last word (the list's view stands only when
 *   describes keep failing until the wait ends);
 * - when the list does not show it (the describe says whether it exists);
 * - for its progress, where list records carry none (Zilliz Cloud), in what is
 *   left of a round's budget: never more requests a round than one describe
 *   per open job would have taken (the rate cap's share of an interval).
 *
 * When the list is not there or not readable (ListUnsupportedError, or any
 * refusal: a describe will say what is wrong), or when it costs as many
 * requests as describing every open job, the rest of the wait is one
 * describe per job (wait.ts), said once through a fallback event. Knows
 * nothing of HTTP or the runner; time, sleep and the calls are injected.
 */
import { setMaxListeners } from 'node:events'
import { PermanentError, TransientError, errorMessage } from '../errors.js'
import {
  type ImportJob,
  type JobStatus,
  type ListJobs,
  type ListPage,
  type ListedJob,
  type Outcome,
  isSettled,
  keepLastProgress,
} from '../job.js'
import { DEFAULT_BACKOFF, backoffDelay } from '../retry.js'
import { createRateLimiter } from './rate-limit.js'
import {
  POLL_DEFAULTS,
  type WaitOptions,
  clearFault,
  decideState,
  recordFault,
  waitForJobs,
} from './wait.js'

/** The list in one round: every job it showed, by ID, and the pages it took. */
export interface ListSnapshot {
  jobs: ReadonlyMap<string, ListedJob>
  pages: number
}

/** Rounds wait for jobs to settle, Uncommitted included (the gate's wait for commits uses wait.ts). */
export interface RoundsOptions extends Omit<WaitOptions, 'forecast' | 'uncommittedSettles'> {
  listJobs: ListJobs
  /** A list taken just before (finding a collection's jobs): the first round uses it. */
  firstList?: ListSnapshot
}

/** What a failed list that names no reason is reported with. */
export const LIST_NO_REASON = 'failed (the list gave no reason)'

/**
 * Every page of the list, each page a request under the shared rate cap.
 * Returns undefined when the deadline or a cancel comes first.
 */
export async function listAllPages(
  listJobs: ListJobs,
  request: {
    acquire: () => Promise<boolean>
    signal: AbortSignal
    timeoutMs: () => number
  },
): Promise<ListSnapshot | undefined> {
  const jobs = new Map<string, ListedJob>()
  for (let page = 1; ; page += 1) {
    if (!(await request.acquire())) return undefined
    const answer: ListPage = await listJobs(page, {
      signal: request.signal,
      timeoutMs: request.timeoutMs(),
    })
    for (const job of answer.jobs) jobs.set(job.jobId, job)
    if (!answer.more) return { jobs, pages: page }
  }
}

export async function waitInRounds(options: RoundsOptions): Promise<Outcome> {
  const { clock, sleep } = options
  const emit = options.onEvent ?? (() => undefined)
  const done = isSettled
  const startedAt = options.startedAt ?? clock.now()
  const deadline = clock.now() + options.timeoutMs
  const requestTimeoutMs = options.requestTimeoutMs ?? POLL_DEFAULTS.requestTimeoutMs
  const minRequestTimeoutMs = options.minRequestTimeoutMs ?? POLL_DEFAULTS.minRequestTimeoutMs
  const spacingMs = options.requestSpacingMs ?? POLL_DEFAULTS.requestSpacingMs
  const backoff = options.backoff ?? DEFAULT_BACKOFF
  const failFast = new AbortController()
  const stop = AbortSignal.any([options.signal, failFast.signal])
  setMaxListeners(0, stop)
  const limiter = createRateLimiter(spacingMs, clock, sleep)
  const statuses: JobStatus[] = options.jobIds.map((jobId) => ({ jobId }))
  const elapsed = (): number => clock.now() - startedAt
  const stopped = (): boolean => stop.aborted
  const acquire = (): Promise<boolean> => limiter.acquire(Math.max(deadline, clock.now()), stop)
  const timeoutMs = (): number =>
    Math.min(requestTimeoutMs, Math.max(deadline - clock.now(), minRequestTimeoutMs))
  /** What one describe per open job costs a round: the rate cap's share of an interval. */
  const roundBudget = Math.max(1, Math.floor(options.pollIntervalMs / spacingMs))
  /**
   * Requests a describe per open job would have made so far, less those
   * made: what progress describes may spend. Never all of it: a round where
   * every open job settles at once (its pages and a describe each) is held
   * back, so the whole wait never takes more requests than describing each job.
   */
  let credit = 0
  /** Jobs the list showed settled, not yet described: their list view and when it was seen. */
  const seenSettled = new Map<string, { job: ImportJob; atMs: number }>()
  /** Where the progress describes (lists without progress) go on next round. */
  let progressCursor = 0
  let listFailures = 0
  let firstList = options.firstList

  const isOpen = (status: JobStatus): boolean =>
    status.problem === undefined && (status.job === undefined || !done(status.job.state))

  function stopOthers(jobId: string): void {
    // The job that stops the others is not open any more: it failed, or has a problem.
    for (const other of statuses) if (isOpen(other)) other.stoppedBy = jobId
    failFast.abort()
  }

  /** The answer of a describe, as wait.ts takes one. */
  function take(status: JobStatus, answer: ImportJob): void {
    clearFault(status)
    const previous = status.job
    const job = keepLastProgress(previous, answer)
    status.job = job
    emit({ kind: 'update', jobId: status.jobId, job, previous, elapsedMs: elapsed() })
    const sight = seenSettled.get(status.jobId)
    seenSettled.delete(status.jobId)
    if (done(job.state)) {
      // Seen settled when the list showed it, if it did: the describe only fetched the details.
      status.settledAfterMs = sight?.atMs ?? elapsed()
      if (job.state === 'failed') stopOthers(status.jobId)
    }
  }

  /** One describe; false when the wait is over (cancel, fail fast, deadline). */
  async function describe(status: JobStatus): Promise<boolean> {
    if (!(await acquire())) return false
    credit -= 1
    try {
      take(status, await options.fetchJob(status.jobId, { signal: stop, timeoutMs: timeoutMs() }))
    } catch (error) {
      // After a cancel or fail fast, what the describe met is moot (an AbortedError, most often).
      if (!stopped()) noteFailure(status, error)
    }
    return !stopped()
  }

  /** A describe that failed: a fault to note, or a refusal that stops every job. */
  function noteFailure(status: JobStatus, error: unknown): void {
    if (error instanceof TransientError) {
      // The next round lists again and describes again: no retry of its own.
      recordFault(status, error)
      return
    }
    status.problem =
      error instanceof PermanentError ? error.message : `Unexpected error: ${errorMessage(error)}`
    stopOthers(status.jobId)
  }

  /** The list's view of a job, on top of what is known of it. */
  function listView(previous: ImportJob | undefined, listed: ListedJob): ImportJob {
    const job: ImportJob = {
      ...(previous ?? { files: [] }),
      jobId: listed.jobId,
      state: listed.state,
      progress: listed.state === 'completed' ? 100 : (listed.progress ?? previous?.progress ?? 0),
    }
    if (listed.collectionName !== undefined) job.collectionName = listed.collectionName
    if (listed.unknownState === undefined) delete job.unknownState
    else job.unknownState = listed.unknownState
    if (listed.state === 'failed') job.errorMessage = listed.reason ?? LIST_NO_REASON
    return keepLastProgress(previous, job)
  }

  /**
   * Takes one round's list: open jobs it shows settled or does not show are
   * returned to be described (failed first: fail fast); a running job's state
   * and progress are taken from it. Returns whether every record had progress.
   */
  function applyList(snapshot: ListSnapshot): { toDescribe: JobStatus[]; progress: boolean } {
    const failed: JobStatus[] = []
    const settled: JobStatus[] = []
    const unseen: JobStatus[] = []
    let progress = true
    for (const status of statuses.filter(isOpen)) {
      const listed = snapshot.jobs.get(status.jobId)
      if (listed === undefined) {
        unseen.push(status)
        continue
      }
      if (listed.progress === undefined) progress = false
      const job = listView(status.job, listed)
      if (done(job.state)) {
        if (!seenSettled.has(status.jobId)) seenSettled.set(status.jobId, { job, atMs: elapsed() })
        ;(job.state === 'failed' ? failed : settled).push(status)
        continue
      }
      seenSettled.delete(status.jobId)
      const previous = status.job
      clearFault(status)
      status.job = job
      // Without progress (Zilliz Cloud) only a new state is news: a first sight would log "0%".
      if (
        listed.progress !== undefined ||
        (previous !== undefined && previous.state !== job.state)
      ) {
        emit({ kind: 'update', jobId: status.jobId, job, previous, elapsedMs: elapsed() })
      }
    }
    return { toDescribe: [...failed, ...settled, ...unseen], progress }
  }

  /** Open jobs to describe for progress this round, in turn, within what is left of the budget. */
  function progressTurns(pages: number): JobStatus[] {
    const open = statuses.filter((status) => isOpen(status) && !seenSettled.has(status.jobId))
    const turns = Math.min(open.length, credit - (pages + open.length))
    const chosen: JobStatus[] = []
    for (let i = 0; i < turns; i += 1) {
      const status = open[(progressCursor + i) % open.length]
      if (status !== undefined) chosen.push(status)
    }
    progressCursor = open.length === 0 ? 0 : (progressCursor + Math.max(0, turns)) % open.length
    return chosen
  }

  /** Hands the open jobs to one describe per job until the deadline, and merges what they learn. */
  async function perJob(why: 'unsupported' | 'cheaper', reason: string): Promise<void> {
    emit({ kind: 'fallback', why, reason, elapsedMs: elapsed() })
    // The describes' own rate limiter starts afresh: keep their first one a slot after the last request here.
    if (!(await acquire())) return
    const open = statuses.filter(isOpen)
    const rest = await waitForJobs({
      ...options,
      startedAt,
      jobIds: open.map((status) => status.jobId),
      timeoutMs: Math.max(0, deadline - clock.now()),
    })
    for (const fresh of rest.jobs) {
      const index = statuses.findIndex((status) => status.jobId === fresh.jobId)
      const before = statuses[index]
      // A job the describes never reached keeps what the list showed of it.
      if (fresh.job === undefined && before?.job !== undefined) fresh.job = before.job
      statuses[index] = fresh
    }
  }

  // Every job is open at the start; a round that ends the wait breaks out itself, and a
  // cancel is seen by the list's rate-cap slot (no list is sent) and the check after it.
  for (;;) {
    const roundAt = clock.now()
    let snapshot: ListSnapshot | undefined
    try {
      snapshot =
        firstList ?? (await listAllPages(options.listJobs, { acquire, signal: stop, timeoutMs }))
      firstList = undefined
    } catch (error) {
      // An AbortedError comes only with `stop`: the cancel or fail fast, not a list that does not work.
      if (stopped()) break
      if (!(error instanceof TransientError)) {
        await perJob('unsupported', errorMessage(error))
        break
      }
      listFailures += 1
      const now = clock.now()
      if (now >= deadline) break
      const retryAt = Math.min(
        now + backoffDelay(listFailures, backoff, options.random(), error.retryAfterMs),
        deadline,
      )
      emit({
        kind: 'list-retry',
        reason: error.message,
        attempt: listFailures,
        delayMs: retryAt - now,
        elapsedMs: now - startedAt,
      })
      await sleep(retryAt - now, stop)
      continue
    }
    if (snapshot === undefined || stopped()) break
    listFailures = 0
    credit += Math.min(statuses.filter(isOpen).length, roundBudget) - snapshot.pages
    const { toDescribe, progress } = applyList(snapshot)
    let going = true
    for (const status of toDescribe) {
      going = await describe(status)
      if (!going) break
    }
    if (going && !progress) {
      for (const status of progressTurns(snapshot.pages)) {
        going = await describe(status)
        if (!going) break
      }
    }
    if (!going || stopped()) break
    const open = statuses.filter(isOpen).length
    // Every job settled in this round: done now, not an interval later.
    if (open === 0) break
    if (snapshot.pages >= open && seenSettled.size === 0) {
      await perJob(
        'cheaper',
        `the list takes ${snapshot.pages} request${snapshot.pages === 1 ? '' : 's'} a round for ${open} open job${open === 1 ? '' : 's'}`,
      )
      break
    }
    const now = clock.now()
    if (now >= deadline) break
    await sleep(Math.min(roundAt + options.pollIntervalMs, deadline) - now, stop)
  }

  // The deadline or a cancel came before their describe: the list's view is what is known.
  for (const [jobId, sight] of seenSettled) {
    const status = statuses.find((candidate) => candidate.jobId === jobId)
    if (status === undefined || !isOpen(status)) continue
    const previous = status.job
    status.job = sight.job
    status.settledAfterMs = sight.atMs
    emit({ kind: 'update', jobId, job: sight.job, previous, elapsedMs: elapsed() })
  }
  return {
    state: decideState(statuses, options.signal.aborted),
    jobs: statuses,
    elapsedMs: elapsed(),
  }
}
