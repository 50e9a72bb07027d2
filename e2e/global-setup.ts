/**
 * Playwright global setup: a fresh database (migrated and seeded with the full catalog),
 * a Redis key prefix and a gateway of its own, then `next build` into .next-e2e (skipped
 * when sources are unchanged since the last e2e build) and `next start` on E2E_PORT.
 * Returns the teardown that stops all of it and drops the database.
 */
import type { FullConfig } from '@playwright/test'
import { env, LOCAL_GATEWAY_TOKEN } from '../server/env'
import { buildIsCurrent, sourceFingerprint, writeBuildStamp } from '../server/dev/build-stamp'
import { startGateway } from '../server/dev/gateway'
import { buildNext, runNext, waitForHttp } from '../server/dev/next-process'
import { createTestDatabase, deleteKeysWithPrefix, uniqueKeyPrefix } from '../server/dev/test-services'
import { DEFAULT_PRODUCT_COUNT } from '../server/dev/seed-data'
import { E2E_BASE_URL, E2E_DIST_DIR, E2E_PORT } from './e2e-env'

export default async function globalSetup(_config: FullConfig) {
  const database = await createTestDatabase(env.DATABASE_URL, 'sf_e2e', { seedProducts: DEFAULT_PRODUCT_COUNT })
  const prefix = uniqueKeyPrefix('e2e')
  const gateway = await startGateway({ port: 0, redisUrl: env.REDIS_URL, token: LOCAL_GATEWAY_TOKEN })
  const appEnv = {
    DATABASE_URL: database.url,
    REDIS_KEY_PREFIX: prefix,
    GATEWAY_PORT: String(gateway.port),
    UPSTASH_REDIS_REST_URL: undefined,
    UPSTASH_REDIS_REST_TOKEN: undefined,
    NEXT_DIST_DIR: E2E_DIST_DIR,
    LOG_LEVEL: 'warn',
  }
  process.env.E2E_DATABASE_URL = database.url

  const fingerprint = sourceFingerprint(process.cwd(), 'e2e')
  if (!buildIsCurrent(E2E_DIST_DIR, fingerprint)) {
    console.log('[e2e] next build …')
    await buildNext(appEnv, true)
    writeBuildStamp(E2E_DIST_DIR, fingerprint)
  }
  const server = runNext(['start', '-p', String(E2E_PORT), '-H', '127.0.0.1'], appEnv, 'inherit')
  await waitForHttp(`${E2E_BASE_URL}/`, server)

  return async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM')
      await new Promise((r) => server.once('exit', r))
    }
    await gateway.close()
    await deleteKeysWithPrefix(env.REDIS_URL, prefix)
    await database.drop()
  }
}
