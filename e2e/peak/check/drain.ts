/** After the load: wait until every order has left PENDING_PAYMENT (or the time is up). */
import { setTimeout as sleep } from 'node:timers/promises'
import type pg from 'pg'
import { sampleQueue, type QueueSample } from '../world/queue-sampler'

export interface DrainResult {
  drained: boolean
  seconds: number
  last: QueueSample
}

export async function waitForDrain(pool: pg.Pool, timeoutS: number, onSample?: (s: QueueSample) => void): Promise<DrainResult> {
  const started = performance.now()
  for (;;) {
    const last = await sampleQueue(pool)
    onSample?.(last)
    const seconds = (performance.now() - started) / 1000
    if (last.pending === 0) return { drained: true, seconds, last }
    if (seconds >= timeoutS) return { drained: false, seconds, last }
    await sleep(500)
  }
}
