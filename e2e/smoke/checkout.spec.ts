import { expect, test, type Page } from '@playwright/test'
import { insideOneLimitWindow } from '../../testing/limit-window'
import { query } from '../fixtures'

async function addFromCategory(page: Page, categorySlug: string, index: number): Promise<string> {
  await page.goto(`/c/${categorySlug}`)
  const card = page.getByTestId('product-card').nth(index)
  await card.click()
  await expect(page.getByTestId('product-name')).toBeVisible()
  const name = (await page.getByTestId('product-name').textContent())!.trim()
  await page.getByTestId('add-to-cart').click()
  await expect(page.getByTestId('added-to-cart')).toBeVisible()
  return name
}

async function fillCheckout(page: Page) {
  await page.getByLabel('Email').fill('ada@example.com')
  await page.getByLabel('Full name').fill('Ada Lovelace')
  await page.getByLabel('Shipping address').fill('12 Analytical Row, London')
}

test('browse → add two products → cart → checkout → the order page shows the order', async ({ page }) => {
  const [category] = await query<{ slug: string }>('SELECT slug FROM "Category" ORDER BY position LIMIT 1 OFFSET 9')
  const first = await addFromCategory(page, category!.slug, 0)
  await expect(page.getByTestId('cart-count')).toHaveText('1')
  const second = await addFromCategory(page, category!.slug, 1)
  await expect(page.getByTestId('cart-count')).toHaveText('2')

  await page.getByTestId('cart-link').click()
  await expect(page.getByTestId('cart-line')).toHaveCount(2)
  await expect(page.getByTestId('cart-line-name')).toContainText([first, second])
  await page.reload()
  await expect(page.getByTestId('cart-line')).toHaveCount(2) // a reload keeps the cart

  await page.getByTestId('go-to-checkout').click()
  await fillCheckout(page)
  const place = page.getByTestId('place-order')
  await place.click()

  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/)
  const orderId = page.url().split('/').pop()!
  await expect(page.getByTestId('order-id')).toHaveText(orderId)
  await expect(page.getByTestId('order-status')).toBeVisible()
  await expect(page.getByTestId('order-lines')).toContainText(first)
  await expect(page.getByTestId('order-lines')).toContainText(second)

  const lines = await query<{ name: string }>('SELECT name FROM "OrderLine" WHERE "orderId" = $1 ORDER BY name', [orderId])
  expect(lines.map((l) => l.name).sort()).toEqual([first, second].sort())
  // The cart was emptied of what was bought.
  await expect(page.getByTestId('cart-count')).toHaveText('0')
})

test('checkout validates the form before sending anything', async ({ page }) => {
  const [product] = await query<{ slug: string }>('SELECT slug FROM "Product" WHERE NOT hot AND stock > 5 ORDER BY id LIMIT 1 OFFSET 40')
  await page.goto(`/p/${product!.slug}`)
  await page.getByTestId('add-to-cart').click()
  await expect(page.getByTestId('added-to-cart')).toBeVisible()
  await page.goto('/checkout')
  await page.getByLabel('Email').fill('not-an-email')
  await page.getByTestId('place-order').click()
  await expect(page.getByText('Enter a valid email address')).toBeVisible()
  await expect(page.getByText('Name is required')).toBeVisible()
  await expect(page).toHaveURL(/\/checkout$/)
})

test('a rate-limited shopper sees a friendly "try again in N s" instead of an error', async ({ page }) => {
  const [product] = await query<{ slug: string }>('SELECT slug FROM "Product" WHERE NOT hot AND stock > 5 ORDER BY id LIMIT 1 OFFSET 41')
  await page.goto(`/p/${product!.slug}`)
  await page.getByTestId('add-to-cart').click()
  await expect(page.getByTestId('added-to-cart')).toBeVisible()
  // Use up this session's checkout allowance with quick, invalid attempts (same cookie), and try
  // for real in the same window (at a new one the sliding window lets one more through).
  await insideOneLimitWindow('checkout', 20_000)
  await page.evaluate(async () => {
    for (let i = 0; i < 40; i++) {
      const res = await fetch('/api/trpc/checkout.placeOrder', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { idempotencyKey: crypto.randomUUID(), lines: [] } }),
      })
      if (res.status === 429) break
    }
  })
  await page.goto('/checkout')
  await fillCheckout(page)
  await page.getByTestId('place-order').click()
  await expect(page.getByTestId('checkout-error')).toContainText(/try again in \d+ s/)
  await expect(page.getByTestId('checkout-error')).not.toContainText(/error|exception/i)
})
