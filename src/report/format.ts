/** Small, pure formatters shared by the log, summary and output renderers. */
import { thousands } from '../text.js'

const BINARY_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const

/** 19599887 -> "18.7 MiB" (binary units, one decimal). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  let value = bytes
  let unit: string = 'B'
  for (const next of BINARY_UNITS) {
    if (value < 1024) break
    value /= 1024
    unit = next
  }
  return `${value.toFixed(1)} ${unit}`
}

/** 42.5 -> "42.5%", 100 -> "100%". Input already has at most one decimal. */
export function formatPercent(percent: number): string {
  return `${Number(percent.toFixed(1))}%`
}

/** 65_000 -> "1m 05s"; 3_725_000 -> "1h 02m 05s"; 4_000 -> "4s". */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const pad = (n: number): string => String(n).padStart(2, '0')
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`
  if (m > 0) return `${m}m ${pad(s)}s`
  return `${s}s`
}

/**
 * Row counts for people: imported / total when both are known ("12,345 /
 * 100,000"); only a total (Zilliz Cloud v2) is "100,000 rows", or "100,000
 * rows imported" once the job or file is done.
 */
export function formatRowCounts(
  imported: number | undefined,
  total: number | undefined,
  done: boolean,
): string {
  if (imported === undefined && total !== undefined) {
    return `${thousands(total)} rows${done ? ' imported' : ''}`
  }
  return formatRows(imported, total)
}

/** Imported / total rows, "-" for an unknown side: 12345, 100000 -> "12,345 / 100,000". */
export function formatRows(imported: number | undefined, total: number | undefined): string {
  const show = (n: number | undefined): string => (n === undefined ? '-' : thousands(n))
  return `${show(imported)} / ${show(total)}`
}
