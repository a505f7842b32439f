/**
 * Keeping the API key out of everything the action writes, in two layers:
 *
 * - createRedactor, at the sources: every text a server sends (bodies,
 *   status texts) is redacted where it is read, after decoding (JSON parsed,
 *   so `\u0026` is already `&`) and before it is re-encoded into a message,
 *   an output or the summary. Re-encoding escapes it again (twice, as JSON
 *   inside JSON), where no spelling list can follow it.
 * - createGuard, at the exit (main.ts: log lines, outputs, summary): the same
 *   spellings once more over the finished text, in case a source was missed.
 *
 * A key shorter than MIN_SECRET_LENGTH is a placeholder (a Milvus without
 * authentication still needs an api-key) or too short to find without
 * finding other words: "e" is in "completed", "0" in every number. Such a key
 * is removed only where it stands alone as a word in server text, and the
 * guard leaves the action's own words and numbers alone.
 *
 * The runner's own masking starts only after ::add-mask:: is processed and
 * never covers files, so this is the action's job.
 */
import { escapeHtml, stripControls } from './text.js'

export const REDACTED = '***'

/** Shorter keys are masked only as whole words, and only in server text (see above). */
export const MIN_SECRET_LENGTH = 8

export type Redact = (text: string) => string

const identity: Redact = (text) => text

/**
 * JSON's escapes for the characters Go's encoder (and others) escape for HTML
 * safety (U+2028 and U+2029 too, but a key is visible ASCII: see inputs.ts).
 */
const JSON_HTML_SAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' }

/** The secret as it may stand in text: as is, URL-encoded, JSON-escaped (several ways), HTML-escaped. */
function spellings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1)
  const goJson = json.replace(/[<>&]/g, (ch) => JSON_HTML_SAFE[ch] ?? ch)
  return (
    [
      ...new Set([
        secret,
        encodeURIComponent(secret),
        json,
        goJson,
        goJson.replace(/\\u([0-9a-f]{4})/g, (_, hex: string) => `\\u${hex.toUpperCase()}`),
        // PHP and some Java encoders escape "/" too.
        json.replace(/\//g, '\\/'),
        goJson.replace(/\//g, '\\/'),
        escapeHtml(secret),
      ]),
    ]
      // Longest first, so a spelling that contains another is replaced whole.
      .sort((a, b) => b.length - a.length)
      .filter((spelling) => spelling !== '')
  )
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** For server text, where it is read: see the module comment. */
export function createRedactor(secret: string): Redact {
  const all = spellings(secret)
  if (all.length === 0) return identity
  const replace: Redact =
    secret.length >= MIN_SECRET_LENGTH
      ? (text) => all.reduce((out, spelling) => out.split(spelling).join(REDACTED), text)
      : wordReplacer(all)
  return (text) => {
    const out = replace(text)
    // A control character inside the key would hide it until the display strips
    // it: then the text is stripped here already, and redacted.
    const stripped = stripControls(out)
    const strippedOut = replace(stripped)
    return strippedOut === stripped ? out : strippedOut
  }
}

/**
 * Replaces the spellings only where they stand as a word of their own: no
 * letter, digit or the punctuation of names, paths and times (_ - . / : +)
 * touches them, so "job-e", "file_0.parquet" and "06:17:55+08:00" keep theirs.
 */
function wordReplacer(all: readonly string[]): Redact {
  const inWord = '[\\p{L}\\p{N}_.\\-/:+]'
  const word = new RegExp(`(?<!${inWord})(?:${all.map(escapeRegExp).join('|')})(?!${inWord})`, 'gu')
  return (text) => text.replace(word, REDACTED)
}

/** For what the action writes, at the exit: see the module comment. */
export function createGuard(secret: string): Redact {
  return secret.length >= MIN_SECRET_LENGTH ? createRedactor(secret) : identity
}

/**
 * The same redaction over every string inside a value, and over the key
 * names of a parsed JSON value (a server's); `keys: false` leaves the names
 * alone, for the action's own objects. Copy on write: an array or object in
 * which nothing changed is returned as it is, so checking 200 jobs of 1,000
 * files that hold no key copies none of them.
 */
export function redactDeep(value: unknown, redact: Redact, keys = true): unknown {
  if (typeof value === 'string') return redact(value)
  if (Array.isArray(value)) {
    const list: readonly unknown[] = value
    let copy: unknown[] | undefined
    list.forEach((item, i) => {
      const done = redactDeep(item, redact, keys)
      if (done !== item) (copy ??= list.slice())[i] = done
    })
    return copy ?? value
  }
  if (value !== null && typeof value === 'object') {
    let changed = false
    const entries: [string, unknown][] = []
    for (const [key, item] of Object.entries(value)) {
      const name = keys ? redact(key) : key
      const done = redactDeep(item, redact, keys)
      changed ||= name !== key || done !== item
      entries.push([name, done])
    }
    return changed ? Object.fromEntries(entries) : value
  }
  return value
}
