/**
 * Test support for the ops suites: `next start` instances on the run's database but a Redis
 * key prefix of their own, so their flags, limits, faults, payment settings and published
 * figures belong to the test alone (the dashboard then sees exactly these instances and
 * exactly the test's traffic). Plus an admin client logged in over HTTP.
 */
import { expect } from 'vitest'
import { env } from '../server/env'
import { deleteKeysWithPrefix, uniqueKeyPrefix } from './test-services'
import { TestShopper } from './test-shopper'
import { currentStoreEnv, startStore, type RunningStore } from './test-store'

export interface OpsStores {
  keyPrefix: string
  stores: RunningStore[]
  close(): Promise<void>
}

export async function startOpsStores(label: string, count: number): Promise<OpsStores> {
  const keyPrefix = uniqueKeyPrefix(`test-${label}`)
  const stores = await Promise.all(Array.from({ length: count }, () => startStore('auto', { ...currentStoreEnv(), keyPrefix })))
  return {
    keyPrefix,
    stores,
    async close() {
      await Promise.all(stores.map((s) => s.stop()))
      await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
    },
  }
}

/** An admin's HTTP client on `baseUrl`: logged in, sending our own Origin like the dashboard does. */
export async function adminClient(baseUrl: string): Promise<TestShopper> {
  const admin = new TestShopper(baseUrl, { origin: baseUrl })
  const login = await admin.mutate('auth.login', { password: env.TEST_ADMIN_PASSWORD })
  expect(login.status, JSON.stringify(login.error)).toBe(200)
  return admin
}
