/**
 * `npm run bench:waiting-room`: only the waiting-room pair of `npm run bench`
 * (bench/waiting-room-cost.ts), on a fresh database and store: hot-SKU checkout with the room
 * off vs on but not engaged.
 */
import pg from 'pg'
import { env } from '../server/env'
import { testSecrets } from '../server/launcher/local-secrets'
import { DEFAULT_PRODUCT_COUNT } from '../prisma/seed-data'
import { openScratchWorld } from '../testing/test-services'
import { BEHIND_LOCAL_EDGE, ensureTestBuild, startStore } from '../testing/test-store'
import { storeWaitingRoomMode } from '../testing/waiting-room-mode'
import { createSessions } from './shopper-sessions'
import { runWaitingRoomCost } from './waiting-room-cost'

const SESSIONS = 500
const STOCK = 10_000_000

async function benchProduct(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO "Product" (slug, name, description, "priceCents", stock, hot, "categoryId", "updatedAt")
       VALUES ($1, 'Bench waiting room', 'bench', 999, $2, true, (SELECT min(id) FROM "Category"), now()) RETURNING id`,
      [`bench-waiting-room-${Date.now()}`, STOCK],
    )
    return rows[0]!.id
  } finally {
    await client.end()
  }
}

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
      const productId = await benchProduct(world.database.url)
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
