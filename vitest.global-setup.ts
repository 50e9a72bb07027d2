/**
 * Vitest global setup: every run gets its own fresh database (migrated, with a small
 * seeded catalog), its own Redis key prefix, and its own Upstash-compatible gateway in
 * front of the real Redis. Workers inherit the resulting environment.
 */
import { env, LOCAL_GATEWAY_TOKEN } from './server/env'
import { startGateway } from './server/dev/gateway'
import { createTestDatabase, deleteKeysWithPrefix, uniqueKeyPrefix } from './server/dev/test-services'

export const TEST_SEED_PRODUCTS = 600

export default async function setup() {
  const database = await createTestDatabase(env.DATABASE_URL, 'sf_test', { seedProducts: TEST_SEED_PRODUCTS })
  const prefix = uniqueKeyPrefix('test')
  const gateway = await startGateway({ port: 0, redisUrl: env.REDIS_URL, token: LOCAL_GATEWAY_TOKEN })
  // Tests always talk to the real local Redis through our gateway, never a remote Upstash.
  delete process.env.UPSTASH_REDIS_REST_URL
  delete process.env.UPSTASH_REDIS_REST_TOKEN
  process.env.DATABASE_URL = database.url
  process.env.DATABASE_POOL_SIZE = '4'
  process.env.REDIS_KEY_PREFIX = prefix
  process.env.GATEWAY_PORT = String(gateway.port)
  process.env.LOG_LEVEL = 'warn'
  return async () => {
    await gateway.close()
    await deleteKeysWithPrefix(env.REDIS_URL, prefix)
    await database.drop()
  }
}
