import {
  MIN_SECRET_LENGTH,
  REDACTED,
  createGuard,
  createRedactor,
  redactDeep,
} from '../src/redact.js'

describe('createRedactor', () => {
  test('removes every occurrence of the secret', () => {
    const redact = createRedactor('s3cr3t-key')
    expect(redact('Bearer s3cr3t-key and s3cr3t-key')).toBe(`Bearer ${REDACTED} and ${REDACTED}`)
  })
  test('removes the URL-encoded, JSON-escaped and HTML-escaped spellings too', () => {
    const secret = 'root:pa/ss"w<rd>_1'
    const redact = createRedactor(secret)
    const spellings = [
      secret,
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
      'root:pa/ss&quot;w&lt;rd&gt;&#95;1',
    ]
    for (const spelling of spellings) expect(redact(`x ${spelling} y`)).toBe(`x ${REDACTED} y`)
  })
  test('a spelling that contains another is replaced whole, for a key of any length', () => {
    const redact = createRedactor('longkey50%')
    expect(redact('url: /x?k=longkey50%25&y=1 raw: longkey50%')).toBe(
      `url: /x?k=${REDACTED}&y=1 raw: ${REDACTED}`,
    )
  })
  test('a spelling that contains another is replaced whole', () => {
    // "50%" URL-encoded is "50%25", which contains "50%".
    const redact = createRedactor('key50%')
    expect(redact('url: /x?k=key50%25&y=1')).toBe(`url: /x?k=${REDACTED}&y=1`)
    expect(redact('raw: key50%')).toBe(`raw: ${REDACTED}`)
  })
  test('an empty secret redacts nothing, control characters included (they go where text is shown)', () => {
    expect(createRedactor('')('text \x1b[31mred\x1b[0m')).toBe('text \x1b[31mred\x1b[0m')
  })
  test('control characters stay unless they hide the secret; then the text is stripped and redacted', () => {
    const redact = createRedactor('abcd1234')
    expect(redact('key abcd1234 \x1b[0m\ttab')).toBe(`key ${REDACTED} \x1b[0m\ttab`)
    expect(redact('key abcd\x1b[0m1234 and ab\x00cd1234\ttab')).toBe(
      `key ${REDACTED} and ${REDACTED}\ttab`,
    )
  })
  test('a secret that itself holds a control character is still found', () => {
    const redact = createRedactor('ab\x07cd')
    expect(redact('x ab\x07cd y')).toBe(`x ${REDACTED} y`)
  })
})

describe('redactDeep', () => {
  test('redacts strings at any depth, keys included, and keeps other values', () => {
    const redact = createRedactor('KEY123')
    expect(redactDeep({ a: ['x KEY123', 1, null, { KEY123: true }] }, redact)).toEqual({
      a: [`x ${REDACTED}`, 1, null, { [REDACTED]: true }],
    })
  })

  test('copy on write: what holds no key is returned as it is; the rest is copied, never changed', () => {
    const redact = createRedactor('KEY123')
    const clean = { jobs: [{ files: [{ fileName: 'a', progress: 1 }] }], n: 2 }
    expect(redactDeep(clean, redact)).toBe(clean)
    const dirty = { left: { files: ['a'] }, right: ['ok', { reason: 'x KEY123' }] }
    const frozen = structuredClone(dirty)
    const done = redactDeep(dirty, redact) as typeof dirty
    expect(dirty).toEqual(frozen)
    expect(done).not.toBe(dirty)
    // The untouched branch is shared; the changed one is new down to the change.
    expect(done.left).toBe(dirty.left)
    expect(done.right).not.toBe(dirty.right)
    expect(done.right[0]).toBe('ok')
    expect(done.right[1]).toEqual({ reason: `x ${REDACTED}` })
    // A key name alone makes a copy, unless names are left alone.
    const named = { KEY123: 1 }
    expect(redactDeep(named, redact)).toEqual({ [REDACTED]: 1 })
    expect(redactDeep(named, redact, false)).toBe(named)
  })
})

describe('spellings a server may use', () => {
  const KEY = 'zk/a&b<c>d"e\\f-01'
  const redact = createRedactor(KEY)
  test.each([
    ['Go escapes & < >', 'zk/a\\u0026b\\u003cc\\u003ed\\"e\\\\f-01'],
    ['Go escapes in upper-case hex', 'zk/a\\u0026b\\u003Cc\\u003Ed\\"e\\\\f-01'],
    ['"/" escaped too', 'zk\\/a\\u0026b\\u003cc\\u003ed\\"e\\\\f-01'],
    ['plain JSON with "/" escaped', 'zk\\/a&b<c>d\\"e\\\\f-01'],
    ['URL-encoded', encodeURIComponent(KEY)],
    ['HTML-escaped', 'zk/a&amp;b&lt;c&gt;d&quot;e&#92;f-01'],
  ])('%s', (_name, spelling) => {
    expect(redact(`x ${spelling} y`)).toBe(`x ${REDACTED} y`)
  })
})

describe('short keys: placeholders, masked only as a word of server text', () => {
  test(`below ${MIN_SECRET_LENGTH} characters a key is masked only where it stands alone`, () => {
    const redact = createRedactor('e')
    expect(redact('user e denied: code 10e, job-e, file_e.parquet, é e')).toBe(
      'user *** denied: code 10e, job-e, file_e.parquet, é ***',
    )
    expect(createRedactor('0')('progress 0 of 10, "0", 0.5')).toBe('progress *** of 10, "***", 0.5')
    expect(createRedactor('a:b')('Bearer a:b, xa:b')).toBe('Bearer ***, xa:b')
    // Times keep their digits: ":" and "+" are part of a word.
    expect(createRedactor('17')('at 2024-04-01T06:17:55Z, 17 rows')).toBe(
      'at 2024-04-01T06:17:55Z, *** rows',
    )
    expect(createRedactor('08')('2024-04-01T14:17:55+08:00 /08/')).toBe(
      '2024-04-01T14:17:55+08:00 /08/',
    )
  })
  test(`at ${MIN_SECRET_LENGTH} characters a key is masked wherever it stands`, () => {
    expect(createRedactor('k'.repeat(MIN_SECRET_LENGTH))(`x${'k'.repeat(8)}y`)).toBe('x***y')
    expect(createRedactor('k'.repeat(MIN_SECRET_LENGTH - 1))(`x${'k'.repeat(7)}y`)).toBe(
      `x${'k'.repeat(7)}y`,
    )
  })
  test("the guard leaves a short key to the sources: the action's own words and numbers stay", () => {
    expect(createGuard('e')('completed 100%, job-e')).toBe('completed 100%, job-e')
    expect(createGuard('0')('progress 0')).toBe('progress 0')
    expect(createGuard('12345678')('x 12345678')).toBe(`x ${REDACTED}`)
  })
})
