/**
 * Wiring, and the only module that talks to the runner (@actions/core):
 * inputs in; the poll loop run with the real clock, HTTP and signals; the
 * outcome written out as log lines, outputs, summary, annotations and exit
 * status. Everything written passes through the API-key redactor.
 */
import * as core from '@actions/core'
import { type ClientOptions, type Dialect, ImportApiClient } from './api/client.js'
import { HttpTransport } from './api/http.js'
import { v1Dialect } from './api/v1.js'
import { V2Dialect } from './api/v2.js'
import { errorMessage } from './errors.js'
import { type ApiTarget, InputError, type Settings, parseSettings } from './inputs.js'
import type { Outcome, WaitEvent } from './job.js'
import { type Redact, createRedactor } from './redact.js'
import { formatDuration } from './report/format.js'
import {
  ANNOTATION_LIMIT,
  endedWhileRetrying,
  failureAnnotations,
  persistentFaultWarning,
  retryLine,
  retryingLines,
  updateLine,
  verdict,
} from './report/log.js'
import { outputValues } from './report/outputs.js'
import { createPlateauWatcher } from './report/plateau.js'
import { renderStoppedSummary, renderSummary } from './report/summary.js'
import { type Clock, type Sleep, realSleep, systemClock } from './time.js'
import { USER_AGENT } from './version.js'
import { waitForJobs } from './wait.js'

/** Time and chance as the action sees them; tests run the whole action on a virtual clock. */
export interface Runtime {
  clock: Clock
  sleep: Sleep
  /** A number in [0, 1), for backoff jitter. */
  random: () => number
}

const SYSTEM_RUNTIME: Runtime = { clock: systemClock, sleep: realSleep, random: Math.random }

export async function run(runtime: Runtime = SYSTEM_RUNTIME): Promise<void> {
  // Mask the key before anything else can print it.
  const apiKey = core.getInput('api-key')
  if (apiKey !== '') core.setSecret(apiKey)
  // Every line for the log, annotations, outputs and summary: the key out, and
  // no terminal escapes (Node's error texts are not cleaned by the client).
  const redact = createRedactor(apiKey)
  try {
    const settings = parseSettings((name) => core.getInput(name))
    await waitAndReport(settings, redact, runtime)
  } catch (error) {
    // One clear line, never a stack trace; later steps still get a state and a summary.
    const cause = error instanceof InputError ? 'inputs' : 'unexpected'
    const message =
      cause === 'inputs' ? errorMessage(error) : `Unexpected error: ${errorMessage(error)}`
    core.setOutput('state', 'error')
    core.setOutput('error-message', redact(message))
    await writeSummary(renderStoppedSummary(message, cause), redact, () => undefined)
    core.setFailed(redact(message))
  }
}

/**
 * GitHub drops warning annotations past ANNOTATION_LIMIT per step. Warnings
 * before the verdict get all but one place; the rest go to the log as info.
 */
function createWarnings(redact: Redact): (text: string) => void {
  let given = 0
  return (text) => {
    if (given < ANNOTATION_LIMIT - 1) {
      given += 1
      core.warning(redact(text))
    } else core.info(redact(text))
  }
}

async function writeSummary(
  html: string,
  redact: Redact,
  warn: (text: string) => void,
): Promise<void> {
  try {
    await core.summary.addRaw(redact(html)).write()
  } catch (error) {
    // Outside a runner (no GITHUB_STEP_SUMMARY) there is nowhere to write it.
    warn(`Could not write the job summary: ${errorMessage(error)}`)
  }
}

async function waitAndReport(settings: Settings, redact: Redact, runtime: Runtime): Promise<void> {
  const cancel = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (cancel.signal.aborted) return
    core.info(`Received ${signal}: stopping and reporting what was seen so far.`)
    cancel.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const transport = new HttpTransport(`${USER_AGENT} node/${process.version}`)
  const debug: NonNullable<ClientOptions['debug']> = (message) => {
    if (core.isDebug()) core.debug(redact(message()))
  }
  const client = new ImportApiClient(dialectFor(settings.target, debug), {
    apiKey: settings.apiKey,
    redact,
    transport,
    clock: runtime.clock,
    debug,
  })
  const { target } = settings
  const jobs = settings.jobIds.length === 1 ? 'job' : 'jobs'
  const cluster = target.clusterId === undefined ? '' : ` on cluster ${target.clusterId}`
  const database =
    target.api === 'v2' && target.dbName !== undefined ? ` in database ${target.dbName}` : ''
  core.info(
    `Waiting for ${settings.jobIds.length} import ${jobs} (${settings.jobIds.join(', ')})${cluster}${database} ` +
      `via the ${describeApi(target)} at ${target.baseUrl.host}: timeout ${formatDuration(settings.timeoutMs)}, ` +
      `poll every ${formatDuration(settings.pollIntervalMs)}.`,
  )
  const plateau = createPlateauWatcher()
  const warn = createWarnings(redact)
  try {
    const outcome = await waitForJobs({
      jobIds: settings.jobIds,
      fetchJob: (jobId, request) => client.fetchJob(jobId, request),
      clock: runtime.clock,
      sleep: runtime.sleep,
      random: runtime.random,
      signal: cancel.signal,
      timeoutMs: settings.timeoutMs,
      pollIntervalMs: settings.pollIntervalMs,
      onEvent: (event) => {
        logEvent(event, redact, plateau, warn)
      },
    })
    await report(outcome, settings, redact, warn)
  } finally {
    transport.dispose()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

function dialectFor(target: ApiTarget, debug: NonNullable<ClientOptions['debug']>): Dialect {
  if (target.api === 'v1') return v1Dialect(target.baseUrl, target.clusterId)
  return new V2Dialect({
    ...target,
    onUnknownState: (state) => {
      debug(
        () =>
          `The API reported the state "${state}", unknown to this action: treated as still running.`,
      )
    },
  })
}

function describeApi(target: ApiTarget): string {
  return target.api === 'v1' ? 'Zilliz Cloud v1 API' : `${target.product} v2 API`
}

function logEvent(
  event: WaitEvent,
  redact: Redact,
  plateau: ReturnType<typeof createPlateauWatcher>,
  warn: (text: string) => void,
): void {
  if (event.kind === 'retry') {
    core.info(redact(retryLine(event)))
    const persistent = persistentFaultWarning(event)
    if (persistent !== undefined) warn(persistent)
    return
  }
  for (const line of [updateLine(event), ...retryingLines(event), plateau(event)]) {
    if (line !== undefined) core.info(redact(line))
  }
}

async function report(
  outcome: Outcome,
  settings: Settings,
  redact: Redact,
  warn: (text: string) => void,
): Promise<void> {
  const { values, jobsOmitted, detailsOmitted } = outputValues(outcome)
  for (const [name, value] of Object.entries(values)) core.setOutput(name, redact(value))
  if (jobsOmitted + detailsOmitted > 0) {
    core.info(
      `The "jobs" output leaves out ${jobsOmitted} jobs and ${detailsOmitted} file entries to stay under its size bound.`,
    )
  }

  const product = settings.target.api === 'v1' ? 'Zilliz Cloud' : settings.target.product
  await writeSummary(renderSummary(outcome, { product }), redact, warn)

  for (const annotation of failureAnnotations(outcome)) {
    core.error(redact(annotation.message), { title: redact(annotation.title) })
  }
  const stillFailing = endedWhileRetrying(outcome)
  if (stillFailing !== undefined) warn(stillFailing)
  const { level, message } = verdict(outcome, settings.failOnTimeout, settings.target.baseUrl.host)
  if (level === 'failure') core.setFailed(redact(message))
  else if (level === 'warning') core.warning(redact(message))
  else core.info(redact(message))
}
