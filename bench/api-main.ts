/**
 * The API service pairs alone (`npx tsx bench/api-main.ts`; `npm run bench` runs them with the
 * rest): a fresh database, a store behind the simulated edge, 2,000 shopper sessions, then
 * bench/api-pairs.ts. Prints markdown. Asserts nothing.
 *
 * Unlike `npm run bench` (whose gateway shares the bench's event loop with the load generator),
 * the Redis gateway runs as a process of its own here, as in the drill: every Redis call of
 * both hosts passes through it, and a gateway starved by the load generator would cap both
 * hosts alike and squeeze every ratio toward 1.
 */
import { testSecrets } from '../server/launcher/local-secrets'
import { DEFAULT_PRODUCT_COUNT } from '../prisma/seed-data'
import { openScratchWorld } from '../testing/test-services'
import { BEHIND_LOCAL_EDGE, ensureTestBuild, startStore } from '../testing/test-store'
import { startGatewayProcess } from '../e2e/peak/world/gateway-process'
import { env } from '../server/env'
import { storeWaitingRoomMode } from '../testing/waiting-room-mode'
import { runApiPairs } from './api-pairs'
import { createSessions } from './shopper-sessions'

/** Shopper sessions for the checkout trials (each with its own client address). */
export const API_BENCH_SESSIONS = 2_000


async function main(): Promise<void> {
  console.error('bench: preparing a fresh database, gateway and store…')
  const world = await openScratchWorld('bench', { seedProducts: DEFAULT_PRODUCT_COUNT })
  // The bench measures checkout itself: the waiting room would answer part of a burst QUEUED (a 200 that is no order).
  await storeWaitingRoomMode(env.REDIS_URL, world.keyPrefix, 'off')
  const secrets = await testSecrets()
  const gateway = await startGatewayProcess(env.REDIS_URL)
  const storeEnv = { ...world.storeEnv({ ...secrets.env, ...BEHIND_LOCAL_EDGE, LOG_LEVEL: 'error' }), gatewayPort: gateway.port }
  await ensureTestBuild(storeEnv)
  const store = await startStore('auto', storeEnv)
  try {
    const sessions = await createSessions(store.url, API_BENCH_SESSIONS)
    console.log(await runApiPairs({ storeUrl: store.url, storePid: store.process.pid!, storeEnv, databaseUrl: world.database.url, sessions, metricsToken: secrets.metricsToken }))
  } finally {
    await store.stop()
    await gateway.stop()
    await world.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
