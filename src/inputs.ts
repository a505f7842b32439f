/**
 * Every input the action takes, validated into one Settings object before any
 * request is made. Pure: the caller passes a getInput function, so this is
 * tested with plain objects and the runner's core.getInput is wired in main.ts.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto'
import type { ClientCertificate } from './api/http.js'
import { parseDuration } from './duration.js'
import type { RowExpectation } from './job.js'

/** Which API to ask, and where. Base URLs carry no trailing slash in their path. */
export type ApiTarget =
  | { api: 'v1'; baseUrl: URL; clusterId: string }
  | {
      api: 'v2'
      /** Zilliz Cloud when the host is one of its domains; otherwise a self-hosted Milvus. */
      product: 'Zilliz Cloud' | 'Milvus'
      baseUrl: URL
      clusterId?: string
      dbName?: string
    }

/** collection-name: wait for the collection's unfinished import jobs, whatever their IDs. */
export interface CollectionSettings {
  name: string
  /** require-jobs: finding no unfinished job fails the step rather than passing. */
  requireJobs: boolean
}

export interface Settings {
  /** The jobs given by job-id; empty when they are found by collection-name. */
  jobIds: string[]
  collection?: CollectionSettings
  apiKey: string
  target: ApiTarget
  timeoutMs: number
  pollIntervalMs: number
  failOnTimeout: boolean
  /** For API hosts that require mutual TLS. */
  clientCert?: ClientCertificate
  /** The commit gate's inputs (v2 only): commit, abort-on, expected-rows. */
  gate: GateSettings
}

/** When the wait ends for one of these, abort-on aborts the jobs still running or held. */
export const ABORT_ON_REASONS = ['cancel', 'timeout', 'failure'] as const
export type AbortOn = (typeof ABORT_ON_REASONS)[number]

export interface GateSettings {
  /** Commit every job once all are Uncommitted and the row check passes. */
  commit: boolean
  /** commit: true adds failure (all or nothing). */
  abortOn: ReadonlySet<AbortOn>
  expectedRows?: RowExpectation
}

export type GetInput = (name: string) => string

/** A user mistake in the inputs: its message is shown as is, one line. */
export class InputError extends Error {
  override readonly name = 'InputError'
}

export const DEFAULTS = { timeout: '30m', pollInterval: '5s' } as const
export const LIMITS = {
  maxJobs: 1_000,
  minPollIntervalMs: 1_000,
  maxPollIntervalMs: 3_600_000,
  maxTimeoutMs: 7 * 24 * 3_600_000,
} as const

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/
const CLUSTER_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/
const REGION = /^[a-z0-9]+(-[a-z0-9]+)*$/
// Milvus database names: a letter or underscore, then letters, digits, underscores.
const DB_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/
// Collection names: Milvus takes a letter or underscore, then letters, digits
// and underscores (some versions also "$" and "-"); nothing else could be one.
const COLLECTION_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,254}$/
/** Zilliz Cloud's own domains (global and China); any other host is a self-hosted Milvus. */
const ZILLIZ_CLOUD_HOST = /(^|\.)(zillizcloud\.com|cloud\.zilliz\.com|cloud\.zilliz\.com\.cn)$/
export const V2_CLOUD_BASE = 'https://api.cloud.zilliz.com'
// Visible ASCII only: anything else cannot travel in an HTTP header and is
// almost always a copy-paste accident (a trailing newline, a quote).
const API_KEY = /^[\x21-\x7e]+$/

/** Shows a user's value in an error message without flooding the log. */
function quote(value: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value
  return JSON.stringify(shown)
}

function required(getInput: GetInput, name: string): string {
  const value = getInput(name).trim()
  if (value === '') throw new InputError(`Input "${name}" is required but was empty.`)
  return value
}

export function parseJobIds(text: string): string[] {
  const ids = text
    .split(/[\n,]/)
    .map((id) => id.trim())
    .filter((id) => id !== '')
  // What `${{ steps.import.outputs.job-id }}` gives when that step failed or
  // printed a JSON null: the real problem is in the step before this one.
  const missing = ids.length === 0 ? 'empty' : ids.find((id) => /^(null|undefined|none)$/i.test(id))
  if (missing !== undefined) {
    throw new InputError(
      `Input "job-id" is ${missing === 'empty' ? 'empty' : quote(missing)}: the step that started the import ` +
        'produced no job ID. Check its output (did the API answer with a code other than 0 or 200, and no data.jobId?). ' +
        'To wait for every unfinished import into a collection instead, set "collection-name" (api-version: v2).',
    )
  }
  for (const id of ids) {
    if (!JOB_ID.test(id)) {
      throw new InputError(
        `Input "job-id" has ${quote(id)}, which is not an import job ID: expected letters, digits, ` +
          `".", "_", ":" or "-" (at most 128 characters), several IDs separated by commas or newlines.`,
      )
    }
  }
  const unique = [...new Set(ids)]
  if (unique.length > LIMITS.maxJobs) {
    throw new InputError(
      `Input "job-id" lists ${unique.length} jobs; at most ${LIMITS.maxJobs} are supported.`,
    )
  }
  return unique
}

function isLoopbackHost(hostname: string): boolean {
  // WHATWG URL parsing has already canonicalised the host (127.1 -> 127.0.0.1, [::1]).
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  )
}

export function parseEndpoint(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InputError(
      `Input "endpoint" must be an absolute URL such as https://controller.api.gcp-us-west1.zillizcloud.com; got ${quote(text)}.`,
    )
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new InputError(
      `Input "endpoint" must use https:// (plain http:// is allowed only for localhost, 127.0.0.0/8 or [::1]); got ${url.protocol}//${url.host}.`,
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError(
      'Input "endpoint" must not contain credentials (user:password@); pass the key in "api-key".',
    )
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InputError(`Input "endpoint" must not have a query or fragment; got ${quote(text)}.`)
  }
  // A path prefix is kept (reverse proxies mount APIs under one): see apiUrl.
  return url
}

export function isZillizCloudHost(hostname: string): boolean {
  return ZILLIZ_CLOUD_HOST.test(hostname.toLowerCase())
}

export function regionBaseUrl(region: string): URL {
  return new URL(`https://controller.api.${region}.zillizcloud.com`)
}

function parseRegion(text: string): string {
  if (!REGION.test(text) || text.length > 63) {
    throw new InputError(
      `Input "region" must be a Zilliz Cloud region ID such as gcp-us-west1 or aws-us-east1 ` +
        `(lower-case letters, digits and single dashes); got ${quote(text)}.`,
    )
  }
  return text
}

function parseDurationInput(
  getInput: GetInput,
  name: string,
  fallback: string,
  minMs: number,
  maxMs: number,
): number {
  const text = getInput(name).trim() || fallback
  const ms = parseDuration(text)
  const expected = `a duration such as 90s, 15m, 1h30m or a whole number of seconds`
  if (ms === undefined)
    throw new InputError(`Input "${name}" must be ${expected}; got ${quote(text)}.`)
  if (ms < minMs) {
    throw new InputError(`Input "${name}" must be at least ${minMs / 1000}s; got ${quote(text)}.`)
  }
  if (ms > maxMs) {
    throw new InputError(
      `Input "${name}" must be at most ${maxMs / 3_600_000}h; got ${quote(text)}.`,
    )
  }
  return ms
}

/** The YAML 1.2 core-schema spellings, as core.getBooleanInput accepts them. */
function parseBoolean(getInput: GetInput, name: string, fallback: boolean): boolean {
  const text = getInput(name).trim()
  if (text === '') return fallback
  if (['true', 'True', 'TRUE'].includes(text)) return true
  if (['false', 'False', 'FALSE'].includes(text)) return false
  throw new InputError(`Input "${name}" must be true or false; got ${quote(text)}.`)
}

function parseClusterId(text: string): string | undefined {
  if (text === '') return undefined
  if (!CLUSTER_ID.test(text)) {
    throw new InputError(
      `Input "cluster-id" must be a cluster ID such as in03-0123456789abcdef (letters, digits and dashes); got ${quote(text)}.`,
    )
  }
  return text
}

function parseTarget(getInput: GetInput): ApiTarget {
  const apiVersion = getInput('api-version').trim() || 'v1'
  if (apiVersion !== 'v1' && apiVersion !== 'v2') {
    throw new InputError(`Input "api-version" must be v1 or v2; got ${quote(apiVersion)}.`)
  }
  const clusterId = parseClusterId(getInput('cluster-id').trim())
  const regionText = getInput('region').trim()
  const endpointText = getInput('endpoint').trim()
  const dbNameText = getInput('db-name').trim()
  // A malformed region is a mistake worth reporting even when it is not used.
  const region = regionText === '' ? undefined : parseRegion(regionText)
  const endpoint = endpointText === '' ? undefined : parseEndpoint(endpointText)

  if (apiVersion === 'v1') {
    if (dbNameText !== '') {
      throw new InputError(
        'Input "db-name" is only used with api-version: v2 (the v1 API has no databases).',
      )
    }
    if (clusterId === undefined)
      throw new InputError('Input "cluster-id" is required but was empty.')
    if (endpoint !== undefined) return { api: 'v1', baseUrl: endpoint, clusterId }
    if (region !== undefined) return { api: 'v1', baseUrl: regionBaseUrl(region), clusterId }
    throw new InputError(
      'Input "region" is required unless "endpoint" is set: give the region ID of the cluster, such as gcp-us-west1.',
    )
  }

  if (dbNameText !== '' && !DB_NAME.test(dbNameText)) {
    throw new InputError(
      `Input "db-name" must be a Milvus database name (a letter or "_", then letters, digits or "_"); got ${quote(dbNameText)}.`,
    )
  }
  const baseUrl = endpoint ?? new URL(V2_CLOUD_BASE)
  const product = isZillizCloudHost(baseUrl.hostname) ? 'Zilliz Cloud' : 'Milvus'
  if (product === 'Zilliz Cloud' && clusterId === undefined) {
    throw new InputError(
      'Input "cluster-id" is required for Zilliz Cloud (it may be left out only for a self-hosted Milvus "endpoint").',
    )
  }
  const target: ApiTarget = { api: 'v2', product, baseUrl }
  if (clusterId !== undefined) target.clusterId = clusterId
  if (dbNameText !== '') target.dbName = dbNameText
  return target
}

/**
 * client-cert and client-key: both or neither, each readable PEM, and the key
 * the certificate's own. Neither is ever quoted back.
 */
export function parseClientCertificate(getInput: GetInput): ClientCertificate | undefined {
  const cert = getInput('client-cert').trim()
  const key = getInput('client-key').trim()
  if (cert === '' && key === '') return undefined
  if (cert === '' || key === '') {
    const [missing, given] =
      cert === '' ? ['client-cert', 'client-key'] : ['client-key', 'client-cert']
    throw new InputError(
      `Input "${missing}" is required when "${given}" is set: mutual TLS needs the certificate and its private key.`,
    )
  }
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(cert)
  } catch {
    throw new InputError(
      'Input "client-cert" is not a PEM certificate (text from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----).',
    )
  }
  let privateKey: ReturnType<typeof createPrivateKey>
  try {
    privateKey = createPrivateKey(key)
  } catch {
    throw new InputError(
      'Input "client-key" is not an unencrypted PEM private key (text from -----BEGIN PRIVATE KEY----- ' +
        'or -----BEGIN EC/RSA PRIVATE KEY-----); an encrypted key needs a passphrase, which this action does not take.',
    )
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new InputError(
      'Input "client-key" is not the private key of the certificate in "client-cert".',
    )
  }
  return { cert, key }
}

/** abort-on: a comma-separated list of cancel, timeout, failure (empty: none). */
export function parseAbortOn(text: string): Set<AbortOn> {
  const reasons = new Set<AbortOn>()
  for (const word of text.split(/[\n,]/).map((w) => w.trim())) {
    if (word === '') continue
    const reason = ABORT_ON_REASONS.find((known) => known === word)
    if (reason === undefined) {
      throw new InputError(
        `Input "abort-on" must list some of ${ABORT_ON_REASONS.join(', ')}, separated by commas; got ${quote(word)}.`,
      )
    }
    reasons.add(reason)
  }
  return reasons
}

/** expected-rows: a whole number of rows (exact), or >= one (a minimum); commas and _ allowed. */
export function parseExpectedRows(text: string): RowExpectation | undefined {
  if (text === '') return undefined
  const match = /^(>=)?\s*(\d{1,3}(?:[,_]\d{3})+|\d+)$/.exec(text)
  const count = match === null ? Number.NaN : Number((match[2] ?? '').replace(/[,_]/g, ''))
  if (match === null || !Number.isSafeInteger(count)) {
    throw new InputError(
      `Input "expected-rows" must be a whole number of rows over all jobs (1000000 for exactly that many) ` +
        `or a minimum such as >=1; got ${quote(text)}.`,
    )
  }
  return { count, atLeast: match[1] !== undefined }
}

/**
 * job-id or collection-name, exactly one. collection-name needs the v2 list
 * call, and takes neither commit nor abort-on: writes go only to jobs the
 * user named. require-jobs only means something with collection-name.
 */
function parseJobSource(
  getInput: GetInput,
  target: ApiTarget,
): { jobIds: string[]; collection?: CollectionSettings } {
  const jobIdText = getInput('job-id')
  const name = getInput('collection-name').trim()
  const requireJobs = parseBoolean(getInput, 'require-jobs', false)
  if (name === '') {
    if (requireJobs) {
      throw new InputError(
        'Input "require-jobs" only applies with "collection-name": with "job-id" every job given is waited for.',
      )
    }
    // Empty: most often the output of a step that failed; parseJobIds says so.
    return { jobIds: parseJobIds(jobIdText) }
  }
  if (jobIdText.trim() !== '') {
    throw new InputError(
      'Inputs "job-id" and "collection-name" were both set: give one (the job IDs, or the collection whose unfinished imports to wait for).',
    )
  }
  if (!COLLECTION_NAME.test(name)) {
    throw new InputError(
      `Input "collection-name" must be a collection name (a letter or "_", then letters, digits or "_"); got ${quote(name)}.`,
    )
  }
  if (target.api === 'v1') {
    throw new InputError(
      'Input "collection-name" needs api-version: v2: the action lists the collection\'s jobs with the v2 jobs API.',
    )
  }
  return { jobIds: [], collection: { name, requireJobs } }
}

function refuseWritesByCollection(gate: GateSettings): void {
  const given = [
    gate.commit ? '"commit"' : undefined,
    gate.abortOn.size > 0 ? '"abort-on"' : undefined,
  ].filter((input) => input !== undefined)
  if (given.length === 0) return
  throw new InputError(
    `${given.join(' and ')} cannot be used with "collection-name": commits and aborts go only to jobs named in "job-id". ` +
      'List the jobs by ID to let the action write to them.',
  )
}

/** commit, abort-on and expected-rows: writes and row counts exist only in the v2 jobs API. */
function parseGate(getInput: GetInput, target: ApiTarget): GateSettings {
  const commit = parseBoolean(getInput, 'commit', false)
  // parseAbortOn trims each reason itself.
  const abortOn = parseAbortOn(getInput('abort-on'))
  const expectedRows = parseExpectedRows(getInput('expected-rows').trim())
  if (target.api === 'v1') {
    const given = [
      commit ? '"commit"' : undefined,
      abortOn.size > 0 ? '"abort-on"' : undefined,
      expectedRows === undefined ? undefined : '"expected-rows"',
    ].filter((name) => name !== undefined)
    if (given.length > 0) {
      throw new InputError(
        `${given.length === 1 ? 'Input' : 'Inputs'} ${given.join(' and ')} ${given.length === 1 ? 'needs' : 'need'} ` +
          'api-version: v2: the v1 API reports no row counts and has no commit or abort.',
      )
    }
  }
  // All or nothing: a failure before the commit discards every job.
  if (commit) abortOn.add('failure')
  const gate: GateSettings = { commit, abortOn }
  if (expectedRows !== undefined) gate.expectedRows = expectedRows
  return gate
}

export function parseSettings(getInput: GetInput): Settings {
  const apiKey = required(getInput, 'api-key')
  if (!API_KEY.test(apiKey)) {
    // Never echo the key, not even a part of it.
    throw new InputError(
      'Input "api-key" contains spaces, line breaks or non-ASCII characters; pass the key alone.',
    )
  }
  const target = parseTarget(getInput)
  const { jobIds, collection } = parseJobSource(getInput, target)
  const timeoutMs = parseDurationInput(
    getInput,
    'timeout',
    DEFAULTS.timeout,
    1_000,
    LIMITS.maxTimeoutMs,
  )
  const pollIntervalMs = parseDurationInput(
    getInput,
    'poll-interval',
    DEFAULTS.pollInterval,
    LIMITS.minPollIntervalMs,
    LIMITS.maxPollIntervalMs,
  )
  const failOnTimeout = parseBoolean(getInput, 'fail-on-timeout', true)
  const gate = parseGate(getInput, target)
  if (collection !== undefined) refuseWritesByCollection(gate)
  const settings: Settings = {
    jobIds,
    apiKey,
    target,
    timeoutMs,
    pollIntervalMs,
    failOnTimeout,
    gate,
  }
  if (collection !== undefined) settings.collection = collection
  const clientCert = parseClientCertificate(getInput)
  if (clientCert !== undefined) settings.clientCert = clientCert
  return settings
}
