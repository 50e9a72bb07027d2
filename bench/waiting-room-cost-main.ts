/**
 * `npm run bench:waiting-room`: only the waiting-room pair of `npm run bench`
 * (bench/waiting-room-cost.ts), on a fresh database and store: hot-SKU checkout with the room
 * off vs on but not engaged.
 */
import { env } from '../server/env'
import { testSecrets } from '../server/launcher/local-secrets'
import { DEFAULT_PRODUCT_COUNT } from '../prisma/seed-data'
import { openScratchWorld } from '../testing/test-services'
import { BEHIND_LOCAL_EDGE, ensureTestBuild, startStore } from '../testing/test-store'
import { storeWaitingRoomMode } from '../testing/waiting-room-mode'
import { createBenchProduct } from './bench-product'
import { createSessions } from './shopper-sessions'
import { runWaitingRoomCost } from './waiting-room-cost'

const SESSIONS = 500
const STOCK = 10_000_000


async function main(): Promise<void> {
  console.error('bench: preparing a fresh database, gateway and store…')
  const world = await openScratchWorld('bench', { seedProducts: DEFAULT_PRODUCT_COUNT })
  try {
    await storeWaitingRoomMode(env.REDIS_URL, world.keyPrefix, 'off')
    const secrets = await testSecrets()
    const storeEnv = world.storeEnv({ ...secrets.env, ...BEHIND_LOCAL_EDGE, LOG_LEVEL: 'error' })
    await ensureTestBuild(storeEnv)
    const store = await startStore('auto', storeEnv)
    try {
      const sessions = await createSessions(store.url, SESSIONS)
      const productId = await createBenchProduct(world.database.url, 'waiting-room', STOCK)
      console.log(await runWaitingRoomCost({ storeUrl: store.url, redisUrl: env.REDIS_URL, keyPrefix: world.keyPrefix, productId, sessions }))
    } finally {
      await store.stop()
    }
  } finally {
    await world.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
