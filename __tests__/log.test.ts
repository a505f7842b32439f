import {
  endedWhileRetrying,
  failureAnnotations,
  persistentFaultWarning,
  retryLine,
  retryingLines,
  startLine,
  updateLine,
  verdict,
} from '../src/report/log.js'
import type { Settings } from '../src/inputs.js'
import { files, importJob, outcome } from './helpers/outcomes.js'

describe('updateLine', () => {
  const running = importJob('job-1', {
    state: 'importing',
    progress: 42.5,
    files: files(3, (i) => (i === 0 ? {} : { progress: 10, completeTime: undefined })),
  })
  test('describes a change: job, state, percent, files done, elapsed', () => {
    expect(
      updateLine({
        kind: 'update',
        jobId: 'job-1',
        job: running,
        previous: undefined,
        elapsedMs: 65_000,
      }),
    ).toBe('Job job-1: importing 42.5% (1/3 files done), 1m 05s elapsed')
  })
  test('says nothing when nothing changed', () => {
    expect(
      updateLine({
        kind: 'update',
        jobId: 'job-1',
        job: running,
        previous: { ...running },
        elapsedMs: 70_000,
      }),
    ).toBeUndefined()
  })
  test('speaks up when only the state changed', () => {
    const failed = { ...running, state: 'failed' as const }
    expect(
      updateLine({ kind: 'update', jobId: 'job-1', job: failed, previous: running, elapsedMs: 1 }),
    ).toMatch(/^Job job-1: failed 42\.5%/)
  })
  test('speaks up when only the progress changed', () => {
    const further = { ...running, progress: 43 }
    expect(
      updateLine({ kind: 'update', jobId: 'job-1', job: further, previous: running, elapsedMs: 1 }),
    ).toMatch(/^Job job-1: importing 43%/)
  })
  test('speaks up when only the files-done count changed', () => {
    const more = {
      ...running,
      files: files(3, (i) => (i === 2 ? { progress: 10, completeTime: undefined } : {})),
    }
    expect(
      updateLine({ kind: 'update', jobId: 'job-1', job: more, previous: running, elapsedMs: 1 }),
    ).toContain('2/3 files done')
  })
})

test('retryLine says what happened and when the next try is', () => {
  expect(
    retryLine({
      kind: 'retry',
      jobId: 'j',
      reason: 'HTTP 503',
      attempt: 2,
      delayMs: 1_530,
      elapsedMs: 0,
    }),
  ).toBe('Job j: HTTP 503; retry 2 in 1.5s')
})

test('retryLine: a Retry-After past the deadline says no more polls come', () => {
  expect(
    retryLine({
      kind: 'retry',
      jobId: 'j',
      reason: 'HTTP 503',
      attempt: 1,
      delayMs: 8_000,
      elapsedMs: 0,
      retryAfterMs: 3_600_000,
    }),
  ).toBe(
    'Job j: HTTP 503; the server asked to come back after 1h 00m 00s, past the timeout: not polling it again',
  )
})

describe('failureAnnotations', () => {
  test("one per import error (job or file), titled with its name; refusals are the verdict's", () => {
    const job = importJob('job-1', {
      state: 'failed',
      errorMessage: 'job broke',
      files: files(2, (i) =>
        i === 1 ? { fileName: 'b.parquet', errorMessage: 'file broke' } : {},
      ),
    })
    expect(
      failureAnnotations(
        outcome('failed', [
          { jobId: 'job-1', job },
          { jobId: 'job-2', problem: 'unknown job' },
        ]),
      ),
    ).toEqual([
      { title: 'Job job-1', message: 'job broke' },
      { title: 'Job job-1: b.parquet', message: 'file broke' },
    ])
  })
})

describe('verdict', () => {
  const running = { jobId: 'job-1', job: importJob('job-1', { state: 'importing', progress: 40 }) }
  test('completed passes', () => {
    expect(
      verdict(outcome('completed', [{ jobId: 'a', job: importJob('a') }]), true, {
        product: 'Zilliz Cloud',
        host: 'api.example:443',
      }),
    ).toEqual({
      level: 'success',
      message: '1 import job completed after 1m 05s.',
    })
  })
  test('failed fails, saying who failed without repeating the errors of the annotations', () => {
    const job = importJob('a', { state: 'failed', errorMessage: 'quota exceeded' })
    const v = verdict(outcome('failed', [{ jobId: 'a', job }]), true, {
      product: 'Zilliz Cloud',
      host: 'h',
    })
    expect(v.level).toBe('failure')
    expect(v.message).toBe(
      'The import failed: job a reported an error (annotated above, all of them listed in the job summary). Fix the data and import again.',
    )
  })
  test('a timeout fails, or warns when fail-on-timeout is false', () => {
    const v = verdict(
      outcome('timed-out', [running, { jobId: 'job-2', lastError: 'HTTP 503' }]),
      true,
      { product: 'Zilliz Cloud', host: 'api.example:443' },
    )
    expect(v).toEqual({
      level: 'failure',
      message:
        'Timed out after 1m 05s at 20% overall; still running: job-1 importing 40%, job-2 no answer yet 0% (last poll: HTTP 503).',
    })
    expect(
      verdict(outcome('timed-out', [running]), false, {
        product: 'Zilliz Cloud',
        host: 'api.example:443',
      }).level,
    ).toBe('warning')
  })
  test('a timeout lists only the jobs still open, at most 5, and counts the rest', () => {
    const open = Array.from({ length: 7 }, (_, i) => ({
      jobId: `r${i + 1}`,
      job: importJob(`r${i + 1}`, { state: 'importing', progress: 10, completeTime: undefined }),
    }))
    const done = { jobId: 'done', job: importJob('done') }
    const v = verdict(outcome('timed-out', [done, ...open]), true, {
      product: 'Zilliz Cloud',
      host: 'api.example:443',
    })
    expect(v.message).toMatch(
      /; still running: r1 importing 10%, r2 importing 10%, r3 importing 10%, r4 importing 10%, r5 importing 10% and 2 more\.$/,
    )
  })
  test('cancelled fails', () => {
    expect(
      verdict(outcome('cancelled', [running]), false, {
        product: 'Zilliz Cloud',
        host: 'api.example:443',
      }),
    ).toEqual({
      level: 'failure',
      message: 'Cancelled after 1m 05s; last known: job-1 importing 40%.',
    })
  })
})

describe('the states real servers report', () => {
  const update = (job: ReturnType<typeof importJob>, previous?: ReturnType<typeof importJob>) => ({
    kind: 'update' as const,
    jobId: job.jobId,
    job,
    previous,
    elapsedMs: 5_000,
  })

  test('a failed job at its last seen progress says so', () => {
    const job = importJob('j', { state: 'failed', progress: 55, progressLastSeen: true, files: [] })
    expect(updateLine(update(job))).toBe(
      'Job j: failed 55% (the last progress seen before the failure), 5s elapsed',
    )
  })

  test('an uncommitted job says its data is not visible until the commit', () => {
    const job = importJob('j', { state: 'uncommitted', progress: 99, files: [] })
    expect(updateLine(update(job))).toBe(
      'Job j: uncommitted 99%, 5s elapsed; the data is imported but not visible until the job is committed (POST /v2/vectordb/jobs/import/commit)',
    )
    // With commit: true the action commits it: no call for the user to make.
    expect(updateLine(update(job), true)).toBe(
      'Job j: uncommitted 99%, 5s elapsed; held, not visible, until every job is ready to commit',
    )
    const running = importJob('j', { state: 'importing', progress: 50, files: [] })
    expect(updateLine(update(running), true)).toBe('Job j: importing 50%, 5s elapsed')
  })

  test('retrying reasons: one line per new reason, job and file, none for an old one', () => {
    const retrying = importJob('j', {
      state: 'importing',
      retrying: 'slow disk',
      files: files(2, (i) => (i === 1 ? { retrying: 'datanode lost', progress: 20 } : {})),
    })
    expect(retryingLines(update(retrying))).toEqual([
      'Job j: retrying: slow disk',
      'Job j: folder/part-00001.parquet retrying: datanode lost',
    ])
    expect(retryingLines(update(retrying, retrying))).toEqual([])
    const other = importJob('j', {
      state: 'importing',
      files: files(2, (i) => (i === 1 ? { retrying: 'quota', progress: 20 } : {})),
    })
    expect(retryingLines(update(other, retrying))).toEqual([
      'Job j: folder/part-00001.parquet retrying: quota',
    ])
  })

  test('uncommitted verdict: the step passes, naming the jobs and the commit call', () => {
    const jobs = Array.from({ length: 7 }, (_, i) => ({
      jobId: `j${i}`,
      job: importJob(`j${i}`, { state: i === 0 ? 'completed' : 'uncommitted', progress: 99 }),
    }))
    const { level, message } = verdict(outcome('uncommitted', jobs), true, {
      product: 'Zilliz Cloud',
      host: 'api.example:443',
    })
    expect(level).toBe('success')
    expect(message).toBe(
      '7 import jobs imported after 1m 05s; not committed yet: j1, j2, j3, j4, j5 and 1 more. The data is imported but not visible until each job is committed (POST /v2/vectordb/jobs/import/commit).',
    )
  })
})

describe('annotations within GitHub limits', () => {
  const failing = (count: number) =>
    outcome('failed', [
      {
        jobId: 'j',
        job: importJob('j', {
          state: 'failed',
          files: files(count, (i) => ({ errorMessage: `bad ${i}` })),
        }),
      },
    ])

  test('up to 9 errors are annotated as they are (the verdict is the 10th)', () => {
    const annotations = failureAnnotations(failing(9))
    expect(annotations.map((a) => a.message)).toEqual(
      Array.from({ length: 9 }, (_, i) => `bad ${i}`),
    )
  })

  test('past 9, eight are annotated and the ninth says how many more the summary lists', () => {
    const annotations = failureAnnotations(failing(15))
    expect(annotations).toHaveLength(9)
    expect(annotations[7]?.message).toBe('bad 7')
    expect(annotations[8]).toEqual({
      title: 'More errors',
      message: '7 more errors are listed in the job summary ("What failed").',
    })
  })

  test('file names in titles keep their start and their own name', () => {
    const job = importJob('j', {
      state: 'failed',
      files: [{ fileName: `${'x/'.repeat(100)}own.parquet`, progress: 0, errorMessage: 'bad' }],
    })
    const [annotation] = failureAnnotations(outcome('failed', [{ jobId: 'j', job }]))
    expect(annotation?.title).toMatch(/^Job j: x\/x\/.*…\/own\.parquet$/)
    expect(annotation?.title.length).toBeLessThanOrEqual(7 + 120)
  })
})

describe('retries and persistent faults', () => {
  const retry = (attempt: number) => ({
    kind: 'retry' as const,
    jobId: 'j',
    reason: 'HTTP 503',
    attempt,
    delayMs: 2_000,
    elapsedMs: 1_000,
  })
  test('only the third retry in a row earns a warning', () => {
    expect([1, 2, 3, 4, 5].map((n) => persistentFaultWarning(retry(n)))).toEqual([
      undefined,
      undefined,
      'Job j: 3 polls in a row failed (last: HTTP 503); still retrying until the timeout.',
      undefined,
      undefined,
    ])
  })

  test('no "still retrying" warning when the server asked to come back past the timeout', () => {
    expect(persistentFaultWarning({ ...retry(3), retryAfterMs: 3_600_000 })).toBeUndefined()
  })

  test('a wait that ends while retrying says so once, unless the verdict already does', () => {
    const jobs = [
      { jobId: 'a', job: importJob('a'), lastError: 'HTTP 503' },
      { jobId: 'b', job: importJob('b'), lastError: 'HTTP 502' },
    ]
    expect(endedWhileRetrying(outcome('cancelled', jobs))).toBe(
      'Polls of job a (and 1 more jobs) were still failing when the wait ended: HTTP 503',
    )
    expect(endedWhileRetrying(outcome('timed-out', jobs))).toBeUndefined()
    expect(endedWhileRetrying(outcome('error', jobs))).toBeUndefined()
    expect(
      endedWhileRetrying(outcome('completed', [{ jobId: 'a', job: importJob('a') }])),
    ).toBeUndefined()
  })
})

describe('no job ever answered: whether the host answered decides the words', () => {
  const api = { product: 'Milvus', host: 'h:19530' }
  const failing = (jobId: string, faults: { answered: number; silent: number }, extra = {}) => ({
    jobId,
    lastError: `last of ${jobId}`,
    faults,
    ...extra,
  })

  test('only answers with errors: the product answered every poll, with what', () => {
    const v = verdict(
      outcome(
        'error',
        [
          failing('a', { answered: 3, silent: 0 }, { lastAnswer: 'HTTP 503' }),
          failing('b', { answered: 2, silent: 0 }, { lastAnswer: 'code 1807' }),
          failing('c', { answered: 1, silent: 0 }, { lastAnswer: 'HTTP 503' }),
        ],
        30_000,
      ),
      true,
      api,
    )
    expect(v.message).toBe(
      "Could not check the import: Milvus answered every poll with HTTP 503 or code 1807 for 30s (last: last of a). The API is reachable but did not serve these requests; if this lasts, check the service's status",
    )
  })

  test('with a Retry-After past the timeout: a longer timeout is what helps', () => {
    const v = verdict(
      outcome(
        'error',
        [
          failing(
            'a',
            { answered: 1, silent: 0 },
            { lastAnswer: 'HTTP 503', retryAfterMs: 60_000 },
          ),
          failing(
            'b',
            { answered: 1, silent: 0 },
            { lastAnswer: 'HTTP 503', retryAfterMs: 3_600_000 },
          ),
        ],
        8_000,
      ),
      true,
      api,
    )
    expect(v.message).toBe(
      'Could not check the import: Milvus answered every poll with HTTP 503 for 8s (last: last of a). It asked to come back after 1h 00m 00s, past the timeout: a longer "timeout" lets the action wait for that',
    )
  })

  test('at most three kinds of answer are named', () => {
    const kinds = ['HTTP 500', 'HTTP 502', 'HTTP 503', 'HTTP 504']
    const v = verdict(
      outcome(
        'error',
        kinds.map((kind, i) => failing(`j${i}`, { answered: 1, silent: 0 }, { lastAnswer: kind })),
        8_000,
      ),
      true,
      api,
    )
    expect(v.message).toMatch(/answered every poll with HTTP 500 or HTTP 502 or HTTP 503 for 8s/)
  })

  test('an answer with no short name still counts as answered', () => {
    const v = verdict(
      outcome('error', [failing('a', { answered: 1, silent: 0 })], 8_000),
      true,
      api,
    )
    expect(v.message).toMatch(
      /^Could not check the import: Milvus answered every poll with errors for 8s/,
    )
  })

  test('some polls silent, some answered: says both, with the counts', () => {
    const v = verdict(
      outcome(
        'error',
        [
          failing('a', { answered: 2, silent: 1 }),
          failing('b', { answered: 0, silent: 4 }),
          { jobId: 'c' },
        ],
        8_000,
      ),
      true,
      api,
    )
    expect(v.message).toBe(
      "Could not check the import: could not get an answer from h:19530 in 8s: 5 polls got no answer at all and 2 only errors to retry (last: last of a) (1 of 3 jobs were not polled before the timeout). The API is reachable but did not serve these requests; if this lasts, check the service's status",
    )
  })

  test('a timeout after a Retry-After past the deadline says the server asked', () => {
    const running = { jobId: 'a', job: importJob('a', { state: 'importing', progress: 50 }) }
    const v = verdict(
      outcome(
        'timed-out',
        [
          { ...running, retryAfterMs: 120_000 },
          { jobId: 'b', retryAfterMs: 3_600_000 },
        ],
        8_000,
      ),
      true,
      api,
    )
    expect(v.message).toMatch(
      /; the server asked to come back after 1h 00m 00s, past the timeout, so it was not asked again\.$/,
    )
    const plain = verdict(outcome('timed-out', [running], 8_000), true, api)
    expect(plain.message).not.toMatch(/asked to come back/)
  })
})

describe('verdicts that name the real cause', () => {
  test('a refusal: could not check, quoting it', () => {
    const v = verdict(
      outcome('error', [
        { jobId: 'a', problem: 'the API key was refused (code 80001)' },
        { jobId: 'b', problem: 'same' },
      ]),
      true,
      { product: 'Zilliz Cloud', host: 'h:443' },
    )
    expect(v).toEqual({
      level: 'failure',
      message:
        'Could not check the import: the API key was refused (code 80001) (1 more jobs could not be checked either)',
    })
  })
  test('never reached: the host and the last error, pointing at network, proxy, endpoint', () => {
    const v = verdict(
      outcome('error', [{ jobId: 'a', lastError: 'network error (ECONNREFUSED)' }], 30_000),
      true,
      { product: 'Zilliz Cloud', host: 'api.example:443' },
    )
    expect(v.message).toBe(
      'Could not check the import: never reached api.example:443 in 30s: network error (ECONNREFUSED). Check the network, the proxy (https_proxy) and the "endpoint" input; a longer "timeout" will not help',
    )
  })
  test('one refusal among answered jobs: that refusal, and no "more jobs"', () => {
    const v = verdict(
      outcome('error', [
        { jobId: 'a', job: importJob('a', { state: 'importing', progress: 10 }) },
        { jobId: 'b', problem: 'the job does not exist (code 100)' },
      ]),
      true,
      { product: 'Zilliz Cloud', host: 'h:443' },
    )
    expect(v.message).toBe('Could not check the import: the job does not exist (code 100)')
  })
  test('never reached: the last error is the first job that has one', () => {
    const v = verdict(
      outcome('error', [{ jobId: 'a' }, { jobId: 'b', lastError: 'HTTP 503' }], 30_000),
      true,
      { product: 'Zilliz Cloud', host: 'h:443' },
    )
    expect(v.message).toMatch(
      /^Could not check the import: never reached h:443 in 30s: HTTP 503 \(1 of 2 jobs were not polled before the timeout\)\. /,
    )
  })
  test('job-level errors of several jobs: "2 jobs reported errors"', () => {
    const bad = (id: string) => ({
      jobId: id,
      job: importJob(id, { state: 'failed', errorMessage: 'quota' }),
    })
    expect(
      verdict(outcome('failed', [bad('a'), bad('b')]), true, { product: 'Zilliz Cloud', host: 'h' })
        .message,
    ).toMatch(/^The import failed: 2 jobs reported errors \(/)
    expect(
      verdict(outcome('failed', [bad('a')]), true, { product: 'Zilliz Cloud', host: 'h' }).message,
    ).toMatch(/^The import failed: job a reported an error \(/)
  })
  test('exactly five uncommitted jobs are all named, with no "more"', () => {
    const jobs = Array.from({ length: 5 }, (_, i) => ({
      jobId: `j${i}`,
      job: importJob(`j${i}`, { state: 'uncommitted', progress: 99 }),
    }))
    expect(
      verdict(outcome('uncommitted', jobs), true, { product: 'Zilliz Cloud', host: 'h' }).message,
    ).toMatch(/not committed yet: j0, j1, j2, j3, j4\. The data/)
  })
  test('several failed files of several jobs are counted', () => {
    const bad = (id: string) => ({
      jobId: id,
      job: importJob(id, { state: 'failed', files: files(2, () => ({ errorMessage: 'x' })) }),
    })
    expect(
      verdict(outcome('failed', [bad('a'), bad('b')]), true, { product: 'Zilliz Cloud', host: 'h' })
        .message,
    ).toBe(
      'The import failed: 4 files of 2 jobs reported errors (annotated above, all of them listed in the job summary). Fix the data and import again.',
    )
  })
})

test('retrying lines keep the start and the own name of a long file name', () => {
  const job = importJob('j', {
    state: 'importing',
    files: [
      { fileName: `${'deep/'.repeat(50)}own.parquet`, progress: 10, retrying: 'datanode lost' },
    ],
  })
  const [line] = retryingLines({
    kind: 'update',
    jobId: 'j',
    job,
    previous: undefined,
    elapsedMs: 0,
  })
  expect(line).toMatch(/^Job j: deep\/deep\/.*…\/own\.parquet retrying: datanode lost$/)
})

describe('startLine', () => {
  const base: Settings = {
    jobIds: ['a'],
    apiKey: 'k',
    target: {
      api: 'v1',
      baseUrl: new URL('https://controller.api.x.zillizcloud.com'),
      clusterId: 'in03-1',
    },
    timeoutMs: 90_000,
    pollIntervalMs: 5_000,
    failOnTimeout: true,
    gate: { commit: false, abortOn: new Set() },
  }
  const cert = { cert: 'c', key: 'k' }
  test('what, where and how, for one job on v1', () => {
    expect(startLine(base)).toBe(
      'Waiting for 1 import job (a) on cluster in03-1 via the Zilliz Cloud v1 API at controller.api.x.zillizcloud.com: timeout 1m 30s, poll every 5s.',
    )
  })
  test('several jobs on a Milvus database, no cluster', () => {
    const milvus: Settings = {
      ...base,
      jobIds: ['a', 'b'],
      target: {
        api: 'v2',
        product: 'Milvus',
        baseUrl: new URL('http://127.0.0.1:19530'),
        dbName: 'db1',
      },
    }
    expect(startLine(milvus)).toBe(
      'Waiting for 2 import jobs (a, b) in database db1 via the Milvus v2 API at 127.0.0.1:19530: timeout 1m 30s, poll every 5s.',
    )
  })
  test('a client certificate is mentioned only where TLS offers it', () => {
    expect(startLine({ ...base, clientCert: cert })).toMatch(
      /poll every 5s, with a client certificate\.$/,
    )
    const plain: Settings = {
      ...base,
      clientCert: cert,
      target: { api: 'v1', baseUrl: new URL('http://127.0.0.1:8080'), clusterId: 'in03-1' },
    }
    expect(startLine(plain)).toMatch(/poll every 5s\.$/)
  })
})
