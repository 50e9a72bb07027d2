/**
 * Playwright global setup: a fresh database (migrated and seeded with the full catalog),
 * a Redis key prefix and a gateway of its own, the shared test build (testing/test-store.ts)
 * and the store (our server) on E2E_PORT, behind a simulated edge (BEHIND_LOCAL_EDGE). Returns the teardown that stops all of it and drops the database.
 */
import type { FullConfig } from '@playwright/test'
import { DEFAULT_PRODUCT_COUNT } from '../prisma/seed-data'
import { openScratchWorld, setUpIn } from '../testing/test-services'
import { BEHIND_LOCAL_EDGE, ensureTestBuild, startStore } from '../testing/test-store'
import { testSecrets } from '../server/launcher/local-secrets'
import { E2E_PORT } from './e2e-env'

export default async function globalSetup(_config: FullConfig) {
  const world = await openScratchWorld('e2e', { seedProducts: DEFAULT_PRODUCT_COUNT })
  const { database, keyPrefix, gateway } = world
  const secrets = await testSecrets()
  // Behind a simulated edge (127.0.0.1): browser contexts that send X-Forwarded-For are separate clients.
  const storeEnv = world.storeEnv({ ...secrets.env, ...BEHIND_LOCAL_EDGE })
  process.env.E2E_ADMIN_PASSWORD = secrets.adminPassword
  process.env.E2E_METRICS_TOKEN = secrets.metricsToken
  process.env.E2E_DATABASE_URL = database.url
  process.env.E2E_KEY_PREFIX = keyPrefix
  process.env.E2E_GATEWAY_PORT = String(gateway.port) // for specs that start a payment worker

  const store = await setUpIn(world, async () => {
    if ((await ensureTestBuild(storeEnv)) === 'built') console.log('[e2e] built .next-test')
    return startStore(E2E_PORT, storeEnv)
  })

  return async () => {
    await store.stop()
    await world.close()
  }
}
