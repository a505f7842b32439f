/**
 * The field readers every dialect uses: what they accept, what they refuse,
 * and that a refusal names the field. The dialect suites show them on whole
 * answers; here each rule is pinned at its edge.
 */
import {
  isRecord,
  jsonDepthExceeds,
  readCode,
  readCount,
  readDetails,
  readExact,
  readInRange,
  readNumber,
  readString,
  readText,
  withOptional,
} from '../../src/api/read.js'
import { PermanentError } from '../../src/errors.js'

const fail = (expected: string): PermanentError => new PermanentError(`expected ${expected}`)

describe('isRecord', () => {
  test.each([
    [{}, true],
    [{ a: 1 }, true],
    [null, false],
    [[], false],
    ['{}', false],
    [undefined, false],
  ])('%j: %s', (value, expected) => {
    expect(isRecord(value)).toBe(expected)
  })
})

describe('jsonDepthExceeds', () => {
  test('counts nesting of objects and arrays, up to the limit inclusive', () => {
    expect(jsonDepthExceeds('[[]]', 2)).toBe(false)
    expect(jsonDepthExceeds('[[[]]]', 2)).toBe(true)
    expect(jsonDepthExceeds('{"a":{"b":{}}}', 2)).toBe(true)
    expect(jsonDepthExceeds('{"a":[{}]}', 3)).toBe(false)
    expect(jsonDepthExceeds('[', 0)).toBe(true)
  })

  test('closing brackets lower the depth again: siblings do not add up', () => {
    expect(jsonDepthExceeds('[[],[],[],[]]', 2)).toBe(false)
    expect(jsonDepthExceeds('{"a":{},"b":{},"c":{}}', 2)).toBe(false)
    expect(jsonDepthExceeds('[{"a":[]},{"b":[]},{"c":[]}]', 3)).toBe(false)
  })

  test('brackets inside strings are text, not nesting', () => {
    expect(jsonDepthExceeds('{"a":"[[[[{{{{"}', 1)).toBe(false)
    expect(jsonDepthExceeds('["]]]]", [[]]]', 3)).toBe(false)
    expect(jsonDepthExceeds('["]]]]", [[[]]]]', 3)).toBe(true)
  })

  test('an escaped quote does not end the string; an escaped backslash does not escape the quote', () => {
    expect(jsonDepthExceeds('["\\"[[[["]', 1)).toBe(false)
    expect(jsonDepthExceeds('["\\\\", [[]]]', 2)).toBe(true)
    expect(jsonDepthExceeds('["\\\\", []]', 2)).toBe(false)
  })
})

describe('readText', () => {
  test.each([
    [null, undefined],
    [undefined, undefined],
    ['', undefined],
    ['  \n ', undefined],
    ['  disk full  ', 'disk full'],
    [42, '42'],
    [{ code: 5 }, '{"code":5}'],
    [false, 'false'],
  ])('%j: %j', (value, expected) => {
    expect(readText(value)).toBe(expected)
  })
})

describe('readExact', () => {
  test('text as sent, blanks and controls kept; only "", null and absent are none', () => {
    expect(readExact(' Completed\n', 'state', fail)).toBe(' Completed\n')
    expect(readExact(' ', 'reason', fail)).toBe(' ')
    expect(readExact('\u001b[31m', 'reason', fail)).toBe('\u001b[31m')
    expect(readExact('', 'reason', fail)).toBeUndefined()
    expect(readExact(null, 'reason', fail)).toBeUndefined()
    expect(readExact(undefined, 'reason', fail)).toBeUndefined()
  })

  test('anything else is a shape error naming the field', () => {
    expect(() => readExact(0, 'state', fail)).toThrow('expected "state" to be text or null')
  })
})

describe('readString', () => {
  test('text is trimmed; blank, null and absent are none', () => {
    expect(readString('  a.parquet ', 'fileName', fail)).toBe('a.parquet')
    expect(readString('   ', 'fileName', fail)).toBeUndefined()
    expect(readString(null, 'fileName', fail)).toBeUndefined()
    expect(readString(undefined, 'fileName', fail)).toBeUndefined()
  })

  test('anything else is a shape error naming the field', () => {
    expect(() => readString(3, 'fileName', fail)).toThrow('expected "fileName" to be text or null')
  })
})

describe('readNumber', () => {
  test.each([
    [0.5, 0.5],
    ['7', 7],
    [' 7 ', 7],
    ['+7', 7],
    ['-7', -7],
    ['7.', 7],
    ['7.25', 7.25],
    ['.5', 0.5],
    ['.25', 0.25],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1e+3', 1000],
    ['1e-3', 0.001],
    ['1e12', 1e12],
  ])('%j reads as %d', (value, expected) => {
    expect(readNumber(value, 'progress', fail)).toBe(expected)
  })

  test('null and absent are none', () => {
    expect(readNumber(null, 'progress', fail)).toBeUndefined()
    expect(readNumber(undefined, 'progress', fail)).toBeUndefined()
  })

  test.each([
    ['0x10'],
    ['0b1'],
    ['Infinity'],
    ['1e'],
    ['.'],
    [''],
    ['1,5'],
    ['--1'],
    [Infinity],
    [Number.NaN],
    [true],
    [{}],
  ])('%j is a shape error naming the field and what was expected', (value) => {
    expect(() => readNumber(value, 'progress', fail, 'a percentage')).toThrow(
      'expected "progress" to be a percentage',
    )
  })
})

describe('readInRange', () => {
  const read = (value: unknown) => readInRange(value, 'readyPercentage', fail, 0, 1)

  test('float noise just outside the range is pulled in; the range is inclusive', () => {
    expect(read(0)).toBe(0)
    expect(read(1)).toBe(1)
    expect(read(-1e-9)).toBe(0)
    expect(read(1 + 1e-9)).toBe(1)
    expect(read(null)).toBeUndefined()
  })

  test('the slack is a billionth of the range, not of its ends', () => {
    const inTens = (value: number) => readInRange(value, 'x', fail, 10, 20)
    expect(inTens(20 + 1e-8)).toBe(20)
    expect(() => inTens(20 + 2e-8)).toThrow('expected "x" to be a number from 10 to 20')
  })

  test('anything further out is a shape error, never clamped', () => {
    expect(() => read(-1e-6)).toThrow('expected "readyPercentage" to be a number from 0 to 1')
    expect(() => read(1.000001)).toThrow('expected "readyPercentage" to be a number from 0 to 1')
    expect(() => read(50)).toThrow(PermanentError)
  })
})

describe('readCount', () => {
  test.each([
    [0, 0],
    [12, 12],
    ['12', 12],
    [' 12 ', 12],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    [null, undefined],
    [undefined, undefined],
  ])('%j reads as %j', (value, expected) => {
    expect(readCount(value, 'importedRows', fail)).toBe(expected)
  })

  test.each([[-1], ['-1'], [1.5], ['1.5'], ['1e3'], ['0x10'], ['12abc'], [2 ** 53], ['']])(
    '%j is a shape error: whole numbers only',
    (value) => {
      expect(() => readCount(value, 'importedRows', fail)).toThrow(
        `expected "importedRows" to be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`,
      )
    },
  )
})

describe('readCode', () => {
  test.each([
    [0, 0],
    [200, 200],
    ['200', 200],
    [' 80001 ', 80001],
    ['-1', -1],
    ['5', 5],
    [1.5, undefined],
    ['2e2', undefined],
    ['0x10', undefined],
    ['1234567890123456', undefined],
    ['abc', undefined],
    [null, undefined],
  ])('%j: %j', (value, expected) => {
    expect(readCode(value)).toBe(expected)
  })
})

describe('readDetails', () => {
  test('absent or null is no files; an array of objects is kept as is', () => {
    expect(readDetails(undefined, fail)).toEqual([])
    expect(readDetails(null, fail)).toEqual([])
    expect(readDetails([{ fileName: 'a' }], fail)).toEqual([{ fileName: 'a' }])
  })

  test('anything else names what was expected, down to the entry', () => {
    expect(() => readDetails({}, fail)).toThrow('expected "details" to be an array')
    expect(() => readDetails([{}, 'x'], fail)).toThrow('expected "details[1]" to be an object')
  })
})

describe('withOptional', () => {
  test('sets the fields that have a value; absent ones stay absent', () => {
    interface Entry {
      id: string
      note?: string
      rows?: number
    }
    const job = withOptional<Entry>({ id: 'j' }, { note: 'n', rows: undefined })
    expect(job).toEqual({ id: 'j', note: 'n' })
    expect(Object.keys(job)).toEqual(['id', 'note'])
  })
})
