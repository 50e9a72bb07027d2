import { expect, test, type Page } from '@playwright/test'
import { query } from '../fixtures'
import { usd } from '../../testing/expected-price'
import { adminContext, adminMutation, loginThroughForm } from './ops-helpers'

async function product(offset: number) {
  const [row] = await query<{ id: number; slug: string; priceCents: number }>(
    `SELECT id, slug, "priceCents" FROM "Product" WHERE active AND NOT hot ORDER BY popularity DESC, id OFFSET $1 LIMIT 1`,
    [offset],
  )
  return row!
}

/** Loads a product page and waits until its widgets had every chance to ask for data. */
async function openProduct(page: Page, slug: string, requested: string[]): Promise<void> {
  requested.length = 0
  const flags = page.waitForResponse((r) => r.url().includes('flags.enabled'))
  await page.goto(`/p/${slug}`)
  await flags
  await expect(page.getByTestId('recommendations')).toBeVisible()
}

test('admin flips reviews off: the product page no longer requests or shows reviews; on again brings them back', async ({ browser }) => {
  const adminCtx = await adminContext(browser)
  const shopperCtx = await browser.newContext()
  const admin = await adminCtx.newPage()
  try {
    const p = await product(5)
    const shopper = await shopperCtx.newPage()
    const requested: string[] = []
    shopper.on('request', (r) => {
      if (r.url().includes('/api/trpc/')) requested.push(r.url())
    })

    await openProduct(shopper, p.slug, requested)
    await expect(shopper.getByTestId('reviews')).toBeVisible()
    expect(requested.some((u) => u.includes('reviews.forProduct'))).toBe(true)

    await loginThroughForm(admin)
    const toggle = admin.getByTestId('flag-reviews')
    await expect(toggle).toHaveAttribute('data-enabled', 'true')
    await toggle.click()
    await expect(toggle).toHaveAttribute('data-enabled', 'false')
    await expect(admin.getByTestId('lever-flags')).toContainText('changed by admin')

    await openProduct(shopper, p.slug, requested)
    await expect(shopper.getByTestId('product-name')).toBeVisible()
    await expect(shopper.getByRole('heading', { name: 'Reviews' })).toHaveCount(0)
    await expect(shopper.getByTestId('reviews')).toHaveCount(0)
    expect(requested.filter((u) => u.includes('reviews.forProduct'))).toEqual([])

    await toggle.click()
    await expect(toggle).toHaveAttribute('data-enabled', 'true')
    await openProduct(shopper, p.slug, requested)
    await expect(shopper.getByTestId('reviews')).toBeVisible()
    expect(requested.some((u) => u.includes('reviews.forProduct'))).toBe(true)
  } finally {
    await adminMutation(admin, 'ops.setFlag', { name: 'reviews', enabled: true }).catch(() => 0)
    await adminCtx.close()
    await shopperCtx.close()
  }
})

test('admin edits a doorbuster price from the dashboard; a shopper page shows it within seconds', async ({ browser }) => {
  const [hot] = await query<{ id: number; slug: string; priceCents: number }>(`SELECT id, slug, "priceCents" FROM "Product" WHERE hot ORDER BY id OFFSET 3 LIMIT 1`)
  const adminCtx = await adminContext(browser)
  const shopperCtx = await browser.newContext()
  try {
    const shopper = await shopperCtx.newPage()
    await shopper.goto(`/p/${hot!.slug}`)
    const price = shopper.getByTestId('product').getByTestId('price')
    await expect(price).toHaveText(usd(hot!.priceCents))

    const admin = await adminCtx.newPage()
    await loginThroughForm(admin)
    await admin.locator(`[data-testid="hot-sku"][data-product-id="${hot!.id}"]`).getByTestId('hot-sku-edit').click()
    const form = admin.getByTestId('product-edit-form')
    await expect(form).toHaveAttribute('data-product-id', String(hot!.id))
    const newPrice = hot!.priceCents - 500
    await admin.getByTestId('edit-price').fill((newPrice / 100).toFixed(2))
    await admin.getByTestId('edit-save').click()
    await expect(admin.getByTestId('edit-saved')).toBeVisible()

    await expect(async () => {
      await shopper.reload()
      await expect(price).toHaveText(usd(newPrice), { timeout: 500 })
    }).toPass({ timeout: 10_000, intervals: [250, 500, 1_000] })
    const [row] = await query<{ priceCents: number }>('SELECT "priceCents" FROM "Product" WHERE id = $1', [hot!.id])
    expect(row!.priceCents).toBe(newPrice)
  } finally {
    await adminCtx.close()
    await shopperCtx.close()
  }
})

/** A checkout of one unit from the shopper's own page (its session cookie), as the form sends it. */
async function checkoutOne(page: Page, productId: number): Promise<{ status: number; appCode: string | null }> {
  return page.evaluate(async (productId) => {
    const res = await fetch('/api/trpc/checkout.placeOrder', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { idempotencyKey: crypto.randomUUID(), email: 'ada@example.com', shippingName: 'Ada', shippingAddress: '1 Main St', lines: [{ productId, quantity: 1 }] } }),
    })
    const body = (await res.json()) as { error?: { json?: { data?: { appCode?: string } } } }
    return { status: res.status, appCode: body.error?.json?.data?.appCode ?? null }
  }, productId)
}

test('admin stops selling a doorbuster, is refused a removal below zero, restocks it: the shopper is refused, then buys at once', async ({ browser }) => {
  const [hot] = await query<{ id: number; slug: string; stock: number }>(`SELECT id, slug, stock FROM "Product" WHERE hot ORDER BY id OFFSET 5 LIMIT 1`)
  const adminCtx = await adminContext(browser)
  const shopperCtx = await browser.newContext()
  try {
    const admin = await adminCtx.newPage()
    await loginThroughForm(admin)
    await admin.locator(`[data-testid="hot-sku"][data-product-id="${hot!.id}"]`).getByTestId('hot-sku-edit').click()
    await expect(admin.getByTestId('product-edit-form')).toHaveAttribute('data-product-id', String(hot!.id))
    const current = admin.getByTestId('stock-current')
    await expect(current).toHaveText(String(hot!.stock)) // read from the database, not a cache

    await admin.getByTestId('stock-stop').click()
    await expect(admin.getByTestId('stock-result')).toHaveText(`${hot!.stock} → 0 units`)
    await expect(current).toHaveText('0')

    const shopper = await shopperCtx.newPage()
    await shopper.goto(`/p/${hot!.slug}`)
    await expect(shopper.getByTestId('stock-badge')).toHaveAttribute('data-status', 'SOLD_OUT')
    expect(await checkoutOne(shopper, hot!.id)).toEqual({ status: 409, appCode: 'SOLD_OUT' })

    await admin.getByTestId('stock-delta').fill('−3')
    await admin.getByTestId('stock-apply').click()
    await expect(admin.getByTestId('stock-error')).toContainText('the current stock is 0')

    await admin.getByTestId('stock-delta').fill('+5')
    await admin.getByTestId('stock-apply').click()
    await expect(admin.getByTestId('stock-result')).toHaveText('0 → 5 units')
    await expect(current).toHaveText('5')

    expect(await checkoutOne(shopper, hot!.id)).toEqual({ status: 200, appCode: null })
    await shopper.reload()
    await expect(shopper.getByTestId('stock-badge')).toHaveText('Only 4 left')
  } finally {
    await adminCtx.close()
    await shopperCtx.close()
  }
})
