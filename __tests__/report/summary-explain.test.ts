/**
 * The summary with this three additions: the explainer's advice in
 * "What failed", the Milvus phase beside a job's progress, and the chart
 * under the verdict and "What failed", above the jobs.
 */
import { describe, expect, test } from '@jest/globals'
import type { JobStatus, ProgressHistory } from '../../src/job.js'
import { milvusPhase } from '../../src/report/phase.js'
import { renderSummary } from '../../src/report/summary.js'
import { files, importJob, outcome } from '../helpers/outcomes.js'

const SCHEMA =
  "expected dim '768' for field 'vector' with type 'FloatVector', got dim '512': importing data failed"

const failedFile = (message: string): JobStatus => ({
  jobId: 'job-1',
  job: importJob('job-1', {
    state: 'failed',
    progress: 40,
    files: files(1, () => ({ errorMessage: message, progress: 0, completeTime: undefined })),
  }),
})

describe('"What failed" with the explainer', () => {
  test('a known family: its name and what to do, on a line under the error', () => {
    const html = renderSummary(outcome('failed', [failedFile(SCHEMA)]))
    expect(html).toContain(
      `<li>Job <code>job-1</code>, <code>folder/part-00000.parquet</code>: expected dim &#39;768&#39;`,
    )
    expect(html).toMatch(
      /got dim &#39;512&#39;: importing data failed<br>💡 <strong>The files do not match the collection&#39;s schema:<\/strong> Compare the files with the collection&#39;s schema .*<\/li>/,
    )
  })

  test('the advice comes once per family; later errors of that family name it and point up', () => {
    const job = importJob('job-1', {
      state: 'failed',
      files: files(3, (i) => ({
        fileName: `f${i}.parquet`,
        errorMessage: i === 1 ? 'database not found[database=x]' : SCHEMA,
        progress: 0,
      })),
    })
    const html = renderSummary(outcome('failed', [{ jobId: 'job-1', job }]))
    expect(html.match(/Compare the files with the collection/g)).toHaveLength(1)
    expect(html.match(/The API key may not act on this cluster/g)).toHaveLength(1)
    expect(html).toContain(
      '<code>f2.parquet</code>: expected dim &#39;768&#39; for field &#39;vector&#39; with type &#39;FloatVector&#39;, got dim &#39;512&#39;: importing data failed<br>💡 <strong>The files do not match the collection&#39;s schema</strong> (what to do: above)</li>',
    )
  })

  test('an unknown text is shown as it is, with no advice', () => {
    const html = renderSummary(outcome('failed', [failedFile('import timeout')]))
    expect(html).toContain(
      '<li>Job <code>job-1</code>, <code>folder/part-00000.parquet</code>: import timeout</li>',
    )
    expect(html).not.toContain('💡')
  })

  test('a job that could not be checked gets the advice of its refusal', () => {
    const html = renderSummary(
      outcome('error', [
        {
          jobId: 'job-1',
          problem:
            'Milvus refused the request for job job-1: HTTP 200, code 2100, "import job does not exist, jobID=1: importing data failed".',
        },
      ]),
      { product: 'Milvus', server: 'Milvus' },
    )
    expect(html).toMatch(
      /<li>Job <code>job-1<\/code>: could not check: .*import job does not exist.*<br>💡 <strong>The job is gone:<\/strong> .*taskRetention.*<\/li>/,
    )
  })

  test("the advice is the action's text, escaped like the rest", () => {
    const html = renderSummary(
      outcome('failed', [failedFile('database not found[database=<b>x</b>]')]),
    )
    expect(html).toContain('database not found&#91;database=&lt;b&gt;x&lt;/b&gt;&#93;<br>💡')
    expect(html).toContain('check &quot;cluster-id&quot;, and set &quot;db-name&quot;')
  })
})

describe("the phase beside a job's progress", () => {
  const building = {
    jobId: 'job-1',
    job: importJob('job-1', {
      state: 'importing',
      progress: 85,
      importedRows: 80_000,
      totalRows: 80_000,
      completeTime: undefined,
    }),
  }

  test('Milvus: named', () => {
    const html = renderSummary(outcome('timed-out', [building]), {
      product: 'Milvus',
      phase: milvusPhase,
    })
    expect(html).toContain('Progress: 85% (building indexes) · ')
  })

  test('without a namer (Zilliz Cloud, v1): the number alone', () => {
    const html = renderSummary(outcome('timed-out', [building]))
    expect(html).toContain('Progress: 85% · ')
  })

  test('a failed job: its last progress seen, and no phase', () => {
    const failed = {
      jobId: 'job-1',
      job: importJob('job-1', { state: 'failed', progress: 85, progressLastSeen: true }),
    }
    const html = renderSummary(outcome('failed', [failed]), { phase: milvusPhase })
    expect(html).toContain('Progress: 85% (the last seen before the failure) · ')
  })
})

describe('the chart in the summary', () => {
  const history: ProgressHistory = new Map([
    ['job-1', { points: [{ atMs: 0, progress: 10 }], answers: 5 }],
  ])

  test('under the verdict and "What failed", above the first job', () => {
    const html = renderSummary(outcome('failed', [failedFile(SCHEMA)]), { history })
    const failed = html.indexOf('<h3>What failed</h3>')
    const chart = html.indexOf('<h3>Progress over time</h3>\n\n```mermaid\n')
    const job = html.indexOf('<h3>Job <code>job-1</code>')
    expect(failed).toBeGreaterThan(0)
    expect(chart).toBeGreaterThan(failed)
    expect(job).toBeGreaterThan(chart)
  })

  test('no history, no chart', () => {
    expect(renderSummary(outcome('failed', [failedFile(SCHEMA)]))).not.toContain('mermaid')
  })

  test('the chart counts toward the size bound', () => {
    const many: JobStatus[] = [
      {
        jobId: 'job-1',
        job: importJob('job-1', { state: 'importing', progress: 10, files: files(2_000) }),
      },
    ]
    const maxBytes = 50_000
    const html = renderSummary(outcome('timed-out', many), { history, maxBytes })
    expect(html).toContain('```mermaid')
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(maxBytes)
    expect(html).toMatch(/more files not shown/)
  })
})
