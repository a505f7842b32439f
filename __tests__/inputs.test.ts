import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDuration } from '../src/duration.js'
import {
  InputError,
  type Settings,
  isZillizCloudHost,
  parseEndpoint,
  parseJobIds,
  parseSettings,
} from '../src/inputs.js'
import { actionDefaults } from '../scripts/run-action.mjs'

const KEY = 'zk-0123456789abcdef0123456789abcdef'
const valid: Record<string, string> = {
  'job-id': 'job-0123456789abcdef',
  'cluster-id': 'in03-0123456789abcdef',
  region: 'gcp-us-west1',
  'api-key': KEY,
}

function settings(overrides: Record<string, string> = {}): Settings {
  const inputs = { ...valid, ...overrides }
  return parseSettings((name) => inputs[name] ?? '')
}

function inputError(overrides: Record<string, string>): string {
  try {
    settings(overrides)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('parseSettings', () => {
  test('accepts every default of action.yml as the runner sends it (fail-on-timeout is the text true)', () => {
    const defaults = actionDefaults()
    expect(defaults).toEqual({
      timeout: '30m',
      'poll-interval': '5s',
      'api-version': 'v1',
      commit: 'false',
      'fail-on-timeout': 'true',
      'require-jobs': 'false',
    })
    const s = settings(defaults)
    expect([s.timeoutMs, s.pollIntervalMs, s.failOnTimeout, s.target.api]).toEqual([
      30 * 60_000,
      5_000,
      true,
      'v1',
    ])
  })

  test('applies the documented defaults', () => {
    const s = settings()
    expect(s.jobIds).toEqual(['job-0123456789abcdef'])
    expect(s.target).toEqual({
      api: 'v1',
      baseUrl: new URL('https://controller.api.gcp-us-west1.zillizcloud.com'),
      clusterId: 'in03-0123456789abcdef',
    })
    expect(s.timeoutMs).toBe(30 * 60_000)
    expect(s.pollIntervalMs).toBe(5_000)
    expect(s.failOnTimeout).toBe(true)
    expect(s.apiKey).toBe(KEY)
  })

  test('reads every optional input', () => {
    const s = settings({ timeout: '1h30m', 'poll-interval': '10', 'fail-on-timeout': 'false' })
    expect([s.timeoutMs, s.pollIntervalMs, s.failOnTimeout]).toEqual([5_400_000, 10_000, false])
  })

  test('endpoint replaces the region host, and region is then optional', () => {
    const s = settings({ region: '', endpoint: 'https://proxy.example.com/zilliz/' })
    expect(s.target.baseUrl.href).toBe('https://proxy.example.com/zilliz/')
  })

  test.each([
    [
      'job-id',
      { 'job-id': '' },
      /"job-id" is empty: the step that started the import produced no job ID/,
    ],
    ['job-id', { 'job-id': ' , \n ' }, /"job-id" is empty: the step that started the import/],
    [
      'job-id',
      { 'job-id': 'null' },
      /"job-id" is "null": the step that started the import produced no job ID/,
    ],
    ['job-id', { 'job-id': 'job-1,undefined' }, /"job-id" is "undefined": the step/],
    ['job-id', { 'job-id': 'None' }, /"job-id" is "None": the step/],
    ['job-id', { 'job-id': 'a&b=c' }, /"job-id" has "a&b=c", which is not an import job ID/],
    ['job-id', { 'job-id': 'job#1' }, /"job-id"/],
    ['job-id', { 'job-id': 'job 1' }, /"job-id"/],
    ['job-id', { 'job-id': 'jöb-1' }, /"job-id"/],
    ['job-id', { 'job-id': 'x'.repeat(10_000) }, /"job-id" has "x{60}…"/],
    ['cluster-id', { 'cluster-id': '' }, /"cluster-id" is required/],
    ['cluster-id', { 'cluster-id': 'in03/../x' }, /"cluster-id" must be a cluster ID/],
    ['region', { region: '' }, /"region" is required unless "endpoint" is set/],
    ['region', { region: 'evil.com/x' }, /"region" must be a Zilliz Cloud region ID/],
    ['region', { region: 'a.b' }, /"region" must be/],
    ['region', { region: 'x@y' }, /"region" must be/],
    ['region', { region: 'gcp-us-west1.evil.com' }, /"region" must be/],
    ['region', { region: 'GCP-US-WEST1' }, /"region" must be/],
    ['endpoint', { endpoint: 'controller.example.com' }, /"endpoint" must be an absolute URL/],
    ['endpoint', { endpoint: 'http://10.0.0.5:8080' }, /"endpoint" must use https:\/\//],
    ['endpoint', { endpoint: 'http://127.0.0.1.evil.com' }, /"endpoint" must use https:\/\//],
    ['endpoint', { endpoint: 'ftp://example.com' }, /"endpoint" must use https/],
    [
      'endpoint',
      { endpoint: 'https://user:pw@example.com' },
      /"endpoint" must not contain credentials/,
    ],
    [
      'endpoint',
      { endpoint: 'https://user@example.com' },
      /"endpoint" must not contain credentials/,
    ],
    [
      'endpoint',
      { endpoint: 'https://:pw@example.com' },
      /"endpoint" must not contain credentials/,
    ],
    ['endpoint', { endpoint: 'https://example.com/?x=1' }, /"endpoint" must not have a query/],
    ['timeout', { timeout: 'soon' }, /"timeout" must be a duration such as 90s/],
    ['timeout', { timeout: '0' }, /"timeout" must be at least 1s/],
    ['timeout', { timeout: '9999h' }, /"timeout" must be at most 168h/],
    ['poll-interval', { 'poll-interval': '0s' }, /"poll-interval" must be at least 1s/],
    ['poll-interval', { 'poll-interval': '500ms' }, /"poll-interval" must be a duration/],
    [
      'fail-on-timeout',
      { 'fail-on-timeout': 'yes' },
      /"fail-on-timeout" must be true or false; got "yes"/,
    ],
    ['api-key', { 'api-key': '' }, /"api-key" is required/],
  ])('rejects a bad %s with a message naming it (%#)', (_name, overrides, expected) => {
    const message = inputError(overrides)
    expect(message).toMatch(expected)
    expect(message).not.toMatch(/\n/)
  })

  test('a malformed api-key is rejected without echoing any of it', () => {
    const message = inputError({ 'api-key': 'zk-secret-part other-part' })
    expect(message).toMatch(/"api-key" contains spaces/)
    expect(message).not.toContain('secret')
  })
})

describe('api-version and db-name', () => {
  test('v2 without endpoint goes to api.cloud.zilliz.com; region is not needed', () => {
    expect(settings({ 'api-version': 'v2', region: '' }).target).toEqual({
      api: 'v2',
      product: 'Zilliz Cloud',
      baseUrl: new URL('https://api.cloud.zilliz.com'),
      clusterId: 'in03-0123456789abcdef',
    })
  })

  test.each([
    ['https://api.cloud.zilliz.com', 'Zilliz Cloud'],
    ['https://api.cloud.zilliz.com.cn', 'Zilliz Cloud'],
    ['https://in03-abc.api.gcp-us-west1.zillizcloud.com', 'Zilliz Cloud'],
    ['https://controller.api.ali-cn-hangzhou.cloud.zilliz.com.cn', 'Zilliz Cloud'],
    ['https://milvus.example.com', 'Milvus'],
    ['https://zillizcloud.com.evil.example', 'Milvus'],
    ['https://notzillizcloud.com', 'Milvus'],
    ['http://localhost:19530', 'Milvus'],
  ])('v2 endpoint %s is %s', (endpoint, product) => {
    const { target } = settings({ 'api-version': 'v2', endpoint })
    expect(target.api === 'v2' && target.product).toBe(product)
  })

  test('self-hosted Milvus: cluster-id optional, db-name sent', () => {
    expect(
      settings({
        'api-version': 'v2',
        endpoint: 'https://milvus.example.com',
        'cluster-id': '',
        'db-name': 'analytics',
      }).target,
    ).toEqual({
      api: 'v2',
      product: 'Milvus',
      baseUrl: new URL('https://milvus.example.com'),
      dbName: 'analytics',
    })
  })

  test('a Milvus user:password key is accepted', () => {
    expect(
      settings({ 'api-version': 'v2', endpoint: 'https://m.example.com', 'api-key': 'root:Milvus' })
        .apiKey,
    ).toBe('root:Milvus')
  })

  test.each([
    [{ 'api-version': 'v3' }, /"api-version" must be v1 or v2; got "v3"/],
    [{ 'db-name': 'analytics' }, /"db-name" is only used with api-version: v2/],
    [{ 'api-version': 'v2', 'db-name': 'bad-name' }, /"db-name" must be a Milvus database name/],
    [{ 'api-version': 'v2', 'cluster-id': '' }, /"cluster-id" is required for Zilliz Cloud/],
    [{ 'cluster-id': '' }, /"cluster-id" is required but was empty/],
  ])('rejects %j', (overrides, expected) => {
    expect(inputError(overrides)).toMatch(expected)
  })
})

describe('parseJobIds', () => {
  test('splits on commas and newlines, trims, drops blanks and duplicates', () => {
    expect(parseJobIds(' job-a,job-b\njob-a\r\n\n job-c ,')).toEqual(['job-a', 'job-b', 'job-c'])
  })
  test('accepts the ID shapes the APIs use', () => {
    expect(
      parseJobIds('9d0bc230-6b99-4739-a872-0b91cfe2515a,448761313698322011,job_1.x:2'),
    ).toHaveLength(3)
  })
  test('caps the number of jobs at 1000, inclusive', () => {
    const ids = (count: number) => Array.from({ length: count }, (_, i) => `job-${i}`).join(',')
    expect(parseJobIds(ids(1_000))).toHaveLength(1_000)
    expect(() => parseJobIds(ids(1_001))).toThrow(/at most 1000/)
  })
  test('IDs that merely start or end with null, undefined or none are IDs', () => {
    expect(parseJobIds('none-1,nullable,undefined_2')).toEqual([
      'none-1',
      'nullable',
      'undefined_2',
    ])
    expect(parseJobIds('job-none,my_null')).toEqual(['job-none', 'my_null'])
  })
  test('a value is quoted whole up to 60 characters, then cut with an ellipsis', () => {
    const sixty = `${'x'.repeat(59)}!`
    expect(() => parseJobIds(sixty)).toThrow(`has "${sixty}", which`)
    expect(() => parseJobIds(`${sixty}y`)).toThrow(`has "${sixty}…", which`)
  })
})

describe('every input is read without its surrounding whitespace', () => {
  test('padded values parse as their trimmed selves', () => {
    const padded = settings({
      'api-key': ` ${KEY}\n`,
      'cluster-id': ' in03-0123456789abcdef ',
      region: ' gcp-us-west1 ',
      timeout: ' 5m ',
      'poll-interval': ' 10s ',
      'fail-on-timeout': ' false ',
    })
    expect(padded).toMatchObject({
      apiKey: KEY,
      timeoutMs: 300_000,
      pollIntervalMs: 10_000,
      failOnTimeout: false,
      target: { api: 'v1', clusterId: 'in03-0123456789abcdef' },
    })
    expect(padded.target.baseUrl.href).toBe('https://controller.api.gcp-us-west1.zillizcloud.com/')
  })

  test('a duration of only spaces is the default', () => {
    expect(settings({ timeout: '   ', 'poll-interval': ' ' })).toMatchObject({
      timeoutMs: 30 * 60_000,
      pollIntervalMs: 5_000,
    })
  })

  test('an endpoint of only spaces is no endpoint: the region decides', () => {
    expect(settings({ endpoint: '   ' }).target.baseUrl.href).toBe(
      'https://controller.api.gcp-us-west1.zillizcloud.com/',
    )
  })

  test('api-version, endpoint and db-name too', () => {
    const padded = settings({
      'api-version': ' v2 ',
      endpoint: ' http://127.0.0.1:19530 ',
      'db-name': ' analytics ',
      'cluster-id': '',
    })
    expect(padded.target).toMatchObject({ api: 'v2', product: 'Milvus', dbName: 'analytics' })
    expect(padded.target.baseUrl.href).toBe('http://127.0.0.1:19530/')
    // No cluster ID given: none is sent, not even an undefined one.
    expect(padded.target).not.toHaveProperty('clusterId')
  })
})

describe('limits, inclusive', () => {
  test('a region of 63 characters is accepted, 64 is not', () => {
    expect(settings({ region: 'a'.repeat(63) }).target.baseUrl.hostname).toBe(
      `controller.api.${'a'.repeat(63)}.zillizcloud.com`,
    )
    expect(inputError({ region: 'a'.repeat(64) })).toMatch(
      /^Input "region" must be a Zilliz Cloud region ID/,
    )
  })

  test('the longest timeout, 168h, is accepted; one second more is not', () => {
    expect(settings({ timeout: '168h' }).timeoutMs).toBe(7 * 24 * 3_600_000)
    expect(inputError({ timeout: '168h1s' })).toBe(
      'Input "timeout" must be at most 168h; got "168h1s".',
    )
  })
})

describe('parseEndpoint', () => {
  test.each([
    ['http://localhost:8080', 'http://localhost:8080'],
    ['http://127.0.0.1:1234/', 'http://127.0.0.1:1234'],
    ['http://127.1:1234', 'http://127.0.0.1:1234'],
    ['http://127.10.20.30:1234', 'http://127.10.20.30:1234'],
    ['http://127.0.0.100:1234', 'http://127.0.0.100:1234'],
    ['http://[::1]:9000', 'http://[::1]:9000'],
    [
      'https://controller.api.ali-cn-hangzhou.cloud.zilliz.com.cn',
      'https://controller.api.ali-cn-hangzhou.cloud.zilliz.com.cn',
    ],
  ])('accepts %s', (text, origin) => {
    expect(parseEndpoint(text).origin).toBe(origin)
  })

  test.each([
    ['ftp://localhost/', /must use https:\/\//],
    ['http://128.0.0.1/', /must use https:\/\//],
    ['https://h.example/#part', /must not have a query or fragment/],
    ['https://h.example/?a=1', /must not have a query or fragment/],
  ])('refuses %s', (text, expected) => {
    expect(() => parseEndpoint(text)).toThrow(expected)
  })
})

describe('isZillizCloudHost', () => {
  test.each([
    ['controller.api.gcp-us-west1.zillizcloud.com', true],
    ['zillizcloud.com', true],
    ['api.cloud.zilliz.com', true],
    ['cloud.zilliz.com', true],
    ['API.Cloud.Zilliz.com', true],
    ['api.cloud.zilliz.com.cn', true],
    ['notzillizcloud.com', false],
    ['zillizcloud.com.evil.example', false],
    ['milvus.internal', false],
  ])('%s: %s', (host, expected) => {
    expect(isZillizCloudHost(host)).toBe(expected)
  })
})

describe('parseDuration', () => {
  test.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h30m', 5_400_000],
    ['1h2m3s', 3_723_000],
    ['45', 45_000],
    [' 2M ', 120_000],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })
  test.each(['', 'h', '1.5m', '-5', '5 m', '1d', 'm1'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('client-cert and client-key (mutual TLS)', () => {
  const TLS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tls')
  const pem = (name: string): string => readFileSync(path.join(TLS, name), 'utf8')
  const cert = pem('client.pem')
  const key = pem('client.key')

  test('both given, the key the certificate’s own: kept as given', () => {
    expect(settings({ 'client-cert': cert, 'client-key': key }).clientCert).toEqual({
      cert: cert.trim(),
      key: key.trim(),
    })
  })
  test('neither given: none', () => {
    expect(settings()).not.toHaveProperty('clientCert')
  })
  test.each([
    [{ 'client-cert': 'x' }, 'Input "client-key" is required when "client-cert" is set'],
    [{ 'client-key': 'x' }, 'Input "client-cert" is required when "client-key" is set'],
  ])('one without the other: an input error naming the missing one', (inputs, expected) => {
    expect(inputError(inputs)).toMatch(new RegExp(`^${expected}: mutual TLS needs`))
  })
  test('a certificate that is not PEM: named, the value never quoted', () => {
    const message = inputError({ 'client-cert': 'not-a-cert-SECRETISH', 'client-key': key })
    expect(message).toMatch(/^Input "client-cert" is not a PEM certificate/)
    expect(message).not.toContain('SECRETISH')
  })
  test('a key that is not PEM (or is encrypted): named, never quoted', () => {
    const bad = key.replace(/[A-Za-z]{10}/, 'SECRETISHX')
    const message = inputError({ 'client-cert': cert, 'client-key': bad })
    expect(message).toMatch(/^Input "client-key" is not an unencrypted PEM private key/)
    expect(message).not.toMatch(/SECRETISH|BEGIN PRIVATE KEY-----\n/)
  })
  test("another certificate's key: named", () => {
    expect(inputError({ 'client-cert': cert, 'client-key': pem('server.key') })).toBe(
      'Input "client-key" is not the private key of the certificate in "client-cert".',
    )
  })
})

describe('the commit gate: commit, abort-on, expected-rows (v2 only)', () => {
  const v2 = { 'api-version': 'v2', endpoint: 'http://127.0.0.1:19530', 'cluster-id': '' }
  test('defaults: no commit, no aborts, no row check', () => {
    expect(settings(v2).gate).toStrictEqual({ commit: false, abortOn: new Set() })
  })
  test('commit: true implies abort-on failure (all or nothing)', () => {
    expect(settings({ ...v2, commit: 'true' }).gate).toEqual({
      commit: true,
      abortOn: new Set(['failure']),
    })
    expect(settings({ ...v2, commit: 'True', 'abort-on': 'cancel' }).gate.abortOn).toEqual(
      new Set(['cancel', 'failure']),
    )
    expect(inputError({ ...v2, commit: 'yes' })).toBe(
      'Input "commit" must be true or false; got "yes".',
    )
  })
  test('abort-on: commas or newlines, blanks and repeats ignored; anything else named', () => {
    expect(settings({ ...v2, 'abort-on': ' timeout ,\ncancel,,timeout ' }).gate.abortOn).toEqual(
      new Set(['timeout', 'cancel']),
    )
    expect(settings({ ...v2, 'abort-on': 'failure' }).gate.abortOn).toEqual(new Set(['failure']))
    expect(inputError({ ...v2, 'abort-on': 'cancel,error' })).toBe(
      'Input "abort-on" must list some of cancel, timeout, failure, separated by commas; got "error".',
    )
    expect(inputError({ ...v2, 'abort-on': 'Cancel' })).toMatch(/got "Cancel"\.$/)
  })
  test.each([
    ['1000000', { count: 1_000_000, atLeast: false }],
    ['>=1', { count: 1, atLeast: true }],
    ['>= 25000', { count: 25_000, atLeast: true }],
    ['1,000,000', { count: 1_000_000, atLeast: false }],
    ['1_000', { count: 1_000, atLeast: false }],
    ['25,000', { count: 25_000, atLeast: false }],
    ['>=100_000_000', { count: 100_000_000, atLeast: true }],
    ['0', { count: 0, atLeast: false }],
    [' 42 ', { count: 42, atLeast: false }],
  ])('expected-rows %j', (text, expected) => {
    expect(settings({ ...v2, 'expected-rows': text }).gate.expectedRows).toEqual(expected)
  })
  test.each([
    '-1',
    '1.5',
    '>1',
    '<=5',
    '1,00',
    '10,0000',
    'lots',
    '>=',
    '99999999999999999',
    '1e6',
  ])('expected-rows %j is refused, naming the input and the forms it takes', (text) => {
    expect(inputError({ ...v2, 'expected-rows': text })).toBe(
      'Input "expected-rows" must be a whole number of rows over all jobs (1000000 for exactly that many) ' +
        `or a minimum such as >=1; got ${JSON.stringify(text.trim())}.`,
    )
  })
  test('with v1, each is an input error that names the inputs given', () => {
    expect(inputError({ commit: 'true' })).toBe(
      'Input "commit" needs api-version: v2: the v1 API reports no row counts and has no commit or abort.',
    )
    expect(inputError({ 'abort-on': 'cancel', 'expected-rows': '>=1' })).toBe(
      'Inputs "abort-on" and "expected-rows" need api-version: v2: the v1 API reports no row counts and has no commit or abort.',
    )
    expect(inputError({ commit: 'true', 'abort-on': 'cancel', 'expected-rows': '1' })).toMatch(
      /^Inputs "commit" and "abort-on" and "expected-rows" need api-version: v2/,
    )
    // commit: false is the default, not a request.
    expect(settings({ commit: 'false' }).gate.commit).toBe(false)
  })
})

describe('collection-name and require-jobs', () => {
  const byCollection = { 'job-id': '', 'collection-name': 'books', 'api-version': 'v2' }

  test('collection-name instead of job-id (v2): no job IDs, the collection to list', () => {
    const s = settings(byCollection)
    expect(s.jobIds).toEqual([])
    expect(s.collection).toEqual({ name: 'books', requireJobs: false })
    expect(settings({ ...byCollection, 'require-jobs': 'true' }).collection?.requireJobs).toBe(true)
    expect(settings({ ...byCollection, 'collection-name': '  _b$-2 ' }).collection?.name).toBe(
      '_b$-2',
    )
  })

  test('with job-id there is no collection (not even an undefined one)', () => {
    expect(Object.keys(settings())).not.toContain('collection')
  })

  test('a job-id of blanks next to collection-name is no job-id', () => {
    expect(settings({ ...byCollection, 'job-id': ' \n ' }).collection?.name).toBe('books')
  })

  test.each([
    [
      'both job-id and collection-name',
      { ...byCollection, 'job-id': 'job-1' },
      'Inputs "job-id" and "collection-name" were both set: give one (the job IDs, or the collection whose unfinished imports to wait for).',
    ],
    [
      'neither',
      { 'job-id': '' },
      /^Input "job-id" is empty: .* To wait for every unfinished import into a collection instead, set "collection-name" \(api-version: v2\)\.$/,
    ],
    [
      'collection-name with v1',
      { ...byCollection, 'api-version': 'v1' },
      'Input "collection-name" needs api-version: v2: the action lists the collection\'s jobs with the v2 jobs API.',
    ],
    [
      'a name that cannot be a collection',
      { ...byCollection, 'collection-name': 'my books' },
      'Input "collection-name" must be a collection name (a letter or "_", then letters, digits or "_"); got "my books".',
    ],
    [
      'a name starting with a digit',
      { ...byCollection, 'collection-name': '1books' },
      /got "1books"/,
    ],
    [
      'a name of 256 characters',
      { ...byCollection, 'collection-name': `b${'o'.repeat(255)}` },
      /must be a collection name/,
    ],
    [
      'require-jobs with job-id',
      { 'require-jobs': 'true' },
      'Input "require-jobs" only applies with "collection-name": with "job-id" every job given is waited for.',
    ],
    [
      'require-jobs not a boolean',
      { ...byCollection, 'require-jobs': 'yes' },
      /Input "require-jobs" must be true or false; got "yes"/,
    ],
    [
      'commit with collection-name',
      { ...byCollection, commit: 'true' },
      '"commit" and "abort-on" cannot be used with "collection-name": commits and aborts go only to jobs named in "job-id". List the jobs by ID to let the action write to them.',
    ],
    [
      'abort-on with collection-name',
      { ...byCollection, 'abort-on': 'timeout' },
      /^"abort-on" cannot be used with "collection-name"/,
    ],
  ])('refuses %s', (_name, overrides, expected) => {
    const message = inputError(overrides)
    if (typeof expected === 'string') expect(message).toBe(expected)
    else expect(message).toMatch(expected)
  })

  test('a name of 255 characters is one; expected-rows is allowed (it only reads)', () => {
    expect(
      settings({ ...byCollection, 'collection-name': `b${'o'.repeat(254)}` }).collection?.name,
    ).toHaveLength(255)
    expect(settings({ ...byCollection, 'expected-rows': '>=1' }).gate.expectedRows).toEqual({
      count: 1,
      atLeast: true,
    })
  })

  test('require-jobs false with job-id is the default, not a mistake', () => {
    expect(settings({ 'require-jobs': 'false' }).jobIds).toEqual(['job-0123456789abcdef'])
  })
})
