/** Median/min/max of repeated trials, latency percentiles (HDR), and a markdown table printer for `npm run bench`. */
import { build } from 'hdr-histogram-js'

export interface LatencyPercentiles {
  count: number
  p50: number
  p99: number
  max: number
}

/** p50/p99/max in ms, through an HDR histogram at microsecond resolution. */
export function latencyPercentiles(valuesMs: readonly number[]): LatencyPercentiles {
  if (valuesMs.length === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN }
  const h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3, bitBucketSize: 'packed' })
  for (const ms of valuesMs) h.recordValue(Math.max(1, Math.round(ms * 1000)))
  const result = { count: h.totalCount, p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000, max: h.maxValue / 1000 }
  h.destroy()
  return result
}
export interface Trials {
  label: string
  values: number[]
}

export function summary(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted.at(-1)! }
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
}

export function markdownTable(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n')
}
