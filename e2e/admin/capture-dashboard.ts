/**
 * docs/ops-dashboard.png — what the on-call admin sees under load:
 *
 *   npx tsx e2e/admin/capture-dashboard.ts [--seconds 90] [--shoppers 12] [--out docs/ops-dashboard.png]
 *
 * Starts a world of its own (a fresh database with the full catalog, a gateway, two
 * `next start` instances on the shared test build, one payment worker with a slowed simulated
 * provider), drives shopper traffic at both instances (product and category pages, the stock
 * badge, the widgets, carts and doorbuster checkouts), slows the reviews widget with the
 * fault lever so one alert is visible, logs in to /ops in Debian Chromium and takes a
 * full-page screenshot. Everything is removed afterwards. Not a test (no `.spec.ts`).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import pg from 'pg'
import { env, LOCAL_GATEWAY_TOKEN } from '../../server/env'
import { startGateway } from '../../server/gateway/gateway'
import { DEFAULT_PRODUCT_COUNT } from '../../prisma/seed-data'
import { createTestDatabase, deleteKeysWithPrefix, uniqueKeyPrefix } from '../../testing/test-services'
import { BEHIND_LOCAL_EDGE, ensureTestBuild, startStore, type RunningStore, type StoreEnv } from '../../testing/test-store'
import { testSecrets } from '../../server/launcher/local-secrets'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { spawnWorker } from '../../server/launcher/worker-process'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium'

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '90' },
    shoppers: { type: 'string', default: '12' },
    out: { type: 'string', default: 'docs/ops-dashboard.png' },
  },
})
const SECONDS = Number(args.seconds)
const SHOPPERS = Number(args.shoppers)

type Product = { id: number; slug: string; hot: boolean; category: string }

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!

/** One simulated shopper: what a browser does on our pages, in a loop, until `until`. */
async function shopper(stores: RunningStore[], products: Product[], until: number, counts: Map<string, number>): Promise<void> {
  const hot = products.filter((p) => p.hot)
  const count = (what: string) => counts.set(what, (counts.get(what) ?? 0) + 1)
  while (Date.now() < until) {
    const base = pick(stores).url
    const client = new TestShopper(base)
    const roll = Math.random()
    try {
      if (roll < 0.65) {
        const p = Math.random() < 0.5 ? pick(hot) : pick(products)
        await (await fetch(`${base}/p/${p.slug}`)).arrayBuffer()
        await Promise.all([client.query('flags.enabled'), client.query('catalog.stock', { productId: p.id })])
        await Promise.all([client.query('reviews.forProduct', { productId: p.id }), client.query('recommendations.forProduct', { productId: p.id })])
        count('product views')
      } else if (roll < 0.85) {
        await (await fetch(`${base}/c/${pick(products).category}`)).arrayBuffer()
        count('category views')
      } else {
        const p = pick(hot)
        await client.mutate('cart.add', { productId: p.id, quantity: 1 })
        const answer = await client.mutate('checkout.placeOrder', { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [{ productId: p.id, quantity: 1 }] })
        count(`checkout ${answer.status}`)
      }
    } catch {
      count('client errors')
    }
    await sleep(20 + Math.random() * 80)
  }
}

async function main(): Promise<void> {
  console.log('[capture] preparing a database with the full catalog, a gateway and the test build…')
  const database = await createTestDatabase(env.DATABASE_URL, 'sf_capture', { seedProducts: DEFAULT_PRODUCT_COUNT })
  const keyPrefix = uniqueKeyPrefix('capture')
  const gateway = await startGateway({ port: 0, redisUrl: env.REDIS_URL, token: LOCAL_GATEWAY_TOKEN })
  const secrets = await testSecrets()
  // Behind a simulated edge: each TestShopper is a client of its own (per-client limits).
  const storeEnv: StoreEnv = { databaseUrl: database.url, keyPrefix, gatewayPort: gateway.port, extra: { ...secrets.env, ...BEHIND_LOCAL_EDGE } }
  await ensureTestBuild(storeEnv)
  const stores = await Promise.all([startStore('auto', storeEnv), startStore('auto', storeEnv)])
  const worker = spawnWorker({
    DATABASE_URL: database.url,
    REDIS_KEY_PREFIX: keyPrefix,
    GATEWAY_PORT: String(gateway.port),
    UPSTASH_REDIS_REST_URL: undefined,
    UPSTASH_REDIS_REST_TOKEN: undefined,
    WORKER_CONCURRENCY: '4',
    LOG_LEVEL: 'warn',
  })
  const db = new pg.Pool({ connectionString: database.url, max: 2 })
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  try {
    await worker.ready
    const { rows: products } = await db.query<Product>(
      `SELECT p.id, p.slug, p.hot, c.slug AS category FROM "Product" p JOIN "Category" c ON c.id = p."categoryId"
        WHERE p.active ORDER BY p.hot DESC, p.popularity DESC LIMIT 300`,
    )
    // Doorbusters with enough stock to keep selling through the capture.
    await db.query(`UPDATE "Product" SET stock = 400 + id % 7 * 50 WHERE hot`)

    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage()
    await page.goto(`${stores[0]!.url}/ops/login`)
    await page.getByTestId('ops-password').fill(secrets.adminPassword)
    await page.getByTestId('ops-login').click()
    await page.getByTestId('ops-dashboard').waitFor()
    const admin = (path: string, input: unknown) =>
      page.evaluate(
        async ({ path, input }) => (await fetch(`/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: input }) })).status,
        { path, input },
      )
    await admin('ops.setPaymentSettings', { latencyP50Ms: 300, latencyP99Ms: 2_500 })
    // Every instance has served a request and published (one slot, plus the dashboard's 2 s
    // cache), so pre-warm knows both URLs.
    await Promise.all(stores.map(async (s) => (await fetch(s.url)).arrayBuffer()))
    await sleep(12_000)
    await admin('ops.startPrewarm', { topProducts: 100 })

    console.log(`[capture] ${SHOPPERS} shoppers for ${SECONDS} s against ${stores.map((s) => s.url).join(' and ')}`)
    const until = Date.now() + SECONDS * 1000
    const counts = new Map<string, number>()
    const load = Promise.all(Array.from({ length: SHOPPERS }, () => shopper(stores, products, until, counts)))
    // Two thirds in, a drill: reviews slowed to 1.2 s (their p99 alert turns red).
    await sleep((SECONDS * 2_000) / 3)
    await admin('ops.setFault', { name: 'reviewsDelayMs', value: 1_200 })
    await load
    console.log('[capture] traffic sent:', Object.fromEntries(counts))

    await page.reload()
    await page.getByTestId('ops-stats').waitFor()
    await sleep(4_000) // two dashboard refreshes, so every chart has its latest points
    await page.screenshot({ path: args.out, fullPage: true })
    console.log(`[capture] wrote ${args.out}`)
    await admin('ops.setFault', { name: 'reviewsDelayMs', value: 0 })
  } finally {
    await browser.close()
    await worker.stop().catch(() => {})
    await Promise.all(stores.map((s) => s.stop()))
    await db.end()
    await gateway.close()
    await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
    await database.drop()
  }
}

await main()
