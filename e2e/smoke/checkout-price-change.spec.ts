import { expect, test } from '@playwright/test'
import { loginAsAdmin, query } from '../fixtures'
import { usd } from '../../testing/expected-price'

/**
 * Issue 12, case 4: the shopper is on /checkout when the admin raises the price. "Place
 * order" explains the change and the button shows the new total; clicking it again is a new
 * checkout attempt (a new idempotency key, since what is being bought changed), so the order
 * is placed at the new price — never 422 "key already used for a different order".
 */
test('the admin raises the price while the shopper is on /checkout: explained, new total on the button, the next click places the order', async ({ browser }) => {
  const [product] = await query<{ id: number; slug: string; priceCents: number }>(
    'SELECT id, slug, "priceCents" FROM "Product" WHERE active AND NOT hot AND stock > 20 ORDER BY id LIMIT 1 OFFSET 60',
  )
  const shopperCtx = await browser.newContext()
  const adminCtx = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '10.6.1.12' } })
  try {
    const shopper = await shopperCtx.newPage()
    await shopper.goto(`/p/${product!.slug}`)
    await shopper.getByTestId('add-to-cart').click()
    await expect(shopper.getByTestId('added-to-cart')).toBeVisible()
    await shopper.goto('/checkout')
    await shopper.getByLabel('Email').fill('grace@example.com')
    await shopper.getByLabel('Full name').fill('Grace Hopper')
    await shopper.getByLabel('Shipping address').fill('1 Compiler Lane, Arlington')
    const place = shopper.getByTestId('place-order')
    await expect(place).toHaveText(`Place order · ${usd(product!.priceCents)}`)

    const admin = await adminCtx.newPage()
    await loginAsAdmin(admin)
    const newPrice = product!.priceCents + 1_250
    const status = await admin.evaluate(
      async ({ id, priceCents }) =>
        (await fetch('/api/trpc/catalog.updateProduct', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: { id, patch: { priceCents } } }) })).status,
      { id: product!.id, priceCents: newPrice },
    )
    expect(status).toBe(200)

    const placeOrders: number[] = []
    shopper.on('response', (r) => {
      if (r.url().includes('checkout.placeOrder')) placeOrders.push(r.status())
    })
    await place.click()
    await expect(shopper.getByTestId('checkout-error')).toContainText(`Prices changed since you opened your cart: the total is now ${usd(newPrice)}`)
    await expect(place).toHaveText(`Place order · ${usd(newPrice)}`)
    expect(placeOrders).toEqual([409])

    await place.click()
    await expect(shopper).toHaveURL(/\/orders\/[0-9a-f-]{36}$/)
    expect(placeOrders).toEqual([409, 200])
    const orderId = shopper.url().split('/').pop()!
    const [order] = await query<{ totalCents: number; unitPriceCents: number }>(
      'SELECT o."totalCents", l."unitPriceCents" FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id WHERE o.id = $1',
      [orderId],
    )
    expect(order).toEqual({ totalCents: newPrice, unitPriceCents: newPrice })
  } finally {
    await shopperCtx.close()
    await adminCtx.close()
  }
})
