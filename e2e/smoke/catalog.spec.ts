import { expect, test, type Page } from '@playwright/test'
import { loginAsAdmin, query } from '../fixtures'
import { usd } from '../../testing/expected-price'

type Row = { id: number; slug: string; name: string; priceCents: number; version: number; stock: number }
async function productAt(offset: number): Promise<Row> {
  const [row] = await query<Row>(
    `SELECT id, slug, name, "priceCents", "contentVersion" AS version, stock FROM "Product" WHERE active ORDER BY hot DESC, popularity DESC, id OFFSET $1 LIMIT 1`,
    [offset],
  )
  return row!
}

/** The admin's edit, sent from the admin's own logged-in page (same origin, admin cookie). */
async function editPrice(admin: Page, id: number, priceCents: number): Promise<number> {
  return admin.evaluate(
    async ({ id, priceCents }) => {
      const res = await fetch('/api/trpc/catalog.updateProduct', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { id, patch: { priceCents } } }),
      })
      return res.status
    },
    { id, priceCents },
  )
}

test('an admin edits a doorbuster price mid-sale; the shopper sees the new price within seconds', async ({ browser }) => {
  const product = await productAt(0) // a hot, pre-rendered doorbuster
  const shopperContext = await browser.newContext()
  const adminContext = await browser.newContext()
  try {
    const shopper = await shopperContext.newPage()
    await shopper.goto(`/p/${product.slug}`)
    const price = shopper.getByTestId('product').getByTestId('price')
    await expect(price).toHaveText(usd(product.priceCents))

    const admin = await adminContext.newPage()
    await loginAsAdmin(admin)
    const newPrice = product.priceCents - 1_000
    expect(await editPrice(admin, product.id, newPrice)).toBe(200)

    await expect(async () => {
      await shopper.reload()
      await expect(price).toHaveText(usd(newPrice), { timeout: 500 })
    }).toPass({ timeout: 10_000, intervals: [250, 500, 1_000] })
    await expect(shopper.getByTestId('product')).toHaveAttribute('data-content-version', String(product.version + 1))
  } finally {
    await shopperContext.close()
    await adminContext.close()
  }
})

test('a shopper cannot edit products', async ({ page }) => {
  const product = await productAt(1)
  await page.goto('/')
  expect(await editPrice(page, product.id, 1)).toBe(401)
  const [row] = await query<{ priceCents: number }>('SELECT "priceCents" FROM "Product" WHERE id = $1', [product.id])
  expect(row?.priceCents).toBe(product.priceCents)
})

test('the live stock badge tells the truth, and the page survives without it', async ({ page }) => {
  const product = await productAt(20)
  await query('UPDATE "Product" SET stock = 4 WHERE id = $1', [product.id])
  await page.goto(`/p/${product.slug}`)
  await expect(page.getByTestId('stock-badge')).toHaveText('Only 4 left')

  await query('UPDATE "Product" SET stock = 0 WHERE id = $1', [product.id])
  await expect(async () => {
    await page.reload()
    await expect(page.getByTestId('stock-badge')).toHaveText('Sold out', { timeout: 1_000 })
  }).toPass({ timeout: 10_000 })

  // tRPC batches queries into one URL (e.g. `/api/trpc/cart.get,catalog.stock?batch=1`).
  await page.route((url) => url.pathname.startsWith('/api/trpc/') && url.pathname.includes('catalog.stock'), (route) => route.abort())
  await page.reload()
  await expect(page.getByTestId('product-name')).toHaveText(product.name)
  await expect(page.getByTestId('product').getByTestId('price')).toBeVisible()
  await expect(page.getByTestId('stock-badge-pending')).toHaveCount(0)
  await expect(page.getByTestId('stock-badge')).toHaveCount(0)
})

test('a shopper searches from the home page; a bad query gets a clear message', async ({ page }) => {
  const product = await productAt(30)
  await page.goto('/')
  await page.getByTestId('search-input').fill(product.name)
  await page.getByRole('button', { name: 'Search' }).click()
  await expect(page).toHaveURL(/\/search\?q=/)
  await expect(page.getByTestId('search-results').getByTestId('product-card').filter({ hasText: product.name }).first()).toBeVisible()

  await page.goto('/search?q=%20%20')
  await expect(page.getByTestId('search-error')).toHaveText(/type something/i)
  await page.goto(`/search?q=${'x'.repeat(120)}`)
  await expect(page.getByTestId('search-error')).toHaveText(/at most 100 characters/i)
})

test('category listings page and sort through static URLs', async ({ page }) => {
  const [category] = await query<{ slug: string; name: string }>('SELECT slug, name FROM "Category" ORDER BY position LIMIT 1')
  await page.goto(`/c/${category!.slug}`)
  await page.getByRole('link', { name: 'Price: low to high' }).click()
  await expect(page).toHaveURL(new RegExp(`/c/${category!.slug}/price-asc/1$`))
  const prices = await page.getByTestId('product-card').getByTestId('price').allTextContents()
  const cents = prices.map((p) => Math.round(Number(p.replace(/[^0-9.]/g, '')) * 100))
  expect(cents).toEqual([...cents].sort((a, b) => a - b))
  await page.getByRole('link', { name: 'Next →' }).click()
  await expect(page).toHaveURL(new RegExp(`/c/${category!.slug}/price-asc/2$`))
  await expect(page.getByTestId('category-title')).toHaveText(category!.name)
})
