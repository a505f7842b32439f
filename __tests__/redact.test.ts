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
  test('an empty secret changes nothing', () => {
    expect(createRedactor('')('text')).toBe('text')
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
