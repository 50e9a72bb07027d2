/**
 * A real API service for tests and benches: server/api/api-main.ts as its own process on the
 * same database, Redis key prefix, gateway and secrets as a test store (a `StoreEnv`), so a
 * call can be made on both hosts and compared.
 */
import type { ChildProcess } from 'node:child_process'
import { runApiProcess, stopApiProcess } from '../server/launcher/api-process'
import { assertPortFree, freePort } from '../server/launcher/port-free'
import { appEnv, type StoreEnv } from './test-store'

export interface RunningApi {
  url: string
  process: ChildProcess
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>
}

export async function startApiService(portOrAuto: number | 'auto', s: StoreEnv): Promise<RunningApi> {
  const port = portOrAuto === 'auto' ? await freePort() : portOrAuto
  await assertPortFree('127.0.0.1', port, 'API service port')
  const { child, ready } = runApiProcess(
    { host: '127.0.0.1', port },
    appEnv(s),
  )
  const url = await ready
  return { url, process: child, stop: () => stopApiProcess(child) }
}
