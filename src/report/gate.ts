/**
 * What the commit gate did, in words: which data is visible now, each commit
 * and abort with the server's answer, and what was left alone and why. Pure,
 * plain text (the summary escapes it); read from the outcome alone. Claims
 * are made from states and answers, never from intentions: "none of the data
 * became visible" is said only when no job is visible or may be.
 */
import type { JobStatus, JobWrite, Outcome, WriteEvent } from '../job.js'
import { rowCheckText } from './rows.js'
import { clip } from '../text.js'
import { formatDuration } from './format.js'

/** Where a job's data stands after the gate. */
export type Visibility =
  'visible' | 'becoming visible' | 'held' | 'discarded' | 'importing' | 'not visible' | 'unknown'

export function visibilityOf(status: JobStatus): Visibility {
  const writes = status.writes ?? []
  const last = writes.at(-1)
  if (last?.mark === 'aborted') return 'discarded'
  const state = status.job?.state
  if (state === 'completed') return 'visible'
  if (state === 'failed') return 'not visible'
  if (state === 'committing' || last?.mark === 'committed') return 'becoming visible'
  // A commit with no answer may have gone through.
  if (writes.some((w) => w.call === 'commit' && w.unanswered === true)) return 'unknown'
  // A held job whose abort was refused (not for want of the call) may be
  // committing by another hand: Milvus refuses to abort only those.
  const refused = last?.mark === 'abort-refused' && last.unsupported !== true
  if (state === 'uncommitted') return refused && last.unanswered !== true ? 'unknown' : 'held'
  if (state === undefined || status.job?.unknownState !== undefined) return 'unknown'
  // Pending or importing: not visible yet (an auto-commit job becomes visible when it completes).
  return 'importing'
}

/** "a, b and 3 more": job IDs, at most ten named. */
export function jobList(ids: readonly string[], max = 10): string {
  const shown = ids.slice(0, max)
  const more = ids.length - shown.length
  if (more > 0) return `${shown.join(', ')} and ${more} more`
  if (shown.length <= 1) return shown.join('')
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1) ?? ''}`
}

function byVisibility(outcome: Outcome): Record<Visibility, string[]> {
  const groups: Record<Visibility, string[]> = {
    visible: [],
    'becoming visible': [],
    held: [],
    discarded: [],
    importing: [],
    'not visible': [],
    unknown: [],
  }
  for (const status of outcome.jobs) groups[visibilityOf(status)].push(status.jobId)
  return groups
}

const REASON_TEXT = {
  failure: 'a job failed',
  rows: 'the row check failed',
  timeout: 'the timeout passed',
  cancel: 'the run was cancelled',
  commit: 'a commit did not go through',
} as const

/** Each group of jobs in words. */
function groupTexts(groups: Record<Visibility, string[]>): string[] {
  const are = (ids: readonly string[]): string => (ids.length === 1 ? 'is' : 'are')
  const texts: string[] = []
  const { visible, held, discarded, importing, unknown } = groups
  const committing = groups['becoming visible']
  const notVisible = groups['not visible']
  if (visible.length > 0) texts.push(`the data of ${jobList(visible)} is visible`)
  if (committing.length > 0) {
    texts.push(`${jobList(committing)} ${are(committing)} committed and becoming visible`)
  }
  if (held.length > 0) {
    const them = held.length === 1 ? 'it' : 'them'
    texts.push(`${jobList(held)} ${are(held)} held, not visible (commit or abort ${them})`)
  }
  if (discarded.length > 0) texts.push(`${jobList(discarded)} ${are(discarded)} aborted`)
  if (importing.length > 0) {
    texts.push(`${jobList(importing)} ${are(importing)} still importing, not visible yet`)
  }
  if (notVisible.length > 0) texts.push(`${jobList(notVisible)} ${are(notVisible)} not visible`)
  if (unknown.length > 0) {
    texts.push(`whether ${jobList(unknown)} ${are(unknown)} visible is not known`)
  }
  return texts
}

/**
 * The gate's result in a sentence, for the summary's lead and the verdict:
 * all committed; none visible; or, when it was not all or nothing, exactly
 * where each job's data stands. Undefined when the gate has nothing to say.
 */
export function gateHeadline(outcome: Outcome): string | undefined {
  const { gate } = outcome
  if (gate === undefined) return undefined
  const groups = byVisibility(outcome)
  const wrote = outcome.jobs.some((s) => (s.writes ?? []).length > 0)
  const reason = gate.abortReason === undefined ? '' : ` (${REASON_TEXT[gate.abortReason]})`
  const all = outcome.jobs.length
  if (gate.mode === 'abort') {
    return wrote ? `After the aborts${reason}: ${groupTexts(groups).join('; ')}.` : undefined
  }
  const visible = groups.visible.length + groups['becoming visible'].length
  if (visible === all) {
    if (!wrote) return undefined
    const committing = groups['becoming visible'].length
    const tail = committing > 0 ? `; ${committing} still committing when the wait ended` : ''
    return `All or nothing: all ${all} ${all === 1 ? 'job' : 'jobs'} committed; their data is visible${tail}.`
  }
  if (!wrote && gate.abortReason === undefined && groups.held.length === 0) return undefined
  const mayShow = visible + groups.unknown.length + groups.importing.length
  if (mayShow === 0) {
    return `All or nothing: none of the data became visible${reason}: ${groupTexts(groups).join('; ')}.`
  }
  return `Not all or nothing: ${groupTexts(groups).join('; ')}.`
}

/** What a write did, in a sentence with the server's answer. */
export function writeText(jobId: string, write: JobWrite): string {
  const what = write.call === 'commit' ? 'Commit' : 'Abort'
  const answer = clip(write.answer, 400)
  if (write.unsupported === true) {
    return `${what} of job ${jobId}: this server has no two-phase import (${answer}), so nothing was ${write.call === 'commit' ? 'committed' : 'discarded'} by this call.`
  }
  if (write.unanswered === true) {
    return `${what} of job ${jobId}: ${answer}; whether it took effect is not known.`
  }
  const result: Record<JobWrite['mark'], string> = {
    committed: 'committed',
    'commit-failed': 'refused',
    aborted: 'aborted',
    'abort-refused': 'refused',
  }
  return `${what} of job ${jobId}: ${result[write.mark]} (${answer}).`
}

/**
 * Everything else the user needs to know: the row check, auto-committed
 * jobs, each write, commits not sent, jobs not aborted and why. The log
 * (forLog) leaves out the writes and auto-committed jobs: it told of each
 * as it happened.
 */
export function gateNotes(outcome: Outcome, forLog = false): string[] {
  const { gate } = outcome
  if (gate === undefined) return []
  const notes: string[] = []
  if (gate.rows !== undefined) notes.push(rowCheckText(gate.rows))
  if (!forLog && gate.autoCommitted.length > 0) notes.push(autoCommitNote(gate.autoCommitted))
  for (const status of forLog ? [] : outcome.jobs) {
    for (const write of status.writes ?? []) notes.push(writeText(status.jobId, write))
  }
  if (gate.notCommitted.length > 0) {
    notes.push(
      `Not sent: the commit of ${jobList(gate.notCommitted)} (commits stop at the first that fails, or at a cancel).`,
    )
  }
  if (gate.abortReason !== undefined) {
    for (const left of gate.leftAlone) notes.push(`Not aborted: job ${left.jobId} (${left.why}).`)
  }
  return notes
}

/** A job that completed while the gate held the others: visible whatever happens. */
export function autoCommitNote(jobIds: readonly string[]): string {
  const one = jobIds.length === 1
  return (
    `${one ? 'Job' : 'Jobs'} ${jobList(jobIds)} reached Completed without waiting at Uncommitted: ` +
    `${one ? 'it was' : 'they were'} created with auto-commit, so ${one ? 'its' : 'their'} data is visible whatever happens to the others. ` +
    'To hold jobs for this gate, create them with "options": {"auto_commit": "false"}.'
  )
}

/**
 * Why the gate failed the step, for the verdict: a row mismatch, or a commit
 * that did not go through. Undefined when the gate did not fail it.
 */
export function gateFailure(outcome: Outcome): string | undefined {
  const { gate } = outcome
  if (gate === undefined) return undefined
  if (gate.rows !== undefined && !gate.rows.passed) {
    return `The row check failed: ${rowCheckText(gate.rows)}`
  }
  for (const status of outcome.jobs) {
    const write = status.writes?.find((w) => w.mark === 'commit-failed')
    if (write !== undefined) {
      const lead =
        write.unanswered === true ? 'A commit got no answer.' : 'The commit did not go through.'
      return `${lead} ${writeText(status.jobId, write)}`
    }
  }
  return undefined
}

/** A log line for one commit or abort attempt: sent again after a fault, or settled. */
export function writeEventLine(event: WriteEvent): string {
  if (event.settled !== undefined) return writeText(event.jobId, event.settled)
  const what = event.call === 'commit' ? 'Commit' : 'Abort'
  const again =
    event.retryInMs === undefined
      ? 'not sent again'
      : `sending it again in ${event.retryInMs < 10_000 ? `${(event.retryInMs / 1000).toFixed(1)}s` : formatDuration(event.retryInMs)}`
  return `${what} of job ${event.jobId}, attempt ${event.attempt}: ${clip(event.fault ?? '', 400)}; ${again}.`
}
