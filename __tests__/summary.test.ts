import { renderStoppedSummary, renderSummary } from '../src/report/summary.js'
import { files, importJob, outcome } from './helpers/outcomes.js'

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

describe('renderSummary', () => {
  test('shows a heading, per job its state, collection, progress and elapsed, and a file table', () => {
    const html = renderSummary(
      outcome('completed', [{ jobId: 'job-1', job: importJob('job-1'), settledAfterMs: 42_000 }]),
    )
    expect(html).toContain('<h2>Zilliz import: ✅ completed</h2>')
    expect(html).toContain('<p>1 job · 100% overall · waited 1m 05s</p>')
    expect(html).toContain('<h3>Job <code>job-1</code>: ✅ completed</h3>')
    expect(html).toContain('Collection: <code>medium&#95;articles</code>')
    expect(html).toContain('Elapsed: 42s')
    expect(html).toContain(
      '<th>File</th><th>Size</th><th>Progress</th><th>Completed</th><th>Error</th>',
    )
    expect(html).toContain(
      '<tr><td>folder/part-00000.parquet</td><td>18.7&nbsp;MiB</td><td>100%</td><td>2023-10-28T06:51:49Z</td><td>-</td></tr>',
    )
  })

  test.each([
    ['failed', '❌ failed'],
    ['timed-out', '⏱️ timed out'],
    ['cancelled', '🚫 cancelled'],
  ] as const)('renders a %s outcome', (state, label) => {
    const job = importJob('job-1', { state: 'importing', progress: 42.5, completeTime: undefined })
    const html = renderSummary(outcome(state, [{ jobId: 'job-1', job }]))
    expect(html).toContain(`<h2>Zilliz import: ${label}</h2>`)
    expect(html).toContain('Progress: 42.5%')
    expect(html).toContain('Elapsed: 1m 05s')
  })

  test("a job's own error is a paragraph under its heading, as well as in What failed", () => {
    const job = importJob('job-1', {
      state: 'failed',
      progress: 30,
      errorMessage: 'quota exceeded',
    })
    const html = renderSummary(outcome('failed', [{ jobId: 'job-1', job }]))
    const jobSection = html.slice(html.indexOf('<h3>Job <code>job-1</code>'))
    expect(jobSection).toContain('<p><strong>Error:</strong> quota exceeded</p>\n')
    expect(html).toContain('<li>Job <code>job-1</code>: quota exceeded</li>')
  })

  test('escapes API text so it is shown, never rendered', () => {
    const job = importJob('job-1', {
      state: 'failed',
      collectionName: '<b>c</b>',
      errorMessage: 'see [docs](http://evil.example) `rm -rf` | x',
      files: files(1, () => ({
        fileName: '<img src=x onerror=alert(1)>.parquet',
        errorMessage: 'a|b *c*',
      })),
    })
    const html = renderSummary(outcome('failed', [{ jobId: 'job-1', job }]))
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<b>c</b>')
    expect(html).not.toContain('[docs](')
    expect(html).not.toContain('`rm')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.parquet')
    expect(html).toContain('<td>a&#124;b &#42;c&#42;</td>')
    // Each row still has exactly five cells.
    const row =
      html.split('\n').find((line) => line.startsWith('<tr>') && line.includes('onerror')) ?? ''
    expect(row.match(/<td>/g)).toHaveLength(5)
  })

  test('shows "-" for every empty cell', () => {
    const job = importJob('job-1', {
      state: 'importing',
      progress: 0,
      files: [{ fileName: 'a.parquet', progress: 0 }],
    })
    const html = renderSummary(outcome('timed-out', [{ jobId: 'job-1', job }]))
    expect(html).toContain('<tr><td>a.parquet</td><td>-</td><td>0%</td><td>-</td><td>-</td></tr>')
  })

  test('says when a job never answered, and why polls failed', () => {
    const html = renderSummary(
      outcome('timed-out', [{ jobId: 'job-x', lastError: 'network error (ECONNREFUSED)' }]),
    )
    expect(html).toContain('<h3>Job <code>job-x</code>: ❓ not checked</h3>')
    expect(html).toContain('<p>Not checked: No answer was received for this job in 1m 05s.</p>')
    expect(html).toContain('<strong>Last poll failed:</strong> network error (ECONNREFUSED)')
  })

  test('a job with no files has no table; the heading counts jobs; completion time is a fact', () => {
    const empty = importJob('job-e', {
      state: 'pending',
      progress: 0,
      files: [],
      completeTime: undefined,
    })
    const done = importJob('job-d')
    const html = renderSummary(
      outcome('timed-out', [
        { jobId: 'job-e', job: empty },
        { jobId: 'job-d', job: done },
      ]),
    )
    expect(html).toContain('<p>2 jobs · 50% overall · waited 1m 05s</p>')
    expect(html.match(/<table>/g)).toHaveLength(1)
    expect(html).toContain('<h3>Job <code>job-e</code>: ⏳ pending</h3>')
    const doneSection = html.slice(html.indexOf('<h3>Job <code>job-d</code>'))
    expect(doneSection).toContain(' · Completed: 2023-10-28T06:51:49Z</p>')
    expect(html.slice(0, html.indexOf('<h3>Job <code>job-d</code>'))).not.toContain('Completed:')
  })

  test('shows a permanent API problem', () => {
    const html = renderSummary(
      outcome('failed', [{ jobId: 'job-x', problem: 'code 80001, "Invalid token"' }]),
    )
    expect(html).toContain('<strong>Error:</strong> code 80001, &quot;Invalid token&quot;')
  })

  test('a Rows column appears in every table when any job reports rows', () => {
    const milvus = importJob('job-m', {
      importedRows: 1_234_567,
      totalRows: 2_000_000,
      files: files(1, () => ({ importedRows: 500, totalRows: 1_000 })),
    })
    const v1 = importJob('job-1')
    const html = renderSummary(
      outcome('completed', [
        { jobId: 'job-m', job: milvus },
        { jobId: 'job-1', job: v1 },
      ]),
    )
    expect(html.match(/<th>Progress<\/th><th>Rows<\/th><th>Completed<\/th>/g)).toHaveLength(2)
    expect(html).toContain('Rows: 1,234,567&nbsp;/&nbsp;2,000,000')
    expect(html).toContain('<td>100%</td><td>500&nbsp;/&nbsp;1,000</td>')
    expect(html).toContain('<td>100%</td><td>-</td><td>2023-10-28T06:51:49Z</td>')
  })

  test('no Rows column when no job reports rows', () => {
    const html = renderSummary(outcome('completed', [{ jobId: 'job-1', job: importJob('job-1') }]))
    expect(html).not.toContain('Rows')
  })

  test('5,000 files stay under 1 MiB, the cut is noted, and error rows are kept', () => {
    const many = files(5_000, (i) =>
      i === 4_321 ? { errorMessage: 'row 17: dim mismatch', progress: 10 } : {},
    )
    const job = importJob('job-1', { state: 'failed', files: many })
    const html = renderSummary(outcome('failed', [{ jobId: 'job-1', job }]), { maxBytes: 200_000 })
    expect(bytes(html)).toBeLessThanOrEqual(200_000)
    expect(html).toContain('part-04321.parquet')
    expect(html).toContain('row 17: dim mismatch')
    const shown = (html.match(/<tr><td>/g) ?? []).length
    expect(html).toContain(
      `${(5_000 - shown).toLocaleString('en-US')} more files not shown: the summary is kept under 1 MiB. ` +
        'Files with errors are shown first.',
    )
    expect(shown).toBeGreaterThan(500)
  })

  test('the default bound is under GitHub’s 1 MiB even for huge jobs', () => {
    const job = importJob('job-1', { files: files(20_000) })
    const html = renderSummary(outcome('completed', [{ jobId: 'job-1', job }]))
    expect(bytes(html)).toBeLessThan(1024 * 1024)
    expect(html).toMatch(/more files not shown/)
  })

  test('several big jobs share the budget: every job shows rows', () => {
    const jobs = ['a', 'b', 'c'].map((id) => ({
      jobId: id,
      job: importJob(id, { files: files(3_000) }),
    }))
    const html = renderSummary(outcome('completed', jobs), { maxBytes: 150_000 })
    expect(bytes(html)).toBeLessThanOrEqual(150_000)
    const tables = html.split('<table>').slice(1)
    expect(tables).toHaveLength(3)
    for (const table of tables) expect((table.match(/<tr><td>/g) ?? []).length).toBeGreaterThan(100)
  })

  test('when even the job headings overflow, jobs are cut with a note', () => {
    const jobs = Array.from({ length: 400 }, (_, i) => ({
      jobId: `job-${i}`,
      job: importJob(`job-${i}`, { errorMessage: 'e'.repeat(900), state: 'failed' }),
    }))
    const html = renderSummary(outcome('failed', jobs), { maxBytes: 100_000 })
    expect(bytes(html)).toBeLessThanOrEqual(100_000)
    expect(html).toMatch(/\d+ more jobs not shown: the summary is kept under 1 MiB\.<\/em>/)
    expect(html).toContain('job-0')
  })
})

describe('the states real servers report', () => {
  test('a self-hosted Milvus is not Zilliz', () => {
    const run = outcome('completed', [{ jobId: 'j', job: importJob('j') }])
    expect(renderSummary(run, { product: 'Milvus' })).toMatch(
      /^<h2>Milvus import: ✅ completed<\/h2>/,
    )
    expect(renderSummary(run, { product: 'Zilliz Cloud' })).toMatch(/^<h2>Zilliz import: /)
  })

  test('uncommitted: its own label, and how to make the data visible', () => {
    const job = importJob('j', { state: 'uncommitted', progress: 99, completeTime: undefined })
    const html = renderSummary(outcome('uncommitted', [{ jobId: 'j', job }]), { product: 'Milvus' })
    expect(html).toContain('<h2>Milvus import: ⏸️ imported, not committed</h2>')
    expect(html).toContain('<h3>Job <code>j</code>: ⏸️ uncommitted</h3>')
    expect(html).toContain(
      '<p>The data is imported but not visible until the job is committed: call <code>POST /v2/vectordb/jobs/import/commit</code> with its <code>jobId</code> (or abort it).</p>',
    )
  })

  test('retrying files and jobs show the reason, escaped, and are not errors', () => {
    const job = importJob('j', {
      state: 'importing',
      progress: 40,
      retrying: 'slow <disk>',
      files: files(1, () => ({
        progress: 20,
        completeTime: undefined,
        retrying: 'datanode *lost*',
      })),
    })
    const html = renderSummary(outcome('timed-out', [{ jobId: 'j', job }]))
    expect(html).toContain('<td>retrying: datanode &#42;lost&#42;</td>')
    expect(html).toContain('<p><strong>Retrying:</strong> slow &lt;disk&gt;</p>')
    expect(html).not.toContain('<strong>Error:</strong>')
  })

  test('a failed job at its last seen progress says so', () => {
    const job = importJob('j', { state: 'failed', progress: 55, progressLastSeen: true })
    expect(renderSummary(outcome('failed', [{ jobId: 'j', job }]))).toContain(
      'Progress: 55% (the last seen before the failure)',
    )
  })
})

describe('a summary that leads with what failed', () => {
  test('"What failed" comes right under the heading: each job and file with its error, at most 20', () => {
    const bad = importJob('job-bad', {
      state: 'failed',
      files: files(25, (i) => ({
        errorMessage: `schema error ${i}`,
        progress: 10,
        completeTime: undefined,
      })),
    })
    const html = renderSummary(
      outcome('failed', [
        { jobId: 'job-bad', job: bad },
        { jobId: 'job-gone', problem: 'code 80004: unknown job' },
      ]),
    )
    const top = html.slice(0, html.indexOf('<h3>Job '))
    expect(top).toMatch(
      /^<h2>Zilliz import: ❌ failed<\/h2>\n<p>[^<]*<\/p>\n<h3>What failed<\/h3>\n<ul>\n/,
    )
    expect(top.match(/<li>/g)).toHaveLength(21)
    expect(top).toContain(
      '<li>Job <code>job-bad</code>, <code>folder/part-00000.parquet</code>: schema error 0</li>',
    )
    expect(top).toContain('<li>and 6 more (in the tables below)</li>')
    // The refusal is listed too (it came 26th: it is among the "more").
    expect(html).toContain('<h3>Job <code>job-gone</code>: ⚠️ could not check</h3>')
  })

  test('"What failed" shows exactly 20 entries without an "and more" line', () => {
    const bad = importJob('job-bad', {
      state: 'failed',
      files: files(20, (i) => ({ errorMessage: `e${i}`, progress: 10, completeTime: undefined })),
    })
    const html = renderSummary(outcome('failed', [{ jobId: 'job-bad', job: bad }]))
    const top = html.slice(0, html.indexOf('<h3>Job '))
    expect(top.match(/<li>/g)).toHaveLength(20)
    expect(top).not.toContain('more (in the tables below)')
  })

  test('a job that never answered is not in "What failed" when the outcome is only a timeout', () => {
    const html = renderSummary(
      outcome('timed-out', [
        { jobId: 'a', job: importJob('a', { state: 'importing', progress: 10 }) },
        { jobId: 'b', lastError: 'HTTP 503' },
      ]),
    )
    expect(html).not.toContain('What failed')
  })

  test('no "What failed" when nothing failed', () => {
    expect(
      renderSummary(outcome('completed', [{ jobId: 'j', job: importJob('j') }])),
    ).not.toContain('What failed')
  })

  test('a long file name keeps its start and its own name', () => {
    const fileName = `${'deep/'.repeat(60)}part-00042.parquet`
    const job = importJob('j', { files: [{ fileName, progress: 100, completeTime: 't' }] })
    const html = renderSummary(outcome('completed', [{ jobId: 'j', job }]))
    expect(html).toMatch(/<td>deep\/deep\/[a-z/]*…\/part-00042\.parquet<\/td>/)
    const cellText = /<tr><td>([^<]*)<\/td>/.exec(html)?.[1] ?? ''
    expect(cellText.length).toBeLessThanOrEqual(160)
  })

  test('a job that was stopped by another, or never answered, is "not checked", with the reason', () => {
    const html = renderSummary(
      outcome('failed', [
        { jobId: 'a', job: importJob('a', { state: 'failed', errorMessage: 'quota' }) },
        { jobId: 'b', stoppedBy: 'a' },
        { jobId: 'c', job: importJob('c', { state: 'importing', progress: 40 }), stoppedBy: 'a' },
      ]),
    )
    expect(html).toContain(
      '<h3>Job <code>b</code>: ❓ not checked</h3>\n<p>Not checked: Polling stopped when job <code>a</code> failed.</p>',
    )
    expect(html).toContain(
      'Polling stopped when job <code>a</code> failed. This is its last known state.',
    )
    expect(html).not.toContain('❔')
  })

  test('only a total row count (Zilliz Cloud v2): "N rows", "N rows imported" when done', () => {
    const running = importJob('r', {
      state: 'importing',
      progress: 50,
      totalRows: 1_500,
      completeTime: undefined,
    })
    const done = importJob('d', { totalRows: 1_500 })
    const html = renderSummary(
      outcome('timed-out', [
        { jobId: 'r', job: running },
        { jobId: 'd', job: done },
      ]),
    )
    expect(html).toContain('Rows: 1,500&nbsp;rows ·')
    expect(html).toContain('Rows: 1,500&nbsp;rows&nbsp;imported ·')
    expect(html).not.toContain('- / 1,500')
  })

  test('input errors: a short summary saying nothing was asked of the API', () => {
    expect(renderStoppedSummary('Input "timeout" must be a <duration>', 'inputs')).toBe(
      '<h2>Zilliz import: ⚠️ could not check the import</h2>\n' +
        '<p>The inputs were refused, so nothing was asked of the API.</p>\n' +
        '<p><strong>Error:</strong> Input &quot;timeout&quot; must be a &lt;duration&gt;</p>\n',
    )
  })
})

test('a job stopped by a refusal says the other job could not be checked', () => {
  const html = renderSummary(
    outcome('error', [
      { jobId: 'a', problem: 'code 80001' },
      { jobId: 'b', stoppedBy: 'a' },
    ]),
  )
  expect(html).toContain(
    'Not checked: Polling stopped when job <code>a</code> could not be checked.',
  )
})

test('an unexpected error says so, not that the inputs were refused', () => {
  const html = renderStoppedSummary('Unexpected error: boom', 'unexpected')
  expect(html).toContain('stopped on an unexpected error')
  expect(html).not.toContain('inputs were refused')
})

test('a refused job is listed once under "What failed", by its refusal, not also by its last error', () => {
  const html = renderSummary(
    outcome('error', [{ jobId: 'a', problem: 'code 80001', lastError: 'HTTP 503' }]),
  )
  const list = html.slice(html.indexOf('<h3>What failed</h3>'), html.indexOf('</ul>'))
  expect(list.match(/<li>/g)).toHaveLength(1)
  expect(list).toContain('<li>Job <code>a</code>: could not check: code 80001</li>')
})

test('an API never reached is listed under "What failed", with the last error', () => {
  const html = renderSummary(
    outcome('error', [{ jobId: 'a', lastError: 'network error (ECONNREFUSED)' }]),
  )
  expect(html).toContain(
    '<h3>What failed</h3>\n<ul>\n<li>Job <code>a</code>: could not check: no answer; last error: network error (ECONNREFUSED)</li>',
  )
  // While waiting is merely cut short (a timeout), the list stays for real failures only.
  expect(
    renderSummary(outcome('timed-out', [{ jobId: 'a', lastError: 'HTTP 503' }])),
  ).not.toContain('What failed')
})

test('an API that answered only with errors: "no usable answer", and what the server asked', () => {
  const html = renderSummary(
    outcome('error', [
      {
        jobId: 'a',
        lastError: 'HTTP 503 from h',
        lastAnswer: 'HTTP 503',
        faults: { answered: 2, silent: 0 },
        retryAfterMs: 3_600_000,
      },
    ]),
  )
  expect(html).toContain(
    '<li>Job <code>a</code>: could not check: no usable answer; last error: HTTP 503 from h</li>',
  )
  expect(html).toContain(
    '<p>Not checked: The API answered only with errors to retry in 1m 05s.</p>',
  )
  expect(html).toContain(
    '<p>The server asked to come back after 1h 00m 00s, past the timeout, so it was not asked again.</p>',
  )
  const silent = renderSummary(
    outcome('error', [{ jobId: 'a', lastError: 'x', faults: { answered: 0, silent: 2 } }]),
  )
  expect(silent).toContain('<p>Not checked: No answer was received for this job in 1m 05s.</p>')
  expect(silent).toContain('could not check: no answer; last error: x')
  const mixed = renderSummary(
    outcome('error', [{ jobId: 'a', lastError: 'y', faults: { answered: 1, silent: 2 } }]),
  )
  expect(mixed).toContain(
    '<p>Not checked: In 1m 05s, 2 polls got no answer at all and 1 only errors to retry.</p>',
  )
  expect(mixed).toContain('could not check: no usable answer; last error: y')
  expect(silent).not.toContain('asked to come back')
})

/** The part of the summary from job `jobId`'s heading to the next job's. */
function section(html: string, jobId: string): string {
  const start = html.indexOf(`<h3>Job <code>${jobId}</code>`)
  if (start < 0) throw new Error(`no section for ${jobId}`)
  const next = html.indexOf('<h3>Job ', start + 1)
  return html.slice(start, next < 0 ? undefined : next)
}

describe('each job says what applies to it, and only that', () => {
  test('a completed job: its facts line exactly, no notes meant for other states', () => {
    const html = renderSummary(
      outcome('completed', [{ jobId: 'job-1', job: importJob('job-1'), settledAfterMs: 42_000 }]),
    )
    const job = section(html, 'job-1')
    expect(job).toContain(
      '<p>Collection: <code>medium&#95;articles</code> · Progress: 100% · Files done: 1/1 · Size: 18.7&nbsp;MiB · Elapsed: 42s · Completed: 2023-10-28T06:51:49Z</p>\n',
    )
    for (const note of [
      'last seen',
      'not visible until',
      'last known state',
      'Not checked',
      'Error:',
      'not shown',
    ]) {
      expect(job).not.toContain(note)
    }
  })

  test('"N rows imported" belongs to the completed job, "N rows" to the running one', () => {
    const html = renderSummary(
      outcome('timed-out', [
        { jobId: 'r', job: importJob('r', { state: 'importing', progress: 50, totalRows: 1_500 }) },
        { jobId: 'd', job: importJob('d', { totalRows: 1_500 }) },
      ]),
    )
    expect(section(html, 'r')).toContain('Rows: 1,500&nbsp;rows ·')
    expect(section(html, 'd')).toContain('Rows: 1,500&nbsp;rows&nbsp;imported ·')
  })

  test('a job that could not be checked is not also "not checked"', () => {
    const html = renderSummary(outcome('error', [{ jobId: 'x', problem: 'code 80001' }]))
    expect(section(html, 'x')).not.toContain('Not checked')
  })

  test('the job that stopped polling is found by its ID, wherever it is in the list', () => {
    const html = renderSummary(
      outcome('error', [
        { jobId: 'ok', job: importJob('ok') },
        { jobId: 'broken', problem: 'code 80001' },
        { jobId: 'waiting', stoppedBy: 'broken' },
      ]),
    )
    expect(section(html, 'waiting')).toContain(
      'Not checked: Polling stopped when job <code>broken</code> could not be checked.',
    )
  })
})

describe('the summary within its byte budget', () => {
  const bigJobs = (count: number, filesEach: number) =>
    Array.from({ length: count }, (_, i) => ({
      jobId: `job-${i}`,
      job: importJob(`job-${i}`, { files: files(filesEach) }),
    }))
  const rowsIn = (html: string): number[] =>
    html
      .split('<table>')
      .slice(1)
      .map((table) => (table.match(/<tr><td>/g) ?? []).length)

  test('two equal jobs get equal shares of the rows', () => {
    const html = renderSummary(outcome('completed', bigJobs(2, 3_000)), { maxBytes: 150_000 })
    const [first = 0, second = 0] = rowsIn(html)
    expect(first).toBeGreaterThan(100)
    expect(Math.abs(first - second)).toBeLessThanOrEqual(1)
  })

  test('a job whose rows all fit has no cut note', () => {
    const html = renderSummary(outcome('completed', bigJobs(2, 3)), { maxBytes: 150_000 })
    expect(rowsIn(html)).toEqual([3, 3])
    expect(html).not.toContain('not shown')
  })

  test('rows are shown errors first, then unfinished, then done; within each, in the API order', () => {
    const job = importJob('j', {
      state: 'failed',
      files: [
        { fileName: 'a.parquet', progress: 100, completeTime: 't' },
        { fileName: 'b.parquet', progress: 40 },
        { fileName: 'c.parquet', progress: 10, errorMessage: 'bad' },
        { fileName: 'd.parquet', progress: 100, completeTime: 't' },
        { fileName: 'e.parquet', progress: 10, errorMessage: 'bad' },
        { fileName: 'f.parquet', progress: 40 },
      ],
    })
    const html = renderSummary(outcome('failed', [{ jobId: 'j', job }]))
    const order = [...html.matchAll(/<tr><td>([a-z])\.parquet/g)].map((m) => m[1])
    expect(order).toEqual(['c', 'e', 'b', 'f', 'a', 'd'])
  })

  test('at every budget: within it, and the jobs cut are counted exactly', () => {
    const jobs = Array.from({ length: 3 }, (_, i) => ({
      jobId: `job-${i}`,
      job: importJob(`job-${i}`, { state: 'failed', errorMessage: `e${i}` }),
    }))
    const full = renderSummary(outcome('failed', jobs))
    const smallest = bytes(renderSummary(outcome('failed', jobs), { maxBytes: 0 }))
    let mostShownWhileCutting = 0
    // Up to the first budget that shows everything, which is past the full size:
    // the budget charges room for cut notes it may not need.
    for (let maxBytes = smallest; maxBytes <= bytes(full) + 1_000; maxBytes++) {
      const html = renderSummary(outcome('failed', jobs), { maxBytes })
      expect(bytes(html)).toBeLessThanOrEqual(maxBytes)
      expect(html).not.toMatch(/\b0 more/)
      const shown = (html.match(/<h3>Job /g) ?? []).length
      const cut = /(\d+) more jobs not shown/.exec(html)
      if (cut === null) {
        expect(shown).toBe(3)
      } else {
        expect(shown + Number(cut[1])).toBe(3)
        mostShownWhileCutting = Math.max(mostShownWhileCutting, shown)
      }
      if (html === full) break
    }
    // Just short of room for the tables, every heading that fits is shown.
    expect(mostShownWhileCutting).toBe(3 - 1)
  })

  test('a heading is shown as soon as it, its table frame and the room kept for the cut note fit', () => {
    const jobs = [
      { jobId: 'a', job: importJob('a', { state: 'failed', errorMessage: 'x'.repeat(500) }) },
      { jobId: 'b', job: importJob('b', { state: 'failed', errorMessage: 'y'.repeat(500) }) },
    ]
    const none = renderSummary(outcome('failed', jobs), { maxBytes: 0 })
    const top = none.slice(0, none.indexOf('<p><em>'))
    const whole = section(renderSummary(outcome('failed', jobs)), 'a')
    const header = whole.slice(0, whole.indexOf('<table>'))
    const frame =
      whole.slice(whole.indexOf('<table>'), whole.indexOf('<tbody>\n') + 8) + '</tbody>\n</table>\n'
    const exact = bytes(top) + bytes(header) + bytes(frame) + 160
    expect(renderSummary(outcome('failed', jobs), { maxBytes: exact })).toContain(
      '<h3>Job <code>a</code>',
    )
    expect(renderSummary(outcome('failed', jobs), { maxBytes: exact - 1 })).not.toContain(
      '<h3>Job ',
    )
  })
})
