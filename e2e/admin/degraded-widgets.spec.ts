import { expect, test, type Page } from '@playwright/test'
import { loginAsAdmin, query } from '../fixtures'
import { adminContext, adminMutation } from './ops-helpers'

type Seen = Record<string, number>

/** Records, in the page's own clock, when each element first appears (order, not duration, is asserted). */
async function recordAppearances(page: Page, testIds: string[]): Promise<void> {
  await page.addInitScript((ids: string[]) => {
    const seen: Record<string, number> = {}
    ;(window as unknown as { __seen: Record<string, number> }).__seen = seen
    const mark = () => {
      for (const id of ids) if (seen[id] === undefined && document.querySelector(`[data-testid="${id}"]`)) seen[id] = performance.now()
    }
    new MutationObserver(mark).observe(document, { subtree: true, childList: true })
  }, testIds)
}

const appearances = (page: Page) => page.evaluate(() => (window as unknown as { __seen: Seen }).__seen)

async function product(offset: number) {
  const [row] = await query<{ slug: string; name: string }>(`SELECT slug, name FROM "Product" WHERE active AND NOT hot AND stock > 20 ORDER BY popularity DESC, id OFFSET $1 LIMIT 1`, [offset])
  return row!
}

test.describe('degraded widgets never hold up the product page', () => {
  test('reviews slowed to 5 s: title, price and add-to-cart appear and work before the reviews arrive', async ({ browser }) => {
    const adminCtx = await adminContext(browser)
    const shopperCtx = await browser.newContext()
    const admin = await adminCtx.newPage()
    try {
      await loginAsAdmin(admin)
      expect(await adminMutation(admin, 'ops.setFault', { name: 'reviewsDelayMs', value: 5_000 })).toBe(200)
      const p = await product(7)
      const shopper = await shopperCtx.newPage()
      await recordAppearances(shopper, ['product-name', 'price', 'add-to-cart', 'added-to-cart', 'reviews-loading', 'reviews'])

      await shopper.goto(`/p/${p.slug}`)
      await expect(shopper.getByTestId('product-name')).toHaveText(p.name)
      await expect(shopper.getByTestId('product').getByTestId('price')).toBeVisible()
      await shopper.getByTestId('add-to-cart').click()
      await expect(shopper.getByTestId('added-to-cart')).toBeVisible()
      await expect(shopper.getByTestId('cart-count')).toHaveText('1')
      // The shopper has used the page; the reviews are still on their way.
      await expect(shopper.getByTestId('reviews-loading')).toBeVisible()
      await expect(shopper.getByTestId('reviews')).toHaveCount(0)

      await expect(shopper.getByTestId('reviews')).toBeVisible({ timeout: 15_000 })
      const seen = await appearances(shopper)
      for (const first of ['product-name', 'price', 'add-to-cart', 'added-to-cart', 'reviews-loading']) {
        expect(seen[first], first).toBeDefined()
        expect(seen[first]!, `${first} before reviews`).toBeLessThan(seen['reviews']!)
      }
    } finally {
      await adminMutation(admin, 'ops.setFault', { name: 'reviewsDelayMs', value: 0 }).catch(() => 0)
      await adminCtx.close()
      await shopperCtx.close()
    }
  })

  test('recommendations failing: the page works and says the section is unavailable', async ({ browser }) => {
    const adminCtx = await adminContext(browser)
    const shopperCtx = await browser.newContext()
    const admin = await adminCtx.newPage()
    try {
      await loginAsAdmin(admin)
      expect(await adminMutation(admin, 'ops.setFault', { name: 'recommendationsFail', value: true })).toBe(200)
      const p = await product(8)
      const shopper = await shopperCtx.newPage()
      await shopper.goto(`/p/${p.slug}`)
      await expect(shopper.getByTestId('product-name')).toHaveText(p.name)
      await expect(shopper.getByTestId('recommendations-unavailable')).toBeVisible()
      await expect(shopper.getByTestId('recommendations')).toHaveCount(0)
      await expect(shopper.getByTestId('reviews')).toBeVisible()
      await shopper.getByTestId('add-to-cart').click()
      await expect(shopper.getByTestId('added-to-cart')).toBeVisible()
    } finally {
      await adminMutation(admin, 'ops.setFault', { name: 'recommendationsFail', value: false }).catch(() => 0)
      await adminCtx.close()
      await shopperCtx.close()
    }
  })
})
