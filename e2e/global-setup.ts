/**
 * Playwright global setup: a fresh database (migrated and seeded with the full catalog),
 * a Redis key prefix and a gateway of its own, the shared test build (server/dev/test-store.ts)
 * and `next start` on E2E_PORT. Returns the teardown that stops all of it and drops the database.
 */
import type { FullConfig } from '@playwright/test'
import { env, LOCAL_GATEWAY_TOKEN } from '../server/env'
import { startGateway } from '../server/dev/gateway'
import { DEFAULT_PRODUCT_COUNT } from '../server/dev/seed-data'
import { createTestDatabase, deleteKeysWithPrefix, uniqueKeyPrefix } from '../server/dev/test-services'
import { ensureTestBuild, startStore, type StoreEnv } from '../server/dev/test-store'
import { testSecrets } from '../server/dev/local-secrets'
import { E2E_PORT } from './e2e-env'

export default async function globalSetup(_config: FullConfig) {
  const database = await createTestDatabase(env.DATABASE_URL, 'sf_e2e', { seedProducts: DEFAULT_PRODUCT_COUNT })
  const keyPrefix = uniqueKeyPrefix('e2e')
  const gateway = await startGateway({ port: 0, redisUrl: env.REDIS_URL, token: LOCAL_GATEWAY_TOKEN })
  const secrets = await testSecrets()
  const storeEnv: StoreEnv = { databaseUrl: database.url, keyPrefix, gatewayPort: gateway.port, extra: secrets.env }
  process.env.E2E_ADMIN_PASSWORD = secrets.adminPassword
  process.env.E2E_METRICS_TOKEN = secrets.metricsToken
  process.env.E2E_DATABASE_URL = database.url
  process.env.E2E_KEY_PREFIX = keyPrefix
  process.env.E2E_GATEWAY_PORT = String(gateway.port) // for specs that start a payment worker

  if ((await ensureTestBuild(storeEnv)) === 'built') console.log('[e2e] built .next-test')
  const store = await startStore(E2E_PORT, storeEnv)

  return async () => {
    await store.stop()
    await gateway.close()
    await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
    await database.drop()
  }
}
