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

/** Cuts long text at `max` characters, saying so. Line breaks become spaces. */
export function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s*[\r\n]+\s*/g, ' ')
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine
}
