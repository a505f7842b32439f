#!/usr/bin/env node
/**
 * `npm run demo`: the built action, end to end, against the local simulator,
 * exactly as a runner would run it. No account needed. Shows the log, the
 * outputs and the job summary for a run that completes and one that fails, a
 * self-hosted Milvus, and the commit gate committing all jobs, then aborting all.
 */
import { pathToFileURL } from 'node:url'
import { SCENARIOS, startSimulator } from './simulator.mjs'
import { runAction } from './run-action.mjs'

const bold = (/** @type {string} */ text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const dim = (/** @type {string} */ text) => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text)

/**
 * The named entities the summary can contain: escapeHtml's (src/text.ts) and the
 * &nbsp; that keeps sizes on one line (src/report/summary.ts), shown as a plain
 * space here. Anything else escapeHtml writes is numeric (&#124;, &#39;, ...).
 * @type {Record<string, string>}
 */
const NAMED_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/**
 * Named, decimal (&#124;) and hexadecimal (&#x7c;) entities as the characters they
 * stand for, in one pass (so &amp;lt; reads &lt;); an unknown one is left as it is.
 * @param {string} text
 */
function decodeEntities(text) {
  return text.replace(
    /&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([a-zA-Z]+));/g,
    (
      /** @type {string} */ entity,
      /** @type {string | undefined} */ decimal,
      /** @type {string | undefined} */ hex,
      /** @type {string | undefined} */ named,
    ) => {
      if (named !== undefined) return NAMED_ENTITIES[named] ?? entity
      const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16)
      return code <= 0x10ffff ? String.fromCodePoint(code) : entity
    },
  )
}

/**
 * A rough text view of the summary HTML, so it reads in a terminal.
 * @param {string} html
 */
export function summaryAsText(html) {
  const text = html
    // GitHub draws the chart; a terminal cannot (docs/summary-chart.png shows it).
    .replace(/```mermaid\n[\s\S]*?```\n/g, '[a chart of progress over time: GitHub draws it]\n')
    .replace(/<h2>(.*?)<\/h2>/g, '## $1')
    .replace(/<h3>(.*?)<\/h3>/g, '\n### $1')
    .replace(
      /<tr>(.*?)<\/tr>/g,
      (_, /** @type {string} */ cells) => `| ${cells.replace(/<\/t[dh]><t[dh]>/g, ' | ')} |`,
    )
    .replace(/<[^>]+>/g, '')
  // Tags first, entities after: a decoded &lt; must not be taken for a tag.
  return decodeEntities(text)
    .replace(/\n{2,}/g, '\n\n')
    .trim()
}

/**
 * @param {string} title @param {string} scenario
 * @param {'v1' | 'milvus'} [api] which API the simulator speaks and the action asks
 * @param {Record<string, string>} [extra] more inputs (the commit gate's)
 */
async function demo(title, scenario, api = 'v1', extra = {}) {
  console.log(bold(`\n━━━ ${title} ━━━`))
  const milvus = api === 'milvus'
  const sim = await startSimulator({
    jobs: SCENARIOS[scenario] ?? {},
    ...(milvus ? { v2: 'milvus' } : {}),
  })
  /** @type {Record<string, string>} */
  const inputs = {
    'job-id': sim.jobIds.join('\n'),
    'cluster-id': milvus ? '' : sim.clusterId,
    'api-key': sim.apiKey,
    endpoint: sim.url,
    'poll-interval': '1s',
    timeout: '1m',
    ...(milvus ? { 'api-version': 'v2', 'db-name': 'default' } : {}),
    ...extra,
  }
  console.log(
    dim(`simulator: ${sim.url}   inputs: ${JSON.stringify({ ...inputs, 'api-key': '***' })}\n`),
  )
  console.log(bold('Log (as the runner receives it):'))
  let atLineStart = true
  try {
    const result = await runAction({
      inputs,
      onStdout: (chunk) => {
        // Prefix real line starts only: a chunk can end mid-line or right after a newline.
        process.stdout.write((atLineStart ? '  │ ' : '') + chunk.replace(/\n(?=.)/g, '\n  │ '))
        atLineStart = chunk.endsWith('\n')
      },
    })
    if (result.stderr) process.stdout.write(result.stderr.replace(/^/gm, '  ! '))
    console.log(
      bold(`\nExit code: ${result.code}  (${result.code === 0 ? 'step passes' : 'step fails'})`),
    )
    console.log(bold('\nOutputs:'))
    for (const [name, value] of Object.entries(result.outputs)) {
      const shown = value.length > 110 ? `${value.slice(0, 110)}… (${value.length} chars)` : value
      console.log(`  ${name.padEnd(16)} ${shown}`)
    }
    console.log(bold('\nJob summary (rendered as text; GitHub shows it as HTML):'))
    console.log(summaryAsText(result.summary).replace(/^/gm, '  '))
    return result.code
  } finally {
    await sim.close()
  }
}

/** The three runs, and a check that each ended as it should. */
async function main() {
  const completed = await demo(
    'A run that completes (two jobs, one transient 503 on the way)',
    'demo',
  )
  const failed = await demo('A run that fails (a file reports an errorMessage)', 'failure')
  const milvus = await demo(
    'A self-hosted Milvus, same step with api-version: v2 (staged progress, row counts, a retried task, a job waiting for its commit)',
    'milvus',
    'milvus',
  )
  const gate = { commit: 'true', 'expected-rows': '1000000' }
  const committed = await demo(
    'All or nothing, all pass: three held jobs (auto_commit "false"), 1,000,000 rows as expected, each committed',
    'gate-commit',
    'milvus',
    gate,
  )
  const aborted = await demo(
    'All or nothing, one fails: part 2 has the wrong vector dimension, so parts 1 and 3 are aborted',
    'gate-abort',
    'milvus',
    gate,
  )
  const codes = [completed, failed, milvus, committed, aborted]
  const expected = [0, 1, 0, 0, 1]
  if (codes.some((code, i) => code !== expected[i])) {
    console.error(`\nUnexpected exit codes: ${codes.join(', ')} (expected ${expected.join(', ')}).`)
    process.exit(1)
  }
  console.log(
    bold(
      '\nDemo finished: the v1 runs passed and failed as they should; the Milvus run passed; the gate committed all, then aborted all.',
    ),
  )
}

// Run as a script (npm run demo); imported by tests for summaryAsText.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
