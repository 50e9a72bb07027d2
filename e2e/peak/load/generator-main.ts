/**
 * The load generator as a process of its own (started by generator-process.ts), so its
 * dispatch timing never waits behind the Playwright test process's browser traffic.
 * Protocol over IPC: the parent sends `{ type: 'start', job }`; the child answers
 * `{ type: 'started', epochMs }`, `{ type: 'progress', … }` each second, and finally
 * `{ type: 'done' }` once the samples are written to `job.outFile` as JSON.
 * `{ type: 'stop' }` ends the schedule early (in-flight requests still finish).
 */
import { writeFileSync } from 'node:fs'
import { runOpenLoop } from './open-loop'
import { seededRng } from './rng'
import { arrivalTimesMs } from './schedule'
import { TrafficPlanner } from './traffic'
import type { GeneratorJob, GeneratorMessage, ParentMessage } from './generator-protocol'

const stop = new AbortController()

function tell(message: GeneratorMessage): void {
  process.send?.(message)
}

async function run(job: GeneratorJob): Promise<void> {
  const arrivalsMs = arrivalTimesMs(job.shape, seededRng(job.seed))
  const busySessions = new Set<number>()
  const planner = new TrafficPlanner(seededRng(job.seed + 1), job.mix, job.catalog, job.sessions, busySessions)
  const result = await runOpenLoop({
    origin: job.origin,
    arrivalsMs,
    plan: () => planner.next(),
    maxInFlight: job.maxInFlight,
    requestTimeoutMs: job.requestTimeoutMs,
    connections: job.connections,
    fromSourceAddresses: job.fromSourceAddresses,
    signal: stop.signal,
    busySessions,
    onProgress: (p) => tell({ type: 'progress', ...p }),
    ...(job.queuedShoppers && { queuedShoppers: { ...job.queuedShoppers, seed: job.seed + 2 } }),
  })
  writeFileSync(job.outFile, JSON.stringify(result))
  tell({ type: 'done', arrivals: arrivalsMs.length })
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'stop') stop.abort()
  if (message.type === 'start') {
    tell({ type: 'started', epochMs: Date.now() })
    run(message.job).then(
      () => process.disconnect?.(),
      (error: unknown) => {
        tell({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) })
        process.exitCode = 1
        process.disconnect?.()
      },
    )
  }
})
process.on('disconnect', () => stop.abort())
