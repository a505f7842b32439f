import { clip, clipMiddle, clipNoted, printable, stripControls, thousands } from '../src/text.js'

describe('stripControls', () => {
  test.each([
    ['ANSI colours', '\u001b[31mred\u001b[0m text', 'red text'],
    ['a cursor move', 'a\u001b[2Kb', 'ab'],
    ['an OSC title ended by BEL', '\u001b]0;owned\u0007after', 'after'],
    ['an OSC title ended by ST', '\u001b]0;owned\u001b\\after', 'after'],
    ['a lone ESC pair', 'a\u001bcb', 'ab'],
    ['a lone ESC at the end', 'ab\u001b', 'ab'],
    ['an OSC title cut off', 'a\u001b]0;owned title', 'a'],
    ['NUL, BEL, backspace, CR, DEL, C1', 'a\u0000\u0007\b\r\u007f\u0085b', 'ab'],
    ['direction overrides', 'file\u202etxt.exe\u2066', 'filetxt.exe'],
  ])('removes %s', (_name, text, expected) => {
    expect(stripControls(text)).toBe(expected)
  })
  test('keeps tabs, line breaks and ordinary text, unicode included', () => {
    expect(stripControls('a\tb\nc → ✅ 中文')).toBe('a\tb\nc → ✅ 中文')
  })
})

describe('clipNoted', () => {
  test('keeps short text, and says how much went from long text, within the limit', () => {
    expect(clipNoted('abc', 3)).toBe('abc')
    const cut = clipNoted('x'.repeat(1_234_567), 100)
    expect(cut).toBe(`${'x'.repeat(67)}… [1,234,500 more characters cut]`)
    expect(cut).toHaveLength(100)
    // Keeping less for the note makes its count longer (975 cut, then 1,002): it settles at 1,004.
    expect(clipNoted('x'.repeat(1_005), 30)).toBe('x… [1,004 more characters cut]')
    expect(clipNoted('x'.repeat(120), 100)).toBe(`${'x'.repeat(74)}… [46 more characters cut]`)
  })
  test('a limit too small for the note cuts with an ellipsis alone', () => {
    expect(clipNoted('abcdef', 3)).toBe('ab…')
    expect(clipNoted('x'.repeat(40), 26)).toBe(`${'x'.repeat(25)}…`)
    expect(clipNoted('x'.repeat(40), 27)).toBe('x… [39 more characters cut]')
  })
  test('is one printable line: line breaks flattened, controls stripped', () => {
    expect(clipNoted('a\r\n::error::x\u0007', 100)).toBe('a ::error::x')
    expect(clipNoted('\u001b[31m', 100)).toBe('(5 unprintable characters)')
    // Blanks alone are nothing to read either; one character is one.
    expect(clipNoted(' \t\u0085', 100)).toBe('(3 unprintable characters)')
    expect(clipNoted('\u0007', 100)).toBe('(1 unprintable character)')
    expect(clipNoted('', 100)).toBe('')
  })
})

describe('clip', () => {
  test('flattens line breaks and cuts with an ellipsis', () => {
    expect(clip('a\n b', 10)).toBe('a b')
    expect(clip('abcdef', 4)).toBe('abc…')
    expect(clip('abcd', 4)).toBe('abcd')
    expect(clip('a \r\n\r\n  b', 10)).toBe('a b')
  })
})

describe('clipMiddle', () => {
  test('short names stay whole, up to the limit itself', () => {
    expect(clipMiddle('a/b.parquet', 20)).toBe('a/b.parquet')
    expect(clipMiddle('abcde/fghij.parquet', 19)).toBe('abcde/fghij.parquet')
  })
  test('an own name too long to leave 12 characters of path is cut in the middle instead', () => {
    const name = `${'d'.repeat(20)}/${'f'.repeat(15)}`
    expect(clipMiddle(name, 20)).toBe(`${'d'.repeat(10)}…${'f'.repeat(9)}`)
    expect(clipMiddle(`${'d'.repeat(20)}/${'f'.repeat(8)}`, 20)).toBe(
      `${'d'.repeat(10)}…/${'f'.repeat(8)}`,
    )
  })
  test('a path ending in a slash has no own name: cut in the middle', () => {
    expect(clipMiddle('dir/'.repeat(10), 20)).toBe(
      `${'dir/'.repeat(10).slice(0, 10)}…${'dir/'.repeat(10).slice(-9)}`,
    )
  })
  test('a long path keeps its start and its own name', () => {
    expect(clipMiddle('bucket/2026/11/29/partition=7/part-00001.parquet', 30)).toBe(
      'bucket/202…/part-00001.parquet',
    )
  })
  test('a long own name is cut in its middle', () => {
    const cut = clipMiddle(`${'a'.repeat(50)}${'z'.repeat(50)}`, 21)
    expect(cut).toBe(`${'a'.repeat(10)}…${'z'.repeat(10)}`)
  })
})

describe('thousands', () => {
  test.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [12345, '12,345'],
    [100000, '100,000'],
    [1234567, '1,234,567'],
    [-1234567, '-1,234,567'],
    [1234.5, '1,234.5'],
    [0.125, '0.125'],
  ])('%d -> %s, as toLocaleString("en-US") writes a count', (n, expected) => {
    expect(thousands(n)).toBe(expected)
  })

  test('every count up to a million reads as toLocaleString("en-US") does', () => {
    const differ: number[] = []
    for (let n = 0; n <= 1_000_000; n += 997) {
      if (thousands(n) !== n.toLocaleString('en-US')) differ.push(n)
    }
    expect(differ).toEqual([])
  })

  test('counts in printable text are grouped too', () => {
    expect(printable('\x00'.repeat(1234))).toBe('(1,234 unprintable characters)')
  })
})
