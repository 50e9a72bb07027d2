/**
 * Log-normal charge latency fitted to a median and a 99th percentile, the usual shape of
 * a remote service's response times (a floor, a bulk around the median, a long tail).
 *
 * Hand-written: it is two lines of arithmetic (Box–Muller for a standard normal, then
 * exp(μ + σz) with μ = ln p50 and σ = ln(p99/p50) / z₀.₉₉), smaller than any dependency.
 */
import { MAX_LATENCY_MS } from './payment-settings.schema'

/** The standard normal's 99th percentile. */
export const Z_99 = 2.3263478740408408

/** A standard normal sample from two uniforms in (0, 1]. */
export function standardNormal(random: () => number = Math.random): number {
  const u = 1 - random() // (0, 1]: log(0) is not a number
  const v = random()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/** One latency sample in whole ms, clamped to [0, MAX_LATENCY_MS]. */
export function sampleLatencyMs(p50: number, p99: number, random: () => number = Math.random): number {
  if (p50 <= 0) return 0
  const sigma = p99 > p50 ? Math.log(p99 / p50) / Z_99 : 0
  const ms = Math.exp(Math.log(p50) + sigma * standardNormal(random))
  return Math.min(MAX_LATENCY_MS, Math.max(0, Math.round(ms)))
}
