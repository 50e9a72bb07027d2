/**
 * The app's prom-client counters turned into per-slot increments for the snapshot:
 * `cache:{layer}:{event}`, `rl:{policy}:{reason}`, `checkout:{result}`, `db:queries`,
 * `inventory:retries`, `catalog:{target}` (replica, primary), `catalog:primary-fallback` (the
 * part of `catalog:primary` a configured replica should have taken). Read once per slot (off the request path) from the registry the
 * code already counts into, so nothing is counted twice.
 */
import type { Counter } from 'prom-client'
import { metrics } from '../platform/metrics'

type Source = { counter: Counter<string>; name: (labels: Record<string, string | number | undefined>) => string }

const SOURCES: Source[] = [
  { counter: metrics.cacheEvents, name: (l) => `cache:${l.layer}:${l.event}` },
  { counter: metrics.rateLimitBlocks, name: (l) => `rl:${l.policy}:${l.reason}` },
  { counter: metrics.checkoutResults, name: (l) => `checkout:${l.result}` },
  { counter: metrics.dbQueries, name: () => 'db:queries' },
  { counter: metrics.inventoryRetries, name: () => 'inventory:retries' },
  { counter: metrics.catalogReads, name: (l) => `catalog:${l.target}` },
  { counter: metrics.catalogFallbackReads, name: () => 'catalog:primary-fallback' },
]

export type CounterDeltas = () => Promise<Record<string, number>>

/** A reader whose every call returns the increments since its previous call (the first call: since start). */
export function createCounterDeltas(): CounterDeltas {
  const last = new Map<string, number>()
  return async () => {
    const out: Record<string, number> = {}
    for (const source of SOURCES) {
      const { values } = await source.counter.get()
      for (const v of values) {
        const name = source.name(v.labels)
        const delta = v.value - (last.get(name) ?? 0)
        last.set(name, v.value)
        if (delta > 0) out[name] = delta
      }
    }
    return out
  }
}
