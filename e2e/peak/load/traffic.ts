/**
 * What each arrival asks for: the traffic mix turned into concrete HTTP requests.
 *
 *   browse (90 %): product page, stock badge query, category listing, home, search
 *   cart (7 %):    cart.add / cart.setQuantity / cart.get / cart.remove for one shopper
 *   checkout (3 %): checkout.placeOrder, 80 % of them for the hot SKU; a few re-send an
 *                   earlier request with the same idempotency key (a double submit)
 *
 * Every shopper request carries one of many session cookies, as real shoppers do (the
 * checkout policy allows 30 attempts per minute per session), and the generator plays our
 * edge: each session has an address of its own and anonymous reads come from a pool of
 * addresses (X-Forwarded-For; the drill's store trusts 127.0.0.1 as its proxy), so per-client
 * limits see many shoppers, as they would in production, not one load generator.
 *
 * The waiting room keeps one place per session (a refresh or a new tab gets it back, for the
 * cart as it is then). A new checkout arrival is a new shopper, so it never takes a session that
 * is waiting in line (`busy`, kept by the generator): it takes the next free one instead. Only
 * the cookie changes; the arrival's time and kind never depend on answers.
 */
import superjson from 'superjson'
import type { TrafficMix } from '../drill-options'
import { pick, pickIndex, type Rng } from './rng'

export const ENDPOINTS = ['product', 'stock', 'category', 'home', 'search', 'cart', 'checkout'] as const
export type Endpoint = (typeof ENDPOINTS)[number]

/** How browse arrivals split between page kinds (shares of `mix.browse`). */
export const BROWSE_SPLIT: Record<'product' | 'stock' | 'category' | 'home' | 'search', number> = {
  product: 0.5,
  stock: 0.15,
  category: 0.2,
  home: 0.1,
  search: 0.05,
}

/** Catalog facts the traffic is built from (read from the drill's database before the run). */
export interface TrafficCatalog {
  /** Pre-warmed product slugs (the top sellers). */
  topSlugs: string[]
  /** Product slugs nobody pre-warmed: their first view renders. */
  longTailSlugs: string[]
  categorySlugs: string[]
  searchTerms: string[]
  /** Products with plenty of stock for cart lines and ordinary checkouts (never the hot SKU). */
  regularIds: number[]
  /** Products whose stock badge shoppers poll. */
  stockIds: number[]
  hotId: number
}

export interface CheckoutMeta {
  key: string
  productId: number
  hot: boolean
  replay: boolean
  session: number
}

export interface PlannedRequest {
  endpoint: Endpoint
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
  checkout?: CheckoutMeta
}

export const SHOPPER = { email: 'drill@example.com', shippingName: 'Drill Shopper', shippingAddress: '1 Peak Street, Springfield' }

const SORTS = ['popular', 'price-asc', 'price-desc'] as const
/** Distinct products one session keeps in its cart (far below MAX_CART_LINES). */
const CART_PRODUCTS_PER_SESSION = 4
/** cart.add stops before MAX_QUANTITY_PER_LINE (10) and sets the line back to 1 instead. */
const MAX_ADDS_PER_LINE = 8
const RECENT_CHECKOUTS = 64

/** Distinct addresses anonymous browse requests come from. */
export const ANONYMOUS_ADDRESSES = 4_096

/** The address of session `index` (10.1.x.y), as the edge would report it. */
export function sessionAddress(index: number): string {
  return `10.1.${(index >> 8) & 255}.${index & 255}`
}

function anonymousAddress(rng: Rng): string {
  const i = pickIndex(rng, ANONYMOUS_ADDRESSES)
  return `10.2.${(i >> 8) & 255}.${i & 255}`
}

const trpcQuery = (proc: string, input?: unknown) =>
  `/api/trpc/${proc}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`}`

export class TrafficPlanner {
  private readonly addsPerLine = new Map<string, number>()
  private readonly recent: PlannedRequest[] = []

  constructor(
    private readonly rng: Rng,
    private readonly mix: TrafficMix,
    private readonly catalog: TrafficCatalog,
    private readonly sessions: readonly string[],
    /** Sessions with a checkout in flight or a place in line (the generator adds and removes them). */
    private readonly busy: ReadonlySet<number> = new Set(),
  ) {
    if (sessions.length === 0) throw new Error('the drill needs at least one shopper session')
  }

  next(): PlannedRequest {
    const r = this.rng()
    if (r < this.mix.browse) return this.browse()
    if (r < this.mix.browse + this.mix.cart) return this.cart()
    return this.checkout()
  }

  private page(endpoint: Endpoint, path: string): PlannedRequest {
    return { endpoint, method: 'GET', path, headers: { 'accept-encoding': 'gzip', accept: 'text/html', 'x-forwarded-for': anonymousAddress(this.rng) } }
  }

  private browse(): PlannedRequest {
    const c = this.catalog
    let r = this.rng()
    const take = (share: number) => (r -= share) < 0
    if (take(BROWSE_SPLIT.product)) {
      const tail = c.longTailSlugs.length > 0 && this.rng() < this.mix.longTailShare
      return this.page('product', `/p/${pick(this.rng, tail ? c.longTailSlugs : c.topSlugs)}`)
    }
    if (take(BROWSE_SPLIT.stock)) {
      return {
        endpoint: 'stock',
        method: 'GET',
        path: trpcQuery('catalog.stock', { productId: pick(this.rng, c.stockIds) }),
        headers: { 'x-forwarded-for': anonymousAddress(this.rng) },
      }
    }
    if (take(BROWSE_SPLIT.category)) {
      const slug = pick(this.rng, c.categorySlugs)
      const sort = pick(this.rng, SORTS)
      const page = 1 + pickIndex(this.rng, 3)
      return this.page('category', sort === 'popular' && page === 1 ? `/c/${slug}` : `/c/${slug}/${sort}/${page}`)
    }
    if (take(BROWSE_SPLIT.home)) return this.page('home', '/')
    return this.page('search', `/search?${new URLSearchParams({ q: pick(this.rng, c.searchTerms) })}`)
  }

  private session(): { index: number; cookie: string } {
    const index = pickIndex(this.rng, this.sessions.length)
    return { index, cookie: this.sessions[index]! }
  }

  private mutation(endpoint: Endpoint, proc: string, session: { index: number; cookie: string }, input: unknown): PlannedRequest {
    return {
      endpoint,
      method: 'POST',
      path: `/api/trpc/${proc}`,
      headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-forwarded-for': sessionAddress(session.index) },
      body: JSON.stringify(superjson.serialize(input)),
    }
  }

  private cart(): PlannedRequest {
    const session = this.session()
    const { index } = session
    const ids = this.catalog.regularIds
    const productId = ids[(index * CART_PRODUCTS_PER_SESSION + pickIndex(this.rng, CART_PRODUCTS_PER_SESSION)) % ids.length]!
    const line = `${index}:${productId}`
    const r = this.rng()
    if (r < 0.4) {
      const adds = this.addsPerLine.get(line) ?? 0
      if (adds < MAX_ADDS_PER_LINE) {
        this.addsPerLine.set(line, adds + 1)
        return this.mutation('cart', 'cart.add', session, { productId, quantity: 1 })
      }
      this.addsPerLine.set(line, 1)
      return this.mutation('cart', 'cart.setQuantity', session, { productId, quantity: 1 })
    }
    if (r < 0.6) {
      this.addsPerLine.set(line, 2)
      return this.mutation('cart', 'cart.setQuantity', session, { productId, quantity: 2 })
    }
    if (r < 0.9) {
      return { endpoint: 'cart', method: 'GET', path: trpcQuery('cart.get'), headers: { cookie: session.cookie, 'x-forwarded-for': sessionAddress(index) } }
    }
    this.addsPerLine.delete(line)
    return this.mutation('cart', 'cart.remove', session, { productId })
  }

  /** A session for a new checkout: the drawn one, or the next one not waiting in line (no extra draw). */
  private freeSession(): { index: number; cookie: string } {
    const drawn = this.session()
    const n = this.sessions.length
    for (let k = 0; k < n; k++) {
      const index = (drawn.index + k) % n
      if (!this.busy.has(index)) return { index, cookie: this.sessions[index]! }
    }
    return drawn
  }

  private checkout(): PlannedRequest {
    if (this.recent.length > 0 && this.rng() < this.mix.replayShare) {
      const earlier = pick(this.rng, this.recent)
      return { ...earlier, checkout: { ...earlier.checkout!, replay: true } }
    }
    const session = this.freeSession()
    const { index } = session
    const hot = this.rng() < this.mix.hotShare
    const productId = hot ? this.catalog.hotId : pick(this.rng, this.catalog.regularIds)
    const key = `drill-${crypto.randomUUID()}`
    const request: PlannedRequest = {
      ...this.mutation('checkout', 'checkout.placeOrder', session, { idempotencyKey: key, ...SHOPPER, lines: [{ productId, quantity: 1 }] }),
      checkout: { key, productId, hot, replay: false, session: index },
    }
    this.recent.push(request)
    if (this.recent.length > RECENT_CHECKOUTS) this.recent.shift()
    return request
  }
}
