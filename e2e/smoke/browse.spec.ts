import { expect, test } from '@playwright/test'
import { query } from '../fixtures'

test('a shopper browses home → category → product and sees real seeded data', async ({ page }) => {
  const [firstCategory] = await query<{ slug: string; name: string }>(
    'SELECT slug, name FROM "Category" ORDER BY position LIMIT 1',
  )
  expect(firstCategory).toBeDefined()

  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'Hot deals' })).toBeVisible()
  await expect(page.getByTestId('hot-deals').getByTestId('product-card')).not.toHaveCount(0)

  await page.getByTestId('category-link').filter({ hasText: firstCategory!.name }).click()
  await expect(page).toHaveURL(new RegExp(`/c/${firstCategory!.slug}`))
  await expect(page.getByTestId('category-title')).toHaveText(firstCategory!.name)
  const cards = page.getByTestId('product-card')
  await expect(cards).toHaveCount(24)

  const firstCard = cards.first()
  const productName = (await firstCard.locator('h3').textContent())?.trim() ?? ''
  await firstCard.click()
  await expect(page).toHaveURL(/\/p\/[a-z0-9-]+$/)
  const slug = new URL(page.url()).pathname.split('/').pop()!

  const [row] = await query<{ name: string; priceCents: number; currency: string }>(
    'SELECT name, "priceCents", currency FROM "Product" WHERE slug = $1',
    [slug],
  )
  expect(row?.name).toBe(productName)
  await expect(page.getByTestId('product-name')).toHaveText(row!.name)
  const expectedPrice = new Intl.NumberFormat('en-US', { style: 'currency', currency: row!.currency }).format(row!.priceCents / 100)
  await expect(page.getByTestId('product').getByTestId('price')).toHaveText(expectedPrice)
})

test('an unknown product or category gets the real 404 page', async ({ page }) => {
  const productResponse = await page.goto('/p/this-product-does-not-exist-999999')
  expect(productResponse?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: /couldn.t find that page/i })).toBeVisible()

  const categoryResponse = await page.goto('/c/no-such-category')
  expect(categoryResponse?.status()).toBe(404)

  const routeResponse = await page.goto('/definitely/not/a/route')
  expect(routeResponse?.status()).toBe(404)
})

test('a malformed tRPC input gets 400 with zod details', async ({ request }) => {
  const input = encodeURIComponent(JSON.stringify({ 0: { json: { slug: 'BAD SLUG!' } } }))
  const res = await request.get(`/api/trpc/catalog.product?batch=1&input=${input}`)
  expect(res.status()).toBe(400)
  const body = (await res.json()) as Array<{ error: { json: { data: { code: string; zodError: { fieldErrors: Record<string, string[]> } } } } }>
  expect(body[0]?.error.json.data.code).toBe('BAD_REQUEST')
  expect(body[0]?.error.json.data.zodError.fieldErrors.slug?.[0]).toMatch(/lowercase/)
})
