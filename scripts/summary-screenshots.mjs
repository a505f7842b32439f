#!/usr/bin/env node
/**
 * Screenshots of the job summary as GitHub shows it: the built action runs
 * against the simulator, its summary is rendered as GitHub-flavoured markdown
 * (marked) inside GitHub's own stylesheet (github-markdown-css), its mermaid
 * chart is drawn by the mermaid package (as GitHub draws it), and headless
 * Chromium takes the picture. A chart mermaid cannot draw stops the script.
 * Writes docs/summary-{completed,failed,large,error,gate-committed,
 * gate-aborted,collection,chart,chart-overall}.png.
 *
 *   npm run summary:screenshots [-- name ...]   (needs Debian's chromium: apt-get install chromium)
 *
 * Not part of the tests: it is for looking, which is how a summary change is checked.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { marked } from 'marked'
import { ROOT, runAction } from './run-action.mjs'
import { SCENARIOS, startSimulator } from './simulator.mjs'

const require = createRequire(import.meta.url)
const css = readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8')
const MERMAID = require.resolve('mermaid/dist/mermaid.min.js')

/**
 * The summary's HTML with each mermaid block ready to draw: marked leaves it as a
 * code block; GitHub draws it, so the page does too, and marks any it cannot.
 * @param {string} html
 */
function withCharts(html) {
  const blocks = html.replace(
    /<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g,
    (_, /** @type {string} */ text) => `<div class="mermaid-chart" data-text="${text}"></div>`,
  )
  const draw = `<script src="file://${MERMAID}"></script><script>
    mermaid.initialize({ startOnLoad: false })
    ;(async () => {
      let n = 0
      for (const node of document.querySelectorAll('.mermaid-chart')) {
        try {
          await mermaid.parse(node.dataset.text)
          node.innerHTML = (await mermaid.render('chart' + n++, node.dataset.text)).svg
          node.setAttribute('data-drawn', 'yes')
        } catch (error) {
          node.textContent = 'MERMAID ERROR: ' + error
          node.setAttribute('data-mermaid-error', 'yes')
        }
      }
      document.body.setAttribute('data-charts', 'done')
    })()
  </script>`
  return blocks + draw
}

const browser = ['chromium', 'chromium-browser', 'google-chrome'].find(
  (name) => spawnSync('which', [name]).status === 0,
)
if (browser === undefined) {
  console.error(
    'No Chromium found: install Debian\'s "chromium" package (apt-get install chromium).',
  )
  process.exit(1)
}

/** @param {number} count @param {(i: number) => string | undefined} error */
function manyFiles(count, error) {
  const files = Array.from({ length: count }, (_, i) => ({
    fileName: `exports/2026-11-29/embeddings/part-${String(i).padStart(5, '0')}.parquet`,
    fileSize: 48_000_000 + i * 1_000,
  }))
  /** @type {Record<number, string>} */
  const fileErrors = {}
  files.forEach((_, i) => {
    const text = error(i)
    if (text !== undefined) fileErrors[i] = text
  })
  return { files, fileErrors }
}

/** A job of a self-hosted Milvus 2.5+, staged as Milvus stages it. @param {string} fileName @param {number} rows @param {import('./simulator.mjs').Step[]} script */
const staged = (fileName, rows, script) => ({
  collectionName: 'articles',
  files: [{ fileName, fileSize: rows * 3_100, rows }],
  staged: true,
  script,
})

const large = manyFiles(6_000, (i) =>
  i % 997 === 5
    ? `expected dim '768' for field 'vector' with type 'FloatVector', got dim '512': importing data failed`
    : undefined,
)

/** The commit gate's inputs, for a self-hosted Milvus. */
const GATE = { 'api-version': 'v2', 'cluster-id': '', commit: 'true', 'expected-rows': '1000000' }

/**
 * chart: the summary must hold a chart, and mermaid must draw it.
 * @type {Record<string, { height: number, jobs: Record<string, import('./simulator.mjs').JobSpec>, apiKey?: string, v2?: 'milvus', inputs?: Record<string, string>, chart?: boolean }>}
 */
const SHOTS = {
  completed: { height: 1050, jobs: SCENARIOS.demo ?? {}, chart: true },
  failed: {
    height: 720,
    jobs: {
      ...(SCENARIOS.failure ?? {}),
      'job-demo-images': {
        collectionName: 'product_images',
        files: [{ fileName: 'images/embeddings.json', fileSize: 1_288_490 }],
        script: [0.3, 0.7, 1],
      },
    },
  },
  large: {
    height: 1300,
    jobs: {
      'job-backfill-2026-11': {
        collectionName: 'articles_backfill',
        files: large.files,
        script: [
          {
            progress: 0.6,
            files: large.files.map((_, i) => (i < 4_000 ? 1 : 0.3)),
            fileErrors: large.fileErrors,
          },
        ],
      },
    },
  },
  error: { height: 520, jobs: SCENARIOS.demo ?? {}, apiKey: 'zk-expired-key-000000' },
  'gate-committed': {
    height: 1350,
    jobs: SCENARIOS['gate-commit'] ?? {},
    v2: 'milvus',
    inputs: GATE,
    chart: true,
  },
  'gate-aborted': {
    height: 1350,
    jobs: SCENARIOS['gate-abort'] ?? {},
    v2: 'milvus',
    inputs: GATE,
    chart: true,
  },
  // Twelve Milvus jobs of one day, started a few seconds apart: one overall line.
  'chart-overall': {
    height: 620,
    chart: true,
    v2: 'milvus',
    inputs: { 'api-version': 'v2', 'cluster-id': '', timeout: '20s' },
    jobs: Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [
        `job-hour-${String(i).padStart(2, '0')}`,
        staged(`events/hour-${i}.parquet`, 40_000 + i * 5_000, [
          ...Array.from({ length: i % 4 }, () => 0.05),
          0.2,
          0.5,
          0.75,
          0.85,
          ...Array.from({ length: i % 3 }, () => 0.85),
          1,
        ]),
      ]),
    ),
  },
  // collection-name on Milvus: two imports running into the collection (waited for), two
  // finished earlier (named, not waited for), one into another collection (left out).
  collection: {
    height: 900,
    chart: true,
    v2: 'milvus',
    inputs: {
      'job-id': '',
      'collection-name': 'articles',
      'api-version': 'v2',
      'cluster-id': '',
      timeout: '20s',
    },
    jobs: {
      '448761313698322011': staged(
        'articles/part-0001.parquet',
        300_000,
        [0.2, 0.5, 0.75, 0.85, 1],
      ),
      '448761313698322012': staged('articles/part-0002.parquet', 250_000, [0.1, 0.4, 0.7, 1]),
      '448761313698321990': staged('articles/part-0000.parquet', 100_000, [1]),
      '448761313698321991': staged('articles/bad.parquet', 100_000, [
        { progress: 0.3, jobError: 'the file has 3 columns, expected 4: importing data failed' },
      ]),
      '448761313698322020': {
        ...staged('images/part-0001.parquet', 100_000, [0.3]),
        collectionName: 'images',
      },
    },
  },
  // Three Milvus jobs: one sits at 85 % while indexes build, one completes, one fails.
  chart: {
    height: 1000,
    chart: true,
    v2: 'milvus',
    inputs: { 'api-version': 'v2', 'cluster-id': '', timeout: '20s' },
    jobs: {
      'job-articles-2026-11': staged(
        'articles/part-0001.parquet',
        600_000,
        [0.05, 0.2, 0.35, 0.5, 0.62, 0.75, 0.85],
      ),
      'job-images-2026-11': staged('images/embeddings.parquet', 200_000, [0.1, 0.4, 0.7, 0.85, 1]),
      'job-users-2026-11': staged('users/part-0001.parquet', 50_000, [
        0.05,
        0.05,
        0.3,
        0.3,
        0.3,
        0.3,
        0.3,
        0.45,
        0.55,
        {
          progress: 0.55,
          fileErrors: {
            0: "schema not equal, err=field 'country' not in arrow schema: importing data failed: importing data failed",
          },
        },
      ]),
    },
  },
}

/** Headless, offline, and time enough for mermaid to draw before the page is read. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--allow-file-access-from-files',
  '--virtual-time-budget=10000',
]

// Names on the command line pick some pictures; none takes them all.
const only = process.argv.slice(2)
const unknown = only.filter((name) => !(name in SHOTS))
if (unknown.length > 0) {
  console.error(`Unknown screenshot ${unknown.join(', ')}; known: ${Object.keys(SHOTS).join(', ')}`)
  process.exit(2)
}

const work = mkdtempSync(path.join(tmpdir(), 'summary-shots-'))
try {
  for (const [name, shot] of Object.entries(SHOTS)) {
    if (only.length > 0 && !only.includes(name)) continue
    const sim = await startSimulator({ jobs: shot.jobs, ...(shot.v2 ? { v2: shot.v2 } : {}) })
    let summary
    try {
      const result = await runAction({
        inputs: {
          'job-id': sim.jobIds.join('\n'),
          'cluster-id': sim.clusterId,
          'api-key': shot.apiKey ?? sim.apiKey,
          endpoint: sim.url,
          'poll-interval': '1s',
          timeout: '1m',
          ...shot.inputs,
        },
      })
      summary = result.summary
    } finally {
      await sim.close()
    }
    const page = path.join(work, `${name}.html`)
    writeFileSync(
      page,
      '<!doctype html><meta charset="utf-8">' +
        `<style>${css}\nbody{margin:0;background:#fff}.markdown-body{box-sizing:border-box;max-width:1012px;padding:24px}</style>` +
        `<article class="markdown-body">${withCharts(await marked.parse(summary, { gfm: true }))}</article>`,
    )
    // First the DOM, to see every chart drawn; then the picture.
    const dom = spawnSync(browser, [...CHROMIUM_FLAGS, '--dump-dom', `file://${page}`], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
    if (dom.status !== 0 || !dom.stdout.includes('data-charts="done"')) {
      console.error(`Chromium could not draw the charts of ${name}:\n${dom.stderr}`)
      process.exit(1)
    }
    const failure = /data-mermaid-error="yes"[^>]*>([^<]*)/.exec(dom.stdout)
    if (failure !== null) {
      console.error(`mermaid could not draw the chart of ${name}: ${failure[1]}`)
      process.exit(1)
    }
    const charts = (dom.stdout.match(/data-drawn="yes"/g) ?? []).length
    if (shot.chart === true && charts === 0) {
      console.error(`The summary of ${name} has no chart, and it should: see CHART_MIN_ANSWERS.`)
      process.exit(1)
    }
    // mermaid does not clip or check its numbers: a bad value shows as NaN in a path.
    if (/ d="[^"]*NaN/.test(dom.stdout)) {
      console.error(`The chart of ${name} has a line mermaid could not place (NaN).`)
      process.exit(1)
    }
    const out = path.join(ROOT, 'docs', `summary-${name}.png`)
    const shotRun = spawnSync(
      browser,
      [
        ...CHROMIUM_FLAGS,
        '--hide-scrollbars',
        `--window-size=1012,${shot.height}`,
        `--screenshot=${out}`,
        `file://${page}`,
      ],
      { encoding: 'utf8' },
    )
    if (shotRun.status !== 0) {
      console.error(`Chromium failed for ${name}:\n${shotRun.stderr}`)
      process.exit(1)
    }
    console.log(`wrote docs/summary-${name}.png${charts > 0 ? ' (with its chart)' : ''}`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
