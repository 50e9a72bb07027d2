/**
 * The drill's Upstash-compatible gateway (server/gateway/gateway-main.ts) as a process of its own:
 * every app request's Redis traffic passes through it, so it must not share an event loop
 * with the Playwright process that drives the browsers and the faults.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { childEnv } from '../../../server/env'
import { freePort } from '../../../server/launcher/port-free'

const ENTRY = fileURLToPath(new URL('../../../server/gateway/gateway-main.ts', import.meta.url))
const READY_TIMEOUT_MS = 20_000

export interface GatewayProcess {
  port: number
  stop(): Promise<void>
}

export async function startGatewayProcess(redisUrl: string): Promise<GatewayProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: childEnv({ GATEWAY_PORT: String(port), REDIS_URL: redisUrl, UPSTASH_REDIS_REST_URL: undefined, UPSTASH_REDIS_REST_TOKEN: undefined }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4_000)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway not listening within ${READY_TIMEOUT_MS} ms\n${output}`)), READY_TIMEOUT_MS)
    child.stdout.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4_000)
      if (output.includes('gateway listening')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`gateway exited (${code}) before listening\n${output}`))
    })
  })
  return {
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await gone
    },
  }
}
