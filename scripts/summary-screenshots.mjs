#!/usr/bin/env node
/**
 * Screenshots of the job summary as GitHub shows it: the built action runs
 * against the simulator, its summary is rendered as GitHub-flavoured markdown
 * (marked) inside GitHub's own stylesheet (github-markdown-css), and headless
 * Chromium takes the picture. Writes docs/summary-{completed,failed,large,error,
 * gate-committed,gate-aborted}.png.
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

const large = manyFiles(6_000, (i) =>
  i % 997 === 5 ? `row ${i * 31}: field "vector" has dimension 512, expected 768` : undefined,
)

/** The commit gate's inputs, for a self-hosted Milvus. */
const GATE = { 'api-version': 'v2', 'cluster-id': '', commit: 'true', 'expected-rows': '1000000' }

/** @type {Record<string, { height: number, jobs: Record<string, import('./simulator.mjs').JobSpec>, apiKey?: string, v2?: 'milvus', inputs?: Record<string, string> }>} */
const SHOTS = {
  completed: { height: 580, jobs: SCENARIOS.demo ?? {} },
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
    height: 900,
    jobs: SCENARIOS['gate-commit'] ?? {},
    v2: 'milvus',
    inputs: GATE,
  },
  'gate-aborted': { height: 900, jobs: SCENARIOS['gate-abort'] ?? {}, v2: 'milvus', inputs: GATE },
}

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
        `<article class="markdown-body">${await marked.parse(summary, { gfm: true })}</article>`,
    )
    const out = path.join(ROOT, 'docs', `summary-${name}.png`)
    const shotRun = spawnSync(
      browser,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
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
    console.log(`wrote docs/summary-${name}.png`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
