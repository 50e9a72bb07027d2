/**
 * Vitest global setup: every run gets its own fresh database (migrated, full seeded
 * catalog), its own Redis key prefix, its own Upstash-compatible gateway in front of the
 * real Redis, and a real store (our server on the shared test build, behind a simulated
 * edge: BEHIND_LOCAL_EDGE) for the tests that must go through the HTTP endpoint. Workers
 * inherit the resulting environment.
 */
import { DEFAULT_PRODUCT_COUNT } from './prisma/seed-data'
import { openScratchWorld, setUpIn } from './testing/test-services'
import { BEHIND_LOCAL_EDGE, ensureTestBuild, startStore } from './testing/test-store'
import { testSecrets } from './server/launcher/local-secrets'
import { env } from './server/env'
import { storeWaitingRoomMode } from './testing/waiting-room-mode'

/** Port of the store the integration tests talk to (the e2e suite uses E2E_PORT). */
const TEST_STORE_PORT = Number(process.env.TEST_STORE_PORT ?? 3200)

export default async function setup() {
  const world = await openScratchWorld('test', { seedProducts: DEFAULT_PRODUCT_COUNT })
  const { database, keyPrefix, gateway } = world
  const { secrets, store } = await setUpIn(world, async () => {
    // The shared store checks out without the waiting room (its suites start stores of their own).
    await storeWaitingRoomMode(env.REDIS_URL, keyPrefix, 'off')
    const secrets = await testSecrets()
    // The store sits behind a simulated edge (127.0.0.1): each TestShopper is a client of its own.
    const storeEnv = world.storeEnv({ ...secrets.env, ...BEHIND_LOCAL_EDGE })
    await ensureTestBuild(storeEnv)
    return { secrets, store: await startStore(TEST_STORE_PORT, storeEnv) }
  })

  // Tests always talk to the real local Redis through our gateway, never a remote Upstash.
  delete process.env.UPSTASH_REDIS_REST_URL
  delete process.env.UPSTASH_REDIS_REST_TOKEN
  process.env.DATABASE_URL = database.url
  process.env.DATABASE_POOL_SIZE = '4'
  process.env.REDIS_KEY_PREFIX = keyPrefix
  process.env.GATEWAY_PORT = String(gateway.port)
  process.env.TEST_STORE_URL = store.url
  process.env.TEST_ADMIN_PASSWORD = secrets.adminPassword
  Object.assign(process.env, secrets.env, BEHIND_LOCAL_EDGE)
  process.env.LOG_LEVEL = 'warn'
  return async () => {
    await store.stop()
    await world.close()
  }
}
