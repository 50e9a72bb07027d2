/**
 * Sold-out rejections for `npm run bench`: checkouts for a product whose sold-out gate is
 * closed, against accepted checkouts of a product with plenty of stock, same concurrency,
 * same sessions. Also counts the PostgreSQL statements the store sent per rejection, from its
 * own `storefront_db_queries_total` counter on /api/metrics.
 */
import superjson from 'superjson'
import { TEST_ADDRESS } from '../testing/test-shopper'
import { indexedClientAddress } from '../testing/test-store'
import { closedLoop, type ClosedLoopResult } from './closed-loop'

export const CHECKOUT_CONNECTIONS = 16

function checkout(storeUrl: string, productId: number, sessions: string[], ms: number): Promise<ClosedLoopResult> {
  return closedLoop(
    new URL(storeUrl).origin,
    {
      path: '/api/trpc/checkout.placeOrder',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      headersFor: (i) => ({ cookie: sessions[i % sessions.length]!, 'x-forwarded-for': indexedClientAddress(i % sessions.length) }),
      body: () => JSON.stringify(superjson.serialize({ idempotencyKey: crypto.randomUUID(), ...TEST_ADDRESS, lines: [{ productId, quantity: 1 }] })),
    },
    CHECKOUT_CONNECTIONS,
    ms,
  )
}

export async function dbQueriesTotal(storeUrl: string, metricsToken: string): Promise<number> {
  const res = await fetch(`${storeUrl}/api/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`/api/metrics answered ${res.status}`)
  const line = text.split('\n').find((l) => l.startsWith('storefront_db_queries_total'))
  if (!line) throw new Error('storefront_db_queries_total is missing from /api/metrics')
  return Number(line.split(' ').pop())
}

/** Sells the product's last unit so checkout closes its sold-out gate (set only from a committed zero). */
export async function closeGate(storeUrl: string, productId: number, cookie: string): Promise<void> {
  const body = JSON.stringify(superjson.serialize({ idempotencyKey: crypto.randomUUID(), ...TEST_ADDRESS, lines: [{ productId, quantity: 1 }] }))
  const res = await fetch(`${storeUrl}/api/trpc/checkout.placeOrder`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-forwarded-for': indexedClientAddress(0) },
    body,
  })
  await res.arrayBuffer()
  if (res.status !== 200) throw new Error(`buying the last unit answered ${res.status}`)
}

export interface RejectionTrial {
  result: ClosedLoopResult
  /** PostgreSQL statements per answer during the trial (the store's own counter). */
  queriesPerAnswer: number
}

export async function soldOutTrial(storeUrl: string, metricsToken: string, productId: number, sessions: string[], ms: number): Promise<RejectionTrial> {
  const before = await dbQueriesTotal(storeUrl, metricsToken)
  const result = await checkout(storeUrl, productId, sessions, ms)
  const after = await dbQueriesTotal(storeUrl, metricsToken)
  const answers = Object.values(result.statuses).reduce((a, b) => a + b, 0)
  if ((result.statuses[409] ?? 0) !== answers) throw new Error(`sold-out trial: expected only 409 answers, got ${JSON.stringify(result.statuses)}`)
  return { result, queriesPerAnswer: (after - before) / Math.max(1, answers) }
}

export async function acceptedTrial(storeUrl: string, metricsToken: string, productId: number, sessions: string[], ms: number): Promise<RejectionTrial> {
  const before = await dbQueriesTotal(storeUrl, metricsToken)
  const result = await checkout(storeUrl, productId, sessions, ms)
  const after = await dbQueriesTotal(storeUrl, metricsToken)
  const answers = Object.values(result.statuses).reduce((a, b) => a + b, 0)
  return { result, queriesPerAnswer: (after - before) / Math.max(1, answers) }
}
