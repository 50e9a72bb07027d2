/**
 * An isolated payment world for tests that run real worker processes: a database of its
 * own (migrated, a small seeded catalog), a Redis key prefix of its own, and a store on a
 * free port pointed at both. A worker drains *every* payment job in its database, so it
 * must never run on the run's shared database, where other test files place orders and
 * look at their jobs. Every worker started here is killed by `close()`.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { env } from '../server/env'
import { createTestDatabase, deleteKeysWithPrefix, uniqueKeyPrefix, type TestDatabase } from './test-services'
import { currentStoreEnv, startStore, type RunningStore } from './test-store'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from './test-shopper'
import { spawnWorker, type WorkerProcess } from '../server/launcher/worker-process'

export interface PaymentWorld {
  database: TestDatabase
  keyPrefix: string
  store: RunningStore
  sql<T extends pg.QueryResultRow>(text: string, params?: unknown[]): Promise<T[]>
  createProduct(stock: number, hot?: boolean): Promise<number>
  /** Places one order over HTTP as a fresh shopper; returns the order id, or null when refused. */
  placeOrder(lines: Array<{ productId: number; quantity: number }>): Promise<string | null>
  /** Starts a worker process on this world with `overrides` (PAYMENT_*, WORKER_* …), ready. */
  startWorker(overrides?: Record<string, string>): Promise<WorkerProcess>
  close(): Promise<void>
}

export async function createPaymentWorld(label: string): Promise<PaymentWorld> {
  const database = await createTestDatabase(env.DATABASE_URL, `sf_test_${label}`, { seedProducts: 20 })
  const keyPrefix = uniqueKeyPrefix(`test-${label}`)
  const base = currentStoreEnv()
  const store = await startStore('auto', { ...base, databaseUrl: database.url, keyPrefix })
  const client = new pg.Pool({ connectionString: database.url, max: 4 })
  const workers: WorkerProcess[] = []
  let counter = 0

  const sql = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) => (await client.query<T>(text, params)).rows

  return {
    database,
    keyPrefix,
    store,
    sql,
    async createProduct(stock, hot = false) {
      counter += 1
      const [row] = await sql<{ id: number }>(
        `INSERT INTO "Product" (slug, name, description, "priceCents", stock, hot, "categoryId", "updatedAt")
         VALUES ($1, $2, 'payment test product', 1500, $3, $4, (SELECT min(id) FROM "Category"), now()) RETURNING id`,
        [`${label}-product-${Date.now().toString(36)}-${counter}`, `${label} product ${counter}`, stock, hot],
      )
      return row!.id
    },
    async placeOrder(lines) {
      const shopper = new TestShopper(store.url)
      await shopper.query('cart.get')
      const answer = await shopper.placeOrder({ idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines })
      if (answer.status === 200) return answer.data!.orderId
      if (answer.error?.appCode === 'SOLD_OUT') return null
      throw new Error(`checkout answered ${answer.status}: ${JSON.stringify(answer.error)}`)
    },
    async startWorker(overrides = {}) {
      const worker = spawnWorker({
        DATABASE_URL: database.url,
        REDIS_KEY_PREFIX: keyPrefix,
        GATEWAY_PORT: String(env.GATEWAY_PORT),
        UPSTASH_REDIS_REST_URL: undefined,
        UPSTASH_REDIS_REST_TOKEN: undefined,
        LOG_LEVEL: 'info',
        ...overrides,
      })
      workers.push(worker)
      await worker.ready
      return worker
    },
    async close() {
      await Promise.all(workers.map((w) => w.kill()))
      await store.stop()
      await client.end()
      await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
      await database.drop()
    },
  }
}

/** Polls `check` every 100 ms until it returns true, or fails after `timeoutMs` with `describe()`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, describe: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${await describe()}`)
    await sleep(100)
  }
}
