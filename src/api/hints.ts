/**
 * What a refusal is about, read from its code and message: the same rules for
 * every dialect, which then say in their own words what to check. Pure.
 */

export type RefusalKind = 'key' | 'unknown-job' | 'collection' | 'cluster' | 'database' | 'other'

/** 80001: Zilliz Cloud's invalid token; 1800: Milvus's "user hasn't authenticated". */
const KEY_CODES = [80001, 1800]
/** Milvus's "import job not found". */
const UNKNOWN_JOB_CODES = [2100]
/** Milvus's "collection not found[database=..][collection=..]" (merr.ErrCollectionNotFound). */
const UNKNOWN_COLLECTION_CODES = [100]

export function refusalKind(code: number, message: string): RefusalKind {
  if (KEY_CODES.includes(code) || /token|api.?key|auth|credential|password/i.test(message)) {
    return 'key'
  }
  if (
    UNKNOWN_JOB_CODES.includes(code) ||
    (/job/i.test(message) && /not (exist|found)|does ?n[o']?t exist|unknown|invalid/i.test(message))
  ) {
    return 'unknown-job'
  }
  // Before the database: Milvus names the database it looked in ("[database=default]").
  if (
    UNKNOWN_COLLECTION_CODES.includes(code) ||
    /collection\b.*\b(not (exist|found)|does ?n[o']?t exist)/i.test(message)
  ) {
    return 'collection'
  }
  if (/cluster/i.test(message)) return 'cluster'
  if (/database/i.test(message)) return 'database'
  return 'other'
}
