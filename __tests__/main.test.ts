/**
 * run() in-process, wired to the real @actions/core: inputs from INPUT_*
 * variables, outputs and summary to real files, stdout captured. Proves the
 * wiring module the same way the e2e suite proves the bundle, and lets the
 * coverage gate see main.ts.
 */
import { afterAll, afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { run } from '../src/main.js'
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

describe('run()', () => {
  test('masks the key first, waits, and writes outputs and summary', async () => {
    const s = await start({ 'job-a': job([0.5, 1]) })
    await run()
    expect(log().split('\n')[0]).toBe(`::add-mask::${s.apiKey}`)
    expect(outputs().state).toBe('completed')
    expect(summary()).toContain('✅ completed')
    expect(process.exitCode).toBeUndefined()
    expect(log()).toContain('1 import job completed after')
  })

  test('a bad input fails with one line and no request', async () => {
    const s = await start({ 'job-a': job([1]) })
    process.env.INPUT_REGION = 'evil.com/x'
    process.env.INPUT_ENDPOINT = ''
    await run()
    expect(process.exitCode).toBe(1)
    expect(log()).toContain('::error::Input "region" must be a Zilliz Cloud region ID')
    expect(s.requests).toHaveLength(0)
  })

  test('a failed job: annotations per error, then a failing verdict', async () => {
    await start({ 'job-a': job([{ progress: 0.3, fileErrors: { 0: 'bad' }, jobError: 'quota' }]) })
    await run()
    expect(process.exitCode).toBe(1)
    const errors = log()
      .split('\n')
      .filter((line) => line.startsWith('::error'))
    expect(errors).toEqual([
      '::error title=Job job-a::quota',
      '::error title=Job job-a%3A job-a/data.parquet::bad',
      '::error::The import failed: 1 file of job job-a reported an error (annotated above, all of them listed in the job summary). Fix the data and import again.',
    ])
  })

  test('a timeout with fail-on-timeout false warns and passes', async () => {
    await start({ 'job-a': job([0.2]) })
    process.env.INPUT_TIMEOUT = '1s'
    process.env['INPUT_FAIL-ON-TIMEOUT'] = 'false'
    await run()
    expect(process.exitCode).toBeUndefined()
    expect(outputs().state).toBe('timed-out')
    expect(log()).toMatch(
      /::warning::Timed out after 1s .*Passing because fail-on-timeout is false\./,
    )
  })

  test('SIGINT cancels: state=cancelled, summary written, step failed', async () => {
    await start({ 'job-a': job([0.2]) })
    process.env['INPUT_POLL-INTERVAL'] = '30s'
    process.env.INPUT_TIMEOUT = '5m'
    const running = run()
    await new Promise((resolve) => setTimeout(resolve, 300))
    process.emit('SIGINT', 'SIGINT')
    await running
    expect(outputs().state).toBe('cancelled')
    expect(summary()).toContain('🚫 cancelled')
    expect(process.exitCode).toBe(1)
    expect(log()).toContain('Received SIGINT: stopping')
    // The handlers are removed once the wait is over.
    expect(process.listenerCount('SIGINT')).toBe(0)
  })

  test('a jobs output too big for its bound says what it left out', async () => {
    const files = Array.from({ length: 2_000 }, (_, i) => ({
      fileName: `f-${'x'.repeat(60)}-${i}.parquet`,
      fileSize: 1,
    }))
    await start({ 'job-a': { collectionName: 'c', files, script: [1] } })
    await run()
    expect(log()).toMatch(/The "jobs" output leaves out 0 jobs and \d+ file entries/)
    expect(Buffer.byteLength(outputs().jobs ?? '')).toBeLessThanOrEqual(100_000)
  })

  test('Milvus over v2, with debug on: raw answers and unknown states at debug level', async () => {
    await start({ 'job-m': job([{ progress: 0.5, state: 'Sorting' }, 1]) }, 'milvus')
    process.env.RUNNER_DEBUG = '1'
    await run()
    expect(outputs().state).toBe('completed')
    expect(log()).toContain('via the Milvus v2 API at')
    expect(log()).toContain(
      '::debug::POST /v2/vectordb/jobs/import/describe {"jobId":"job-m"} -> HTTP 200:',
    )
    expect(log()).toContain('::debug::The API reported the state "Sorting", unknown to this action')
  })
})
