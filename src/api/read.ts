/**
 * Reading fields out of an API answer that may not be what the docs promise.
 * Lenient on absent optional fields, strict on present ones of the wrong type.
 */
import type { PermanentError } from '../errors.js'

/** Builds the error for a field that is not what the dialect expects. */
export type ShapeError = (expected: string) => PermanentError

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Text, or undefined for null, absent or blank. Non-strings are shown as JSON. */
export function readText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).trim()
  return text === '' ? undefined : text
}

/** A finite number, or a numeric string; undefined when absent; else a shape error. */
export function readNumber(
  value: unknown,
  field: string,
  fail: ShapeError,
  expected = 'a number',
): number | undefined {
  if (value === null || value === undefined) return undefined
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof number !== 'number' || !Number.isFinite(number))
    throw fail(`"${field}" to be ${expected}`)
  return number
}

/** Sizes and row counts: non-negative numbers (numeric strings too, as int64 often is); anything else is left out. */
export function readCount(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : undefined
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
