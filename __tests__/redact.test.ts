import { REDACTED, createRedactor, redactDeep } from '../src/redact.js'

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
  test('a spelling that contains another is replaced whole', () => {
    // "50%" URL-encoded is "50%25", which contains "50%".
    const redact = createRedactor('key50%')
    expect(redact('url: /x?k=key50%25&y=1')).toBe(`url: /x?k=${REDACTED}&y=1`)
    expect(redact('raw: key50%')).toBe(`raw: ${REDACTED}`)
  })
  test('an empty secret redacts nothing, and control characters still go', () => {
    expect(createRedactor('')('text \x1b[31mred\x1b[0m')).toBe('text red')
  })
  test('terminal escapes and control characters go, and cannot hide the secret', () => {
    const redact = createRedactor('abcd1234')
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
})
