/**
 * The waiting room as a shopper meets it. An admin turns the room on ('on': every checkout
 * goes through the line) at a low admission rate, other shoppers (plain HTTP sessions) join
 * the line first, and the browser shopper checks out: the waiting room replaces the form, the
 * position falls, and on admission the order is placed and its page opens. A reload while
 * waiting brings the waiting view back with the same place; leaving in one tab is announced in
 * the other. Items that sell out while the
 * shopper waits are named at the next poll: all of them → the sold-out notice and the way back
 * to the cart; some → keep the place for the rest, and the order has the rest. The room's
 * settings and the stock are restored after each test, and every other shopper still in line
 * leaves it.
 */
import { expect, test, type Page } from '@playwright/test'
import { MAX_POLL_INTERVAL_MS, type WaitingRoomSettings } from '../../server/waiting-room/waiting-room.schema'
import { query } from '../fixtures'
import { LineShopper, RoomAdmin } from './waiting-room-helpers'

/** Admissions per second while the browser shopper waits behind others: slow enough to see the line move. */
const SLOW_RATE = 0.5
/** The slowest rate the room allows, for the reload test: the place barely moves. */
const SLOWEST_RATE = 0.1
const SHOPPERS_AHEAD = 3
/** How long these tests may take: the line admits one shopper every 1 / SLOW_RATE s. */
const TEST_TIMEOUT_MS = 120_000
/** How long the page may take to show an admission or a fall in position (a wait limit, not an assertion on speed). */
const LINE_MOVES_WITHIN_MS = 60_000
/** The next poll is at most MAX_POLL_INTERVAL_MS away; some slack for a slow machine. */
const NEXT_POLL_WITHIN_MS = MAX_POLL_INTERVAL_MS + 10_000

let admin: RoomAdmin
let before: WaitingRoomSettings
const others: LineShopper[] = []
/** Products a test stopped selling, and the stock to give back afterwards. */
const restocks: Array<{ productId: number; units: number }> = []

test.beforeEach(async () => {
  test.setTimeout(TEST_TIMEOUT_MS)
  admin = await RoomAdmin.login()
  before = await admin.settings()
})

test.afterEach(async () => {
  await Promise.all(others.splice(0).map((s) => s.leave()))
  await admin.set(before)
  for (const { productId, units } of restocks.splice(0)) await admin.restock(productId, units)
})

/** Sells `product` out while shoppers wait for it; restocked after the test. */
async function sellOut(product: { id: number; stock: number }) {
  restocks.push({ productId: product.id, units: product.stock })
  await admin.stopSelling(product.id)
}

async function productsForTheLine(offset: number) {
  const rows = await query<{ id: number; slug: string; name: string; stock: number }>(
    'SELECT id, slug, name, stock FROM "Product" WHERE NOT hot AND active AND stock > 50 ORDER BY id LIMIT 3 OFFSET $1',
    [offset],
  )
  return { forOthers: rows[0]!, forBrowser: rows[1]!, another: rows[2]! }
}

/**
 * The browser shopper fills a cart with `slugs` and the checkout form; just before "Place
 * order", `ahead` other shoppers (buying `othersBuy`) join the line and keep their places, so
 * they are in front however long the form took.
 */
async function checkOutBehind(page: Page, ahead: number, othersBuy: number, ...slugs: string[]) {
  for (const slug of slugs) {
    await page.goto(`/p/${slug}`)
    await page.getByTestId('add-to-cart').click()
    await expect(page.getByTestId('added-to-cart')).toBeVisible()
  }
  await page.goto('/checkout')
  await page.getByLabel('Email').fill('ada@example.com')
  await page.getByLabel('Full name').fill('Ada Lovelace')
  await page.getByLabel('Shipping address').fill('12 Analytical Row, London')
  for (let i = 0; i < ahead; i++) others.push(await LineShopper.join(othersBuy))
  for (const shopper of others) shopper.keepPlace()
  await page.getByRole('button', { name: /Place order/ }).click()
}

/** The position the waiting room shows ("You are number 12 in line"). */
async function shownPosition(page: Page): Promise<number> {
  const text = await page.getByText(/You are number \d+ in line/).textContent()
  return Number(/You are number (\d+) in line/.exec(text ?? '')?.[1])
}

test('a shopper waits in line, sees the position fall, is admitted and the order is placed', async ({ page }) => {
  const { forOthers, forBrowser } = await productsForTheLine(70)
  await admin.set({ mode: 'on', admissionRatePerSecond: SLOW_RATE })
  await checkOutBehind(page, SHOPPERS_AHEAD, forOthers.id, forBrowser.slug)

  // The waiting room replaces the form, its heading takes the focus.
  const heading = page.getByRole('heading', { name: "You're in line" })
  await expect(heading).toBeVisible()
  await expect(heading).toBeFocused()
  await expect(page.getByRole('button', { name: /Place order/ })).toHaveCount(0)
  await expect(page.getByRole('progressbar', { name: 'Your progress in line' })).toBeVisible()
  await expect(page.getByText(/Estimated wait: (a few seconds|less than a minute|about \d+ minutes?)/)).toBeVisible()
  await expect(page.getByText(/When it's your turn we place your order automatically/)).toBeVisible()
  await expect(page.getByRole('list', { name: 'Items in your order' })).toContainText(forBrowser.name)
  await expect(page.getByRole('button', { name: 'Leave the line' })).toBeVisible()

  const first = await shownPosition(page)
  expect(first, 'other shoppers joined the line first').toBeGreaterThan(1)
  await expect.poll(() => shownPosition(page), { timeout: LINE_MOVES_WITHIN_MS }).toBeLessThan(first)

  // Admitted: the order is placed with the same cart, and its page opens.
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: LINE_MOVES_WITHIN_MS })
  const orderId = page.url().split('/').pop()!
  await expect(page.getByTestId('order-id')).toHaveText(orderId)
  await expect(page.getByTestId('order-lines')).toContainText(forBrowser.name)
  const lines = await query<{ name: string; quantity: number }>('SELECT name, quantity FROM "OrderLine" WHERE "orderId" = $1', [orderId])
  expect(lines).toEqual([{ name: forBrowser.name, quantity: 1 }])

  // Back at checkout, the line is behind the shopper: the cart was emptied of what was bought.
  await page.goto('/checkout')
  await expect(page.getByText('Your cart is empty.')).toBeVisible()
})

test('a reload while waiting keeps the place: the waiting view comes back, not the form', async ({ page }) => {
  const { forOthers, forBrowser } = await productsForTheLine(73)
  await admin.set({ mode: 'on', admissionRatePerSecond: SLOWEST_RATE })
  await checkOutBehind(page, SHOPPERS_AHEAD, forOthers.id, forBrowser.slug)
  await expect(page.getByRole('heading', { name: "You're in line" })).toBeVisible()
  const joinedAt = /since you joined at number (\d+)/.exec((await page.getByText(/since you joined at number \d+/).textContent()) ?? '')?.[1]
  expect(joinedAt, 'other shoppers were in line first').toBeDefined()
  const position = await shownPosition(page)

  // Shoppers who join after: a new place would now be behind them.
  for (let i = 0; i < 2; i++) {
    const later = await LineShopper.join(forOthers.id)
    later.keepPlace()
    others.push(later)
  }

  await page.reload()
  await expect(page.getByRole('heading', { name: "You're in line" })).toBeVisible()
  await expect(page.getByRole('button', { name: /Place order/ })).toHaveCount(0)
  // The same place: joined at the same number (a new place would be behind the later shoppers).
  await expect(page.getByText(new RegExp(`since you joined at number ${joinedAt}$`))).toBeVisible()
  expect(await shownPosition(page)).toBeLessThanOrEqual(position)

  // Leaving gives the place up and brings the form back, filled in as confirmed.
  await page.getByRole('button', { name: 'Leave the line' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'You left the line' })).toBeVisible()
  await expect(page.getByLabel('Full name')).toHaveValue('Ada Lovelace')
  await page.reload()
  await expect(page.getByRole('button', { name: /Place order/ })).toBeVisible() // left for good: no waiting view after a reload
})

test('leaving the line in one tab: the other tab says so, with the form filled in to rejoin', async ({ page }) => {
  const { forOthers, forBrowser } = await productsForTheLine(85)
  await admin.set({ mode: 'on', admissionRatePerSecond: SLOWEST_RATE })
  await checkOutBehind(page, SHOPPERS_AHEAD, forOthers.id, forBrowser.slug)
  await expect(page.getByRole('heading', { name: "You're in line" })).toBeVisible()
  // A second tab of the same browser shows the same wait.
  const other = await page.context().newPage()
  await other.goto('/checkout')
  await expect(other.getByRole('heading', { name: "You're in line" })).toBeVisible()

  await page.getByRole('button', { name: 'Leave the line' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'You left the line' })).toBeVisible()
  // The other tab is told what happened, not silently reset.
  await expect(other.getByRole('status').filter({ hasText: 'You left the line in another tab' })).toBeVisible()
  await expect(other.getByRole('heading', { name: "You're in line" })).toHaveCount(0)
  await expect(other.getByLabel('Full name')).toHaveValue('Ada Lovelace')
  await expect(other.getByRole('button', { name: /Place order/ })).toBeVisible()
})

test('a place from another session is refused: the shopper is told why and gets the form back', async ({ page }) => {
  const { forOthers, forBrowser } = await productsForTheLine(82)
  await admin.set({ mode: 'on', admissionRatePerSecond: SLOWEST_RATE })
  await checkOutBehind(page, SHOPPERS_AHEAD, forOthers.id, forBrowser.slug)
  await expect(page.getByRole('heading', { name: "You're in line" })).toBeVisible()

  // The session cookie goes (cleared, expired): the kept place was another session's.
  await page.context().clearCookies()
  await page.reload()
  await expect(page.getByRole('alert').filter({ hasText: 'Your place in line was kept for another browser session' })).toBeVisible()
  await expect(page.getByRole('heading', { name: "You're in line" })).toHaveCount(0)
  await expect(page.getByText('Your cart is empty.')).toBeVisible() // the new session's cart
  await page.reload()
  await expect(page.getByText('Your cart is empty.')).toBeVisible()
  await expect(page.getByRole('heading', { name: "You're in line" })).toHaveCount(0) // forgotten for good
})

test('items that sell out while the shopper waits: told at once, with the way back to the cart', async ({ page }) => {
  const { forOthers, forBrowser } = await productsForTheLine(76)
  await admin.set({ mode: 'on', admissionRatePerSecond: SLOWEST_RATE })
  await checkOutBehind(page, SHOPPERS_AHEAD, forOthers.id, forBrowser.slug)
  await expect(page.getByRole('heading', { name: "You're in line" })).toBeVisible()
  await sellOut(forBrowser)

  // Told at the next poll (at most MAX_POLL_INTERVAL_MS away), not after the wait.
  const notice = page.getByRole('alert').filter({ hasText: 'Sorry — sold out while you waited' })
  await expect(notice).toBeVisible({ timeout: NEXT_POLL_WITHIN_MS })
  await expect(notice).toContainText(`${forBrowser.name} is no longer available`)
  await expect(page.getByRole('heading', { name: "You're in line" })).toHaveCount(0)
  await page.getByRole('link', { name: 'Back to your cart' }).click()
  await expect(page).toHaveURL(/\/cart$/)
  await expect(page.getByRole('link', { name: forBrowser.name })).toBeVisible()
})

test('one item of two sells out: the shopper keeps the place for the rest, and the order has the rest', async ({ page }) => {
  const { forOthers, forBrowser, another } = await productsForTheLine(79)
  await admin.set({ mode: 'on', admissionRatePerSecond: SLOWEST_RATE })
  await checkOutBehind(page, SHOPPERS_AHEAD, forOthers.id, forBrowser.slug, another.slug)
  await expect(page.getByRole('heading', { name: "You're in line" })).toBeVisible()
  await sellOut(another)

  const choice = page.getByRole('alert').filter({ hasText: 'Sold out while you waited' })
  await expect(choice).toContainText(another.name, { timeout: NEXT_POLL_WITHIN_MS })
  await expect(choice).not.toContainText(forBrowser.name)
  await expect(page.getByRole('list', { name: 'Items in your order' })).toContainText('Sold out')
  await choice.getByRole('button', { name: 'Keep my place for the rest' }).click()
  await expect(choice).toHaveCount(0)
  await expect(page.getByRole('list', { name: 'Items in your order' })).toContainText('Removed (sold out)')

  // The line speeds up; the admitted order is placed with the item still for sale.
  await admin.set({ admissionRatePerSecond: SLOW_RATE * 10 })
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: LINE_MOVES_WITHIN_MS })
  const orderId = page.url().split('/').pop()!
  const lines = await query<{ name: string }>('SELECT name FROM "OrderLine" WHERE "orderId" = $1', [orderId])
  expect(lines.map((l) => l.name)).toEqual([forBrowser.name])
})
