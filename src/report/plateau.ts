/**
 * Imports can sit at one progress value for a long time, most of all while
 * Milvus builds indexes (80-90%). After five minutes without change this
 * says, once, that this is no hang, so nobody cancels a healthy import; on
 * Milvus it names the phase (src/report/phase.ts) and what happens in it.
 * It never fails anything. A small state machine fed by the poll loop's
 * update events; no I/O.
 */
import { type UpdateEvent, isSettled } from '../job.js'
import { formatDuration, formatPercent } from './format.js'
import type { Phase, PhaseNamer } from './phase.js'

export const PLATEAU_MS = 5 * 60_000

/** What a Milvus job does in each phase, and why it can take long there. */
const PHASE_NOTES: Record<Phase, string> = {
  queued: 'It waits for a slot: Milvus runs a limited number of imports at a time.',
  'pre-importing': 'Milvus reads and checks the files before importing them.',
  'writing the data': 'Milvus writes the rows; large files take a while.',
  sorting: 'Milvus sorts the imported data by primary key.',
  'building indexes':
    'Every file is imported; Milvus builds the indexes on the new data, which takes long for large collections.',
}

/** Without a phase (Zilliz Cloud, the v1 API) nothing is guessed about the stage. */
const NO_PHASE_NOTE = 'Imports can stay at one value for a long time while a stage runs.'

export function createPlateauWatcher(
  thresholdMs = PLATEAU_MS,
  phaseOf?: PhaseNamer,
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
    const phase = phaseOf?.(job)
    const where = phase === undefined ? '' : ` (${phase})`
    return (
      `Job ${job.jobId} has stayed at ${formatPercent(job.progress)}${where} for ${formatDuration(elapsedMs - seen.atMs)}. ` +
      `${phase === undefined ? NO_PHASE_NOTE : PHASE_NOTES[phase]} This is not a hang: waiting goes on until the timeout.`
    )
  }
}
