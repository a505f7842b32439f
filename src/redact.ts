/**
 * The one redactor: text made safe to show. It strips terminal escapes and
 * control characters (stripControls), then removes a secret in every spelling
 * it can take on the way out: as is, URL-encoded, JSON-escaped and
 * HTML-escaped. The runner's own masking starts only after ::add-mask:: is
 * processed and never covers files, so the action redacts everything it
 * writes itself: main.ts for the log, outputs and summary, and the API client
 * (given the same redactor) for server text inside errors.
 */
import { escapeHtml, stripControls } from './text.js'

export const REDACTED = '***'

export type Redact = (text: string) => string

export function createRedactor(secret: string): Redact {
  const spellings = [
    ...new Set([
      secret,
      // Stripping comes first, so that escapes inside the key cannot hide it.
      stripControls(secret),
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
      escapeHtml(secret),
    ]),
  ]
    // Longest first, so a spelling that contains another is replaced whole.
    .sort((a, b) => b.length - a.length)
    // An empty secret has only empty spellings: nothing to remove, only controls to strip.
    .filter((spelling) => spelling !== '')
  return (text) =>
    spellings.reduce((out, spelling) => out.split(spelling).join(REDACTED), stripControls(text))
}

/** The same redaction over every string inside a parsed JSON value. */
export function redactDeep(value: unknown, redact: Redact): unknown {
  if (typeof value === 'string') return redact(value)
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [redact(key), redactDeep(item, redact)]),
    )
  }
  return value
}
