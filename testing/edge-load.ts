/**
 * A steady open stream of shopper traffic through an edge, for tests that change the fleet
 * behind it (the rolling-restart test): requests start on a fixed schedule whatever the earlier
 * ones are doing (an open model: a slow or stuck fleet does not slow the arrivals down), and
 * every answer is classified.
 *
 * Two streams:
 *  - page GETs: the home page (an edge HIT), a product page with a query that misses the
 *    edge's cache (so it reaches a web process), and /cart (never cached);
 *  - buyers: each a fresh session that asks `flags.enabled` (a tRPC GET), adds one unit to its
 *    cart (`cart.add`, POST) and places an order (`checkout.placeOrder`, POST, its own
 *    idempotency key), all through the edge's API pool.
 * Each request comes from one of LOAD_SOURCE_ADDRESSES loopback addresses (127.0.1.x): behind a
 * real edge the client is the TCP peer, so this spreads the per-address rate limits as a crowd would.
 *
 * What counts as answered: every 2xx; for a checkout also the intended refusal SOLD_OUT (409).
 * Everything else is a failure: a 5xx (the edge's 503 included), a connection error, a 429,
 * any other 4xx.
 */
import { Agent, fetch as undiciFetch } from 'undici'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from './test-shopper'

/** Loopback source addresses the load comes from (127.0.1.1 …). */
export const LOAD_SOURCE_ADDRESSES = 32
/** A request that takes longer than this counts as failed, in ms. */
export const LOAD_REQUEST_TIMEOUT_MS = 20_000

export interface EdgeLoadOptions {
  edgeUrl: string
  /** Page GETs started per second. */
  pagesPerSecond: number
  /** Buyers started per second (each: one GET and two POSTs). */
  buyersPerSecond: number
  /** Product slugs for product pages. */
  slugs: string[]
  /** Products buyers pick from, at random. */
  productIds: number[]
}

export interface LoadFailure {
  what: string
  status: number | null
  detail: string
  at: string
}

export interface PlacedOrder {
  orderId: string
  productId: number
}

export interface EdgeLoadResult {
  requests: number
  /** Answers by kind and status, e.g. `page 200`, `checkout.placeOrder 409 SOLD_OUT`. */
  statuses: Record<string, number>
  failures: LoadFailure[]
  placed: PlacedOrder[]
  soldOut: number
}

export interface EdgeLoad {
  /** Stops starting requests and waits for those in flight; resolves with every answer's classification. */
  stop(): Promise<EdgeLoadResult>
  /** Requests started so far. */
  started(): number
}

const sourceAddress = (i: number) => `127.0.1.${(i % LOAD_SOURCE_ADDRESSES) + 1}`

/** Starts both streams at once; call `stop()` to end them. */
export function startEdgeLoad(o: EdgeLoadOptions): EdgeLoad {
  const agents = Array.from({ length: LOAD_SOURCE_ADDRESSES }, (_, i) => new Agent({ localAddress: sourceAddress(i) }))
  const result: EdgeLoadResult = { requests: 0, statuses: {}, failures: [], placed: [], soldOut: 0 }
  const inFlight = new Set<Promise<void>>()
  let sequence = 0

  const count = (key: string) => (result.statuses[key] = (result.statuses[key] ?? 0) + 1)
  const fail = (what: string, status: number | null, detail: string) => {
    result.failures.push({ what, status, detail: detail.slice(0, 300), at: new Date().toISOString() })
  }
  const track = (work: Promise<void>) => {
    const p = work.catch((error: unknown) => fail('unexpected', null, String(error)))
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
  }

  const page = async (n: number): Promise<void> => {
    const paths = ['/', `/p/${o.slugs[n % o.slugs.length]}?rolling=${n}`, '/cart']
    const path = paths[n % paths.length]!
    result.requests += 1
    try {
      const res = await undiciFetch(`${o.edgeUrl}${path}`, { dispatcher: agents[n % agents.length], signal: AbortSignal.timeout(LOAD_REQUEST_TIMEOUT_MS) })
      const body = await res.text()
      count(`page ${res.status}`)
      if (res.status < 200 || res.status > 299) fail(`GET ${path}`, res.status, body)
    } catch (error) {
      count('page connection-error')
      fail(`GET ${path}`, null, error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error))
    }
  }

  const buyer = async (n: number): Promise<void> => {
    const shopper = new TestShopper(o.edgeUrl, {}, { localAddress: sourceAddress(n), clientAddress: null })
    const productId = o.productIds[n % o.productIds.length]!
    const step = async (what: string, call: () => Promise<{ status: number; error?: { appCode: string | null; message: string } }>) => {
      result.requests += 1
      try {
        const answer = await call()
        const soldOut = what === 'checkout.placeOrder' && answer.error?.appCode === 'SOLD_OUT'
        count(`${what} ${answer.status}${answer.error?.appCode ? ` ${answer.error.appCode}` : ''}`)
        if (soldOut) result.soldOut += 1
        else if (answer.status < 200 || answer.status > 299) fail(what, answer.status, answer.error?.message ?? '')
        return answer.status >= 200 && answer.status <= 299
      } catch (error) {
        count(`${what} connection-error`)
        fail(what, null, error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error))
        return false
      }
    }
    try {
      if (!(await step('flags.enabled', () => shopper.query('flags.enabled')))) return
      if (!(await step('cart.add', () => shopper.mutate('cart.add', { productId, quantity: 1 })))) return
      let orderId: string | undefined
      await step('checkout.placeOrder', async () => {
        const answer = await shopper.placeOrder({
          idempotencyKey: newIdempotencyKey(),
          ...TEST_ADDRESS,
          lines: [{ productId, quantity: 1 }],
        })
        orderId = answer.data?.orderId
        return answer
      })
      if (orderId) result.placed.push({ orderId, productId })
    } finally {
      await shopper.close()
    }
  }

  const schedule = (perSecond: number, run: (n: number) => Promise<void>) => {
    if (perSecond <= 0) return undefined
    return setInterval(() => track(run(sequence++)), 1000 / perSecond)
  }
  const timers = [schedule(o.pagesPerSecond, page), schedule(o.buyersPerSecond, buyer)]

  return {
    started: () => result.requests,
    async stop() {
      for (const t of timers) if (t) clearInterval(t)
      while (inFlight.size > 0) await Promise.all([...inFlight])
      await Promise.all(agents.map((a) => a.close()))
      return result
    },
  }
}
