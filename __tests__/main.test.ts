/**
 * run() in-process, wired to the real @actions/core: inputs from INPUT_*
 * variables, outputs and summary to real files, stdout captured. Proves the
 * wiring module the same way the e2e suite proves the bundle, and lets the
 * coverage gate see main.ts.
 */
import { afterAll, afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type Runtime, run } from '../src/main.js'
import { VirtualTime } from './helpers/virtual-time.js'
import { type JobSpec, startSimulator } from '../scripts/simulator.mjs'
import { parseOutputFile } from '../scripts/run-action.mjs'

type Simulator = Awaited<ReturnType<typeof startSimulator>>

// One directory for the whole file: core.summary is a singleton that keeps the
// summary path it first saw, as it may in a real run (one process, one path).
const dir = mkdtempSync(path.join(tmpdir(), 'main-test-'))
let sim: Simulator | undefined
let stdout: string[]
const savedEnv = { ...process.env }

beforeEach(() => {
  // Start from the environment without anything a runner (or an earlier test) set.
  process.env = Object.fromEntries(
    Object.entries(savedEnv).filter(
      ([key]) => !key.startsWith('INPUT_') && !key.startsWith('GITHUB_') && key !== 'RUNNER_DEBUG',
    ),
  )
  writeFileSync(path.join(dir, 'output'), '')
  writeFileSync(path.join(dir, 'summary'), '')
  process.env.GITHUB_OUTPUT = path.join(dir, 'output')
  process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary')
  stdout = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk))
    return true
  })
})

afterEach(async () => {
  jest.restoreAllMocks()
  process.env = { ...savedEnv }
  process.exitCode = undefined
  await sim?.close()
  sim = undefined
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function start(jobs: Record<string, JobSpec>, v2?: 'milvus'): Promise<Simulator> {
  sim = await startSimulator({ jobs, ...(v2 ? { v2 } : {}) })
  const inputs: Record<string, string> = {
    'job-id': Object.keys(jobs).join(','),
    'cluster-id': v2 ? '' : sim.clusterId,
    'api-key': sim.apiKey,
    endpoint: sim.url,
    'poll-interval': '1s',
    timeout: '10s',
    ...(v2 ? { 'api-version': 'v2' } : {}),
  }
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.toUpperCase()}`] = value
  return sim
}

const outputs = (): Record<string, string> =>
  parseOutputFile(readFileSync(path.join(dir, 'output'), 'utf8'))
const summary = (): string => readFileSync(path.join(dir, 'summary'), 'utf8')
const log = (): string => stdout.join('')
const job = (script: JobSpec['script']): JobSpec => ({ collectionName: 'c', script })

/** A stop before any wait still sets every output: a later fromJSON(jobs) must read []. */
const everyOutputOfAStop = (message: string): Record<string, string> => ({
  state: 'error',
  progress: '0',
  'collection-name': '',
  'complete-time': '',
  'error-message': message,
  'elapsed-seconds': '0',
  jobs: '[]',
})

type Level = 'info' | 'warning' | 'error' | 'debug'

/**
 * The log as the runner reads it: each line's level (workflow commands
 * ::error, ::warning and ::debug; anything else is info) and its text.
 * ::add-mask:: is left out, and only the title of an annotation is kept.
 */
function levels(): [Level, string][] {
  const parsed: [Level, string][] = []
  for (const line of log().split('\n')) {
    if (line === '' || line.startsWith('::add-mask::')) continue
    const command = /^::(error|warning|debug)( [^:]*)?::(.*)$/.exec(line)
    if (command === null) parsed.push(['info', line])
    else
      parsed.push([
        command[1] as Level,
        `${command[2]?.trim() ?? ''}${command[2] ? ' ' : ''}${command[3] ?? ''}`,
      ])
  }
  return parsed
}

const atLevel = (level: Level): string[] =>
  levels()
    .filter(([l]) => l === level)
    .map(([, text]) => text)

/** The whole action on a virtual clock: polls and backoff take no real time. */
function virtual(): Runtime {
  const time = new VirtualTime()
  return { clock: time.clock, sleep: time.sleep, random: () => 0.5 }
}

describe('run(): what the runner is told, and at which level', () => {
  test('completed: the key masked first, then only info lines, outputs and summary', async () => {
    const s = await start({ 'job-a': job([0.5, 1]) })
    await run(virtual())
    expect(log().split('\n')[0]).toBe(`::add-mask::${s.apiKey}`)
    expect(levels()).toEqual([
      [
        'info',
        `Waiting for 1 import job (job-a) on cluster ${s.clusterId} via the Zilliz Cloud v1 API at ${new URL(s.url).host}: timeout 10s, poll every 1s.`,
      ],
      ['info', 'Job job-a: importing 50% (0/1 files done), 0s elapsed'],
      ['info', 'Job job-a: completed 100% (1/1 files done), 1s elapsed'],
      ['info', '1 import job completed after 1s.'],
    ])
    expect(outputs().state).toBe('completed')
    expect(summary()).toContain('✅ completed')
    expect(process.exitCode).toBeUndefined()
  })

  const recordFlags =
    (flags: string[]) =>
    (value: string): Promise<void> => {
      flags.push(value)
      return Promise.resolve()
    }
  const manyFiles = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ fileName: `f-${i}.parquet` }))

  test("a large run keeps V8's young generation small once 1,000 file records arrived", async () => {
    await start({
      'job-a': { collectionName: 'c', files: manyFiles(600), script: [0.5, 1] },
      'job-b': { collectionName: 'c', files: manyFiles(10), script: [1] },
    })
    const flags: string[] = []
    await run({ ...virtual(), setV8Flags: recordFlags(flags) })
    // 600 + 10 after the first round, 1,210 after job-a's second answer.
    expect(flags).toEqual(['--semi-space-growth-factor=1'])
    expect(outputs().state).toBe('completed')
  })

  test('a small run never touches V8 flags', async () => {
    await start({ 'job-a': { collectionName: 'c', files: manyFiles(400), script: [0.5, 1] } })
    const flags: string[] = []
    await run({ ...virtual(), setV8Flags: recordFlags(flags) })
    expect(flags).toEqual([])
    expect(outputs().state).toBe('completed')
  })

  test('a bad input: state error, the message as output and summary, one error line, no request', async () => {
    const s = await start({ 'job-a': job([1]) })
    process.env.INPUT_REGION = 'evil.com/x'
    process.env.INPUT_ENDPOINT = ''
    await run(virtual())
    expect(process.exitCode).toBe(1)
    const [error, ...others] = atLevel('error')
    expect(error).toMatch(/^Input "region" must be a Zilliz Cloud region ID/)
    expect(others).toEqual([])
    expect(atLevel('info')).toEqual([])
    expect(outputs()).toEqual(everyOutputOfAStop(error ?? ''))
    expect(summary()).toContain('Input &quot;region&quot; must be a Zilliz Cloud region ID')
    expect(s.requests).toHaveLength(0)
  })

  test('no key: nothing to mask, and the error names the input', async () => {
    await start({ 'job-a': job([1]) })
    process.env['INPUT_API-KEY'] = ''
    await run(virtual())
    expect(log()).not.toContain('::add-mask::')
    expect(atLevel('error')).toEqual([expect.stringMatching(/^Input "api-key" /)])
    expect(process.exitCode).toBe(1)
  })

  test('masks: a key of 8 characters or more, and each long line of client-cert and client-key', async () => {
    await start({ 'job-a': job([1]) })
    process.env['INPUT_API-KEY'] = '12345678'
    // A certificate for an http:// endpoint is checked and masked, but never offered.
    const cert = '-----BEGIN CERTIFICATE-----\r\nCERTLINE-0001\r\nAB==\r\n-----END CERTIFICATE-----'
    process.env['INPUT_CLIENT-CERT'] = cert
    process.env['INPUT_CLIENT-KEY'] =
      '-----BEGIN PRIVATE KEY-----\n  KEYLINE-0001  \nKEYLINE2\nK==\n'
    await run(virtual())
    expect(
      log()
        .split('\n')
        .filter((line) => line.startsWith('::add-mask::')),
    ).toEqual([
      '::add-mask::12345678',
      '::add-mask::KEYLINE-0001',
      '::add-mask::KEYLINE2',
      '::add-mask::CERTLINE-0001',
    ])
    // Not PEM: refused, and nothing of either is quoted.
    expect(atLevel('error')).toEqual([
      'Input "client-cert" is not a PEM certificate (text from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----).',
    ])
  })

  test('a key of 7 characters is a placeholder: not given to the runner to mask', async () => {
    await start({ 'job-a': job([1]) })
    process.env['INPUT_API-KEY'] = '1234567'
    await run(virtual())
    expect(log()).not.toContain('::add-mask::')
  })

  test('an unexpected error: one error line naming it, state error, never a stack trace', async () => {
    await start({ 'job-a': job([1]) })
    const broken: Runtime = {
      ...virtual(),
      clock: {
        now: () => {
          throw new Error('clock unplugged')
        },
      },
    }
    await run(broken)
    expect(process.exitCode).toBe(1)
    expect(atLevel('error')).toEqual(['Unexpected error: clock unplugged'])
    expect(outputs()).toEqual(everyOutputOfAStop('Unexpected error: clock unplugged'))
    expect(summary()).toContain('clock unplugged')
    expect(log()).not.toMatch(/\n\s+at /)
  })

  test('a failed job: an error annotation per error, then the failing verdict as the last error', async () => {
    await start({ 'job-a': job([{ progress: 0.3, fileErrors: { 0: 'bad' }, jobError: 'quota' }]) })
    await run(virtual())
    expect(process.exitCode).toBe(1)
    expect(atLevel('error')).toEqual([
      'title=Job job-a quota',
      'title=Job job-a%3A job-a/data.parquet bad',
      'The import failed: 1 file of job job-a reported an error (annotated above, all of them listed in the job summary). Fix the data and import again.',
    ])
    expect(atLevel('warning')).toEqual([])
    expect(atLevel('info')).toContain('Job job-a: failed 30% (0/1 files done), 0s elapsed')
  })

  test('a timeout fails the step by default, as an error', async () => {
    await start({ 'job-a': job([0.2]) })
    process.env.INPUT_TIMEOUT = '2s'
    await run(virtual())
    expect(process.exitCode).toBe(1)
    expect(outputs().state).toBe('timed-out')
    expect(atLevel('error')).toEqual([
      'Timed out after 2s at 20%25 overall; still running: job-a importing 20%25.',
    ])
    expect(atLevel('warning')).toEqual([])
  })

  test('a timeout with fail-on-timeout false is a warning, and the step passes', async () => {
    await start({ 'job-a': job([0.2]) })
    process.env.INPUT_TIMEOUT = '1s'
    process.env['INPUT_FAIL-ON-TIMEOUT'] = 'false'
    await run(virtual())
    expect(process.exitCode).toBeUndefined()
    expect(outputs().state).toBe('timed-out')
    expect(atLevel('error')).toEqual([])
    expect(atLevel('warning')).toEqual([
      'Timed out after 1s at 20%25 overall; still running: job-a importing 20%25. Passing because fail-on-timeout is false.',
    ])
  })

  test('transient faults: each retry an info line, one warning at the third in a row, then success', async () => {
    const unavailable = { status: 503, body: 'busy' }
    await start({ 'job-a': job([0.1, unavailable, unavailable, unavailable, 1]) })
    await run(virtual())
    expect(process.exitCode).toBeUndefined()
    const retries = atLevel('info').filter((line) => / retry \d in [\d.]+s$/.test(line))
    expect(retries.map((line) => /retry (\d)/.exec(line)?.[1])).toEqual(['1', '2', '3'])
    expect(atLevel('warning')).toEqual([
      expect.stringMatching(
        /^Job job-a: 3 polls in a row failed \(last: .*HTTP 503.*\); still retrying until the timeout\.$/,
      ),
    ])
    expect(atLevel('error')).toEqual([])
    expect(outputs().state).toBe('completed')
  })

  test('warnings past the annotation limit go to the log as info, so the verdict still shows', async () => {
    const unavailable = { status: 503, body: 'busy' }
    const jobs = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [
        `job-${String(i).padStart(2, '0')}`,
        job([unavailable, unavailable, unavailable, 1]),
      ]),
    )
    await start(jobs)
    process.env['INPUT_POLL-INTERVAL'] = '5s'
    process.env.INPUT_TIMEOUT = '5m'
    await run(virtual())
    const persistent = (level: Level): string[] =>
      atLevel(level).filter((line) => line.includes('polls in a row failed'))
    expect(atLevel('info')[0]).toMatch(/^Waiting for 11 import jobs \(job-00, job-01, /)
    expect(persistent('warning')).toHaveLength(9)
    expect(persistent('info')).toHaveLength(2)
    expect(outputs().state).toBe('completed')
  })

  test('polls still failing when the wait ends are a warning', async () => {
    const unavailable = { status: 503, body: 'busy' }
    await start({
      'job-a': job([1]),
      'job-b': job([0.1, 0.2, 0.3, { progress: 0.5, fileErrors: { 0: 'bad' } }]),
      'job-c': job([0.1, unavailable, unavailable, unavailable, unavailable, unavailable]),
    })
    process.env['INPUT_POLL-INTERVAL'] = '5s'
    process.env.INPUT_TIMEOUT = '5m'
    await run(virtual())
    expect(outputs().state).toBe('failed')
    const warnings = atLevel('warning')
    expect(
      warnings.some((w) => /^Polls of job job-c were still failing when the wait ended: /.test(w)),
    ).toBe(true)
  })

  test('a summary that cannot be written is a warning, and the step still reports', async () => {
    await start({ 'job-a': job([1]) })
    // core.summary keeps the path it first saw: make that path unwritable.
    const summaryPath = path.join(dir, 'summary')
    rmSync(summaryPath)
    mkdirSync(summaryPath)
    try {
      await run(virtual())
    } finally {
      rmSync(summaryPath, { recursive: true })
    }
    expect(atLevel('warning')).toEqual([
      expect.stringMatching(/^Could not write the job summary: /),
    ])
    expect(outputs().state).toBe('completed')
    expect(process.exitCode).toBeUndefined()
  })

  test('SIGINT cancels: an info line, state cancelled, summary written, step failed', async () => {
    const s = await start({ 'job-a': job([0.2]) })
    process.env['INPUT_POLL-INTERVAL'] = '30s'
    process.env.INPUT_TIMEOUT = '5m'
    // Real time here: the wait must still be going when the signal comes.
    const running = run()
    while (s.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    process.emit('SIGINT', 'SIGINT')
    process.emit('SIGTERM', 'SIGTERM')
    await running
    expect(outputs().state).toBe('cancelled')
    expect(summary()).toContain('🚫 cancelled')
    expect(process.exitCode).toBe(1)
    // Said once: the second signal finds the wait already stopping.
    expect(atLevel('info').filter((line) => line.startsWith('Received'))).toEqual([
      'Received SIGINT: stopping and reporting what was seen so far.',
    ])
    // The handlers are removed once the wait is over.
    expect(process.listenerCount('SIGINT')).toBe(0)
    expect(process.listenerCount('SIGTERM')).toBe(0)
  })

  test('a jobs output too big for its bound says, as info, what it left out', async () => {
    const files = Array.from({ length: 2_000 }, (_, i) => ({
      fileName: `f-${'x'.repeat(60)}-${i}.parquet`,
      fileSize: 1,
    }))
    await start({ 'job-a': { collectionName: 'c', files, script: [1] } })
    await run(virtual())
    expect(atLevel('info')).toContainEqual(
      expect.stringMatching(
        /^The "jobs" output leaves out 0 jobs and \d+ file entries to stay under its size bound\.$/,
      ),
    )
    expect(Buffer.byteLength(outputs().jobs ?? '')).toBeLessThanOrEqual(100_000)
  })

  test('a jobs output within its bound says nothing about it', async () => {
    await start({ 'job-a': job([1]) })
    await run(virtual())
    expect(log()).not.toContain('output leaves out')
  })

  test('Milvus over v2, with debug on: raw answers and unknown states at debug level', async () => {
    await start({ 'job-m': job([{ progress: 0.5, state: 'Sorting' }, 1]) }, 'milvus')
    process.env.RUNNER_DEBUG = '1'
    process.env['INPUT_DB-NAME'] = 'analytics'
    await run(virtual())
    expect(outputs().state).toBe('completed')
    expect(summary()).toContain('<h2>Milvus import: ✅ completed</h2>')
    expect(atLevel('info')[0]).toMatch(
      /^Waiting for 1 import job \(job-m\) in database analytics via the Milvus v2 API at /,
    )
    const debug = atLevel('debug')
    expect(debug).toContainEqual(
      expect.stringMatching(
        /^POST \/v2\/vectordb\/jobs\/import\/describe \{"jobId":"job-m","dbName":"analytics"\} -> HTTP 200:/,
      ),
    )
    expect(debug).toContain(
      'The API reported the state "Sorting", unknown to this action: treated as still running.',
    )
  })

  test('Milvus: the phase in each progress line, and in the one plateau line after 5 minutes', async () => {
    await start(
      {
        'job-m': {
          collectionName: 'c',
          files: [{ fileName: 'a.parquet', rows: 100 }],
          staged: true,
          script: [0.3, 0.85],
        },
      },
      'milvus',
    )
    process.env.INPUT_TIMEOUT = '7m'
    process.env['INPUT_POLL-INTERVAL'] = '30s'
    await run(virtual())
    expect(outputs().state).toBe('timed-out')
    const info = atLevel('info')
    expect(info).toContain('Job job-m: importing 30% (pre-importing), 0s elapsed')
    expect(info).toContain(
      'Job job-m: importing 85% (building indexes; 1/1 files done), 30s elapsed',
    )
    expect(info.filter((line) => line.includes('has stayed at'))).toEqual([
      'Job job-m has stayed at 85% (building indexes) for 5m 00s. Every file is imported; Milvus ' +
        'builds the indexes on the new data, which takes long for large collections. This is not ' +
        'a hang: waiting goes on until the timeout.',
    ])
    expect(summary()).toContain('Progress: 85% (building indexes)')
    // Fifteen polls: the chart is drawn, flat from 30 s on (a column is 7 s).
    expect(summary()).toMatch(/```mermaid\n[\s\S]*\n {2}line \[(30, ){5}(85, ){55}85\]\n```/)
  })

  test('Zilliz Cloud: the plateau line guesses no phase', async () => {
    await start({ 'job-z': job([0.3, 0.85]) })
    process.env.INPUT_TIMEOUT = '7m'
    process.env['INPUT_POLL-INTERVAL'] = '30s'
    await run(virtual())
    expect(atLevel('info').filter((line) => line.includes('has stayed at'))).toEqual([
      'Job job-z has stayed at 85% for 5m 00s. Imports can stay at one value for a long time ' +
        'while a stage runs. This is not a hang: waiting goes on until the timeout.',
    ])
    expect(summary()).toContain('Progress: 85% · ')
    expect(atLevel('info')).toContain('Job job-z: importing 30% (0/1 files done), 0s elapsed')
  })

  test('a cluster-id means Zilliz Cloud, even at an endpoint of its own: no phase, Zilliz advice', async () => {
    await start(
      {
        'job-p': {
          collectionName: 'c',
          files: [{ fileName: 'a.parquet', rows: 100 }],
          staged: true,
          script: [
            0.3,
            {
              progress: 0.5,
              fileErrors: { 0: "failed to get file size of 'a.parquet', error:NoSuchKey" },
            },
          ],
        },
      },
      'milvus',
    )
    process.env['INPUT_CLUSTER-ID'] = 'in03-private'
    await run(virtual())
    expect(outputs().state).toBe('failed')
    expect(atLevel('info')).toContain('Job job-p: importing 30%, 0s elapsed')
    expect(atLevel('error')[0]).toMatch(
      /^title=Job job-p%3A a\.parquet \(files not found\) .* What to do: Check each file's object URL/,
    )
  })

  test('a placeholder key: not given to the runner to mask, masked as a word in an unknown state', async () => {
    sim = await startSimulator({
      jobs: { 'job-e': job([{ progress: 0.5, state: 'Odd e state' }, 1]) },
      v2: 'milvus',
      apiKey: 'e',
    })
    const inputs = { 'job-id': 'job-e', 'api-key': 'e', endpoint: sim.url, 'api-version': 'v2' }
    for (const [name, value] of Object.entries(inputs))
      process.env[`INPUT_${name.toUpperCase()}`] = value
    process.env.RUNNER_DEBUG = '1'
    await run(virtual())
    expect(outputs().state).toBe('completed')
    expect(log()).not.toContain('::add-mask::')
    expect(atLevel('debug')).toContain(
      'The API reported the state "Odd *** state", unknown to this action: treated as still running.',
    )
    expect(atLevel('info')).toContain('Job job-e: completed 100% (1/1 files done), 5s elapsed')
  })

  test('with debug off, nothing at debug level', async () => {
    await start({ 'job-m': job([{ progress: 0.5, state: 'Sorting' }, 1]) }, 'milvus')
    await run(virtual())
    // No db-name: the first line names no database.
    expect(atLevel('info')[0]).toMatch(
      /^Waiting for 1 import job \(job-m\) via the Milvus v2 API at /,
    )
    expect(atLevel('debug')).toEqual([])
    expect(outputs().state).toBe('completed')
  })
})

describe('run() with the commit gate: which levels fire', () => {
  const held = (script: JobSpec['script'], rows = 1_000): JobSpec => ({
    collectionName: 'c',
    files: [{ fileName: 'f.parquet', rows }],
    script,
    autoCommit: false,
  })

  test('commit all: each commit an info line with its answer; passing verdict last', async () => {
    await start({ 'job-a': held([0.5, 1]), 'job-b': held([1]) }, 'milvus')
    process.env.INPUT_COMMIT = 'true'
    await run(virtual())
    expect(process.exitCode).toBeUndefined()
    expect(atLevel('info')).toEqual(
      expect.arrayContaining([
        'Commit of job job-a: committed (HTTP 200, code 0).',
        'Commit of job job-b: committed (HTTP 200, code 0).',
      ]),
    )
    expect(atLevel('info').at(-1)).toMatch(
      /^2 import jobs committed and completed after \d+s\. All or nothing: all 2 jobs committed; their data is visible\.$/,
    )
    expect(atLevel('warning')).toEqual([])
    expect(atLevel('error')).toEqual([])
    expect(outputs().state).toBe('completed')
  })

  test("the chart spans the gate's second wait: held at 99%, then Completed after the commit", async () => {
    await start({ 'job-a': held([0.2, 0.5, 1]), 'job-b': held([0.5, 1]) }, 'milvus')
    process.env.INPUT_COMMIT = 'true'
    await run(virtual())
    expect(outputs().state).toBe('completed')
    const lines = [...summary().matchAll(/^ {2}line \[([\d., ]*)\]$/gm)].map((m) =>
      (m[1] ?? '').split(', ').map(Number),
    )
    expect(lines).toHaveLength(2)
    for (const line of lines) {
      // Held at 99 (Uncommitted) for a while, then 100 once committed: the commit is drawn too.
      expect(line).toContain(99)
      expect(line.at(-1)).toBe(100)
      expect(line.indexOf(99)).toBeLessThan(line.indexOf(100))
    }
  })

  test('an auto-committed job: one warning; a refused abort is info, never an error', async () => {
    await start(
      {
        'job-auto': { collectionName: 'c', script: [1] },
        'job-bad': held([0.2, { progress: 0.3, jobError: 'bad' }]),
      },
      'milvus',
    )
    process.env.INPUT_COMMIT = 'true'
    process.env['INPUT_ABORT-ON'] = 'failure'
    await run(virtual())
    expect(atLevel('warning')).toEqual([
      expect.stringMatching(/^Job job-auto reached Completed without waiting at Uncommitted/),
    ])
    expect(atLevel('error')).toEqual([
      'title=Job job-bad bad',
      expect.stringMatching(
        /^The import failed: job job-bad reported an error .* Not all or nothing: the data of job-auto is visible; job-bad is not visible\.$/,
      ),
    ])
    expect(atLevel('info')).toContain(
      'Not aborted: job job-auto (it completed: its data is visible).',
    )
  })

  test('rows: a finished job with 0 rows is a warning; with expected-rows, the check is info', async () => {
    await start(
      { 'job-z': { collectionName: 'c', files: [{ fileName: 'f', rows: 0 }], script: [1] } },
      'milvus',
    )
    await run(virtual())
    expect(atLevel('warning')).toEqual([expect.stringMatching(/^Job job-z finished with 0 rows/)])

    writeFileSync(path.join(dir, 'output'), '')
    stdout.length = 0
    await sim?.close()
    await start(
      { 'job-z': { collectionName: 'c', files: [{ fileName: 'f', rows: 0 }], script: [1] } },
      'milvus',
    )
    process.env['INPUT_EXPECTED-ROWS'] = '0'
    await run(virtual())
    expect(atLevel('warning')).toEqual([])
    expect(atLevel('info')).toContain(
      'expected-rows asked for exactly 0 rows; the jobs imported 0 rows: as expected.',
    )
    expect(outputs().state).toBe('completed')
  })

  test('cancel with abort-on cancel: the summary is written before the aborts, then again after', async () => {
    // The abort's answer takes 200 ms: time to see the summary written before it.
    const s = await start(
      { 'job-c': { ...held([0.2]), abortScript: [{ progress: 0, delayMs: 200 }] } },
      'milvus',
    )
    process.env['INPUT_ABORT-ON'] = 'cancel'
    process.env['INPUT_POLL-INTERVAL'] = '30s'
    process.env.INPUT_TIMEOUT = '5m'
    const summaries: string[] = []
    const running = run()
    while (s.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    // Watch the summary file while the abort is under way.
    const watcher = setInterval(() => summaries.push(summary()), 1)
    process.emit('SIGINT', 'SIGINT')
    await running
    clearInterval(watcher)
    expect(s.requests.map((q) => q.path)).toEqual([
      '/v2/vectordb/jobs/import/describe',
      '/v2/vectordb/jobs/import/abort',
    ])
    expect(summary()).toContain('🗑️ aborted')
    // Overwritten, not appended: one heading.
    expect(summary().match(/<h2>/g)).toHaveLength(1)
    const jobs = JSON.parse(outputs().jobs ?? '[]') as { commit?: string }[]
    expect(jobs[0]?.commit).toBe('aborted')
    expect(atLevel('info')).toContain('Abort of job job-c: aborted (HTTP 200, code 0).')
    expect(summaries.some((text) => text.includes('🚫 cancelled') && !text.includes('🗑️'))).toBe(
      true,
    )
  })

  test('each commit is logged once, as it happens (the closing notes leave writes out)', async () => {
    await start({ 'job-a': held([1]) }, 'milvus')
    process.env.INPUT_COMMIT = 'true'
    await run(virtual())
    expect(log().match(/Commit of job job-a: committed/g)).toHaveLength(1)
  })

  test('without commit, a held job is done waiting at once (one request), and no auto-commit warning', async () => {
    const s = await start(
      { 'job-h': held([1]), 'job-c': { collectionName: 'c', script: [1] } },
      'milvus',
    )
    process.env['INPUT_ABORT-ON'] = 'failure'
    await run(virtual())
    expect(outputs().state).toBe('uncommitted')
    expect(s.requests.filter((q) => q.body.jobId === 'job-h')).toHaveLength(1)
    expect(atLevel('warning')).toEqual([])
  })

  test('a commit applied late: Uncommitted right after the commit is waited through', async () => {
    await start({ 'job-a': { ...held([1]), uncommittedAfterCommit: 2 } }, 'milvus')
    process.env.INPUT_COMMIT = 'true'
    await run(virtual())
    expect(outputs().state).toBe('completed')
  })

  test('committed jobs are awaited for the rest of the timeout, not only the 2-minute minimum', async () => {
    await start({ 'job-a': { ...held([1]), uncommittedAfterCommit: 10_000 } }, 'milvus')
    process.env.INPUT_COMMIT = 'true'
    process.env.INPUT_TIMEOUT = '10m'
    process.env['INPUT_POLL-INTERVAL'] = '1m'
    await run(virtual())
    expect(outputs().state).toBe('timed-out')
    expect(Number(outputs()['elapsed-seconds'])).toBe(600)
  })

  test('the report before the writes says nothing: a summary that cannot be written is one warning', async () => {
    await start({ 'job-a': held([1]) }, 'milvus')
    process.env.INPUT_COMMIT = 'true'
    const summaryPath = path.join(dir, 'summary')
    rmSync(summaryPath)
    mkdirSync(summaryPath)
    try {
      await run(virtual())
    } finally {
      rmSync(summaryPath, { recursive: true })
    }
    expect(atLevel('warning')).toEqual([
      expect.stringMatching(/^Could not write the job summary: /),
    ])
    expect(outputs().state).toBe('completed')
  })

  test('a jobs output cut to its bound is said once, not again for the report before the writes', async () => {
    const files = Array.from({ length: 2_000 }, (_, i) => ({
      fileName: `f-${'x'.repeat(60)}-${i}.parquet`,
      fileSize: 1,
    }))
    await start({ 'job-a': { ...held([1]), files } }, 'milvus')
    process.env.INPUT_COMMIT = 'true'
    await run(virtual())
    expect(log().match(/output leaves out/g)).toHaveLength(1)
  })
})

describe('run() by collection-name', () => {
  async function byCollection(
    jobs: Record<string, JobSpec>,
    extra: Record<string, string> = {},
    options: Parameters<typeof startSimulator>[0] = {},
  ): Promise<Simulator> {
    sim = await startSimulator({ jobs, v2: 'milvus', ...options })
    const inputs: Record<string, string> = {
      'collection-name': 'books',
      'api-key': sim.apiKey,
      endpoint: sim.url,
      'api-version': 'v2',
      'poll-interval': '1s',
      timeout: '10s',
      ...extra,
    }
    for (const [name, value] of Object.entries(inputs))
      process.env[`INPUT_${name.toUpperCase()}`] = value
    return sim
  }
  const book = (script: JobSpec['script']): JobSpec => ({ collectionName: 'books', script })

  test('finds the unfinished jobs, names them, waits for them in list rounds, and reports them', async () => {
    const s = await byCollection({
      '101': book([0.2, 0.5, 1]),
      '102': book([0.3, 0.6, 0.9, 1]),
      '90': book([1]),
      '91': { collectionName: 'films', script: [0.1] },
    })
    await run(virtual())
    const info = atLevel('info')
    expect(info[0]).toBe(
      `Waiting for the unfinished import jobs of collection books via the Milvus v2 API at ${new URL(s.url).host}: timeout 10s, poll every 1s.`,
    )
    expect(info[1]).toMatch(
      /^Found 2 unfinished import jobs into collection books: 101, 102\. Already finished, not waited for: 1 completed \(90\)\.$/,
    )
    expect(info.at(-1)).toBe('2 import jobs completed after 2s.')
    expect(atLevel('warning')).toEqual([])
    expect(outputs().state).toBe('completed')
    expect(
      (JSON.parse(outputs().jobs ?? '[]') as { jobId: string }[]).map((j) => j.jobId).sort(),
    ).toEqual(['101', '102'])
    expect(summary()).toMatch(
      /<p>Found 2 unfinished import jobs into collection books: .*Already finished, not waited for: 1 completed \(90\)\.<\/p>/,
    )
    // The discovery list is the first round; describes only when a job settles (and for the last one alone).
    const paths = s.requests.map((r) => r.path.split('/').pop())
    expect(paths.filter((p) => p === 'list')).toHaveLength(3)
    expect(s.requests.filter((r) => r.path.endsWith('/describe')).map((r) => r.body.jobId)).toEqual(
      ['101', '102'],
    )
  })

  test('nothing running: the step passes and says so; the summary names what was found', async () => {
    await byCollection({ '90': book([1]), '91': book([{ progress: 0.1, jobError: 'bad' }]) })
    await run(virtual())
    expect(atLevel('info').slice(1)).toEqual([
      'No unfinished import job into collection books was found. Already finished, not waited for: 1 completed, 1 failed (90, 91); an earlier failure does not fail this step.',
      'Nothing to wait for: no import into collection books was running. Set require-jobs: true to fail the step in this case.',
    ])
    expect(process.exitCode).toBeUndefined()
    expect(outputs()).toMatchObject({
      state: 'completed',
      jobs: '[]',
      'error-message': '',
      'elapsed-seconds': '0',
    })
    expect(summary()).toContain('<p>No unfinished import job into collection books was found.')
  })

  test('nothing running with require-jobs: true fails the step with the reason', async () => {
    await byCollection({ '90': book([1]) }, { 'require-jobs': 'true' })
    await run(virtual())
    const message =
      'No unfinished import job into collection books was found, and require-jobs is true: an import was expected to be running. Check that the import was started, and "collection-name" and "db-name".'
    expect(atLevel('error')).toEqual([message])
    expect(process.exitCode).toBe(1)
    expect(outputs()).toEqual(everyOutputOfAStop(message))
    expect(summary()).toContain('No import was running to wait for, and require-jobs is true.')
  })

  test("an unknown collection stops the action with the server's words and what to check", async () => {
    await byCollection({ '101': book([1]) }, { 'collection-name': 'nope' })
    await run(virtual())
    const message =
      'Could not list the import jobs of collection nope: Milvus refused to list the import jobs: code 100, "collection not found[database=default][collection=nope]". The collection is unknown: check "collection-name" and "db-name" (Milvus looks in the default database unless "db-name" is set).'
    expect(atLevel('error')).toEqual([message])
    expect(outputs().state).toBe('error')
    expect(summary()).toContain(
      'The import jobs of the collection could not be listed, so nothing was waited for.',
    )
  })

  test('a server without the list: by collection there is nothing else to ask, so it stops and says why', async () => {
    await byCollection({ '101': book([1]) }, {}, { list: 'missing' })
    await run(virtual())
    expect(atLevel('error')).toEqual([
      'Could not list the import jobs of collection books: /v2/vectordb/jobs/import/list answered HTTP 404: code 404, "no such API: POST /v2/vectordb/jobs/import/list"',
    ])
  })

  test('a cancel while the jobs are being found: cancelled, not a listing failure', async () => {
    const s = await byCollection(
      { '101': book([0.5]) },
      { timeout: '5m' },
      { listScript: [{ hang: true }] },
    )
    // Real time here: the list must be hanging when the signal comes.
    const running = run()
    while (s.listRequests().length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    process.emit('SIGINT', 'SIGINT')
    await running
    expect(outputs().state).toBe('cancelled')
    expect(atLevel('error').some((line) => line.includes('Could not list'))).toBe(false)
  })

  test('time spent finding the jobs comes out of the timeout', async () => {
    const busy = { status: 503, body: 'busy' }
    await byCollection(
      { '101': book([0.5]), '102': book([0.5]) },
      {},
      { listScript: [busy, busy, busy, 0] },
    )
    await run(virtual())
    expect(outputs().state).toBe('timed-out')
    expect(outputs()['elapsed-seconds']).toBe('10')
  })

  test('list faults while finding the jobs are retried, each said at info', async () => {
    await byCollection(
      { '101': book([0.5, 1]) },
      {},
      { listScript: [{ status: 503, body: 'busy' }, 0] },
    )
    await run(virtual())
    expect(atLevel('info')[1]).toMatch(/^Listing the import jobs: HTTP 503 .*; retry 1 in [\d.]+s$/)
    expect(outputs().state).toBe('completed')
  })
})

/** The inputs of a v2 run against a self-hosted Milvus simulator, by job ID. */
function setV2Inputs(simulator: Simulator, jobIds: string): void {
  const inputs: Record<string, string> = {
    'job-id': jobIds,
    'api-key': simulator.apiKey,
    endpoint: simulator.url,
    'api-version': 'v2',
    'poll-interval': '1s',
    timeout: '10s',
  }
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.toUpperCase()}`] = value
}

describe('run() with job IDs in list rounds (v2, several jobs)', () => {
  test('v1 has no list: several jobs are described one by one, and nothing is said of a list', async () => {
    const s = await start({ 'job-a': job([0.5, 1]), 'job-b': job([1]) })
    await run(virtual())
    expect(outputs().state).toBe('completed')
    expect(s.listRequests()).toEqual([])
    expect(log()).not.toContain('list call')
  })

  test('a server without the list: said once in the log, then one describe per job', async () => {
    sim = await startSimulator({
      jobs: { 'job-a': job([0.5, 1]), 'job-b': job([1]) },
      v2: 'milvus',
      list: 'missing',
    })
    setV2Inputs(sim, 'job-a,job-b')
    await run(virtual())
    const said = atLevel('info').filter((line) => line.startsWith('The list call cannot be used'))
    expect(said).toEqual([
      'The list call cannot be used (/v2/vectordb/jobs/import/list answered HTTP 404: code 404, "no such API: POST /v2/vectordb/jobs/import/list"): each job is described on its own from here, one request per job and poll.',
    ])
    expect(outputs().state).toBe('completed')
    expect(atLevel('warning')).toEqual([])
  })

  test('the list of every database (no collection name) tracks the jobs; the last one alone is described, said at debug', async () => {
    sim = await startSimulator({
      jobs: { 'job-a': job([0.5, 1]), 'job-b': job([0.2, 0.4, 0.6, 1]) },
      v2: 'milvus',
    })
    setV2Inputs(sim, 'job-a,job-b')
    process.env.RUNNER_DEBUG = '1'
    await run(virtual())
    expect(sim.listRequests()[0]?.body).toMatchObject({ collectionName: '' })
    expect(atLevel('debug')).toContain(
      'Each job is described on its own from here: the list takes 1 request a round for 1 open job, no fewer than describing each job.',
    )
    expect(outputs().state).toBe('completed')
  })
})
