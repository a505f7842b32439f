/**
 * Text made safe to show: shared by the API client (server text in error
 * messages), redaction and the renderers. Pure.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // Markdown punctuation too: the summary is rendered as GitHub markdown, and
  // API text must never become a link, code span, emphasis or table cell split.
  '`': '&#96;',
  '|': '&#124;',
  '[': '&#91;',
  ']': '&#93;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '\\': '&#92;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`|[\]*_~\\]/g, (ch) => HTML_ESCAPES[ch] ?? ch)
}

/**
 * Every spelling of a line break that a terminal, a browser or the runner's
 * log may honour: LF, CR (and so CRLF), vertical tab, form feed, NEL, and
 * the Unicode line and paragraph separators; matched as a run of blanks
 * holding at least one of them (\s has no NEL, so it is added).
 */
const BREAK_RUN = /[\s\u0085]*[\n\r\v\f\u0085\u2028\u2029][\s\u0085]*/g

/** Line breaks of every kind (and the blanks around them) as one space. */
function oneLine(text: string): string {
  return text.replace(BREAK_RUN, ' ')
}

/**
 * A count with thousands separators, as toLocaleString('en-US') writes it
 * (1234567 -> "1,234,567"), without Intl: formatting one number through ICU
 * loads its locale data, about 7 MiB of memory for the rest of the run.
 */
export function thousands(n: number): string {
  const [whole = '', fraction] = String(n).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',')
  return fraction === undefined ? grouped : `${grouped}.${fraction}`
}

/**
 * Text as one printable line: line breaks flattened, terminal escapes and
 * control characters stripped. Text that had only unprintable characters says
 * so instead of vanishing: a server's error of control characters is still an
 * error, and must not read as none.
 */
export function printable(text: string): string {
  const shown = stripControls(oneLine(text))
  if (shown.trim() !== '' || text === '') return shown
  const count = text.length
  return `(${thousands(count)} unprintable character${count === 1 ? '' : 's'})`
}

/** Cuts long text at `max` characters, saying so, as one printable line (see printable). */
export function clip(text: string, max: number): string {
  const flat = printable(text)
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/**
 * Server text without terminal escapes (ANSI colours, cursor moves, OSC
 * titles) or other control characters, Unicode direction overrides included:
 * in a log or an annotation they would restyle or hide what follows. Tabs and
 * line breaks stay (clip() flattens those where one line is needed).
 */
export function stripControls(text: string): string {
  return (
    text
      // CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \, or cut off), then any
      // other ESC sequence of two (ESC c resets the terminal); a lone ESC goes below.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      .replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[0-~]/g, '')
      // eslint-disable-next-line no-control-regex -- as above
      .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
  )
}

/**
 * Text for a value a later step reads: one printable line (see printable), at
 * most `max` characters in all, the note saying how much was cut included.
 */
export function clipNoted(text: string, max: number): string {
  const flat = printable(text)
  if (flat.length <= max) return flat
  const note = (kept: number): string => `… [${thousands(flat.length - kept)} more characters cut]`
  // The note's length depends on how much it cuts: keep less until it fits.
  let kept = max
  for (;;) {
    const fits = max - note(kept).length
    if (fits < 1) return `${flat.slice(0, max - 1)}…`
    if (fits >= kept) break
    kept = fits
  }
  return `${flat.slice(0, kept)}${note(kept)}`
}

/**
 * Cuts a path-like name longer than `max` in the middle, keeping its start and
 * its own name (the last segment), which are what a reader recognises.
 */
export function clipMiddle(name: string, max: number): string {
  const flat = printable(name)
  if (flat.length <= max) return flat
  const own = flat.slice(flat.lastIndexOf('/') + 1)
  if (own.length > 0 && own.length <= max - 12) {
    return `${flat.slice(0, max - own.length - 2)}…/${own}`
  }
  const head = Math.ceil((max - 1) / 2)
  return `${flat.slice(0, head)}…${flat.slice(flat.length - (max - 1 - head))}`
}
