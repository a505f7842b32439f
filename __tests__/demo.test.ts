import { summaryAsText } from '../scripts/demo.mjs'

describe('npm run demo: the summary as text', () => {
  test('tags go, and entities read as the characters they stand for', () => {
    const html =
      '<h2>Zilliz import: ✅ completed</h2>\n<p>Size: 18.7&nbsp;MiB · a&#124;b &#x7c; &amp;lt; &quot;q&quot; &#39;s&#39; &#92;</p>'
    expect(summaryAsText(html)).toBe(
      '## Zilliz import: ✅ completed\nSize: 18.7 MiB · a|b | &lt; "q" \'s\' \\',
    )
  })
  test('a decoded &lt; is text, never taken for a tag; unknown entities stay', () => {
    expect(summaryAsText('<p>&lt;b&gt;x&lt;/b&gt; &bogus; &#99999999;</p>')).toBe(
      '<b>x</b> &bogus; &#99999999;',
    )
  })
  test('table rows read as | cells |', () => {
    expect(summaryAsText('<table><tr><td>a&#95;b</td><td>1&nbsp;KiB</td></tr></table>')).toBe(
      '| a_b | 1 KiB |',
    )
  })
})
