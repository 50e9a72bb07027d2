import { expect, test, type Page, type Request } from '@playwright/test'
import { query } from '../fixtures'

/** A router prefetch (RSC, `Next-Router-Prefetch: 1`) of a product page; the path when it is one. */
function productPrefetch(request: Request): string | null {
  const url = new URL(request.url())
  const prefetch = request.headers()['next-router-prefetch'] === '1'
  return prefetch && url.pathname.startsWith('/p/') ? url.pathname : null
}

function recordProductPrefetches(page: Page): string[] {
  const seen: string[] = []
  page.on('request', (request) => {
    const path = productPrefetch(request)
    if (path) seen.push(path)
  })
  return seen
}

// Viewport prefetch made every browsing shopper render ~40 product pages at the origin
// (app/_components/intent-link.tsx); catalog lists now prefetch on intent only.
test('a product grid asks the store for no product page until the shopper points at one', async ({ page }) => {
  const [category] = await query<{ slug: string }>('SELECT slug FROM "Category" ORDER BY position LIMIT 1')
  const prefetched = recordProductPrefetches(page)

  await page.goto('/')
  await expect(page.getByTestId('hot-deals').getByTestId('product-card')).not.toHaveCount(0)
  await page.waitForLoadState('networkidle')
  await page.goto(`/c/${category!.slug}`)
  const cards = page.getByTestId('product-card')
  await expect(cards).toHaveCount(24)
  await page.waitForLoadState('networkidle')
  expect(prefetched, 'product pages prefetched by the home page and a category page nobody pointed at').toEqual([])

  // Pointer over a card: its page is prefetched, so the click that follows is instant.
  const hovered = await cards.nth(5).getAttribute('href')
  const byHover = page.waitForRequest((r) => productPrefetch(r) === hovered)
  await cards.nth(5).hover()
  await byHover

  // Keyboard focus counts as intent too.
  const focused = await cards.nth(6).getAttribute('href')
  const byFocus = page.waitForRequest((r) => productPrefetch(r) === focused)
  await cards.nth(6).focus()
  await byFocus

  expect(new Set(prefetched)).toEqual(new Set([hovered, focused]))
  await cards.nth(5).click()
  await expect(page).toHaveURL(new RegExp(`${hovered}$`))
  await expect(page.getByTestId('add-to-cart')).toBeVisible()
})
