/**
 * Reading fields out of an API answer that may not be what the docs promise.
 * Lenient on absent optional fields, strict on present ones: a field is read
 * by its documented type and range, and anything else is a shape error that
 * names it. A malformed answer must never pass for a finished import.
 */
/**
 * Builds the error for a field that is not what the dialect expects: a
 * PermanentError for a job's answer, a ListUnsupportedError for a list's.
 */
export type ShapeError = (expected: string) => Error

/** Real answers nest 4 levels ({data: {details: [{...}]}}); anything this deep is not one. */
export const MAX_JSON_DEPTH = 32

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/**
 * How deeply JSON text nests, counted without recursion (so without a stack
 * to overflow), stopping as soon as it passes `limit`.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  let escaped = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (escaped) escaped = false
      else if (ch === 0x5c) escaped = true
      else if (ch === 0x22) inString = false
    } else if (ch === 0x22) inString = true
    else if (ch === 0x7b || ch === 0x5b) {
      depth += 1
      if (depth > limit) return true
    } else if (ch === 0x7d || ch === 0x5d) depth -= 1
  }
  return false
}

/** Text for messages, or undefined for null, absent or blank. Non-strings are shown as JSON. */
export function readText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).trim()
  return text === '' ? undefined : text
}

/** A text field: a string, or null/absent/"" for none; anything else is a shape error. */
export function readString(value: unknown, field: string, fail: ShapeError): string | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value !== 'string') throw fail(`"${field}" to be text or null`)
  const text = value.trim()
  return text === '' ? undefined : text
}

/**
 * Text read as sent, for fields whose words decide something (a state, an
 * error): only null, absent and "" are none; nothing is trimmed or stripped,
 * so "Completed\u0000" is not Completed and an error of blanks is an error.
 */
export function readExact(value: unknown, field: string, fail: ShapeError): string | undefined {
  if (value === null || value === undefined || value === '') return undefined
  if (typeof value !== 'string') throw fail(`"${field}" to be text or null`)
  return value
}

/** A plain decimal number as text: what int64 and float fields can arrive as. No hex, binary or Infinity. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * A finite number, or a plain decimal string; undefined when absent; else a
 * shape error. (Number() ignores the surrounding whitespace that trim() does.)
 */
export function readNumber(
  value: unknown,
  field: string,
  fail: ShapeError,
  expected = 'a number',
): number | undefined {
  if (value === null || value === undefined) return undefined
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && DECIMAL.test(value.trim())
        ? Number(value)
        : Number.NaN
  if (!Number.isFinite(number)) throw fail(`"${field}" to be ${expected}`)
  return number
}

/**
 * A number within [min, max]; float noise just outside (1.0000000001) is
 * pulled in, anything further out is a shape error, never clamped into a
 * plausible value (50 as a fraction is not "done").
 */
export function readInRange(
  value: unknown,
  field: string,
  fail: ShapeError,
  min: number,
  max: number,
): number | undefined {
  const expected = `a number from ${min} to ${max}`
  const number = readNumber(value, field, fail, expected)
  if (number === undefined) return undefined
  const slack = (max - min) * 1e-9
  if (number < min - slack || number > max + slack) throw fail(`"${field}" to be ${expected}`)
  return Math.min(max, Math.max(min, number))
}

/** Sizes and row counts: whole numbers from 0 to 2^53 - 1, as numbers or digit strings. */
export function readCount(value: unknown, field: string, fail: ShapeError): number | undefined {
  if (value === null || value === undefined) return undefined
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value.trim())
        ? Number(value)
        : Number.NaN
  if (!Number.isSafeInteger(number) || number < 0) {
    throw fail(`"${field}" to be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`)
  }
  return number
}

/** A response code: a whole number, or its digits as text; undefined for anything else. */
export function readCode(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value)
  return undefined
}

/** The details array: absent means no files; anything but an array of objects is a shape error. */
export function readDetails(value: unknown, fail: ShapeError): Record<string, unknown>[] {
  const details = value ?? []
  if (!Array.isArray(details)) throw fail('"details" to be an array')
  return details.map((entry: unknown, index) => {
    if (!isRecord(entry)) throw fail(`"details[${index}]" to be an object`)
    return entry
  })
}

/** Sets the optional fields that have a value, so absent ones stay absent (not undefined-valued). */
export function withOptional<T extends object>(target: T, fields: Partial<T>): T {
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value
  }
  return target
}

/** Times seen recently, each kept once: see sharedTime. */
const recentTimes = new Map<string, string>()
const RECENT_TIMES_MAX = 1_024

/**
 * One string per distinct completion time: the files of a job (and the jobs
 * of a run) mostly share a few, and a run of 200 jobs x 1,000 files would
 * otherwise hold 200,000 copies of them. Bounded: forgotten 1,024 at a time.
 */
export function sharedTime(time: string | undefined): string | undefined {
  if (time === undefined) return undefined
  const known = recentTimes.get(time)
  if (known !== undefined) return known
  if (recentTimes.size >= RECENT_TIMES_MAX) recentTimes.clear()
  recentTimes.set(time, time)
  return time
}
