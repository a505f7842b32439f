/**
 * `npm run local-action` as a contributor runs it: @github/local-action runs
 * src/main.ts with the inputs of the committed .env.example (pointed at this
 * test's simulator instead of port 8080).
 */
import { describe, expect, jest, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { SCENARIOS, startSimulator } from '../scripts/simulator.mjs'
import { ROOT } from '../scripts/run-action.mjs'

jest.setTimeout(90_000)

const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8')
const inputsOf = (text: string): string[] =>
  [...text.matchAll(/^INPUT_([A-Z-]+)=/gm)].map((m) => (m[1] ?? '').toLowerCase())

/** Runs the local-action CLI (asynchronously, so the simulator in this process can answer). */
function localAction(envFile: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      path.join(ROOT, 'node_modules', '.bin', 'local-action'),
      ['.', 'src/main.ts', envFile],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      },
    )
    let out = ''
    const collect = (chunk: Buffer): void => {
      out += chunk.toString()
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('close', (status) => {
      resolve({ status, out })
    })
  })
}

describe('local-action support', () => {
  test('.env.example sets only inputs that action.yml declares (and runner variables)', () => {
    const declared = Object.keys(
      (parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: object }).inputs,
    )
    expect(inputsOf(example).length).toBeGreaterThan(3)
    for (const input of inputsOf(example)) expect(declared).toContain(input)
  })

  test('npm run local-action runs src/main.ts against the simulator with .env.example', async () => {
    const sim = await startSimulator({ jobs: SCENARIOS.demo ?? {} })
    const dir = mkdtempSync(path.join(tmpdir(), 'local-action-'))
    try {
      const envFile = path.join(dir, '.env')
      expect(example).toContain('http://127.0.0.1:8080')
      const summary = path.join(dir, 'summary.md')
      expect(example).toMatch(/^GITHUB_STEP_SUMMARY=summary\.md$/m)
      writeFileSync(summary, '')
      writeFileSync(
        envFile,
        example
          .replace('http://127.0.0.1:8080', sim.url)
          .replace(/^GITHUB_STEP_SUMMARY=.*$/m, `GITHUB_STEP_SUMMARY=${summary}`),
      )
      const { out } = await localAction(envFile)
      expect(out).toContain('2 import jobs completed after')
      // .env.example sets GITHUB_STEP_SUMMARY, so a local run writes a summary too.
      expect(readFileSync(summary, 'utf8')).toMatch(/^<h2>Zilliz import: ✅ completed<\/h2>/)
      expect(out).toMatch(/'state'\s+│ 'completed'/)
      expect(sim.requests.length).toBeGreaterThanOrEqual(5)
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await sim.close()
    }
  })
})
