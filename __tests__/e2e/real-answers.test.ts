/**
 * Answers as the real servers give them (from the Milvus server source, the
 * official SDKs and the docs' own examples: Milvus Retry tasks, two-phase
 * commit, InProgress tasks, v1's error envelope, failed jobs at 0%), and answers the action must not trust (protocol switches, deep nesting,
 * absurd numbers, wrong types, byte-order marks, huge texts, terminal escapes),
 * through dist/index.js as the runner runs it.
 */
import { jest } from '@jest/globals'
import type { Step } from '../../scripts/simulator.mjs'
import {
  type Run,
  commands,
  expectKeyOnlyInMask,
  expectNoStackTrace,
  file,
  job,
  run,
} from '../helpers/e2e.js'

jest.setTimeout(120_000)

const milvus = { simulator: { v2: 'milvus' as const }, inputs: { 'api-version': 'v2' } }

function expectClean(r: Run): void {
  expectNoStackTrace(r)
  expectKeyOnlyInMask(r, r.apiKey)
  expect(r.summary).toMatch(/^<h2>(Zilliz|Milvus) import: /)
}

describe('server states that really occur', () => {
  test.concurrent(
    'Milvus Retry task: "retrying: <reason>" once in the log, polling goes on',
    async () => {
      const retrying: Step = { progress: 0.4, fileRetry: { 0: 'datanode 7 went away' } }
      const r = await run({
        ...milvus,
        jobs: { 'job-m': job([0.2, retrying, retrying, retrying, 1]) },
      })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('completed')
      expect(r.stdout.match(/retrying: datanode 7 went away/g)).toHaveLength(1)
      expect(r.stdout).toMatch(/Job job-m: folder\/1\.parquet retrying: datanode 7 went away/)
      expect(commands(r.stdout, 'error')).toEqual([])
      expectClean(r)
    },
  )

  test.concurrent(
    'Milvus Retry task at the timeout: the summary shows it as retrying, not failed',
    async () => {
      const retrying: Step = { progress: 0.4, fileRetry: { 0: 'datanode 7 went away' } }
      const r = await run({
        ...milvus,
        jobs: { 'job-m': job([retrying]) },
        inputs: { ...milvus.inputs, timeout: '3s' },
      })
      expect(r.outputs.state).toBe('timed-out')
      expect(r.summary).toContain('<td>retrying: datanode 7 went away</td>')
      expect(r.outputs['error-message']).toBe('')
      expectClean(r)
    },
  )

  test.concurrent(
    'two-phase commit: Uncommitted settles the job, the step passes with state=uncommitted',
    async () => {
      const r = await run({
        ...milvus,
        jobs: { 'job-2pc': job([0.5, { progress: 0.99, state: 'Uncommitted' }]) },
      })
      expect(r.code).toBe(0)
      expect(r.outputs.state).toBe('uncommitted')
      expect(r.outputs.progress).toBe('99')
      expect(r.outputs['complete-time']).toBe('')
      expect(r.stdout).toMatch(
        /Job job-2pc: uncommitted 99% .*not visible until the job is committed \(POST \/v2\/vectordb\/jobs\/import\/commit\)/,
      )
      expect(r.stdout).toMatch(/1 import job imported after \d+s; not committed yet: job-2pc\./)
      expect(r.summary).toMatch(/^<h2>Milvus import: ⏸️ imported, not committed<\/h2>/)
      expect(r.summary).toContain('<code>POST /v2/vectordb/jobs/import/commit</code>')
      expect(commands(r.stdout, 'error')).toEqual([])
      expectClean(r)
    },
  )

  test.concurrent('Committing is still running; Completed after it completes', async () => {
    const r = await run({
      ...milvus,
      jobs: { 'job-2pc': job([{ progress: 0.99, state: 'Committing' }, 1]) },
    })
    expect(r.code).toBe(0)
    expect(r.outputs.state).toBe('completed')
    expect(r.stdout).toMatch(/Job job-2pc: committing 99%/)
  })

  test.concurrent(
    'InProgress tasks are known: no "unknown state" line even in debug mode',
    async () => {
      const r = await run({
        ...milvus,
        jobs: { 'job-m': job([0.3, 0.6, 1]) },
        env: { RUNNER_DEBUG: '1' },
      })
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/::debug::.*"state":"InProgress"/)
      expect(r.stdout).not.toMatch(/unknown to this action/)
    },
  )

  test.concurrent(
    'v1 error envelope without data ({"code":200,"message":...}) is a refusal with the key hint',
    async () => {
      const r = await run({
        jobs: {
          'job-v1': job([
            { status: 200, body: '{"code": 200, "message": "The token is illegal."}' },
          ]),
        },
      })
      expect(r.code).toBe(1)
      expect(r.outputs['error-message']).toBe(
        'Zilliz Cloud refused the request for job job-v1: code 200, "The token is illegal.". The API key is invalid or expired: check the "api-key" secret.',
      )
      expect(r.stdout).not.toMatch(/not in the v1/)
      expectClean(r)
    },
  )

  test.concurrent('code null with a message is a refusal that keeps the message', async () => {
    const r = await run({
      jobs: {
        'job-n': job([{ status: 200, body: '{"code":null,"message":"cluster is paused"}' }]),
      },
    })
    expect(r.code).toBe(1)
    expect(r.outputs['error-message']).toMatch(
      /refused the request for job job-n: code \?, "cluster is paused"/,
    )
  })

  test.concurrent(
    'a failed Milvus job reports 0%: the last progress seen is kept, and said to be that',
    async () => {
      const r = await run({
        ...milvus,
        jobs: {
          'job-f': job([
            0.3,
            0.55,
            { progress: 0.6, jobError: "value of field 'book_id' is missed" },
          ]),
        },
      })
      expect(r.code).toBe(1)
      expect(r.outputs.state).toBe('failed')
      expect(r.outputs.progress).toBe('55')
      expect(r.stdout).toMatch(
        /Job job-f: failed 55% \(the last progress seen before the failure; 0\/1 files done\)/,
      )
      expect(r.summary).toContain('Progress: 55% (the last seen before the failure)')
      const [entry] = JSON.parse(r.outputs.jobs ?? '[]') as {
        progress: number
        progressLastSeen?: boolean
      }[]
      expect(entry).toMatchObject({ progress: 55, progressLastSeen: true })
      expect(r.summary).toMatch(/^<h2>Milvus import: ❌ failed<\/h2>/)
      expectClean(r)
    },
  )
})

const v1Body = (data: unknown, code: unknown = 200): Step => ({
  status: 200,
  body: JSON.stringify({ code, data }),
})

/** Answers that must fail clearly, never pass for a finished import. */
const untrusted: [string, Step, RegExp][] = [
  [
    'readyPercentage 50',
    v1Body({ readyPercentage: 50 }),
    /"readyPercentage" to be a number from 0 to 1/,
  ],
  ['readyPercentage "0x1"', v1Body({ readyPercentage: '0x1' }), /"readyPercentage" to be a number/],
  ['readyPercentage "0b1"', v1Body({ readyPercentage: '0b1' }), /"readyPercentage" to be a number/],
  [
    'completeTime 1',
    v1Body({ readyPercentage: 0, completeTime: 1 }),
    /"completeTime" to be text or null/,
  ],
  [
    'completeTime false',
    v1Body({ readyPercentage: 0, completeTime: false }),
    /"completeTime" to be text or null/,
  ],
  [
    'completeTime 0',
    v1Body({ readyPercentage: 0, completeTime: 0 }),
    /"completeTime" to be text or null/,
  ],
  [
    'completeTime []',
    v1Body({ readyPercentage: 0, completeTime: [] }),
    /"completeTime" to be text or null/,
  ],
  [
    'completeTime {}',
    v1Body({ readyPercentage: 0, completeTime: {} }),
    /"completeTime" to be text or null/,
  ],
  ['code null', v1Body({ readyPercentage: 1 }, null), /"code" to be a whole number/],
  ['code ""', v1Body({ readyPercentage: 1 }, ''), /"code" to be a whole number/],
  ['code []', v1Body({ readyPercentage: 1 }, []), /"code" to be a whole number/],
  ['code [200]', v1Body({ readyPercentage: 1 }, [200]), /"code" to be a whole number/],
  ['code "0x0"', v1Body({ readyPercentage: 1 }, '0x0'), /"code" to be a whole number/],
  [
    'fileSize 1e308',
    { status: 200, body: '{"code":200,"data":{"readyPercentage":0.5,"fileSize":1e308}}' },
    /"fileSize" to be a whole number/,
  ],
  [
    'a 309-digit fileSize',
    {
      status: 200,
      body: `{"code":200,"data":{"readyPercentage":0.5,"fileSize":${'9'.repeat(309)}}}`,
    },
    /"fileSize" to be a whole number/,
  ],
  [
    'a negative file size',
    v1Body({
      readyPercentage: 0.5,
      details: [{ fileName: 'a', fileSize: -5, readyPercentage: 0.5 }],
    }),
    /"details\[0\]\.fileSize" to be a whole number/,
  ],
  [
    'a field nested 2,500 levels deep',
    {
      status: 200,
      body: `{"code":200,"data":{"readyPercentage":1,"x":${'['.repeat(2_500)}${']'.repeat(2_500)}}}`,
    },
    /JSON nested at most 32 levels deep/,
  ],
  [
    'HTTP/1.1 101 Switching Protocols',
    {
      raw: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    },
    /answered HTTP 101 Switching Protocols, switching to another protocol/,
  ],
]

describe('answers it must not trust', () => {
  test.concurrent.each(untrusted)(
    '%s: a clear error naming it, never "completed"',
    async (_name, step, reason) => {
      const r = await run({ jobs: { 'job-u': job([step]) }, inputs: { timeout: '1m' } })
      expect(r.code).toBe(1)
      // An answer it cannot read: the action could not find out how the import went.
      expect(r.outputs.state).toBe('error')
      expect(r.outputs['error-message']).toMatch(reason)
      expect(commands(r.stdout, 'error').some((line) => reason.test(line))).toBe(true)
      expect(r.stdout + r.stderr).not.toMatch(/Maximum call stack|NaN/)
      expect(Number(r.outputs.progress)).toBeLessThan(100)
      expectClean(r)
    },
  )

  test.concurrent('two jobs with absurd sizes never make progress NaN or 100', async () => {
    const huge: Step = {
      status: 200,
      body: '{"code":200,"data":{"readyPercentage":0.5,"fileSize":1e308}}',
    }
    const r = await run({ jobs: { 'job-a': job([huge]), 'job-b': job([huge]) } })
    expect(r.outputs.progress).toMatch(/^\d+(\.\d)?$/)
    expect(Number(r.outputs.progress)).toBeLessThan(100)
  })

  test.concurrent('a 1xx answer before the real one is skipped', async () => {
    const body = '{"code":200,"data":{"readyPercentage":1}}'
    const r = await run({
      jobs: {
        'job-h': job([
          {
            raw:
              'HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n' +
              `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
          },
        ]),
      },
    })
    expect(r.code).toBe(0)
    expect(r.outputs.state).toBe('completed')
  })

  test.concurrent('a body starting with a byte-order mark is read', async () => {
    const r = await run({
      jobs: {
        'job-b': job([{ status: 200, body: '\uFEFF{"code":200,"data":{"readyPercentage":1}}' }]),
      },
    })
    expect(r.code).toBe(0)
    expect(r.outputs.state).toBe('completed')
  })

  test.concurrent(
    'a 150 kB errorMessage and a 1 MB collection name: every output bounded, the job kept',
    async () => {
      const r = await run({
        jobs: {
          'job-big': {
            collectionName: 'c'.repeat(1_000_000),
            files: [file('a.parquet')],
            script: [{ progress: 0.5, fileErrors: { 0: 'E'.repeat(150_000) } }],
          },
        },
      })
      expect(r.code).toBe(1)
      for (const [name, value] of Object.entries(r.outputs)) {
        expect([name, Buffer.byteLength(value) <= 100_000]).toEqual([name, true])
      }
      // At most the limit in all, the note included (2,000 and 256 characters).
      expect(r.outputs['error-message']).toMatch(/^E{1969}… \[148,031 more characters cut\]$/)
      expect(r.outputs['collection-name']).toMatch(/^c{225}… \[999,775 more characters cut\]$/)
      const jobs = JSON.parse(r.outputs.jobs ?? '[]') as {
        jobId: string
        errorMessage: string
        details: unknown[]
      }[]
      expect(jobs).toHaveLength(1)
      expect(jobs[0]?.jobId).toBe('job-big')
      expect(jobs[0]?.errorMessage).toMatch(/more characters cut\]$/)
      expect(jobs[0]?.details).toHaveLength(1)
      expectClean(r)
    },
  )

  test.concurrent(
    'terminal escapes and control characters from the server never reach the log',
    async () => {
      const r = await run({
        jobs: {
          'job-esc': job([
            {
              progress: 0.5,
              fileErrors: { 0: '\u001b[31mRED\u001b[0m \u001b]0;owned\u0007bad\u0000 row\u202e' },
            },
          ]),
        },
      })
      expect(r.code).toBe(1)
      expect(r.stdout + r.summary + JSON.stringify(r.outputs)).not.toMatch(
        // eslint-disable-next-line no-control-regex -- looking for control characters is the point
        /\u001b|\u0007|\\u001b|\u202e|\\u0000/,
      )
      expect(commands(r.stdout, 'error')[0]).toMatch(/RED bad row$/)
    },
  )

  test.concurrent('the /describe -> /get_progress fallback shares one request budget', async () => {
    // /describe answers 404 after 3 s, /get_progress never answers: one poll may take 4 s, not 7.
    const r = await run({
      simulator: { v2: 'milvus', legacyMilvus: true, legacyDelayMs: 3_000 },
      jobs: { 'job-l': job([{ hang: true }]) },
      inputs: { 'api-version': 'v2', timeout: '4s' },
    })
    // Never one answer: state error, not a timeout.
    expect(r.outputs.state).toBe('error')
    expect(Number(r.outputs['elapsed-seconds'])).toBeLessThanOrEqual(5)
    expect(r.recorded.map((request) => request.path)).toEqual([
      '/v2/vectordb/jobs/import/describe',
      '/v2/vectordb/jobs/import/get_progress',
    ])
  })
})
