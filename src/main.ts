/**
 * Wiring, and the only module that talks to the runner (@actions/core):
 * inputs in; the poll loop run with the real clock, HTTP and signals; the
 * outcome written out as log lines, outputs, summary, annotations and exit
 * status. Server text is redacted where the API client reads it; every log
 * line leaves through the one sink (src/sink.ts); and the key guard checks
 * each string of the outcome once more before outputs and the summary are
 * rendered from it, never the rendered text, whose numbers and structure are
 * the action's own.
 */
import * as core from '@actions/core'
import { type ClientOptions, type Dialect, ImportApiClient } from './api/client.js'
import { HttpTransport } from './api/http.js'
import { v1Dialect } from './api/v1.js'
import { V2Dialect } from './api/v2.js'
import { AbortedError, errorMessage } from './errors.js'
import { type ApiTarget, InputError, type Settings, parseSettings } from './inputs.js'
import { runGate } from './gate/gate.js'
import { autoCommittedJobs, gateActive } from './gate/plan.js'
import {
  type CollectionFind,
  type ListJobs,
  type Outcome,
  type WaitEvent,
  lastKnownJob,
} from './job.js'
import {
  MIN_SECRET_LENGTH,
  type Redact,
  createGuard,
  createRedactor,
  redactDeep,
} from './redact.js'
import {
  ANNOTATION_LIMIT,
  startLine,
  endedWhileRetrying,
  failureAnnotations,
  persistentFaultWarning,
  retryLine,
  retryingLines,
  updateLine,
  verdict,
} from './report/log.js'
import { autoCommitNote, gateNotes, writeEventLine } from './report/gate.js'
import { outputValues, stoppedOutputValues } from './report/outputs.js'
import { type HistoryRecorder, createHistory } from './report/history.js'
import { type SetV8Flags, youngGenerationGuard } from './memory.js'
import { type PhaseNamer, milvusPhase } from './report/phase.js'
import type { Server } from './report/explain.js'
import { createPlateauWatcher } from './report/plateau.js'
import { rowWarnings } from './report/rows.js'
import { type StopCause, renderStoppedSummary, renderSummary } from './report/summary.js'
import {
  fallbackLine,
  foundLine,
  listRetryLine,
  nothingToWaitFor,
  requiredJobsMissing,
} from './report/found.js'
import { type Sink, createSink } from './sink.js'
import { type Clock, type Sleep, realSleep, systemClock } from './time.js'
import { USER_AGENT } from './version.js'
import { waitForJobs } from './poll/wait.js'
import { type ListSnapshot, waitInRounds } from './poll/rounds.js'
import { discoverJobs } from './poll/discover.js'

/** Time and chance as the action sees them; tests run the whole action on a virtual clock. */
export interface Runtime {
  clock: Clock
  sleep: Sleep
  /** A number in [0, 1), for backoff jitter. */
  random: () => number
  /** V8 flags for this process (memory.ts); the real setter when not given. */
  setV8Flags?: SetV8Flags
}

const SYSTEM_RUNTIME: Runtime = { clock: systemClock, sleep: realSleep, random: Math.random }

/** Secrets the runner should mask: the key, and each line of a client certificate and its key. */
function maskSecrets(apiKey: string): void {
  // A key shorter than this is a placeholder, and masking it would star every
  // "e" or "0" of the log (redact.ts masks it in server text, as a word).
  if (apiKey.length >= MIN_SECRET_LENGTH) core.setSecret(apiKey)
  for (const name of ['client-key', 'client-cert']) {
    for (const line of core.getInput(name).split(/\r?\n/)) {
      const text = line.trim()
      // PEM's armour lines and short base64 tails are not secret, and would star ordinary text.
      if (text.length >= MIN_SECRET_LENGTH && !text.startsWith('-----')) core.setSecret(text)
    }
  }
}

export async function run(runtime: Runtime = SYSTEM_RUNTIME): Promise<void> {
  // Mask the secrets before anything else can print them.
  const apiKey = core.getInput('api-key')
  maskSecrets(apiKey)
  // Server text is redacted where it is read (the API client); the guard
  // checks everything written once more.
  const redact = createRedactor(apiKey)
  const guard = createGuard(apiKey)
  const sink = createSink(core, guard)
  try {
    const settings = parseSettings((name) => core.getInput(name))
    await waitAndReport(settings, { redact, guard, sink }, runtime)
  } catch (error) {
    // One clear line, never a stack trace; later steps still get every output and a summary.
    const cause: StopCause =
      error instanceof InputError
        ? 'inputs'
        : error instanceof StopError
          ? error.cause
          : 'unexpected'
    const message = guard(
      redact(
        cause === 'unexpected' ? `Unexpected error: ${errorMessage(error)}` : errorMessage(error),
      ),
    )
    setOutputs(stoppedOutputValues(message))
    await writeSummary(renderStoppedSummary(message, cause), () => undefined)
    sink.fail(message)
  }
}

/** The wait could not start: the collection's jobs could not be listed, or none was running (require-jobs). */
class StopError extends Error {
  override readonly name = 'StopError'
  constructor(
    message: string,
    override readonly cause: 'list' | 'no-jobs',
  ) {
    super(message)
  }
}

/** How text leaves: redact at the sources, guard at the exit, lines through the sink. */
interface Exits {
  redact: Redact
  guard: Redact
  sink: Sink
}

/** What the run has seen besides its outcome, for the report: each job's progress over time. */
interface Seen {
  history: HistoryRecorder
  /** Names a job's phase where the API's number tells it: self-hosted Milvus only. */
  phase: PhaseNamer | undefined
  /** Whose advice the failure explainer gives. */
  server: Server
}

/** Values rendered from guarded text: see the module comment. */
function setOutputs(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) core.setOutput(name, value)
}

/**
 * GitHub drops warning annotations past ANNOTATION_LIMIT per step. Warnings
 * before the verdict get all but one place; the rest go to the log as info.
 */
function createWarnings(sink: Sink): (text: string) => void {
  let given = 0
  return (text) => {
    if (given < ANNOTATION_LIMIT - 1) {
      given += 1
      sink.warning(text)
    } else sink.info(text)
  }
}

/** HTML rendered from guarded text: see the module comment. */
async function writeSummary(html: string, warn: (text: string) => void): Promise<void> {
  try {
    // Overwrite: with the commit gate it is written before the first write, then again after.
    await core.summary.emptyBuffer().addRaw(html).write({ overwrite: true })
  } catch (error) {
    // Outside a runner (no GITHUB_STEP_SUMMARY) there is nowhere to write it.
    warn(`Could not write the job summary: ${errorMessage(error)}`)
  }
}

async function waitAndReport(settings: Settings, exits: Exits, runtime: Runtime): Promise<void> {
  const { redact, sink } = exits
  const cancel = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (cancel.signal.aborted) return
    sink.info(`Received ${signal}: stopping and reporting what was seen so far.`)
    cancel.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const transport = new HttpTransport(
    `${USER_AGENT} node/${process.version}`,
    undefined,
    undefined,
    settings.clientCert,
  )
  const debug: NonNullable<ClientOptions['debug']> = (message) => {
    sink.debug(message)
  }
  const client = new ImportApiClient(dialectFor(settings.target, debug, redact), {
    apiKey: settings.apiKey,
    redact,
    transport,
    clock: runtime.clock,
    debug,
  })
  sink.info(startLine(settings))
  const server: Server = selfHostedMilvus(settings.target) ? 'Milvus' : 'Zilliz Cloud'
  const seen: Seen = {
    history: createHistory(),
    phase: server === 'Milvus' ? milvusPhase : undefined,
    server,
  }
  const plateau = createPlateauWatcher(undefined, seen.phase)
  const warn = createWarnings(sink)
  const countFiles = youngGenerationGuard(runtime.setV8Flags)
  const onEvent = (event: WaitEvent): void => {
    if (event.kind === 'update') {
      seen.history.record(event)
      countFiles(event.job.files.length)
    }
    logEvent(event, sink, plateau, warn, settings.gate.commit, seen.phase)
  }
  // Milvus lists every job of every database for an empty name: fine for job IDs, which are unique.
  const listJobs: ListJobs = (page, request) =>
    client.listJobs({ collectionName: settings.collection?.name, page }, request)
  try {
    const startedAt = runtime.clock.now()
    const common = {
      startedAt,
      fetchJob: client.fetchJob.bind(client),
      clock: runtime.clock,
      sleep: runtime.sleep,
      random: runtime.random,
      signal: cancel.signal,
      pollIntervalMs: settings.pollIntervalMs,
      onEvent,
    }
    const wait = (jobIds: string[], timeoutMs: number, uncommittedSettles = true) =>
      waitForJobs({ ...common, jobIds, timeoutMs, uncommittedSettles })
    let found: CollectionFind | undefined
    let firstList: ListSnapshot | undefined
    let jobIds = settings.jobIds
    if (settings.collection !== undefined) {
      const discovery = await discover(settings.collection.name, listJobs, common, settings, sink)
      if (discovery === undefined) {
        await report(
          { state: 'cancelled', jobs: [], elapsedMs: runtime.clock.now() - startedAt },
          settings,
          exits,
          seen,
          warn,
        )
        return
      }
      found = discovery.find
      firstList = discovery.snapshot
      jobIds = found.waited
      sink.info(foundLine(found))
      if (jobIds.length === 0) {
        if (settings.collection.requireJobs)
          throw new StopError(requiredJobsMissing(found), 'no-jobs')
        const nothing: Outcome = {
          state: 'completed',
          jobs: [],
          elapsedMs: runtime.clock.now() - startedAt,
          found,
        }
        await writeReport(nothing, settings, exits, seen, warn)
        sink.info(nothingToWaitFor(found))
        return
      }
    }
    // The list sees every job in a request or two a round; one job is cheaper described.
    const rounds = settings.target.api === 'v2' && (found !== undefined || jobIds.length > 1)
    // Finding the jobs came out of the same timeout.
    const timeLeft = startedAt + settings.timeoutMs - runtime.clock.now()
    let outcome = rounds
      ? await waitInRounds({ ...common, jobIds, listJobs, firstList, timeoutMs: timeLeft })
      : await wait(jobIds, timeLeft)
    if (found !== undefined) outcome = { ...outcome, found }
    if (gateActive(settings.gate)) {
      if (settings.gate.commit) {
        const auto = autoCommittedJobs(outcome.jobs)
        if (auto.length > 0) warn(autoCommitNote(auto))
      }
      outcome = await runGate(
        outcome,
        settings.gate,
        {
          write: (call, jobId, request) => client.writeJob(call, jobId, request),
          clock: runtime.clock,
          sleep: runtime.sleep,
          random: runtime.random,
          signal: cancel.signal,
          onWrite: (event) => {
            sink.info(writeEventLine(event))
          },
          waitCommitted: (jobIds, timeoutMs) => wait(jobIds, timeoutMs, false),
          // Outputs and summary first: a run killed mid-write (10 s after a cancel) keeps them.
          // Quiet: its notes and warnings would only come again with the final report.
          beforeWrites: async (before) => {
            await writeReport(before, settings, exits, seen, undefined)
          },
        },
        { startedAt, deadline: startedAt + settings.timeoutMs },
      )
    }
    await report(outcome, settings, exits, seen, warn)
  } finally {
    transport.dispose()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/**
 * A self-hosted Milvus: its number is staged and its phases are known
 * (src/report/phase.ts), and its configuration is the user's to change (the
 * explainer's advice). Zilliz Cloud's and the v1 API's number is not known,
 * so no phase is guessed for them. A cluster-id means Zilliz Cloud, even
 * behind an endpoint of its own (a private link, a proxy): Milvus has no clusters.
 */
function selfHostedMilvus(target: ApiTarget): boolean {
  // Only a v2 Milvus target may lack a cluster-id: inputs.ts requires one for v1 and Zilliz Cloud.
  return target.clusterId === undefined
}

/**
 * The collection's jobs, listed with retries until the deadline; undefined
 * on cancel. A list that is refused or unreadable stops the action: with no
 * job IDs there is nothing else to wait for.
 */
async function discover(
  collectionName: string,
  listJobs: ListJobs,
  common: {
    clock: Runtime['clock']
    sleep: Runtime['sleep']
    random: () => number
    signal: AbortSignal
  },
  settings: Settings,
  sink: Sink,
): Promise<Awaited<ReturnType<typeof discoverJobs>> | undefined> {
  try {
    return await discoverJobs({
      ...common,
      collectionName,
      listJobs,
      timeoutMs: settings.timeoutMs,
      onRetry: (event) => {
        sink.info(listRetryLine({ kind: 'list-retry', elapsedMs: 0, ...event }))
      },
    })
  } catch (error) {
    if (error instanceof AbortedError) return undefined
    throw new StopError(
      `Could not list the import jobs of collection ${collectionName}: ${errorMessage(error)}`,
      'list',
    )
  }
}

function dialectFor(
  target: ApiTarget,
  debug: NonNullable<ClientOptions['debug']>,
  redact: Redact,
): Dialect {
  if (target.api === 'v1') return v1Dialect(target.baseUrl, target.clusterId)
  return new V2Dialect({
    ...target,
    // The state is server text, read before the client redacts the job.
    onUnknownState: (state) => {
      debug(
        () =>
          `The API reported the state "${redact(state)}", unknown to this action: treated as still running.`,
      )
    },
  })
}

function logEvent(
  event: WaitEvent,
  sink: Sink,
  plateau: ReturnType<typeof createPlateauWatcher>,
  warn: (text: string) => void,
  gateCommits: boolean,
  phase: PhaseNamer | undefined,
): void {
  if (event.kind === 'list-retry') {
    sink.info(listRetryLine(event))
    return
  }
  if (event.kind === 'fallback') {
    // Going back for cost is routine (the last open job); the list failing is news.
    if (event.why === 'unsupported') sink.info(fallbackLine(event))
    else sink.debug(() => fallbackLine(event))
    return
  }
  if (event.kind === 'retry') {
    sink.info(retryLine(event))
    const persistent = persistentFaultWarning(event)
    if (persistent !== undefined) warn(persistent)
    return
  }
  const lines = [updateLine(event, gateCommits, phase), ...retryingLines(event), plateau(event)]
  for (const line of lines) {
    if (line !== undefined) sink.info(line)
  }
}

/**
 * Outputs and the job summary, from the outcome with every string guarded
 * once more. Without `warn` (the report before the gate's writes) it says
 * nothing in the log: the final report says it once.
 */
async function writeReport(
  waited: Outcome,
  settings: Settings,
  { guard, sink }: Exits,
  { history, phase, server }: Seen,
  warn: ((text: string) => void) | undefined,
): Promise<Outcome> {
  // Every string once more through the guard, before anything is rendered from it.
  const outcome = redactDeep(waited, guard, false) as Outcome
  const { values, jobsOmitted, detailsOmitted } = outputValues(outcome)
  setOutputs(values)
  if (warn !== undefined && jobsOmitted + detailsOmitted > 0) {
    sink.info(
      `The "jobs" output leaves out ${jobsOmitted} jobs and ${detailsOmitted} file entries to stay under its size bound.`,
    )
  }
  await writeSummary(
    renderSummary(outcome, {
      product: productOf(settings),
      server,
      phase,
      history: history.snapshot(),
    }),
    warn ?? (() => undefined),
  )
  return outcome
}

function productOf(settings: Settings): 'Zilliz Cloud' | 'Milvus' {
  return settings.target.api === 'v1' ? 'Zilliz Cloud' : settings.target.product
}

async function report(
  waited: Outcome,
  settings: Settings,
  exits: Exits,
  seen: Seen,
  warn: (text: string) => void,
): Promise<void> {
  const { sink } = exits
  const outcome = await writeReport(waited, settings, exits, seen, warn)
  for (const annotation of failureAnnotations(outcome, seen.server))
    sink.error(annotation.message, annotation.title)
  if (outcome.gate?.rows === undefined) {
    for (const warning of rowWarnings(outcome.jobs.map(lastKnownJob))) warn(warning)
  }
  for (const note of gateNotes(outcome, true)) sink.info(note)
  const stillFailing = endedWhileRetrying(outcome)
  if (stillFailing !== undefined) warn(stillFailing)
  const { level, message } = verdict(outcome, settings.failOnTimeout, {
    product: productOf(settings),
    host: settings.target.baseUrl.host,
    server: seen.server,
  })
  if (level === 'failure') sink.fail(message)
  else if (level === 'warning') sink.warning(message)
  else sink.info(message)
}
