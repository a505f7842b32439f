import {
  type JobEntry,
  boundedJobs,
  TEXT_LIMITS,
  outputValues,
  stoppedOutputValues,
} from '../src/report/outputs.js'
import { files, importJob, outcome } from './helpers/outcomes.js'

describe('outputValues', () => {
  test('a completed run', () => {
    const { values } = outputValues(
      outcome(
        'completed',
        [
          {
            jobId: 'a',
            job: importJob('a', { fileSize: 3_000, completeTime: '2023-10-28T06:51:49Z' }),
          },
          {
            jobId: 'b',
            job: importJob('b', {
              fileSize: 1_000,
              collectionName: 'other',
              completeTime: '2023-10-28T07:00:00Z',
            }),
          },
          {
            jobId: 'c',
            job: importJob('c', { fileSize: 1_000, completeTime: '2023-10-28T06:59:59.500Z' }),
          },
        ],
        65_900,
      ),
    )
    expect(values.state).toBe('completed')
    expect(values.progress).toBe('100')
    expect(values['collection-name']).toBe('medium_articles,other')
    expect(values['complete-time']).toBe('2023-10-28T07:00:00Z')
    expect(values['error-message']).toBe('')
    expect(values['elapsed-seconds']).toBe('65')
  })

  test('collection-name lists the names known, skipping jobs that never answered', () => {
    const { values } = outputValues(
      outcome('timed-out', [
        { jobId: 'a', lastError: 'HTTP 503' },
        { jobId: 'b', job: importJob('b', { collectionName: 'c' }) },
        { jobId: 'c', job: importJob('c', { collectionName: 'c' }) },
      ]),
    )
    expect(values['collection-name']).toBe('c')
  })

  test('progress is weighted by size; complete-time is empty unless all completed', () => {
    const { values } = outputValues(
      outcome('timed-out', [
        { jobId: 'a', job: importJob('a', { fileSize: 3_000 }) },
        {
          jobId: 'b',
          job: importJob('b', {
            fileSize: 1_000,
            state: 'importing',
            progress: 50,
            completeTime: undefined,
          }),
        },
      ]),
    )
    expect(values.progress).toBe('87.5')
    expect(values['complete-time']).toBe('')
  })

  test('error-message is the first error, job-level or file-level or API', () => {
    const failed = importJob('b', {
      state: 'failed',
      files: files(2, (i) => (i === 1 ? { errorMessage: 'file broke' } : {})),
    })
    expect(
      outputValues(
        outcome('failed', [
          { jobId: 'a', job: importJob('a') },
          { jobId: 'b', job: failed },
        ]),
      ).values['error-message'],
    ).toBe('file broke')
    expect(
      outputValues(outcome('failed', [{ jobId: 'a', problem: 'code 80001' }])).values[
        'error-message'
      ],
    ).toBe('code 80001')
  })

  test('jobs is a JSON array with every documented field, nulls for unknowns', () => {
    const { values } = outputValues(
      outcome('timed-out', [
        { jobId: 'a', job: importJob('a') },
        { jobId: 'b', lastError: 'ECONNRESET' },
      ]),
    )
    const jobs = JSON.parse(values.jobs) as JobEntry[]
    expect(jobs[0]).toEqual({
      jobId: 'a',
      state: 'completed',
      progress: 100,
      collectionName: 'medium_articles',
      completeTime: '2023-10-28T06:51:49Z',
      errorMessage: null,
      errorKind: null,
      fileSize: 19_599_887,
      importedRows: null,
      totalRows: null,
      details: [
        {
          fileName: 'folder/part-00000.parquet',
          fileSize: 19_599_887,
          progress: 100,
          completeTime: '2023-10-28T06:51:49Z',
          errorMessage: null,
          errorKind: null,
          importedRows: null,
          totalRows: null,
        },
      ],
    })
    expect(jobs[1]).toMatchObject({ jobId: 'b', state: 'unknown', progress: 0, details: [] })
  })
})

describe('errorKind: the family of each error, for later steps', () => {
  const SCHEMA = "value of field 'book_id' is missed: importing data failed"
  const MISSING_FILE =
    "failed to get file size of 'a/1.parquet', error:NoSuchKey(key=a/1.parquet): importing data failed"

  test("a file's error names its family, and the job's is that of its first error", () => {
    const { values } = outputValues(
      outcome('failed', [
        {
          jobId: 'a',
          job: importJob('a', {
            state: 'failed',
            files: files(3, (i) =>
              i === 0 ? {} : { errorMessage: i === 1 ? MISSING_FILE : SCHEMA, progress: 0 },
            ),
          }),
        },
      ]),
    )
    const [job] = JSON.parse(values.jobs) as JobEntry[]
    expect(job?.errorKind).toBe('file-not-found')
    expect(job?.details.map((d) => d.errorKind)).toEqual([
      null,
      'file-not-found',
      'schema-mismatch',
    ])
  })

  test("the job's own error comes first; a text of no family is null", () => {
    const { values } = outputValues(
      outcome('failed', [
        {
          jobId: 'a',
          job: importJob('a', {
            state: 'failed',
            errorMessage: 'import timeout',
            files: files(1, () => ({ errorMessage: SCHEMA, progress: 0 })),
          }),
        },
        { jobId: 'b', job: importJob('b', { state: 'failed', errorMessage: SCHEMA, files: [] }) },
      ]),
    )
    const jobs = JSON.parse(values.jobs) as JobEntry[]
    expect(jobs.map((j) => j.errorKind)).toEqual([null, 'schema-mismatch'])
    expect(jobs[0]?.details[0]?.errorKind).toBe('schema-mismatch')
  })

  test('a job that could not be checked gets the family of its refusal', () => {
    const { values } = outputValues(
      outcome('error', [
        {
          jobId: 'a',
          problem:
            'The API refused the request: code 2100, "import job does not exist, jobID=4543: importing data failed"',
        },
        { jobId: 'b', lastError: 'ECONNRESET' },
      ]),
    )
    const jobs = JSON.parse(values.jobs) as JobEntry[]
    expect(jobs.map((j) => j.errorKind)).toEqual(['job-gone', null])
  })

  test('the family is read from the whole text, before it is clipped for the output', () => {
    const long = `${'x'.repeat(TEXT_LIMITS.errorMessage + 10)} database not found[database=a]`
    const { values } = outputValues(
      outcome('failed', [
        { jobId: 'a', job: importJob('a', { state: 'failed', errorMessage: long, files: [] }) },
      ]),
    )
    const [job] = JSON.parse(values.jobs) as JobEntry[]
    expect(job?.errorMessage).not.toContain('database not found')
    expect(job?.errorKind).toBe('access')
  })
})

describe('boundedJobs', () => {
  test('the whole array is kept when it fits to the byte, and cut one byte under', () => {
    const statuses = ['a', 'b', 'c'].map((jobId) => ({
      jobId,
      job: importJob(jobId, { files: files(3) }),
    }))
    const whole = boundedJobs(statuses, 1_000_000).json
    const size = Buffer.byteLength(whole)
    expect(boundedJobs(statuses, size)).toEqual({ json: whole, jobsOmitted: 0, detailsOmitted: 0 })
    const under = boundedJobs(statuses, size - 1)
    expect(under.detailsOmitted + under.jobsOmitted).toBeGreaterThan(0)
    expect(Buffer.byteLength(under.json)).toBeLessThanOrEqual(size - 1)
  })

  test('cuts file details to the bound, keeping error files, and says how many were cut', () => {
    const many = files(5_000, (i) =>
      i === 4_999 ? { errorMessage: 'the reason', progress: 3 } : {},
    )
    const { json, detailsOmitted, jobsOmitted } = boundedJobs(
      [{ jobId: 'a', job: importJob('a', { files: many }) }],
      50_000,
    )
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(50_000)
    const [entry] = JSON.parse(json) as JobEntry[]
    expect(entry?.details.some((d) => d.errorMessage === 'the reason')).toBe(true)
    // Kept in the files' own order: the error file, last of them, comes last.
    expect(entry?.details.at(-1)?.errorMessage).toBe('the reason')
    const names = entry?.details.map((d) => d.fileName) ?? []
    expect(names.slice(0, -1)).toEqual(
      [...names.slice(0, -1)].sort((x, y) => x.localeCompare(y, 'en', { numeric: true })),
    )
    expect(entry?.detailsOmitted).toBe(5_000 - (entry?.details.length ?? 0))
    expect(detailsOmitted).toBe(entry?.detailsOmitted)
    expect(jobsOmitted).toBe(0)
  })

  test('a list exactly at the bound is kept whole; one byte less and details go', () => {
    const statuses = [{ jobId: 'a', job: importJob('a', { files: files(20) }) }]
    const whole = boundedJobs(statuses)
    const size = Buffer.byteLength(whole.json)
    expect(boundedJobs(statuses, size)).toEqual({
      json: whole.json,
      jobsOmitted: 0,
      detailsOmitted: 0,
    })
    const cut = boundedJobs(statuses, size - 1)
    expect(Buffer.byteLength(cut.json)).toBeLessThanOrEqual(size - 1)
    expect(cut.jobsOmitted).toBe(0)
    expect(cut.detailsOmitted).toBeGreaterThan(0)
    const [entry] = JSON.parse(cut.json) as JobEntry[]
    expect(entry?.details.length).toBe(20 - cut.detailsOmitted)
  })

  test('jobs share the room for details evenly, and room a small job leaves goes to the next', () => {
    const big = (id: string) => ({ jobId: id, job: importJob(id, { files: files(1_000) }) })
    const even = JSON.parse(boundedJobs([big('a'), big('b')], 40_000).json) as JobEntry[]
    const [a, b] = even.map((entry) => entry.details.length)
    expect(a).toBeGreaterThan(50)
    expect(Math.abs((a ?? 0) - (b ?? 0))).toBeLessThanOrEqual(1)
    const small = { jobId: 's', job: importJob('s', { files: files(2) }) }
    const [first, second] = JSON.parse(boundedJobs([small, big('b')], 40_000).json) as JobEntry[]
    expect(first?.details).toHaveLength(2)
    expect(second?.details.length).toBeGreaterThan((a ?? 0) + 50)
  })

  test('200 jobs of 1,000 files stay bounded and every job is listed', () => {
    const statuses = Array.from({ length: 200 }, (_, i) => ({
      jobId: `job-${i}`,
      job: importJob(`job-${i}`, { files: files(1_000) }),
    }))
    const { json, jobsOmitted } = boundedJobs(statuses)
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(100_000)
    expect((JSON.parse(json) as JobEntry[]).map((j) => j.jobId)).toEqual(
      statuses.map((s) => s.jobId),
    )
    expect(jobsOmitted).toBe(0)
  })

  test('drops whole jobs only when even their headers overflow', () => {
    const statuses = Array.from({ length: 100 }, (_, i) => ({
      jobId: `job-${i}`,
      job: importJob(`job-${i}`),
    }))
    const { json, jobsOmitted, detailsOmitted } = boundedJobs(statuses, 5_000)
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(5_000)
    const kept = JSON.parse(json) as JobEntry[]
    expect(jobsOmitted).toBe(100 - kept.length)
    expect(jobsOmitted).toBeGreaterThan(0)
    // Every file of a dropped job counts as omitted, as do those cut from kept jobs.
    expect(detailsOmitted).toBe(100 - kept.reduce((sum, entry) => sum + entry.details.length, 0))
    // The headers kept fit (each reserving room for all its files' count); one more would not.
    const full = JSON.parse(boundedJobs(statuses, 10_000_000).json) as JobEntry[]
    const headers = full.map((entry) => ({
      ...entry,
      details: [],
      detailsOmitted: entry.details.length,
    }))
    const bytes = (n: number) => Buffer.byteLength(JSON.stringify(headers.slice(0, n)))
    expect(bytes(kept.length)).toBeLessThanOrEqual(5_000)
    expect(bytes(kept.length + 1)).toBeGreaterThan(5_000)
  })

  test('headers that fit exactly are kept, and room the dropped jobs would have used goes to the kept', () => {
    const small = { jobId: 'a', job: importJob('a', { files: files(1) }) }
    const huge = {
      jobId: 'b',
      job: importJob('b', { state: 'failed', errorMessage: 'e'.repeat(1_500), files: [] }),
    }
    const [entryA] = JSON.parse(boundedJobs([small], 10_000_000).json) as JobEntry[]
    const headerA = JSON.stringify([{ ...entryA, details: [], detailsOmitted: 1 }])
    const exact = boundedJobs([small, huge], Buffer.byteLength(headerA))
    expect(exact.jobsOmitted).toBe(1)
    expect(JSON.parse(exact.json)).toEqual([{ ...entryA, details: [], detailsOmitted: 1 }])
    // With room for A's one file as well, A shows it although B was dropped.
    const roomy = boundedJobs([small, huge], Buffer.byteLength(JSON.stringify([entryA])) + 40)
    expect(roomy).toMatchObject({ jobsOmitted: 1, detailsOmitted: 0 })
    expect(JSON.parse(roomy.json)).toEqual([entryA])
  })

  test('room a job without files does not use goes to the next job, to the byte', () => {
    const empty = { jobId: 'a', job: importJob('a', { files: [] }) }
    const one = { jobId: 'b', job: importJob('b', { files: files(1) }) }
    const dropped = {
      jobId: 'c',
      job: importJob('c', { state: 'failed', errorMessage: 'e'.repeat(1_500), files: [] }),
    }
    const whole = JSON.parse(boundedJobs([empty, one], 10_000_000).json) as JobEntry[]
    const [, entryB] = whole
    // Each header reserves room for its detailsOmitted; B's one file costs its JSON and a comma.
    const bare = whole.map((entry) => ({
      ...entry,
      details: [],
      detailsOmitted: entry.details.length,
    }))
    const exact =
      Buffer.byteLength(JSON.stringify(bare)) +
      Buffer.byteLength(JSON.stringify(entryB?.details[0])) +
      1
    const fits = boundedJobs([empty, one, dropped], exact)
    expect(fits).toMatchObject({ jobsOmitted: 1, detailsOmitted: 0 })
    const short = boundedJobs([empty, one, dropped], exact - 1)
    expect(short).toMatchObject({ jobsOmitted: 1, detailsOmitted: 1 })
  })

  test('a bound too small for any job: an empty list, every job and file counted as omitted', () => {
    const statuses = [{ jobId: 'a', job: importJob('a', { files: files(3) }) }]
    expect(boundedJobs(statuses, 1)).toEqual({ json: '[]', jobsOmitted: 1, detailsOmitted: 3 })
  })

  test('a job whose files all fit carries no detailsOmitted', () => {
    const small = { jobId: 's', job: importJob('s', { files: files(2) }) }
    const big = { jobId: 'b', job: importJob('b', { files: files(1_000) }) }
    const [first, second] = JSON.parse(boundedJobs([small, big], 40_000).json) as JobEntry[]
    expect(first).not.toHaveProperty('detailsOmitted')
    expect(second?.detailsOmitted).toBeGreaterThan(0)
  })
})

test('complete-time: of equal instants, the first spelling given is kept', () => {
  const values = outputValues(
    outcome('completed', [
      { jobId: 'a', job: importJob('a', { completeTime: '2023-10-28T06:51:49Z' }) },
      { jobId: 'b', job: importJob('b', { completeTime: '2023-10-28T06:51:49.000Z' }) },
      { jobId: 'c', job: importJob('c', { completeTime: '2023-10-28T06:51:48Z' }) },
    ]),
  )
  expect(values.values['complete-time']).toBe('2023-10-28T06:51:49Z')
})

describe('bounded texts', () => {
  test('long texts are cut where they stand, saying so; the job stays', () => {
    const job = importJob('j', {
      state: 'failed',
      collectionName: 'c'.repeat(300),
      errorMessage: 'E'.repeat(150_000),
      progress: 55,
      progressLastSeen: true,
      files: files(1, () => ({ fileName: 'f'.repeat(1_500), errorMessage: 'e'.repeat(3_000) })),
    })
    const { values } = outputValues(outcome('failed', [{ jobId: 'j', job }]))
    // Each value is at most its limit in all, the note included.
    expect(values['error-message']).toBe(`${'E'.repeat(1_969)}… [148,031 more characters cut]`)
    expect(values['error-message']).toHaveLength(2_000)
    expect(values['collection-name']).toBe(`${'c'.repeat(230)}… [70 more characters cut]`)
    expect(values['collection-name']).toHaveLength(256)
    const [entry] = JSON.parse(values.jobs) as JobEntry[]
    expect(entry?.progressLastSeen).toBe(true)
    expect(entry?.collectionName).toBe(`${'c'.repeat(230)}… [70 more characters cut]`)
    expect(entry?.details[0]?.fileName).toBe(`${'f'.repeat(973)}… [527 more characters cut]`)
    expect(entry?.details[0]?.errorMessage).toBe(
      `${'e'.repeat(1_971)}… [1,029 more characters cut]`,
    )
  })

  test('many collections: the joined list is cut too', () => {
    const jobs = Array.from({ length: 100 }, (_, i) => ({
      jobId: `j${i}`,
      job: importJob(`j${i}`, { collectionName: `collection_${String(i).padStart(40, '0')}` }),
    }))
    const { values } = outputValues(outcome('completed', jobs))
    expect(values['collection-name']).toMatch(
      /^collection_0+,collection_.*… \[[\d,]+ more characters cut\]$/,
    )
    expect(values['collection-name']).toHaveLength(4_000)
  })

  test('progressLastSeen is absent unless true', () => {
    const { values } = outputValues(outcome('completed', [{ jobId: 'j', job: importJob('j') }]))
    expect((JSON.parse(values.jobs) as JobEntry[])[0]).not.toHaveProperty('progressLastSeen')
  })
})

describe('error-message names the failure whenever the step fails for it', () => {
  test('the API never answered (state error): the last fault, from the first job that has one', () => {
    const { values } = outputValues(
      outcome('error', [{ jobId: 'a' }, { jobId: 'b', lastError: 'network error (ECONNREFUSED)' }]),
    )
    expect(values['error-message']).toBe('network error (ECONNREFUSED)')
  })
  test('a refusal comes before any fault', () => {
    const { values } = outputValues(
      outcome('error', [
        { jobId: 'a', lastError: 'HTTP 503' },
        { jobId: 'b', problem: 'bad key' },
      ]),
    )
    expect(values['error-message']).toBe('bad key')
  })
  test('a timeout while polls were failing leaves it empty: the import may still be fine', () => {
    const { values } = outputValues(outcome('timed-out', [{ jobId: 'a', lastError: 'HTTP 503' }]))
    expect(values['error-message']).toBe('')
  })
})

describe('stoppedOutputValues: every output when the action stops before waiting', () => {
  test('state error, the message, and the rest as for no jobs', () => {
    expect(stoppedOutputValues('Input "job-id" is empty')).toEqual({
      state: 'error',
      progress: '0',
      'collection-name': '',
      'complete-time': '',
      'error-message': 'Input "job-id" is empty',
      'elapsed-seconds': '0',
      jobs: '[]',
    })
  })
  test('the message is bounded like any error-message', () => {
    expect(stoppedOutputValues('x'.repeat(5_000))['error-message']).toHaveLength(2_000)
  })
})
