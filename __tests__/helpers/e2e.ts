/**
 * Runs the built bundle (dist/index.js) as a child process the way the runner
 * runs it, against a fresh simulator. Set E2E_NODE to use another Node binary.
 */
import { expect } from '@jest/globals'
import {
  type JobSpec,
  type RecordedRequest,
  type SimulatorOptions,
  type Step,
  startSimulator,
} from '../../scripts/simulator.mjs'
import { type RunResult, type SignalPlan, runAction } from '../../scripts/run-action.mjs'

export const node = process.env.E2E_NODE ?? process.execPath

export interface Scenario {
  jobs: Record<string, JobSpec>
  /** Simulator options beyond the jobs: the v2 flavour, a legacy Milvus. */
  simulator?: Omit<SimulatorOptions, 'jobs'>
  inputs?: Record<string, string>
  /** Appended to the simulator's URL in the endpoint input (a proxy's path prefix). */
  endpointPath?: string
  env?: Record<string, string>
  apiKey?: string
  signal?: SignalPlan
  /** Node options before the bundle (a measuring --import). */
  nodeArgs?: string[]
}

export interface Run extends RunResult {
  requests: number
  /** When the simulator received each request (ms since epoch). */
  requestTimes: number[]
  apiKey: string
  /** Every request the simulator received. */
  recorded: RecordedRequest[]
}

/** Starts a simulator for the scenario, runs the bundle against it, stops the simulator. */
export async function run(scenario: Scenario): Promise<Run> {
  const sim = await startSimulator({ ...scenario.simulator, jobs: scenario.jobs })
  try {
    const result = await runAction({
      node,
      inputs: {
        'job-id': Object.keys(scenario.jobs).join('\n'),
        'cluster-id': sim.clusterId,
        'api-key': scenario.apiKey ?? sim.apiKey,
        endpoint: sim.url + (scenario.endpointPath ?? ''),
        'poll-interval': '1s',
        timeout: '20s',
        ...scenario.inputs,
      },
      ...(scenario.signal ? { sendSignal: scenario.signal } : {}),
      ...(scenario.env ? { env: scenario.env } : {}),
      ...(scenario.nodeArgs ? { nodeArgs: scenario.nodeArgs } : {}),
    })
    return {
      ...result,
      requests: sim.requests.length,
      requestTimes: sim.requests.map((request) => request.at),
      apiKey: sim.apiKey,
      recorded: sim.requests,
    }
  } finally {
    await sim.close()
  }
}

export const file = (fileName: string, fileSize = 19_599_887) => ({ fileName, fileSize })
export const job = (script: Step[], files = [file('folder/1.parquet')]): JobSpec => ({
  collectionName: 'medium_articles',
  files,
  script,
})

/** The annotation commands the runner would turn into error/warning annotations. */
export const commands = (stdout: string, kind: string): string[] =>
  stdout.split('\n').filter((line) => line.startsWith(`::${kind}`))

/** The API key appears nowhere but the ::add-mask:: line, where the runner learns to mask it. */
export function expectKeyOnlyInMask(result: RunResult, apiKey: string): void {
  const everywhere = [result.stdout, result.stderr, result.summary, JSON.stringify(result.outputs)]
  const lines = everywhere
    .join('\n')
    .split('\n')
    .filter((line) => line.includes(apiKey))
  expect(lines).toEqual([`::add-mask::${apiKey}`])
}

export function expectNoStackTrace(result: RunResult): void {
  expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
}
