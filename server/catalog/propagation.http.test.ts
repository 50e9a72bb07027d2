/**
 * Every admin change that can change what a shopper may do reaches both of two `next start`
 * instances sharing PostgreSQL and Redis — and every cache layer on them (sold-out gate, data
 * cache, page cache including cached 404s, the stock badge's entry) — within
 * PROPAGATION_DEADLINE_MS of the admin's request answering. Each test warms every layer on
 * both instances first (pages rendered and cached, entries filled, gates closed), makes ONE
 * change through the admin's tRPC procedure on instance A, then polls both instances until the
 * change shows, failing at the deadline with what it last saw.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis as IORedis } from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { currentStoreEnv, startStore, testStoreUrl, type RunningStore } from '../../testing/test-store'
import { env } from '../env'
import { keys } from '../platform/cache'
import type { ProductDetail, ProductCard, StockStatus } from './catalog.schema'
import { PROPAGATION_DEADLINE_MS } from './propagation'
import { usd } from '../../testing/expected-price'

const db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 })
const redis = new IORedis(env.REDIS_URL)
let second: RunningStore
let urls: [string, string]
let admin: TestShopper

/** Popularity that puts a product on its category's first page (seeded non-hot products stay ≤ 100,000). */
const FIRST_PAGE_POPULARITY = 999_000
/** Between the seeded doorbusters (1,000,000 − i): a hot product ranks among the home page's 8 deals, never first. */
const HOME_DEALS_POPULARITY = 999_996

beforeAll(async () => {
  second = await startStore('auto', currentStoreEnv())
  urls = [testStoreUrl(), second.url]
  admin = new TestShopper(testStoreUrl(), { origin: testStoreUrl() })
  expect((await admin.mutate('auth.login', { password: env.TEST_ADMIN_PASSWORD })).status).toBe(200)
}, 120_000)

afterAll(async () => {
  await second?.stop()
  await db.end()
  redis.disconnect()
})

let counter = 0
interface Product {
  id: number
  slug: string
  name: string
  priceCents: number
  category: string
}

/**
 * A fresh product of our own (first page of its category), so tests never share state. Its
 * category is one no other suite counts (catalog.service.test counts the last one, fixtures use the first).
 */
async function createProduct(opts: { stock: number; hot?: boolean; active?: boolean; popularity?: number }): Promise<Product> {
  counter += 1
  const slug = `propagation-${process.pid}-${Date.now().toString(36)}-${counter}`
  const name = `Propagation Lamp ${Date.now().toString(36)}${counter}`
  const { rows } = await db.query<{ id: number; category: string }>(
    `INSERT INTO "Product" (slug, name, description, "priceCents", stock, hot, active, popularity, "categoryId", "updatedAt")
     VALUES ($1, $2, 'propagation test', 4200, $3, $4, $5, $6, (SELECT id FROM "Category" ORDER BY position DESC OFFSET 3 LIMIT 1), now())
     RETURNING id, (SELECT slug FROM "Category" ORDER BY position DESC OFFSET 3 LIMIT 1) AS category`,
    [slug, name, opts.stock, opts.hot ?? false, opts.active ?? true, opts.popularity ?? FIRST_PAGE_POPULARITY],
  )
  return { id: rows[0]!.id, slug, name, priceCents: 4_200, category: rows[0]!.category }
}

async function page(base: string, path: string): Promise<{ status: number; html: string; cache: string | null }> {
  const res = await fetch(`${base}${path}`)
  return { status: res.status, html: await res.text(), cache: res.headers.get('x-nextjs-cache') }
}

/**
 * Requests `path` until this instance serves it from its page cache as fresh (HIT), so a change
 * must invalidate it. A build-time page older than its `revalidate` answers STALE while a
 * background render replaces it, which takes a moment on a busy machine: hence the pauses.
 */
async function cachedPage(base: string, path: string, status: number): Promise<void> {
  const seen: Array<string | null> = []
  for (let i = 0; i < 40; i++) {
    const p = await page(base, path)
    expect(p.status, `${base}${path}`).toBe(status)
    if (p.cache === 'HIT') return
    seen.push(p.cache)
    await sleep(250)
  }
  throw new Error(`${base}${path} never came from the page cache: ${seen.join(', ')}`)
}

async function buyOne(base: string, productId: number) {
  const shopper = new TestShopper(base)
  await shopper.query('cart.get')
  return shopper.mutate<{ orderId: string }>('checkout.placeOrder', { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [{ productId, quantity: 1 }] })
}

const stockOf = (base: string, productId: number) => new TestShopper(base).query<StockStatus>('catalog.stock', { productId })
const productOf = (base: string, slug: string) => new TestShopper(base).query<ProductDetail>('catalog.product', { slug })

/**
 * Polls `observe` on both instances until it returns true for each, measured from `since`
 * (when the admin's request answered); fails at PROPAGATION_DEADLINE_MS with the last
 * observation of the instance(s) still behind. Resolves how long each instance took.
 */
async function withinDeadline(since: number, what: string, observe: (base: string) => Promise<true | string>): Promise<number[]> {
  const took: Array<number | null> = [null, null]
  const last: string[] = ['', '']
  for (;;) {
    await Promise.all(
      urls.map(async (base, i) => {
        if (took[i] !== null) return
        const seen = await observe(base)
        if (seen === true) took[i] = Date.now() - since
        else last[i] = seen
      }),
    )
    if (took.every((t) => t !== null)) return took as number[]
    if (Date.now() - since > PROPAGATION_DEADLINE_MS) {
      const behind = urls.flatMap((u, i) => (took[i] === null ? [`${u}: ${last[i]}`] : []))
      throw new Error(`${what}: not on every instance within ${PROPAGATION_DEADLINE_MS} ms — ${behind.join('; ')}`)
    }
    await sleep(100)
  }
}

async function adminChange(path: string, input: unknown): Promise<number> {
  const answer = await admin.mutate<{ propagation: string }>(path, input)
  expect(answer.status, JSON.stringify(answer.error)).toBe(200)
  expect(answer.data?.propagation).toBe('complete')
  return Date.now()
}

const categoryPath = (p: Product) => `/c/${p.category}`

describe(`admin changes reach both instances and every cache layer within ${PROPAGATION_DEADLINE_MS} ms`, () => {
  it('price: product page, category listing and the data cache show the new price', async () => {
    const p = await createProduct({ stock: 50 })
    for (const base of urls) {
      await cachedPage(base, `/p/${p.slug}`, 200)
      await cachedPage(base, categoryPath(p), 200)
      expect((await productOf(base, p.slug)).data?.priceCents).toBe(p.priceCents)
    }
    const newPrice = p.priceCents + 1_111
    const since = await adminChange('catalog.updateProduct', { id: p.id, patch: { priceCents: newPrice } })
    await withinDeadline(since, 'new price', async (base) => {
      const [detail, product, listing] = await Promise.all([productOf(base, p.slug), page(base, `/p/${p.slug}`), page(base, categoryPath(p))])
      if (detail.data?.priceCents !== newPrice) return `catalog.product says ${detail.data?.priceCents}`
      if (!product.html.includes(usd(newPrice))) return `product page (${product.cache}) still without ${usd(newPrice)}`
      if (!listing.html.includes(usd(newPrice))) return `category page (${listing.cache}) still without ${usd(newPrice)}`
      return true
    })
  })

  it('stock up: a sold-out product (gate closed) is buyable and the badge shows the units', async () => {
    const p = await createProduct({ stock: 1, hot: true })
    expect((await buyOne(urls[0], p.id)).status).toBe(200)
    for (const base of urls) {
      const refused = await buyOne(base, p.id)
      expect(refused.error?.appCode).toBe('SOLD_OUT')
      expect((await stockOf(base, p.id)).data?.status).toBe('SOLD_OUT')
    }
    expect(await redis.exists(keys.soldOutGate(p.id))).toBe(1) // the gate is closed
    const since = await adminChange('inventory.changeStock', { productId: p.id, delta: 5 })
    await withinDeadline(since, 'restocked units', async (base) => {
      const stock = await stockOf(base, p.id)
      if (!stock.data || stock.data.stock < 1) return `badge says ${JSON.stringify(stock.data)}`
      const bought = await buyOne(base, p.id)
      return bought.status === 200 ? true : `checkout answered ${bought.status} ${bought.error?.appCode}`
    })
  })

  it('stock down to 0 (stop selling): the badge says sold out and the gate refuses on both', async () => {
    const p = await createProduct({ stock: 40, hot: true })
    for (const base of urls) expect((await stockOf(base, p.id)).data?.status).toBe('IN_STOCK')
    const since = await adminChange('inventory.stopSelling', { productId: p.id })
    await withinDeadline(since, 'sold out', async (base) => {
      const stock = await stockOf(base, p.id)
      if (stock.data?.status !== 'SOLD_OUT') return `badge says ${JSON.stringify(stock.data)}`
      const bought = await buyOne(base, p.id)
      return bought.error?.appCode === 'SOLD_OUT' ? true : `checkout answered ${bought.status} ${bought.error?.appCode}`
    })
    expect(await redis.exists(keys.soldOutGate(p.id))).toBe(1)
    const [{ stock }] = (await db.query<{ stock: number }>('SELECT stock FROM "Product" WHERE id = $1', [p.id])).rows as [{ stock: number }]
    expect(stock).toBe(0)
  })

  it('deactivate: the page becomes a 404, the listing and the data cache drop it, checkout and the badge refuse', async () => {
    const p = await createProduct({ stock: 30 })
    for (const base of urls) {
      await cachedPage(base, `/p/${p.slug}`, 200)
      await cachedPage(base, categoryPath(p), 200)
      expect((await stockOf(base, p.id)).status).toBe(200)
    }
    const since = await adminChange('catalog.updateProduct', { id: p.id, patch: { active: false } })
    await withinDeadline(since, 'deactivation', async (base) => {
      const [product, listing, detail, stock] = await Promise.all([page(base, `/p/${p.slug}`), page(base, categoryPath(p)), productOf(base, p.slug), stockOf(base, p.id)])
      if (product.status !== 404) return `product page ${product.status} (${product.cache})`
      if (listing.html.includes(p.name)) return `category page (${listing.cache}) still lists it`
      if (detail.status !== 404) return `catalog.product ${detail.status}`
      if (stock.status !== 404) return `catalog.stock ${stock.status}`
      const bought = await buyOne(base, p.id)
      return bought.error?.appCode === 'NOT_FOUND' ? true : `checkout answered ${bought.status} ${bought.error?.appCode}`
    })
  })

  it('reactivate: a cached 404 becomes the product page again, and it is listed and buyable', async () => {
    const p = await createProduct({ stock: 30, active: false })
    for (const base of urls) {
      await cachedPage(base, `/p/${p.slug}`, 404) // the 404 itself is in the page cache
      expect((await productOf(base, p.slug)).status).toBe(404)
    }
    const since = await adminChange('catalog.updateProduct', { id: p.id, patch: { active: true } })
    await withinDeadline(since, 'reactivation', async (base) => {
      const [product, listing, stock] = await Promise.all([page(base, `/p/${p.slug}`), page(base, categoryPath(p)), stockOf(base, p.id)])
      if (product.status !== 200) return `product page ${product.status} (${product.cache})`
      if (!listing.html.includes(p.name)) return `category page (${listing.cache}) does not list it`
      if (stock.status !== 200) return `catalog.stock ${stock.status}`
      const bought = await buyOne(base, p.id)
      return bought.status === 200 ? true : `checkout answered ${bought.status} ${bought.error?.appCode}`
    })
  })

  const hotDeals = (base: string) => new TestShopper(base).query<ProductCard[]>('catalog.hotDeals', { limit: 24 })

  it('doorbuster on: the product page says so and it joins the hot deals (home page and listing)', async () => {
    const p = await createProduct({ stock: 30, popularity: HOME_DEALS_POPULARITY })
    for (const base of urls) {
      await cachedPage(base, `/p/${p.slug}`, 200)
      await cachedPage(base, '/', 200)
      expect((await hotDeals(base)).data?.map((d) => d.id)).not.toContain(p.id)
    }
    const since = await adminChange('catalog.updateProduct', { id: p.id, patch: { hot: true } })
    try {
      await withinDeadline(since, 'doorbuster on', async (base) => {
        const [product, home, deals] = await Promise.all([page(base, `/p/${p.slug}`), page(base, '/'), hotDeals(base)])
        if (!product.html.includes('Doorbuster deal')) return `product page (${product.cache}) without the doorbuster label`
        if (!home.html.includes(p.name)) return `home page (${home.cache}) without it`
        return deals.data?.some((d) => d.id === p.id) ? true : 'catalog.hotDeals without it'
      })
    } finally {
      await admin.mutate('catalog.updateProduct', { id: p.id, patch: { hot: false } }) // leave the seeded deals as they were
    }
  })

  it('doorbuster off: the label and the hot-deals entry go', async () => {
    const p = await createProduct({ stock: 30, hot: true, popularity: HOME_DEALS_POPULARITY })
    for (const base of urls) {
      await cachedPage(base, `/p/${p.slug}`, 200)
      await cachedPage(base, '/', 200)
      expect((await hotDeals(base)).data?.map((d) => d.id)).toContain(p.id)
    }
    const since = await adminChange('catalog.updateProduct', { id: p.id, patch: { hot: false } })
    await withinDeadline(since, 'doorbuster off', async (base) => {
      const [product, home, deals] = await Promise.all([page(base, `/p/${p.slug}`), page(base, '/'), hotDeals(base)])
      if (product.html.includes('Doorbuster deal')) return `product page (${product.cache}) still labelled`
      if (home.html.includes(p.name)) return `home page (${home.cache}) still shows it`
      return deals.data?.some((d) => d.id === p.id) ? 'catalog.hotDeals still lists it' : true
    })
  })
})
