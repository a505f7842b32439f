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

/** Line breaks (and the blanks around them) as one space. */
function oneLine(text: string): string {
  // \s takes in any further line breaks, so one [\r\n] stands for a run of them.
  return text.replace(/\s*[\r\n]\s*/g, ' ')
}

/** Cuts long text at `max` characters, saying so. Line breaks become spaces. */
export function clip(text: string, max: number): string {
  const flat = oneLine(text)
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

/** Cuts text longer than `max` characters and says how much went, for values a later step reads. */
export function clipNoted(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.length - max
  return `${text.slice(0, max)}… [${cut.toLocaleString('en-US')} more characters cut]`
}

/**
 * Cuts a path-like name longer than `max` in the middle, keeping its start and
 * its own name (the last segment), which are what a reader recognises.
 */
export function clipMiddle(name: string, max: number): string {
  const flat = oneLine(name)
  if (flat.length <= max) return flat
  const own = flat.slice(flat.lastIndexOf('/') + 1)
  if (own.length > 0 && own.length <= max - 12) {
    return `${flat.slice(0, max - own.length - 2)}…/${own}`
  }
  const head = Math.ceil((max - 1) / 2)
  return `${flat.slice(0, head)}…${flat.slice(flat.length - (max - 1 - head))}`
}
