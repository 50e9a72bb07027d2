/**
 * The store started by `npm start` with no PostgreSQL and no Redis reachable (see
 * global-setup.ts): it says what it runs on, and a shopper can search, browse, fill a cart, check
 * out (through the rate limiter and the checkout script on the Redis emulation) and watch
 * the order turn PAID (the payment worker polling the embedded database).
 */
import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { insideOneLimitWindow } from '../../testing/limit-window'
import { loginAsAdmin, query } from '../fixtures'

function launcherOutput(): string {
  const file = process.env.E2E_EMBEDDED_LOG
  if (!file) throw new Error('E2E_EMBEDDED_LOG is set by e2e/embedded/global-setup.ts')
  return readFileSync(file, 'utf8')
}

test('npm start says it runs embedded, and which database and Redis it uses', () => {
  const output = launcherOutput()
  expect(output).toContain('embedded mode: single process, data in ./.data/e2e-embedded, not for load tests')
  expect(output).toMatch(/database: embedded PostgreSQL \d+\.\d+ \(PGlite\) at postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres/)
  expect(output).toContain('in-process Redis emulation (ioredis-mock, in memory)')
  expect(output).toMatch(/seeded 5000 products|catalog already seeded \(5000 products\)/)
})

test('/ops says it runs embedded, for the admin who might otherwise load-test it', async ({ page }) => {
  await loginAsAdmin(page)
  await page.goto('/ops')
  await expect(page.getByTestId('ops-runtime-banner')).toContainText('embedded mode: single process, data in ./.data/e2e-embedded, not for load tests')
  await expect(page.getByTestId('ops-runtime-banner')).toContainText('PGlite')
})

test('full-text search answers from the embedded database', async ({ page }) => {
  const [product] = await query<{ name: string }>('SELECT name FROM "Product" WHERE active ORDER BY id LIMIT 1 OFFSET 30')
  await page.goto('/')
  await page.getByTestId('search-input').fill(product!.name)
  await page.getByRole('button', { name: 'Search' }).click()
  await expect(page).toHaveURL(/\/search\?q=/)
  await expect(page.getByTestId('search-results').getByTestId('product-card').filter({ hasText: product!.name }).first()).toBeVisible()
})

test('search is accent-insensitive on the embedded database too (PGlite loads the unaccent module)', async ({ page }) => {
  const marker = `zq${Date.now().toString(36).replace(/\d/g, 'x')}`
  const name = `Crème Brûlée Torch ${marker}`
  await query(
    `INSERT INTO "Product" (slug, name, description, "priceCents", stock, "categoryId", "updatedAt")
     VALUES ($1, $2, 'A torch for caramelising sugar.', 2499, 5, (SELECT id FROM "Category" ORDER BY id LIMIT 1), now())`,
    [`creme-brulee-torch-${marker}`, name],
  )
  await page.goto(`/search?q=${encodeURIComponent(`creme brulee ${marker}`)}`)
  await expect(page.getByTestId('search-results').getByTestId('product-card').filter({ hasText: name })).toBeVisible()
})

test('browse → cart → checkout → the order turns from pending to paid', async ({ page }) => {
  const [category] = await query<{ slug: string }>('SELECT slug FROM "Category" ORDER BY position LIMIT 1 OFFSET 3')
  await page.goto('/')
  await page.goto(`/c/${category!.slug}`)
  await page.getByTestId('product-card').nth(2).click()
  await expect(page.getByTestId('product-name')).toBeVisible()
  const name = (await page.getByTestId('product-name').textContent())!.trim()
  await page.getByTestId('add-to-cart').click()
  await expect(page.getByTestId('added-to-cart')).toBeVisible()
  await expect(page.getByTestId('cart-count')).toHaveText('1')

  await page.getByTestId('cart-link').click()
  await expect(page.getByTestId('cart-line-name')).toContainText([name])
  await page.getByTestId('go-to-checkout').click()
  await page.getByLabel('Email').fill('ada@example.com')
  await page.getByLabel('Full name').fill('Ada Lovelace')
  await page.getByLabel('Shipping address').fill('12 Analytical Row, London')
  await page.getByTestId('place-order').click()

  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/)
  const orderId = page.url().split('/').pop()!
  await expect(page.getByTestId('order-lines')).toContainText(name)
  const status = page.getByTestId('order-status')
  await expect(status).toHaveAttribute('data-status', 'PAID', { timeout: 30_000 })
  await expect(status).toContainText('Paid: your order is confirmed')
  const [row] = await query<{ status: string }>('SELECT status FROM "Order" WHERE id = $1', [orderId])
  expect(row).toEqual({ status: 'PAID' })
  await expect(page.getByTestId('cart-count')).toHaveText('0')
})

test('the checkout rate limit holds on the Redis emulation: a flood gets "try again in N s"', async ({ page }) => {
  const [product] = await query<{ slug: string }>('SELECT slug FROM "Product" WHERE NOT hot AND stock > 5 ORDER BY id LIMIT 1 OFFSET 60')
  await page.goto(`/p/${product!.slug}`)
  await page.getByTestId('add-to-cart').click()
  await expect(page.getByTestId('added-to-cart')).toBeVisible()
  // The flood and the real attempt in one window (at a new one the sliding window lets one more through).
  await insideOneLimitWindow('checkout', 20_000)
  const statuses = await page.evaluate(async () => {
    const seen: number[] = []
    for (let i = 0; i < 40; i++) {
      const res = await fetch('/api/trpc/checkout.placeOrder', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { idempotencyKey: crypto.randomUUID(), lines: [] } }),
      })
      seen.push(res.status)
      if (res.status === 429) break
    }
    return seen
  })
  expect(statuses.at(-1)).toBe(429)
  await page.goto('/checkout')
  await page.getByLabel('Email').fill('grace@example.com')
  await page.getByLabel('Full name').fill('Grace Hopper')
  await page.getByLabel('Shipping address').fill('1 Compiler Way, Arlington')
  await page.getByTestId('place-order').click()
  await expect(page.getByTestId('checkout-error')).toContainText(/try again in \d+ s/)
})
