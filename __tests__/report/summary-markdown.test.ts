/**
 * The summary as GitHub reads it: GitHub-flavoured markdown, where an HTML
 * block runs until a blank line. The chart's fence must come out as a mermaid
 * code block (which GitHub draws) after every part that can come before it,
 * and the HTML after it must stay HTML. marked follows the same GFM rules.
 */
import { describe, expect, test } from '@jest/globals'
import { marked } from 'marked'
import type { GateRecord, JobStatus, Outcome, ProgressHistory } from '../../src/job.js'
import { renderSummary } from '../../src/report/summary.js'
import { files, importJob, outcome } from '../helpers/outcomes.js'

const history: ProgressHistory = new Map([
  ['job-1', { points: [{ atMs: 0, progress: 10 }], answers: 5 }],
])
const done: JobStatus = { jobId: 'job-1', job: importJob('job-1') }
const failed: JobStatus = {
  jobId: 'job-1',
  job: importJob('job-1', {
    state: 'failed',
    files: files(1, () => ({ errorMessage: "value of field 'id' is missed", progress: 0 })),
  }),
}
const gate: GateRecord = {
  mode: 'commit',
  autoCommitted: [],
  notCommitted: [],
  abortTargets: ['job-1'],
  leftAlone: [],
  abortReason: 'failure',
}

describe('the chart in GitHub-flavoured markdown', () => {
  test.each<[string, Outcome]>([
    ['right after the heading', outcome('completed', [done])],
    ['after "What failed"', outcome('failed', [failed])],
    ['after the gate and "What failed"', { ...outcome('failed', [failed]), gate }],
  ])('%s: a mermaid code block, then HTML again', async (_, seen) => {
    const markdown = renderSummary(seen, { history })
    const html = await marked.parse(markdown, { gfm: true })
    const block = /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/.exec(html)
    expect(block?.[1]).toMatch(/^---\nconfig:\n[\s\S]*\nxychart-beta\n[\s\S]* {2}line \[/)
    // The legend and the job after it are HTML, not text or code.
    expect(html).toMatch(
      /<\/pre>\n<p>(🟦|🟥) <code>job-1<\/code>[^<]*<\/p>\n<h3>Job <code>job-1<\/code>/,
    )
    expect(html.match(/<pre>/g)).toHaveLength(1)
  })
})
