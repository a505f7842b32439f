import { formatBytes, formatDuration, formatPercent } from '../src/report/format.js'
import { clip, escapeHtml } from '../src/text.js'

describe('escapeHtml', () => {
  test('escapes HTML and every markdown-active character', () => {
    const escaped = escapeHtml('<script>&"\'`code` | [link](http://x) *em* _u_ ~s~ \\')
    expect(escaped).not.toMatch(/[<>"'`|[\]*_~\\]/)
    expect(escaped).toContain('&lt;script&gt;&amp;&quot;&#39;')
  })
})

describe('formatBytes', () => {
  test.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [19_599_887, '18.7 MiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
    [3 * 1024 ** 5, '3.0 PiB'],
  ])('%p -> %p', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

test('formatPercent drops a trailing .0', () => {
  expect([0, 42.5, 100, 99.9].map(formatPercent)).toEqual(['0%', '42.5%', '100%', '99.9%'])
})

test('formatDuration', () => {
  expect([0, 4_999, 65_000, 3_725_000].map(formatDuration)).toEqual([
    '0s',
    '4s',
    '1m 05s',
    '1h 02m 05s',
  ])
})

test('clip keeps one line and marks a cut', () => {
  expect(clip('a\r\nb\nc', 10)).toBe('a b c')
  expect(clip('abcdef', 4)).toBe('abc…')
})
