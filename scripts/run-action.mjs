/**
 * Runs the built action the way the GitHub runner does: `node dist/index.js`
 * with inputs as INPUT_<NAME> variables (hyphens kept), every input that
 * action.yml gives a default set to it unless the scenario sets it, and
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY pointing at files, which are read back
 * afterwards. Shared by the end-to-end tests and `npm run demo`.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const BUNDLE = path.join(ROOT, 'dist', 'index.js')

/**
 * The inputs action.yml gives defaults, with them, as the runner passes them:
 * it sends a default for every input the workflow leaves out, always as text.
 * @returns {Record<string, string>}
 */
export function actionDefaults() {
  /** @type {{ inputs?: Record<string, { default?: string | number | boolean }> }} */
  const metadata = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8'))
  return Object.fromEntries(
    Object.entries(metadata.inputs ?? {}).flatMap(([name, input]) =>
      input.default === undefined ? [] : [[name, String(input.default)]],
    ),
  )
}

/** Input name to the runner's variable name: INPUT_, spaces to _, upper case, hyphens kept. */
export function inputVariable(/** @type {string} */ name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * @typedef {{ signal: NodeJS.Signals, when: (stdout: string) => boolean, delayMs?: number,
 *   then?: { afterMs: number, signal: NodeJS.Signals }[] }} SignalPlan
 * @typedef {{
 *   inputs: Record<string, string>,
 *   env?: Record<string, string>,
 *   node?: string,
 *   nodeArgs?: string[],
 *   entry?: string,
 *   onStdout?: (chunk: string) => void,
 *   sendSignal?: SignalPlan,
 *   killAfterMs?: number,
 * }} RunOptions
 * @typedef {{
 *   code: number | null,
 *   stdout: string,
 *   stderr: string,
 *   outputs: Record<string, string>,
 *   summary: string,
 *   signalToExitMs: number | undefined,
 * }} RunResult
 */

/**
 * What the runner does after a cancel's SIGINT: SIGTERM 7.5 s later, then a
 * kill 2.5 s after that. Use as `sendSignal.then`.
 */
export const RUNNER_CANCEL = /** @type {{ afterMs: number, signal: NodeJS.Signals }[]} */ ([
  { afterMs: 7_500, signal: 'SIGTERM' },
  { afterMs: 10_000, signal: 'SIGKILL' },
])

/**
 * Parses the GITHUB_OUTPUT file format: `name<<DELIMITER\nvalue\nDELIMITER`.
 * @param {string} text
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match) continue
    const [, name = '', delimiter] = match
    const value = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
    outputs[name] = value.join('\n')
  }
  return outputs
}

/** @param {RunOptions} options @returns {Promise<RunResult>} */
export async function runAction(options) {
  const dir = await mkdtemp(path.join(tmpdir(), 'zilliz-import-wait-'))
  const outputFile = path.join(dir, 'output')
  const summaryFile = path.join(dir, 'summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  /** @type {Record<string, string>} */
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...options.env,
  }
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...options.inputs })) {
    env[inputVariable(name)] = value
  }
  try {
    const child = spawn(
      options.node ?? process.execPath,
      [...(options.nodeArgs ?? []), options.entry ?? BUNDLE],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    /** @type {string} */
    let stdout = ''
    /** @type {string} */
    let stderr = ''
    /** @type {number | undefined} */
    let signalledAt
    let signalPlanned = false
    child.stdout.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => {
      stdout += chunk
      options.onStdout?.(chunk)
      const plan = options.sendSignal
      if (plan && !signalPlanned && plan.when(stdout)) {
        signalPlanned = true
        setTimeout(() => {
          signalledAt = Date.now()
          child.kill(plan.signal)
          for (const next of plan.then ?? []) {
            // unref: a child that exits first leaves nothing waiting on these.
            setTimeout(() => {
              if (child.exitCode === null && child.signalCode === null) child.kill(next.signal)
            }, next.afterMs).unref()
          }
        }, plan.delayMs ?? 0)
      }
    })
    child.stderr.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => {
      stderr += chunk
    })
    // A safety net so a broken build cannot hang the caller forever.
    const killer = setTimeout(() => {
      child.kill('SIGKILL')
    }, options.killAfterMs ?? 60_000)
    const code = await new Promise((resolve) => {
      child.on('close', (c) => {
        resolve(c)
      })
    })
    clearTimeout(killer)
    const exitedAt = Date.now()
    return {
      code: /** @type {number | null} */ (code),
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8'),
      signalToExitMs: signalledAt === undefined ? undefined : exitedAt - signalledAt,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
