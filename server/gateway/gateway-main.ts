/**
 * `npm run gateway`: runs the local Upstash-compatible REST gateway (./gateway.ts) in the
 * foreground, in front of REDIS_URL on 127.0.0.1:GATEWAY_PORT, with the token the app's
 * Upstash clients use (`upstash.token`). Ctrl-C / SIGTERM close it cleanly.
 */
import { env, upstash } from '../env'
import { redactUrl } from '../platform/redact-url'
import { startGateway } from './gateway'

async function main(): Promise<void> {
  const gateway = await startGateway({
    port: env.GATEWAY_PORT,
    redisUrl: env.REDIS_URL,
    token: upstash.token,
    logger: (msg) => console.error(`[gateway] ${msg}`),
  })
  console.log(`gateway listening on ${gateway.url} → ${redactUrl(env.REDIS_URL)}`)
  if (!upstash.local) {
    console.log(`note: UPSTASH_REDIS_REST_URL is set, so the app talks to ${upstash.url}, not to this gateway`)
  }

  const stop = (signal: NodeJS.Signals) => {
    console.log(`gateway: ${signal} received, closing`)
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('gateway: close failed', error)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
