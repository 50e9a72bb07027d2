/**
 * Event-loop lag of this process, from Node's own sampler (perf_hooks
 * `monitorEventLoopDelay`, an HDR histogram in C++): p99 and max since the last take.
 * A busy loop delays every request on the instance, so this is the earliest sign that an
 * instance is CPU bound — before p99 latency moves.
 */
import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks'

/** Sampling resolution of the monitor. */
export const EVENT_LOOP_RESOLUTION_MS = 10

const MONITOR = Symbol.for('storefront.eventLoopMonitor')
const g = globalThis as unknown as { [MONITOR]?: ELDHistogram }

function monitor(): ELDHistogram {
  let h = g[MONITOR]
  if (!h) {
    h = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS })
    h.enable()
    g[MONITOR] = h
  }
  return h
}

export interface EventLoopLag {
  p99Ms: number
  maxMs: number
}

/** Lag since the previous call (0 before the monitor saw a sample); resets the window. */
export function takeEventLoopLag(): EventLoopLag {
  const h = monitor()
  const lag = h.count > 0 ? { p99Ms: round(h.percentile(99) / 1e6), maxMs: round(h.max / 1e6) } : { p99Ms: 0, maxMs: 0 }
  h.reset()
  return lag
}

/** Starts sampling now (so the first slot has figures). */
export function startEventLoopMonitor(): void {
  monitor()
}

const round = (ms: number) => Math.round(ms * 10) / 10
