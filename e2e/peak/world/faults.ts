/**
 * The fault drill (`--faults`), run during the hold:
 *  - worker-kill: SIGKILL the payment worker, start a new one after `workerDownS`;
 *    recovered when the ready queue is back to what it was before the kill;
 *  - redis-restart: stop the drill's own redis-server (every key is lost), start it again
 *    after `redisDownS`; recovered when a Redis-backed call (cart.get) answers 200 again;
 *  - redis-latency: the proxy adds `redisLatencyMs` per chunk each way for `redisLatencyS`;
 *    recovered when that call is as fast as before the fault.
 * Each event records when it started, ended and recovered, for the report's bands and table.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { FaultPlan } from '../drill-options'
import type { Window } from '../load/analysis'
import type { DrillWorld } from './drill-world'
import { sampleQueue } from './queue-sampler'

export type FaultKind = 'worker-kill' | 'redis-restart' | 'redis-latency'

export interface FaultEvent {
  kind: FaultKind
  label: string
  /** Wall clock. */
  startedAt: number
  endedAt: number | null
  recoveredAt: number | null
  /** From the fault's end (worker back, Redis back, latency removed) to recovery. */
  recoveryMs: number | null
  detail: string
}

const RECOVERY_TIMEOUT_MS = 60_000
const PROBE_EVERY_MS = 200

export interface Probe {
  at: number
  status: number
  ms: number
}

/** One Redis-backed call as a shopper makes it (reads the cart: session + Redis hash). */
async function probe(storeUrl: string, cookie: string): Promise<Probe> {
  const at = Date.now()
  const t = performance.now()
  try {
    const res = await fetch(`${storeUrl}/api/trpc/cart.get`, { headers: { cookie }, signal: AbortSignal.timeout(2_000) })
    await res.arrayBuffer()
    return { at, status: res.status, ms: performance.now() - t }
  } catch {
    return { at, status: 0, ms: performance.now() - t }
  }
}


async function until<T>(fn: () => Promise<T | null>, everyMs: number): Promise<T | null> {
  const deadline = Date.now() + RECOVERY_TIMEOUT_MS
  while (Date.now() < deadline) {
    const got = await fn()
    if (got !== null) return got
    await sleep(everyMs)
  }
  return null
}

export class FaultRunner {
  readonly events: FaultEvent[] = []
  readonly probes: Probe[] = []

  constructor(
    private readonly world: DrillWorld,
    private readonly plan: FaultPlan,
    private readonly probeCookie: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs the plan; `holdStartsAt` is the wall clock at which the hold begins. */
  async run(holdStartsAt: number): Promise<void> {
    const p = this.plan
    await Promise.all([
      this.at(holdStartsAt + p.workerKillAtS * 1000, () => this.workerKill()),
      this.at(holdStartsAt + p.redisRestartAtS * 1000, () => this.redisRestart()),
      this.at(holdStartsAt + p.redisLatencyAtS * 1000, () => this.redisLatency()),
    ])
  }

  /** Load-time windows (ms after `loadStartedAt`) in which each fault was active until it recovered, plus the grace period; one per event, in order. */
  windows(loadStartedAt: number): Window[] {
    return this.events.map((e) => ({
      startMs: e.startedAt - loadStartedAt,
      endMs: (e.recoveredAt ?? e.endedAt ?? e.startedAt) - loadStartedAt + this.plan.graceS * 1000,
    }))
  }

  private async at(when: number, fn: () => Promise<void>): Promise<void> {
    await sleep(Math.max(0, when - Date.now()))
    await fn()
  }

  private record(kind: FaultKind, label: string): FaultEvent {
    const event: FaultEvent = { kind, label, startedAt: Date.now(), endedAt: null, recoveredAt: null, recoveryMs: null, detail: '' }
    this.events.push(event)
    this.log(`fault: ${label}`)
    return event
  }

  private finish(event: FaultEvent, recoveredAt: number | null, detail: string): void {
    event.recoveredAt = recoveredAt
    event.recoveryMs = recoveredAt !== null && event.endedAt !== null ? Math.max(0, recoveredAt - event.endedAt) : null
    event.detail = detail
    this.log(`fault: ${event.label} → ${recoveredAt === null ? 'NOT recovered' : `recovered ${event.recoveryMs} ms after it ended`}`)
  }

  private async probeLoop(stop: () => boolean): Promise<void> {
    while (!stop()) {
      this.probes.push(await probe(this.world.storeUrl, this.probeCookie))
      await sleep(PROBE_EVERY_MS)
    }
  }

  private async workerKill(): Promise<void> {
    const before = await sampleQueue(this.world.pool)
    const event = this.record('worker-kill', `SIGKILL payment worker (restart after ${this.plan.workerDownS} s)`)
    await this.world.killWorker()
    await sleep(this.plan.workerDownS * 1000)
    await this.world.startWorker()
    event.endedAt = Date.now()
    const target = Math.max(before.ready, 1)
    const recovered = await until(async () => ((await sampleQueue(this.world.pool)).ready <= target ? Date.now() : null), 250)
    this.finish(event, recovered, `ready jobs before the kill: ${before.ready}; recovered when back to ≤ ${target}`)
  }

  private async redisRestart(): Promise<void> {
    const event = this.record('redis-restart', `restart the drill's redis-server (down ${this.plan.redisDownS} s, all keys lost)`)
    let probing = true
    const loop = this.probeLoop(() => !probing)
    await this.world.redis.restart(this.plan.redisDownS * 1000)
    event.endedAt = Date.now()
    const recovered = await until(async () => {
      const last = this.probes.at(-1)
      return last && last.at >= event.endedAt! && last.status === 200 ? last.at + last.ms : null
    }, 50)
    probing = false
    await loop
    this.finish(event, recovered === null ? null : Math.round(recovered), 'recovered at the first cart.get answered 200 after Redis was back')
  }

  private async redisLatency(): Promise<void> {
    const before: Probe[] = []
    for (let i = 0; i < 5; i++) {
      before.push(await probe(this.world.storeUrl, this.probeCookie))
      await sleep(50)
    }
    const normal = before.map((b) => b.ms).sort((a, b) => a - b)[2]!
    const event = this.record('redis-latency', `+${this.plan.redisLatencyMs} ms per chunk each way on Redis for ${this.plan.redisLatencyS} s`)
    let probing = true
    const loop = this.probeLoop(() => !probing)
    const proxy = this.world.proxy
    if (!proxy) throw new Error('the fault drill needs its Redis proxy (the drill world starts one with --faults)')
    proxy.setLatency(this.plan.redisLatencyMs)
    await sleep(this.plan.redisLatencyS * 1000)
    proxy.setLatency(0)
    event.endedAt = Date.now()
    const limit = Math.max(2 * normal, normal + 20)
    const recovered = await until(async () => {
      const last = this.probes.at(-1)
      return last && last.at >= event.endedAt! && last.status === 200 && last.ms <= limit ? last.at + last.ms : null
    }, 50)
    probing = false
    await loop
    this.finish(event, recovered === null ? null : Math.round(recovered), `cart.get took ${normal.toFixed(1)} ms before; recovered when ≤ ${limit.toFixed(1)} ms again`)
  }
}
