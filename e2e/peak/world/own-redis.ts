/**
 * A Redis server of the drill's own, on a free port, so the fault drill can restart it
 * without touching the machine's shared Redis on 6379 (other suites use that one).
 * Nothing is persisted (`--save "" --appendonly no`): a restart loses every key, as a
 * crashed cache node does.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../../server/launcher/port-free'

export const REDIS_SERVER_BIN = 'redis-server'
const READY_TIMEOUT_MS = 10_000

export interface OwnRedis {
  port: number
  url: string
  /** SIGTERM, wait for the exit, stay down for `downMs`, start again on the same port; resolves when it answers PING. */
  restart(downMs: number, onDown?: () => void): Promise<void>
  stop(): Promise<void>
}

/** True when a PING on a fresh connection is answered +PONG within 1 s. */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')))
  })
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(50)
  }
  throw new Error(`${what} within ${READY_TIMEOUT_MS} ms`)
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((r) => child.once('exit', () => r()))
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'drill-redis-'))
  let output = ''
  const launch = () => {
    const child = spawn(
      REDIS_SERVER_BIN,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4_000))
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    return child
  }
  let child = launch()
  const ready = () =>
    waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}):\n${output}`)
      return ping(port)
    }, `redis-server on port ${port} did not answer`)
  await ready()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs, onDown) {
      const gone = exited(child)
      child.kill('SIGTERM')
      await gone
      onDown?.()
      await sleep(downMs)
      child = launch()
      await ready()
    },
    async stop() {
      const gone = exited(child)
      child.kill('SIGTERM')
      await gone
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
