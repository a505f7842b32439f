/**
 * The phase of a self-hosted Milvus import, read from its answer. Milvus
 * reports one staged number for a job (datacoord `GetJobProgress`): each
 * internal stage owns a band, and the REST API calls every stage after
 * Pending "Importing". So "Importing 85%" is index building, which is why a
 * job can sit there for an hour. Pure.
 *
 * The bands moved between versions (docs/api-notes.md, "The import's
 * phase"): 2.5, 2.6 and the V1 jobs of the 2.7/3.0 line use pre-import 10-40,
 * import 40-70, sort 70-80, index building 80-90 (and 99 while committing);
 * early 2.4 used pre-import 10-50 and import 50-100. The V3 jobs of master
 * (behind a server flag, off by default) use other bands, and a client cannot
 * tell them apart: their index building at 70-79 would read as sorting. A band alone would
 * mislabel 2.4, so each phase is also checked against the row counts, which
 * every version fills the same way: none during pre-import, some while rows
 * are written, all of them once writing is done. Where the two disagree, or
 * the number falls between bands, no phase is named.
 *
 * Only for Milvus: Zilliz Cloud and the v1 API do not publish how their
 * number is made, so nothing is guessed for them (callers pass no namer).
 */
import type { ImportJob } from '../job.js'

/** The phases of a Milvus import, as the log and summary name them. */
export type Phase = 'queued' | 'pre-importing' | 'writing the data' | 'sorting' | 'building indexes'

/** What the namer reads of a job. */
export type PhaseInput = Pick<
  ImportJob,
  'state' | 'progress' | 'importedRows' | 'totalRows' | 'unknownState'
>

/** A job's phase, or undefined when its answer does not tell (or is not known to tell). */
export type PhaseNamer = (job: PhaseInput) => Phase | undefined

/**
 * The progress each phase may show, [lowest, highest]: Milvus 2.5 and later
 * (V1 jobs), except that writing runs to 89 because early 2.4 writes rows up
 * to 89 (its import band is 50-100, rows 80% of it).
 */
export const MILVUS_BANDS = {
  'pre-importing': [10, 40],
  'writing the data': [40, 89],
  sorting: [70, 79],
  'building indexes': [80, 90],
} as const satisfies Record<Exclude<Phase, 'queued'>, readonly [number, number]>

const inBand = (progress: number, [low, high]: readonly [number, number]): boolean =>
  progress >= low && progress <= high

export const milvusPhase: PhaseNamer = (job) => {
  const { state, progress, importedRows, totalRows } = job
  if (state === 'pending') return 'queued'
  // A state this action does not know (read as importing) is not one whose bands are known.
  if (state !== 'importing' || job.unknownState !== undefined) return undefined
  // Pre-import reports no rows; writing reports some; every later stage reports all of them.
  if (totalRows === undefined || totalRows === 0) {
    return inBand(progress, MILVUS_BANDS['pre-importing']) ? 'pre-importing' : undefined
  }
  if (importedRows === undefined) return undefined
  if (importedRows < totalRows) {
    return inBand(progress, MILVUS_BANDS['writing the data']) ? 'writing the data' : undefined
  }
  if (importedRows > totalRows) return undefined
  if (inBand(progress, MILVUS_BANDS.sorting)) return 'sorting'
  // 91-100 is not named: 99 is a commit on the 2.7/3.0 line, but early 2.4's last segments.
  return inBand(progress, MILVUS_BANDS['building indexes']) ? 'building indexes' : undefined
}
