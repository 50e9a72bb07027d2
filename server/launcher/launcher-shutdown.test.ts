/**
 * `npm start`'s stop (launcher-shutdown.ts) with real child processes standing in for the store
 * and the payment worker: a second signal while the first stop still waits on the worker must
 * not leave either running once the launcher exits.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { createShutdown, type StartedParts } from './launcher-shutdown'

/** A process that runs until a signal ends it (it ignores nothing). */
function idleChild(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1_000)'], { stdio: 'ignore' })
}

/** Resolves with the signal that ended `child` (waits for the exit, however long). */
async function endedBy(child: ChildProcess): Promise<NodeJS.Signals | null> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
  return child.signalCode
}

const started: ChildProcess[] = []
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

describe('npm start: stopping what it started', () => {
  it('a second signal while the worker is still stopping sends the store and the worker SIGTERM before the launcher exits', async () => {
    const store = idleChild()
    const worker = idleChild()
    started.push(store, worker)
    // The worker's graceful stop has not finished when the second signal arrives.
    const parts: StartedParts = { worker: { child: worker, stop: () => new Promise<void>(() => {}) }, stopNext: () => store.kill('SIGTERM') }
    const exits: number[] = []
    const shutdown = createShutdown(parts, (code) => exits.push(code), () => {})

    void shutdown.stop(0)
    expect(shutdown.stopping).toBe(true)
    await shutdown.stop(0)

    expect(exits, 'the launcher exits on the second signal').toEqual([0])
    expect([store.killed, worker.killed], 'both were signalled before the launcher exited').toEqual([true, true])
    expect(await endedBy(store), 'the store was told to stop').toBe('SIGTERM')
    expect(await endedBy(worker), 'the worker was told to stop').toBe('SIGTERM')
  })

  it('one signal stops the worker gracefully first, then the store, then the gateway, then exits', async () => {
    const order: string[] = []
    const worker = idleChild()
    started.push(worker)
    const parts: StartedParts = {
      worker: {
        child: worker,
        stop: async () => {
          order.push('worker')
          worker.kill('SIGTERM')
          await endedBy(worker)
        },
      },
      stopNext: () => order.push('store'),
      gateway: { close: async () => void order.push('gateway') },
      database: { close: async () => void order.push('database') },
    }
    const exits: number[] = []
    await createShutdown(parts, (code) => exits.push(code), () => {}).stop(0)
    expect(order).toEqual(['worker', 'store', 'gateway', 'database'])
    expect(exits).toEqual([0])
  })
})
