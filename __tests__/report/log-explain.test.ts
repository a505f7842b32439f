/** The log with the explainer and the Milvus phase: progress lines, annotations, the verdict. */
import { describe, expect, test } from '@jest/globals'
import type { ImportJob } from '../../src/job.js'
import { failureAnnotations, updateLine, verdict } from '../../src/report/log.js'
import { milvusPhase } from '../../src/report/phase.js'
import { files, importJob, outcome } from '../helpers/outcomes.js'

const API = { product: 'Milvus', host: 'milvus:19530', server: 'Milvus' as const }

describe('updateLine with the phase', () => {
  const update = (job: ImportJob) => ({
    kind: 'update' as const,
    jobId: job.jobId,
    job,
    previous: undefined,
    elapsedMs: 5_000,
  })
  const building = importJob('j', {
    state: 'importing',
    progress: 85,
    importedRows: 10,
    totalRows: 10,
    files: files(2),
  })

  test('Milvus: the phase first, then the files, in one parenthesis', () => {
    expect(updateLine(update(building), false, milvusPhase)).toBe(
      'Job j: importing 85% (building indexes; 2/2 files done), 5s elapsed',
    )
  })

  test('without a namer: no phase', () => {
    expect(updateLine(update(building))).toBe('Job j: importing 85% (2/2 files done), 5s elapsed')
  })

  test('a phase with no files listed (Milvus lists none during pre-import)', () => {
    const pre = importJob('j', {
      state: 'importing',
      progress: 25,
      importedRows: 0,
      totalRows: 0,
      files: [],
    })
    expect(updateLine(update(pre), false, milvusPhase)).toBe(
      'Job j: importing 25% (pre-importing), 5s elapsed',
    )
  })

  test('a failed job: its last progress seen and its files, one parenthesis', () => {
    const failed = importJob('j', {
      state: 'failed',
      progress: 40,
      progressLastSeen: true,
      files: files(2, (i) => (i === 0 ? {} : { progress: 0, completeTime: undefined })),
    })
    expect(updateLine(update(failed), false, milvusPhase)).toBe(
      'Job j: failed 40% (the last progress seen before the failure; 1/2 files done), 5s elapsed',
    )
  })
})

describe('failureAnnotations with the explainer', () => {
  test('titled with the family, the message ending with what to do; unknown texts as they are', () => {
    const job = importJob('job-1', {
      state: 'failed',
      errorMessage: 'import timeout',
      files: files(1, () => ({
        fileName: 'a.parquet',
        errorMessage: "failed to get file size of 'a.parquet', error:NoSuchKey(key=a.parquet)",
      })),
    })
    const [timeout, missing] = failureAnnotations(
      outcome('failed', [{ jobId: 'job-1', job }]),
      'Milvus',
    )
    expect(timeout).toEqual({ title: 'Job job-1', message: 'import timeout' })
    expect(missing?.title).toBe('Job job-1: a.parquet (files not found)')
    expect(missing?.message).toMatch(
      /^failed to get file size of 'a\.parquet', error:NoSuchKey\(key=a\.parquet\) What to do: Milvus reads import paths relative to its own bucket/,
    )
  })
})

describe('verdict with the explainer', () => {
  test('a job that could not be checked: the refusal, then what to do', () => {
    const v = verdict(
      outcome('error', [
        { jobId: 'a', problem: 'HTTP 403, code 65535, "PrivilegeImport: permission deny to u"' },
      ]),
      true,
      API,
    )
    expect(v.level).toBe('failure')
    expect(v.message).toMatch(
      /^Could not check the import: HTTP 403, code 65535, "PrivilegeImport: permission deny to u" What to do: The job, or its collection, is in another database, or the user may not import there/,
    )
  })

  test('a refusal of no known family: no advice', () => {
    const v = verdict(outcome('error', [{ jobId: 'a', problem: 'code 5: odd' }]), true, API)
    expect(v.message).toBe('Could not check the import: code 5: odd')
  })
})
