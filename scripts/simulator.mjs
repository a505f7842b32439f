#!/usr/bin/env node
/**
 * A scripted fake of the import-progress APIs, on loopback: Zilliz Cloud v1
 * (GET /v1/vector/collections/import/get) and the v2 jobs API
 * (POST /v2/vectordb/jobs/import/describe, and /get_progress) in the flavour
 * of Zilliz Cloud or of a self-hosted Milvus (`v2: 'zilliz' | 'milvus'`).
 * `legacyMilvus: true` plays a Milvus 2.4 that only knows /get_progress.
 *
 * Each job has a script: one entry per request for that job, the last entry
 * repeating forever. An entry is either a progress snapshot or a fault:
 *
 *   0.4                                   every file at 40 %
 *   { progress: 0.4, files: [1, 0.2] }    per-file fractions
 *   { progress: 0.4, fileErrors: { 1: 'bad schema' } }   file 2 reports an error
 *   { progress: 0.4, jobError: 'quota exceeded' }        the job reports an error
 *   { status: 503, body: '...', headers: { 'retry-after': '2' } }   any HTTP answer
 *   { code: 80001, message: 'Invalid token' }            an API error (HTTP 200)
 *   { redirect: 'http://127.0.0.2:1/' }                  a 302
 *   { reset: true }                       headers and half a body, then the socket dies
 *   { hang: true }                        accepts and never answers
 *   { raw: 'HTTP/1.1 101 ...\r\n\r\n' }     these bytes on the socket, then it closes
 *   { progress: 0.5, dropIfReused: true } on a kept-alive socket used before, close it
 *                                         without a word (the keep-alive race); else answer
 *   { progress: 0.5, fileRetry: { 0: 'datanode lost' } }  v2: file 1 in state Retry with a reason
 *   { progress: 0.99, state: 'Uncommitted' }    v2: a two-phase-commit job waiting for its commit
 *
 * Two-phase import (v2, as Milvus 3.0 does it): a job with `autoCommit: false`
 * holds at Uncommitted (99 %) once its script completes, until
 * POST /v2/vectordb/jobs/import/commit; it then reads Committing for
 * `committingPolls` describes (default 1) and Completed after. A commit is
 * applied asynchronously in Milvus: `uncommittedAfterCommit` describes (default
 * 0) still read Uncommitted first. POST
 * .../jobs/import/abort discards it (it reads Failed from then on); an abort
 * of an auto-commit job, or of one Committing or Completed, is refused, as is
 * a commit of a job not yet Uncommitted. A repeated commit or abort is the
 * same call. `commitScript` / `abortScript` put faults (any step above) before
 * those answers, one per call. POST .../jobs/import/create takes
 * `options.auto_commit: "false"` (a string, as Milvus wants) and starts a job.
 * `twoPhase: false` plays a server without it (Milvus before 3.0): HTTP 404
 * "404 page not found" (text/plain) for commit and abort.
 *
 * The list (POST /v2/vectordb/jobs/import/list) answers as the server of the
 * flavour does: Milvus with every job of `collectionName` (all jobs when it is
 * empty; code 100 "collection not found" when no job has it) in one answer, in
 * an order that changes from call to call, each record with state, progress
 * and (failed) reason; Zilliz Cloud with every job of the cluster, paged by
 * `pageSize` (capped at `listPageMax`, default 100) and `currentPage` from 1,
 * each record with collectionName, jobId and state only. A list observes each
 * job it returns: it moves the job's script on, as a describe does (a fault
 * step reads Importing). `list: 'missing'` plays a server without the call
 * (HTTP 404), `list: 'array'` the pre-2.4 shape (`data` an array of tasks).
 * `listScript` puts steps before list answers, one per call (a number or a
 * progress step answers normally; the last entry repeats).
 *
 * Any entry may add `delayMs` (answer later), `headers` (on any answer) and
 * `encoding` ('gzip' | 'deflate' | 'br', or any other name to send the body
 * unencoded under that label). In strings, `{{authorization}}` is replaced by
 * the Authorization header received (to test key echoes).
 *
 * As Milvus does: file (task) states are InProgress, not Importing, and a
 * failed job reports progress 0 and no rows.
 *
 * Used by the tests and `npm run demo`; run it alone to poke at it:
 *   node scripts/simulator.mjs --scenario demo[,failure,...] --port 8080 [--v2 milvus]
 */
import http from 'node:http'
import https from 'node:https'
import { pathToFileURL } from 'node:url'
import zlib from 'node:zlib'

export const V1_PATH = '/v1/vector/collections/import/get'
export const V2_DESCRIBE = '/v2/vectordb/jobs/import/describe'
export const V2_GET_PROGRESS = '/v2/vectordb/jobs/import/get_progress'
export const V2_COMMIT = '/v2/vectordb/jobs/import/commit'
export const V2_ABORT = '/v2/vectordb/jobs/import/abort'
export const V2_CREATE = '/v2/vectordb/jobs/import/create'
export const V2_LIST = '/v2/vectordb/jobs/import/list'
export const DEFAULT_API_KEY = 'sim-key-0123456789abcdef'
export const DEFAULT_CLUSTER_ID = 'in03-simulator0001'

/**
 * @typedef {{ fileName: string, fileSize?: number, rows?: number }} FileSpec
 * @typedef {{ progress?: number, files?: number[], fileErrors?: Record<number, string>,
 *   jobError?: string, status?: number, body?: string, headers?: Record<string, string>,
 *   code?: number, message?: string, redirect?: string, reset?: boolean, hang?: boolean,
 *   delayMs?: number, state?: string, raw?: string, dropIfReused?: boolean,
 *   fileRetry?: Record<number, string>, encoding?: string }} StepObject
 * @typedef {number | StepObject} Step
 * @typedef {{ collectionName?: string, files?: FileSpec[], script: Step[], autoCommit?: boolean,
 *   committingPolls?: number, uncommittedAfterCommit?: number, commitScript?: Step[],
 *   abortScript?: Step[], staged?: boolean }} JobSpec
 * @typedef {{ method: string, path: string, query: Record<string, string>,
 *   headers: import('node:http').IncomingHttpHeaders, body: Record<string, unknown>, at: number }} RecordedRequest
 * @typedef {{ jobs?: Record<string, JobSpec>, apiKey?: string, clusterId?: string,
 *   host?: string, port?: number, v2?: 'zilliz' | 'milvus', legacyMilvus?: boolean,
 *   legacyDelayMs?: number, twoPhase?: boolean, list?: 'yes' | 'missing' | 'array',
 *   listScript?: Step[], listPageMax?: number,
 *   tls?: { key: string, cert: string, clientCa?: string } }} SimulatorOptions
 * @typedef {'v1' | 'zilliz' | 'milvus'} Flavour
 */

/**
 * One part of a day's events, imported as a job held for its commit (auto_commit "false").
 * @param {number} part @param {number} mib @param {number} rows @param {Step[]} script
 * @returns {JobSpec}
 */
function dayPart(part, mib, rows, script) {
  const fileName = `events/2026-11-29/part-${part}.parquet`
  return {
    collectionName: 'daily_events',
    files: [{ fileName, fileSize: mib * 1_048_576, rows }],
    script,
    autoCommit: false,
  }
}

/** Scenarios for the demo, the CLI and the self-test workflow. */
export const SCENARIOS = /** @type {Record<string, Record<string, JobSpec>>} */ ({
  demo: {
    'job-demo-articles': {
      collectionName: 'medium_articles',
      files: [
        { fileName: 'articles/part-0001.parquet', fileSize: 19_599_887 },
        { fileName: 'articles/part-0002.parquet', fileSize: 18_021_305 },
        { fileName: 'articles/part-0003.parquet', fileSize: 6_553_600 },
      ],
      script: [
        0,
        { progress: 0.25, files: [0.6, 0.15, 0] },
        { status: 503, body: '<html><body>503 Service Temporarily Unavailable</body></html>' },
        { progress: 0.6, files: [1, 0.55, 0.1] },
        { progress: 0.9, files: [1, 1, 0.6] },
        1,
      ],
    },
    'job-demo-images': {
      collectionName: 'product_images',
      files: [{ fileName: 'images/embeddings.json', fileSize: 1_288_490 }],
      script: [0.3, 0.7, 1],
    },
  },
  milvus: {
    'job-demo-milvus': {
      collectionName: 'medium_articles',
      files: [
        { fileName: 'articles/part-0001.parquet', fileSize: 19_599_887, rows: 60_000 },
        { fileName: 'articles/part-0002.parquet', fileSize: 6_553_600, rows: 20_000 },
      ],
      // Milvus moves in stages (2.5+): queued, pre-import (no tasks listed yet), rows written,
      // sort, index building (a long 85 % plateau). On the way, one task is retried (state
      // Retry, with a reason): not a failure.
      staged: true,
      script: [
        0.05,
        0.3,
        { progress: 0.55, fileRetry: { 1: 'datanode 7 went away; retrying the task' } },
        0.75,
        0.85,
        0.85,
        1,
      ],
    },
    'job-demo-milvus-2pc': {
      collectionName: 'medium_articles',
      files: [{ fileName: 'articles/part-0003.parquet', fileSize: 6_553_600, rows: 20_000 }],
      // Created with auto_commit=false: it waits at 99 % for POST .../jobs/import/commit.
      script: [0.2, 0.6, { progress: 0.99, state: 'Uncommitted' }],
    },
  },
  // One day of events as three jobs held for the commit gate (auto_commit "false"): all pass.
  'gate-commit': {
    'job-day-part-1': dayPart(1, 40, 400_000, [0.1, 0.45, 0.8, 1]),
    'job-day-part-2': dayPart(2, 35, 350_000, [0.2, 0.6, 1]),
    'job-day-part-3': dayPart(3, 25, 250_000, [0.3, 1]),
  },
  // The same day, but part 2's file has the wrong vector dimension: the others are aborted.
  'gate-abort': {
    'job-day-part-1': dayPart(1, 40, 400_000, [0.1, 0.45, 1]),
    'job-day-part-2': dayPart(2, 35, 350_000, [
      0.2,
      0.4,
      {
        progress: 0.4,
        // Milvus's own words for it (importutilv2 json/row_parser.go).
        fileErrors: {
          0: "expected dim '768' for field 'embedding' with type 'FloatVector', got dim '512': importing data failed",
        },
      },
    ]),
    'job-day-part-3': dayPart(3, 25, 250_000, [0.3, 1]),
  },
  failure: {
    'job-demo-broken': {
      collectionName: 'medium_articles',
      files: [
        { fileName: 'articles/part-0001.parquet', fileSize: 19_599_887 },
        { fileName: 'articles/part-0002.parquet', fileSize: 18_021_305 },
      ],
      script: [
        0.1,
        {
          progress: 0.4,
          files: [0.8, 0],
          fileErrors: {
            // Milvus's own words for it (importutilv2 parquet/util.go): the explainer knows them.
            1: "expect 'FloatVector' type for field 'vector', but got 'list' type: importing data failed",
          },
        },
      ],
    },
  },
})

/** @param {string} text @param {string} authorization */
function fill(text, authorization) {
  return text.split('{{authorization}}').join(authorization)
}

/** A job's script entry for its nth describe (the last repeats), as an object. @param {Step[]} script @param {number} n */
function stepAt(script, n) {
  const entry = script[Math.min(n, script.length - 1)] ?? 0
  return typeof entry === 'number' ? { progress: entry } : entry
}

function isoNow() {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z')
}

/**
 * The v1 body for a progress snapshot.
 * @param {string} jobId @param {JobSpec} spec @param {StepObject} step @param {string} auth
 */
function progressBody(jobId, spec, step, auth) {
  const files = spec.files ?? [{ fileName: `${jobId}/data.parquet`, fileSize: 1_048_576 }]
  const progress = step.progress ?? 0
  const now = isoNow()
  const details = files.map((file, i) => {
    const fraction = step.files?.[i] ?? progress
    const error = step.fileErrors?.[i]
    return {
      fileName: file.fileName,
      fileSize: file.fileSize ?? 0,
      readyPercentage: fraction,
      completeTime: fraction >= 1 && !error ? now : null,
      errorMessage: error === undefined ? null : fill(error, auth),
    }
  })
  const failed = step.jobError !== undefined || details.some((d) => d.errorMessage !== null)
  return {
    code: 200,
    data: {
      collectionName: spec.collectionName ?? 'simulated_collection',
      // The real API repeats the first file's name and the total size at job level.
      fileName: files[0]?.fileName ?? '',
      fileSize: files.reduce((sum, f) => sum + (f.fileSize ?? 0), 0),
      readyPercentage: progress,
      completeTime: progress >= 1 && !failed ? now : null,
      errorMessage: step.jobError === undefined ? null : fill(step.jobError, auth),
      jobId,
      details,
    },
  }
}

/**
 * The v2 body for a progress snapshot, as Zilliz Cloud or Milvus sends it.
 * @param {string} jobId @param {JobSpec} spec @param {StepObject} step @param {string} auth
 * @param {'zilliz' | 'milvus'} flavour
 */
function progressBodyV2(jobId, spec, step, auth, flavour) {
  const files = spec.files ?? [{ fileName: `${jobId}/data.parquet`, fileSize: 1_048_576 }]
  const milvus = flavour === 'milvus'
  // Two-phase commit: every task is done, the job waits at 99 % (Committing too).
  const waitingForCommit = step.state === 'Uncommitted' || step.state === 'Committing'
  const progress = waitingForCommit ? 1 : (step.progress ?? 0)
  // Milvus 2.5+ stages (staged: true): Pending below 10 %, no tasks (details []) and no rows
  // during pre-import (below 40 %), rows written from 40 to 70 %, every row in from 70 % on
  // (sort, index building), while the job still says Importing.
  const staged = milvus && spec.staged === true
  /** A file's fraction when the step does not give it. */
  const stagedFraction = staged ? Math.min(1, Math.max(0, (progress - 0.4) / 0.3)) : progress
  const now = isoNow()
  /** @param {number} fraction @param {string | undefined} error @param {boolean} file */
  const stateOf = (fraction, error, file) =>
    error !== undefined
      ? 'Failed'
      : fraction >= 1
        ? 'Completed'
        : fraction > 0
          ? // Milvus tasks say InProgress where jobs say Importing.
            milvus && file
            ? 'InProgress'
            : 'Importing'
          : 'Pending'
  /** Milvus leaves `reason` out when empty; Zilliz Cloud sends "". @param {string | undefined} error */
  const reason = (error) =>
    error !== undefined ? { reason: fill(error, auth) } : milvus ? {} : { reason: '' }
  let importedTotal = 0
  let rowsTotal = 0
  const listed = staged && progress < 0.4 && !waitingForCommit ? [] : files
  const details = listed.map((file, i) => {
    const fraction = waitingForCommit ? 1 : (step.files?.[i] ?? stagedFraction)
    const error = step.fileErrors?.[i]
    const retrying = step.fileRetry?.[i]
    const total = file.rows ?? 10_000
    const imported = Math.floor(fraction * total)
    importedTotal += imported
    rowsTotal += total
    return {
      fileName: file.fileName,
      fileSize: file.fileSize ?? 0,
      state: retrying !== undefined ? 'Retry' : stateOf(fraction, error, true),
      progress: Math.round(fraction * 100),
      completeTime: fraction >= 1 && error === undefined ? now : '',
      ...reason(error ?? retrying),
      ...(milvus ? { importedRows: imported, totalRows: total } : {}),
    }
  })
  const failed = step.jobError !== undefined || step.fileErrors !== undefined
  const jobState =
    step.state ??
    (staged && !failed && progress < 0.1
      ? 'Pending'
      : stateOf(progress, failed ? (step.jobError ?? '') : undefined, false))
  // Milvus reports a failed job at 0 % with no rows imported.
  const failedMilvus = milvus && jobState === 'Failed'
  const jobProgress = failedMilvus ? 0 : waitingForCommit ? 99 : Math.round(progress * 100)
  return {
    code: 0,
    data: {
      jobId,
      collectionName: spec.collectionName ?? 'simulated_collection',
      fileName: files[0]?.fileName ?? '',
      // Milvus sums its tasks' sizes: 0 while there are none (pre-import).
      fileSize: listed.reduce((sum, f) => sum + (f.fileSize ?? 0), 0),
      state: jobState,
      progress: jobProgress,
      completeTime: progress >= 1 && !failed && !waitingForCommit ? now : '',
      // Milvus gives a job failed by a file that file's reason.
      ...reason(step.jobError ?? Object.values(step.fileErrors ?? {})[0]),
      ...(milvus
        ? { importedRows: failedMilvus ? 0 : importedTotal, totalRows: rowsTotal }
        : { totalRows: rowsTotal }),
      details,
    },
  }
}

/**
 * @param {import('node:http').ServerResponse} res @param {number} status
 * @param {unknown} body @param {Record<string, string>} [headers] @param {string} [encoding]
 */
function sendJson(res, status, body, headers = {}, encoding) {
  send(
    res,
    status,
    JSON.stringify(body),
    { 'content-type': 'application/json', ...headers },
    encoding,
  )
}

/** @type {Record<string, (data: Buffer) => Buffer>} */
const ENCODERS = {
  gzip: (data) => zlib.gzipSync(data),
  deflate: (data) => zlib.deflateSync(data),
  br: (data) => zlib.brotliCompressSync(data),
}

/**
 * @param {import('node:http').ServerResponse} res @param {number} status @param {string} text
 * @param {Record<string, string>} headers @param {string} [encoding]
 */
function send(res, status, text, headers, encoding) {
  if (encoding === undefined) {
    res.writeHead(status, headers)
    res.end(text)
    return
  }
  const encode = ENCODERS[encoding] ?? ((/** @type {Buffer} */ data) => data)
  res.writeHead(status, { ...headers, 'content-encoding': encoding })
  res.end(encode(Buffer.from(text)))
}

/**
 * Starts the simulator on loopback.
 * @param {SimulatorOptions} [options]
 */
export async function startSimulator(options = {}) {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY
  const clusterId = options.clusterId ?? DEFAULT_CLUSTER_ID
  const jobs = new Map(Object.entries(options.jobs ?? SCENARIOS.demo ?? {}))
  /** @type {Map<string, number>} */
  const served = new Map()
  /** @type {Map<string, { commitCalls: number, abortCalls: number }>} */
  const writeCalls = new Map()
  /** @type {RecordedRequest[]} */
  const requests = []

  const flavourV2 = options.v2 ?? 'zilliz'

  /** Sockets that have carried a request: the next request on one is a keep-alive reuse. */
  const usedSockets = new WeakSet()
  /** @type {import('node:http').RequestListener} */
  const listener = (req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', (/** @type {Buffer} */ chunk) => chunks.push(chunk))
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8'))
    })
  }
  // With tls.clientCa it plays a server that requires mutual TLS (Milvus tlsMode 2):
  // a client without a certificate that CA signed is refused in the handshake.
  const clientCa = options.tls?.clientCa
  const server = options.tls
    ? https.createServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ...(clientCa ? { ca: clientCa, requestCert: true, rejectUnauthorized: true } : {}),
        },
        listener,
      )
    : http.createServer(listener)

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res @param {string} text
   */
  function handle(req, res, text) {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid')
    /** @type {Record<string, unknown>} */
    let body
    try {
      body = text === '' ? {} : JSON.parse(text)
    } catch {
      body = { unparsable: text }
    }
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      at: Date.now(),
    })
    const auth = req.headers.authorization ?? ''
    /** @type {Flavour} */
    let flavour
    let jobId
    let askedCluster
    if (req.method === 'GET' && url.pathname === V1_PATH) {
      flavour = 'v1'
      jobId = url.searchParams.get('jobId') ?? ''
      askedCluster = url.searchParams.get('clusterId') ?? undefined
    } else if (
      req.method === 'POST' &&
      (url.pathname === V2_GET_PROGRESS || (url.pathname === V2_DESCRIBE && !options.legacyMilvus))
    ) {
      flavour = flavourV2
      jobId = typeof body.jobId === 'string' ? body.jobId : JSON.stringify(body.jobId ?? '')
      askedCluster = typeof body.clusterId === 'string' ? body.clusterId : undefined
    } else if (req.method === 'POST' && url.pathname === V2_LIST && options.list !== 'missing') {
      listJobs(req, res, body)
      return
    } else if (
      req.method === 'POST' &&
      [V2_COMMIT, V2_ABORT, V2_CREATE].includes(url.pathname) &&
      options.twoPhase !== false
    ) {
      write(req, res, url.pathname, body)
      return
    } else {
      const notFound = () => {
        if ([V2_COMMIT, V2_ABORT].includes(url.pathname)) {
          // gin's default for a route the server does not have (Milvus before 3.0).
          send(res, 404, '404 page not found', { 'content-type': 'text/plain' })
          return
        }
        sendJson(res, 404, { code: 404, message: `no such API: ${req.method} ${url.pathname}` })
      }
      if (options.legacyDelayMs) setTimeout(notFound, options.legacyDelayMs)
      else notFound()
      return
    }
    if (auth !== `Bearer ${apiKey}`) {
      // v1 and Zilliz Cloud answer a bad key with HTTP 200 and code 80001; Milvus with 401 and 1800.
      if (flavour === 'milvus')
        sendJson(res, 401, { code: 1800, message: "user hasn't authenticated" })
      else sendJson(res, 200, { code: 80001, message: 'Invalid token: your token is not valid' })
      return
    }
    // The Zilliz Cloud codes below are illustrative: the real codes for these are undocumented.
    if (flavour !== 'milvus' && askedCluster !== clusterId) {
      sendJson(res, 200, { code: 80020, message: `cluster not found: ${askedCluster}` })
      return
    }
    const spec = jobs.get(jobId)
    if (!spec) {
      if (flavour === 'milvus') {
        sendJson(res, 200, {
          code: 2100,
          message: `import job does not exist, jobID=${jobId}: importing data failed`,
        })
      } else {
        sendJson(res, 200, { code: 80004, message: `The import job ${jobId} does not exist` })
      }
      return
    }
    const count = served.get(jobId) ?? 0
    served.set(jobId, count + 1)
    const step = twoPhaseStep(jobId, spec, stepAt(spec.script, count))
    const reused = usedSockets.has(req.socket)
    usedSockets.add(req.socket)
    if (step.dropIfReused && reused) {
      req.socket.destroy()
      return
    }
    const answer = () => {
      respond(res, jobId, spec, step, auth, flavour)
    }
    if (step.delayMs) setTimeout(answer, step.delayMs)
    else answer()
  }

  /** Two-phase state per job: set by commit and abort; `shown` is the last state described. */
  /** @type {Map<string, { committed?: boolean, aborted?: boolean, committingLeft: number, lagLeft: number, shown?: string }>} */
  const phases = new Map()
  /** @param {string} jobId @param {JobSpec} spec */
  const phaseOf = (jobId, spec) => {
    let phase = phases.get(jobId)
    if (!phase) {
      phase = {
        committingLeft: spec.committingPolls ?? 1,
        lagLeft: spec.uncommittedAfterCommit ?? 0,
      }
      phases.set(jobId, phase)
    }
    return phase
  }
  let created = 0

  /**
   * The step a describe answers with, after commit and abort: a completed step
   * of a held job reads Uncommitted until its commit.
   * @param {string} jobId @param {JobSpec} spec @param {StepObject} step
   * @returns {StepObject}
   */
  function twoPhaseStep(jobId, spec, step) {
    const phase = phaseOf(jobId, spec)
    /** @type {StepObject} */
    let shown = step
    if (phase.aborted) {
      // Milvus fails an aborted job (reason importJobReasonAbortedByUser).
      shown = { progress: 0, jobError: 'import job aborted by user' }
    } else if (phase.committed) {
      if (phase.lagLeft > 0) {
        phase.lagLeft -= 1
        shown = { progress: 1, state: 'Uncommitted' }
      } else if (phase.committingLeft > 0) {
        phase.committingLeft -= 1
        shown = { progress: 1, state: 'Committing' }
      } else shown = { progress: 1 }
    } else if (
      spec.autoCommit === false &&
      step.state === undefined &&
      (step.progress ?? 0) >= 1 &&
      step.jobError === undefined &&
      step.fileErrors === undefined &&
      step.status === undefined &&
      step.code === undefined
    ) {
      shown = { ...step, state: 'Uncommitted' }
    }
    if (shown.status === undefined && shown.code === undefined) {
      phase.shown =
        shown.state ??
        (shown.jobError !== undefined || shown.fileErrors !== undefined
          ? 'Failed'
          : (shown.progress ?? 0) >= 1
            ? 'Completed'
            : 'Importing')
    }
    return shown
  }

  let listCalls = 0
  /**
   * The list, in the flavour's shape (see the header).
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   * @param {Record<string, unknown>} body
   */
  function listJobs(req, res, body) {
    const milvus = flavourV2 === 'milvus'
    const auth = req.headers.authorization ?? ''
    if (auth !== `Bearer ${apiKey}`) {
      if (milvus) sendJson(res, 401, { code: 1800, message: "user hasn't authenticated" })
      else sendJson(res, 200, { code: 80001, message: 'Invalid token: your token is not valid' })
      return
    }
    const call = listCalls
    listCalls += 1
    const fault = options.listScript ? stepAt(options.listScript, call) : undefined
    if (fault && fault.progress === undefined) {
      const answer = () => {
        respond(res, '', { script: [0] }, fault, auth, flavourV2)
      }
      if (fault.delayMs) setTimeout(answer, fault.delayMs)
      else answer()
      return
    }
    if (!milvus && body.clusterId !== clusterId) {
      sendJson(res, 200, { code: 80020, message: `cluster not found: ${String(body.clusterId)}` })
      return
    }
    const wanted = typeof body.collectionName === 'string' ? body.collectionName : ''
    let entries = [...jobs.entries()]
    if (milvus && wanted !== '') {
      entries = entries.filter(
        ([, spec]) => (spec.collectionName ?? 'simulated_collection') === wanted,
      )
      if (entries.length === 0) {
        const db = typeof body.dbName === 'string' && body.dbName !== '' ? body.dbName : 'default'
        sendJson(res, 200, {
          code: 100,
          message: `collection not found[database=${db}][collection=${wanted}]`,
        })
        return
      }
    }
    let pageInfo = {}
    if (!milvus) {
      const asked = typeof body.pageSize === 'number' && body.pageSize > 0 ? body.pageSize : 10
      const pageSize = Math.min(asked, options.listPageMax ?? 100)
      const page =
        typeof body.currentPage === 'number' && body.currentPage > 0 ? body.currentPage : 1
      pageInfo = { count: entries.length, currentPage: page, pageSize }
      entries = entries.slice((page - 1) * pageSize, page * pageSize)
    } else if (entries.length > 1) {
      // Milvus walks a Go map: the order changes from call to call.
      const turn = call % entries.length
      entries = [...entries.slice(turn), ...entries.slice(0, turn)].reverse()
    }
    const records = entries.map(([jobId, spec]) => {
      const count = served.get(jobId) ?? 0
      served.set(jobId, count + 1)
      const step = twoPhaseStep(jobId, spec, stepAt(spec.script, count))
      const readable = step.status === undefined && step.code === undefined && !step.hang
      const data = readable
        ? progressBodyV2(jobId, spec, step, auth, flavourV2).data
        : {
            state: 'Importing',
            progress: 0,
            collectionName: spec.collectionName ?? 'simulated_collection',
          }
      const collectionName = spec.collectionName ?? 'simulated_collection'
      if (!milvus) return { collectionName, jobId, state: data.state }
      return {
        jobId,
        collectionName,
        state: data.state,
        progress: data.progress,
        ...('reason' in data && data.reason ? { reason: data.reason } : {}),
      }
    })
    if (options.list === 'array') {
      // Before Milvus 2.4 (Import v2) a development build answered an array of tasks.
      sendJson(res, 200, {
        code: 200,
        data: records.map((r) => ({
          taskID: r.jobId,
          state: r.state,
          collectionName: r.collectionName,
        })),
      })
      return
    }
    sendJson(res, 200, { code: 0, data: { ...pageInfo, records } })
  }

  /**
   * Commit, abort and create, as Milvus 3.0 answers them (HTTP 200 and a code).
   * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
   * @param {string} path @param {Record<string, unknown>} body
   */
  function write(req, res, path, body) {
    const flavour = flavourV2
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      if (flavour === 'milvus')
        sendJson(res, 401, { code: 1800, message: "user hasn't authenticated" })
      else sendJson(res, 200, { code: 80001, message: 'Invalid token: your token is not valid' })
      return
    }
    if (flavour !== 'milvus' && body.clusterId !== clusterId) {
      sendJson(res, 200, { code: 80020, message: `cluster not found: ${String(body.clusterId)}` })
      return
    }
    if (path === V2_CREATE) {
      const autoCommit = /** @type {Record<string, unknown>} */ (body.options ?? {}).auto_commit
      if (autoCommit !== undefined && typeof autoCommit !== 'string') {
        sendJson(res, 200, {
          code: 1801,
          message: 'options.auto_commit must be one of "true" or "false"',
        })
        return
      }
      created += 1
      const jobId = `job-sim-${created}`
      jobs.set(jobId, {
        collectionName: typeof body.collectionName === 'string' ? body.collectionName : 'simulated',
        script: [0.3, 0.7, 1],
        autoCommit: (autoCommit ?? 'true').toLowerCase() !== 'false',
      })
      sendJson(res, 200, { code: 0, data: { jobId } })
      return
    }
    const jobId = typeof body.jobId === 'string' ? body.jobId : ''
    const spec = jobs.get(jobId)
    if (!spec) {
      sendJson(res, 200, {
        code: 2100,
        message: `import job does not exist, jobID=${jobId}: importing data failed`,
      })
      return
    }
    const calls = path === V2_COMMIT ? 'commitCalls' : 'abortCalls'
    const script = path === V2_COMMIT ? spec.commitScript : spec.abortScript
    const counts = writeCalls.get(jobId) ?? { commitCalls: 0, abortCalls: 0 }
    writeCalls.set(jobId, counts)
    const fault = script?.[counts[calls]]
    counts[calls] += 1
    if (fault !== undefined) {
      const step = typeof fault === 'number' ? { progress: fault } : fault
      const answer = () => {
        respond(res, jobId, spec, step, req.headers.authorization ?? '', flavour)
      }
      if (step.delayMs) setTimeout(answer, step.delayMs)
      else answer()
      return
    }
    const phase = phaseOf(jobId, spec)
    const state = phase.shown ?? 'Pending'
    /** @param {string} message */
    const refuse = (message) => {
      sendJson(res, 200, { code: 2100, message: `${message}: importing data failed` })
    }
    if (path === V2_COMMIT) {
      if (spec.autoCommit !== false)
        refuse(`job ${jobId} is auto-commit, manual commit not allowed`)
      else if (phase.aborted) refuse(`job ${jobId} was aborted, commit not allowed`)
      else if (phase.committed) sendJson(res, 200, { code: 0, data: {} })
      else if (state !== 'Uncommitted') refuse(`job ${jobId} is in state ${state}, not Uncommitted`)
      else {
        phase.committed = true
        sendJson(res, 200, { code: 0, data: {} })
      }
      return
    }
    if (spec.autoCommit !== false) refuse(`job ${jobId} is auto-commit, manual abort not allowed`)
    else if (phase.aborted) sendJson(res, 200, { code: 0, data: {} })
    else if (
      phase.committed ||
      state === 'Committing' ||
      state === 'Completed' ||
      state === 'Failed'
    ) {
      const shown = phase.committed && state === 'Uncommitted' ? 'Committing' : state
      refuse(`job ${jobId} is in terminal/committed state ${shown}, abort not allowed`)
    } else {
      phase.aborted = true
      sendJson(res, 200, { code: 0, data: {} })
    }
  }

  /**
   * @param {import('node:http').ServerResponse} res @param {string} jobId
   * @param {JobSpec} spec @param {StepObject} step @param {string} auth @param {Flavour} flavour
   */
  function respond(res, jobId, spec, step, auth, flavour) {
    if (step.hang) return
    if (step.raw !== undefined) {
      res.socket?.end(step.raw)
      return
    }
    if (step.reset) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' })
      res.write('{"code":200,"data":{"collectionName":')
      setTimeout(() => res.socket?.destroy(), 20)
      return
    }
    if (step.redirect !== undefined) {
      res.writeHead(302, { location: step.redirect })
      res.end()
      return
    }
    if (step.status !== undefined || step.body !== undefined) {
      const body = fill(step.body ?? '', auth)
      const type = body.trimStart().startsWith('{') ? 'application/json' : 'text/html'
      send(res, step.status ?? 200, body, { 'content-type': type, ...step.headers }, step.encoding)
      return
    }
    if (step.code !== undefined) {
      const refusal = { code: step.code, message: fill(step.message ?? '', auth) }
      sendJson(res, 200, refusal, step.headers, step.encoding)
      return
    }
    sendJson(
      res,
      200,
      flavour === 'v1'
        ? progressBody(jobId, spec, step, auth)
        : progressBodyV2(jobId, spec, step, auth, flavour),
      step.headers,
      step.encoding,
    )
  }

  await new Promise((resolve) => {
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      resolve(undefined)
    })
  })
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
    port: address.port,
    apiKey,
    clusterId,
    jobIds: [...jobs.keys()],
    /** Every request received, in order. */
    requests,
    /** List calls received. */
    listRequests: () => requests.filter((r) => r.path === V2_LIST),
    /** Requests for one job. */
    /** @param {string} jobId */
    requestsFor: (jobId) => requests.filter((r) => r.query.jobId === jobId),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve(undefined)
        })
      }),
  }
}

/** CLI: start a scenario and print how to reach it (one JSON line), then serve until killed. */
async function main() {
  const args = process.argv.slice(2)
  const flag = (/** @type {string} */ name, /** @type {string} */ fallback) => {
    const i = args.indexOf(`--${name}`)
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback
  }
  // Several scenarios can be served at once: --scenario demo,failure
  const names = (flag('scenario', 'demo') ?? 'demo').split(',')
  /** @type {Record<string, JobSpec>} */
  const jobs = {}
  for (const name of names) {
    const scenario = SCENARIOS[name]
    if (!scenario) {
      console.error(`Unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}`)
      process.exit(2)
    }
    Object.assign(jobs, scenario)
  }
  const v2 = flag('v2', 'zilliz') === 'milvus' ? 'milvus' : 'zilliz'
  const sim = await startSimulator({ jobs, port: Number(flag('port', '0')), v2 })
  console.log(
    JSON.stringify({
      url: sim.url,
      apiKey: sim.apiKey,
      clusterId: sim.clusterId,
      jobIds: sim.jobIds,
    }),
  )
  const stop = () => {
    void sim.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
