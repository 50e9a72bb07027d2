/**
 * docs/ops-waiting-room.png — the waiting-room panel of /ops while a line forms and drains:
 *
 *   npx tsx e2e/admin/capture-waiting-room.ts [--seconds 60] [--arrivals 5] [--rate 3] [--out docs/ops-waiting-room.png]
 *
 * Starts a world of its own (a fresh database, a gateway, one `next start` instance on the
 * shared test build), logs in to /ops in Debian Chromium, sets the room *always on* at a low
 * admission rate, and sends shoppers at the doorbusters' checkout for the first two thirds of
 * the run, faster than the rate, so a line forms; then it drains, and half-way through the
 * drain the panel is captured (the panel alone). Each shopper polls as the answer says, checks
 * out when admitted, and one in eight leaves the line instead (abandoned). The chart's history
 * is what the open page polled. Everything is removed afterwards. Not a test (no `.spec.ts`).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import pg from 'pg'
import { env, LOCAL_GATEWAY_TOKEN } from '../../server/env'
import { startGateway } from '../../server/gateway/gateway'
import { createTestDatabase, deleteKeysWithPrefix, uniqueKeyPrefix } from '../../testing/test-services'
import { BEHIND_LOCAL_EDGE, ensureTestBuild, startStore, type StoreEnv } from '../../testing/test-store'
import { testSecrets } from '../../server/launcher/local-secrets'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from '../../testing/test-shopper'
import type { PollTicketOutput, QueuedAnswer } from '../../server/waiting-room/waiting-room.schema'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium'

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    arrivals: { type: 'string', default: '5' },
    rate: { type: 'string', default: '3' },
    out: { type: 'string', default: 'docs/ops-waiting-room.png' },
  },
})
const SECONDS = Number(args.seconds)
const ARRIVALS_PER_SECOND = Number(args.arrivals)
const RATE = Number(args.rate)
/** One shopper in this many leaves the line after a few polls. */
const LEAVER_EVERY = 8
/** Products in the capture's catalog (a small one: the panel does not depend on it). */
const PRODUCTS = 300

/** One shopper: checkout, then poll as told until admitted (check out) or leaving. */
async function shopper(base: string, productId: number, leaves: boolean, counts: Map<string, number>): Promise<void> {
  const count = (what: string) => counts.set(what, (counts.get(what) ?? 0) + 1)
  const client = new TestShopper(base)
  const order = { idempotencyKey: newIdempotencyKey(), ...TEST_ADDRESS, lines: [{ productId, quantity: 1 }] }
  await client.mutate('cart.add', { productId, quantity: 1 })
  const first = await client.mutate<QueuedAnswer | { orderId: string }>('checkout.placeOrder', order)
  if (!first.data || !('status' in first.data)) return void count(`checkout ${first.status}`)
  const { ticket } = first.data
  let wait = first.data.pollAfterSeconds
  for (let polls = 0; ; polls++) {
    await sleep(wait * 1000)
    if (leaves && polls >= 2) {
      await client.mutate('checkout.leaveLine', { ticket })
      return void count('left the line')
    }
    const poll = await client.query<PollTicketOutput>('checkout.pollTicket', { ticket })
    const answer = poll.data
    if (!answer) return void count(`poll ${poll.status}`)
    if (answer.state === 'WAITING') {
      wait = answer.pollAfterSeconds
      continue
    }
    if (answer.state === 'SOLD_OUT') return void count('sold out while waiting')
    const placed = await client.mutate('checkout.placeOrder', { ...order, admissionTicket: ticket })
    return void count(`admitted, checkout ${placed.status}`)
  }
}

async function main(): Promise<void> {
  console.log('[capture] preparing a database, a gateway and the test build…')
  const database = await createTestDatabase(env.DATABASE_URL, 'sf_capture_wr', { seedProducts: PRODUCTS })
  const keyPrefix = uniqueKeyPrefix('capture-wr')
  const gateway = await startGateway({ port: 0, redisUrl: env.REDIS_URL, token: LOCAL_GATEWAY_TOKEN })
  const secrets = await testSecrets()
  const storeEnv: StoreEnv = { databaseUrl: database.url, keyPrefix, gatewayPort: gateway.port, extra: { ...secrets.env, ...BEHIND_LOCAL_EDGE } }
  await ensureTestBuild(storeEnv)
  const store = await startStore('auto', storeEnv)
  const db = new pg.Pool({ connectionString: database.url, max: 2 })
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  try {
    await db.query(`UPDATE "Product" SET stock = 5000 WHERE hot`)
    const { rows } = await db.query<{ id: number }>(`SELECT id FROM "Product" WHERE active AND hot ORDER BY id`)
    const hot = rows.map((r) => r.id)

    const page = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage()
    await page.goto(`${store.url}/ops/login`)
    await page.getByTestId('ops-password').fill(secrets.adminPassword)
    await page.getByTestId('ops-login').click()
    await page.getByTestId('ops-dashboard').waitFor()
    const status = await page.evaluate(
      async (input) =>
        (await fetch('/api/trpc/ops.setWaitingRoom', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: input }) })).status,
      { mode: 'on', admissionRatePerSecond: RATE },
    )
    if (status !== 200) throw new Error(`ops.setWaitingRoom answered ${status}`)
    await page.getByTestId('panel-waiting-room').scrollIntoViewIfNeeded()

    console.log(`[capture] ${ARRIVALS_PER_SECOND} shoppers/s for ${Math.round((SECONDS * 2) / 3)} s at an admission rate of ${RATE}/s, then the line drains`)
    const counts = new Map<string, number>()
    const shoppers: Array<Promise<void>> = []
    const arrivalsUntil = Date.now() + (SECONDS * 2_000) / 3
    for (let n = 0; Date.now() < arrivalsUntil; n++) {
      shoppers.push(shopper(store.url, hot[n % hot.length]!, n % LEAVER_EVERY === LEAVER_EVERY - 1, counts).catch(() => void counts.set('errors', (counts.get('errors') ?? 0) + 1)))
      await sleep(1000 / ARRIVALS_PER_SECOND)
    }
    // Half-way through the drain: the line still there, the chart showing it rise and fall.
    await sleep((SECONDS * 1000) / 6)
    const panel = page.getByTestId('panel-waiting-room')
    await panel.screenshot({ path: args.out })
    console.log(`[capture] wrote ${args.out}; shoppers so far:`, Object.fromEntries(counts))
    await Promise.race([Promise.all(shoppers), sleep(60_000)])
    console.log('[capture] shoppers at the end:', Object.fromEntries(counts))
  } finally {
    await browser.close()
    await store.stop()
    await db.end()
    await gateway.close()
    await deleteKeysWithPrefix(env.REDIS_URL, keyPrefix)
    await database.drop()
  }
}

await main()
