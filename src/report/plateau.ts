/**
 * Milvus (and Zilliz Cloud underneath) report progress in stages and can sit
 * at one value for a long time, most of all at 80-99% while indexes build.
 * After five minutes without change this says, once, what the stage usually
 * means, so nobody cancels a healthy import. It never fails anything.
 * A small state machine fed by the poll loop's update events; no I/O.
 */
import { type UpdateEvent, isSettled } from '../job.js'
import { formatDuration, formatPercent } from './format.js'

export const PLATEAU_MS = 5 * 60_000

/** Stages of a Milvus import by progress (docs/api-notes.md, Milvus). */
export function stageNote(progress: number): string {
  if (progress < 10)
    return 'Below 10% a job is usually still queued (pending) behind other imports.'
  if (progress < 40) return '10-40% is usually pre-import: the files are read and checked.'
  if (progress < 70) return '40-70% is usually the import itself: the data is written.'
  if (progress < 80) return '70-80% is usually the sort stage.'
  return '80-99% is usually index building, which can take long for large collections.'
}

export function createPlateauWatcher(
  thresholdMs = PLATEAU_MS,
): (event: UpdateEvent) => string | undefined {
  const since = new Map<string, { progress: number; atMs: number; told: boolean }>()
  return ({ job, elapsedMs }) => {
    const seen = since.get(job.jobId)
    if (seen === undefined || seen.progress !== job.progress || isSettled(job.state)) {
      since.set(job.jobId, { progress: job.progress, atMs: elapsedMs, told: false })
      return undefined
    }
    if (seen.told || elapsedMs - seen.atMs < thresholdMs) return undefined
    seen.told = true
    return (
      `Job ${job.jobId} has stayed at ${formatPercent(job.progress)} for ${formatDuration(elapsedMs - seen.atMs)}. ` +
      `${stageNote(job.progress)} This is not a hang: waiting goes on until the timeout.`
    )
  }
}
