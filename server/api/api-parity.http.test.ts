/**
 * The API service answers every tRPC call as Next's `/api/trpc` route does: the run's store
 * (Next, through our server) and a real API process (server/api/api-main.ts) on the same
 * database, Redis prefix, secrets and trust model get the same table of good and bad calls,
 * each from a fresh shopper, and must agree on the HTTP status, the error's shape (tRPC code,
 * HTTP status, app code, message, zod issues, retry hint), the body of good answers, and the
 * headers a client or a cache acts on (Cache-Control, Retry-After, Content-Type, Set-Cookie
 * attributes, the security headers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../env'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import { currentStoreEnv, testStoreUrl } from '../../testing/test-store'
import { createProduct, sql } from '../../testing/checkout-fixtures'
import { startApiService, type RunningApi } from '../../testing/api-service'
import { MAX_TRPC_BATCH_CALLS } from '../trpc/batch-limit'
import { MAX_TRPC_BODY_BYTES } from '../trpc/body-limit'
import { POLICIES } from '../platform/rate-limit-policies'
import { insideOneLimitWindow } from '../../testing/limit-window'

let api: RunningApi

beforeAll(async () => {
  api = await startApiService('auto', currentStoreEnv())
})

afterAll(async () => {
  await api?.stop()
})

/** Headers whose value a client, a cache or a browser acts on; compared exactly (or as present). */
const COMPARED_HEADERS = [
  'cache-control',
  'content-type',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'permissions-policy',
  'cross-origin-opener-policy',
  'content-security-policy',
  'strict-transport-security',
] as const

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/

/** Values that differ per call by design (ids, times, retry seconds) become placeholders. */
function stable(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (UUID.test(value)) return '<uuid>'
    if (ISO_DATE.test(value)) return '<time>'
    return value
  }
  if (typeof value === 'number' && key === 'retryAfterSeconds') return '<seconds>'
  if (Array.isArray(value)) return value.map((v) => stable(v))
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stable(v, k)]))
  return value
}

interface Seen {
  status: number
  headers: Record<string, string | null>
  retryAfter: 'present' | 'absent'
  /** Set-Cookie lines without their values: `name; Path=/; HttpOnly; …`. */
  cookies: string[]
  body: unknown
}

async function seen(res: Response): Promise<Seen> {
  const text = await res.text()
  let body: unknown = text
  try {
    body = stable(JSON.parse(text))
  } catch {
    // plain-text answers (the malformed-URL 400) are compared as text
  }
  return {
    status: res.status,
    headers: Object.fromEntries(COMPARED_HEADERS.map((h) => [h, res.headers.get(h)?.replace(/;\s*/g, ';').toLowerCase() ?? null])),
    retryAfter: res.headers.get('retry-after') ? 'present' : 'absent',
    cookies: res.headers
      .getSetCookie()
      .map((line) => line.replace(/=[^;]*/, '').replace(/;\s*expires=[^;]*/i, ''))
      .sort(),
    body,
  }
}

/** One row of the table: what a fresh shopper does on `host`, ending in the answer compared. */
interface Case {
  name: string
  run(host: string): Promise<Response>
  expectStatus: number
}

const input = (value: unknown) => encodeURIComponent(JSON.stringify({ json: value }))
const get = (s: TestShopper, path: string) => s.fetch(`${s.baseUrl}/api/trpc/${path}`, { headers: s.headers(false) })
const post = (s: TestShopper, path: string, body: unknown, extra: Record<string, string> = {}) =>
  s.fetch(`${s.baseUrl}/api/trpc/${path}`, { method: 'POST', headers: { ...s.headers(true), ...extra }, body: JSON.stringify({ json: body }) })

let facts: { slug: string; productId: number; soldOutId: number }

async function adminOn(host: string): Promise<TestShopper> {
  const admin = new TestShopper(host)
  const login = await admin.mutate('auth.login', { password: env.TEST_ADMIN_PASSWORD })
  expect(login.status).toBe(200)
  return admin
}

const CASES: Case[] = [
  { name: 'catalog query, good input', expectStatus: 200, run: (h) => get(new TestShopper(h), `catalog.product?input=${input({ slug: facts.slug })}`) },
  { name: 'catalog query, unknown slug (404 from the service)', expectStatus: 404, run: (h) => get(new TestShopper(h), `catalog.product?input=${input({ slug: 'no-such-product-anywhere' })}`) },
  { name: 'catalog query, zod 400', expectStatus: 400, run: (h) => get(new TestShopper(h), `catalog.product?input=${input({ slug: 42 })}`) },
  { name: 'query without input where one is required (zod 400)', expectStatus: 400, run: (h) => get(new TestShopper(h), 'catalog.stock') },
  { name: 'trivial query (flags.enabled)', expectStatus: 200, run: (h) => get(new TestShopper(h), 'flags.enabled') },
  {
    name: 'cart mutation: a new session cookie and the line',
    expectStatus: 200,
    run: (h) => post(new TestShopper(h), 'cart.add', { productId: facts.productId, quantity: 2 }),
  },
  {
    name: 'cart query with the session cookie the first call set',
    expectStatus: 200,
    run: async (h) => {
      const s = new TestShopper(h)
      expect((await s.mutate('cart.add', { productId: facts.productId, quantity: 3 })).status).toBe(200)
      return get(s, 'cart.get')
    },
  },
  { name: 'cart mutation, zod 400 (quantity 0)', expectStatus: 400, run: (h) => post(new TestShopper(h), 'cart.add', { productId: facts.productId, quantity: 0 }) },
  {
    name: 'tampered session cookie: 401, cookie cleared',
    expectStatus: 401,
    run: (h) => {
      const s = new TestShopper(h)
      s.setCookie('sf_session', 'Fe26.2**tampered**value')
      return get(s, 'cart.get')
    },
  },
  {
    name: 'checkout accepted',
    expectStatus: 200,
    run: (h) => post(new TestShopper(h), 'checkout.placeOrder', { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [{ productId: facts.productId, quantity: 1 }] }),
  },
  {
    name: 'checkout sold out (409 SOLD_OUT naming the item)',
    expectStatus: 409,
    run: (h) => post(new TestShopper(h), 'checkout.placeOrder', { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [{ productId: facts.soldOutId, quantity: 1 }] }),
  },
  {
    name: 'checkout, zod 400 (bad email, short key)',
    expectStatus: 400,
    run: (h) => post(new TestShopper(h), 'checkout.placeOrder', { idempotencyKey: 'short', ...TEST_ADDRESS, email: 'not-an-email', lines: [{ productId: facts.productId, quantity: 1 }] }),
  },
  {
    name: `batch over the limit (${MAX_TRPC_BATCH_CALLS + 1} calls)`,
    expectStatus: 400,
    run: (h) => get(new TestShopper(h), `${Array.from({ length: MAX_TRPC_BATCH_CALLS + 1 }, () => 'flags.enabled').join(',')}?batch=1`),
  },
  {
    name: 'batch of a good and a bad call (207)',
    expectStatus: 207,
    run: (h) => get(new TestShopper(h), `flags.enabled,nope.nothing?batch=1`),
  },
  { name: 'unknown procedure (404)', expectStatus: 404, run: (h) => get(new TestShopper(h), 'nope.nothing') },
  { name: 'GET on a mutation (405)', expectStatus: 405, run: (h) => get(new TestShopper(h), 'cart.add') },
  {
    name: `body over ${MAX_TRPC_BODY_BYTES} bytes (413)`,
    expectStatus: 413,
    run: (h) => post(new TestShopper(h), 'cart.add', { productId: facts.productId, pad: 'x'.repeat(MAX_TRPC_BODY_BYTES) }),
  },
  {
    name: 'undecodable percent-escape in the path (400)',
    expectStatus: 400,
    run: (h) => {
      const s = new TestShopper(h)
      return s.fetch(`${h}/api/trpc/catalog.product%zz`, { headers: s.headers(false) })
    },
  },
  { name: 'admin query without a session (401)', expectStatus: 401, run: (h) => get(new TestShopper(h), 'ops.levers') },
  { name: 'admin mutation without a session (401)', expectStatus: 401, run: (h) => post(new TestShopper(h), 'ops.setFlag', { name: 'reviews', enabled: true }) },
  {
    name: 'admin mutation with a session but from another Origin (403)',
    expectStatus: 403,
    run: async (h) => post(await adminOn(h), 'ops.setFlag', { name: 'reviews', enabled: true }, { origin: 'https://evil.example' }),
  },
  { name: 'admin identity with a session (auth.me)', expectStatus: 200, run: async (h) => get(await adminOn(h), 'auth.me') },
  {
    name: `rate limit: login attempt ${POLICIES.adminLogin.limit + 1} from one client (429 + Retry-After)`,
    expectStatus: 429,
    run: async (h) => {
      const s = new TestShopper(h)
      await insideOneLimitWindow('adminLogin', 20_000)
      for (let i = 0; i < POLICIES.adminLogin.limit; i++) expect((await s.mutate('auth.login', { password: 'wrong-password' })).status).toBe(401)
      return post(s, 'auth.login', { password: 'wrong-password' })
    },
  },
]

describe('API service vs Next: the same answer for the same call', () => {
  beforeAll(async () => {
    const [row] = await sql<{ slug: string }>('SELECT slug FROM "Product" WHERE active AND NOT hot ORDER BY id LIMIT 1')
    facts = {
      slug: row!.slug,
      productId: await createProduct({ stock: 1_000, name: 'Parity Lamp' }),
      soldOutId: await createProduct({ stock: 0, name: 'Parity Sold Out Kettle' }),
    }
  })

  it.each(CASES)('$name', async (c) => {
    const [onNext, onApi] = [await seen(await c.run(testStoreUrl())), await seen(await c.run(api.url))]
    expect(onNext.status).toBe(c.expectStatus)
    expect(onApi).toEqual(onNext)
  })
})

describe('API service: one session across both hosts', () => {
  it('a cart filled through Next is read through the API service, and the other way round', async () => {
    const product = await createProduct({ stock: 100 })
    const viaNext = new TestShopper(testStoreUrl())
    expect((await viaNext.mutate('cart.add', { productId: product, quantity: 2 })).status).toBe(200)
    const viaApi = new TestShopper(api.url, {}, { clientAddress: viaNext.clientAddress })
    viaApi.setCookie('sf_session', viaNext.cookie('sf_session')!)
    const cart = await viaApi.query<{ lines: Array<{ productId: number; quantity: number }> }>('cart.get')
    expect(cart.status).toBe(200)
    expect(cart.data!.lines.map((l) => [l.productId, l.quantity])).toEqual([[product, 2]])
    expect((await viaApi.mutate('cart.add', { productId: product, quantity: 1 })).status).toBe(200)
    const back = await viaNext.query<{ lines: Array<{ productId: number; quantity: number }> }>('cart.get')
    expect(back.data!.lines.map((l) => [l.productId, l.quantity])).toEqual([[product, 3]])
  })
})

describe('API service: health probes', () => {
  it('answers liveness as the web process does, and readiness with the database and Redis checks passing', async () => {
    const [webLive, apiLive] = await Promise.all([fetch(`${testStoreUrl()}/api/health/live`), fetch(`${api.url}/api/health/live`)])
    expect(await seen(apiLive)).toEqual(await seen(webLive))
    expect(apiLive.status).toBe(200)
    const ready = await fetch(`${api.url}/api/health/ready`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ status: 'ready', failed: [] })
  })
})
