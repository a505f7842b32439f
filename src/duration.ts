/** Durations as users write them in workflow files: `90s`, `15m`, `1h30m`, or bare seconds. */

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase()
  if (/^\d+$/.test(value)) return Number(value) * UNIT_MS.s
  const match = DURATION.exec(value)
  if (!match || value === '') return undefined
  const [, hours = '0', minutes = '0', seconds = '0'] = match
  return Number(hours) * UNIT_MS.h + Number(minutes) * UNIT_MS.m + Number(seconds) * UNIT_MS.s
}
