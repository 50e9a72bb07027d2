/**
 * The Content-Security-Policy in a real browser: every page kind of the store is loaded with
 * the policy enforced, used a little (so its scripts must have run: hydration, tRPC calls,
 * client navigation), and any CSP violation — a console error or a `securitypolicyviolation`
 * event — fails the test, naming the page and the blocked resource.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { adminContext, loginThroughForm } from '../admin/ops-helpers'
import { query } from '../fixtures'

declare global {
  interface Window {
    __cspViolations?: string[]
  }
}

/** Records violations in the page (init scripts run outside the page's CSP) and in the console. */
async function watchViolations(context: BrowserContext): Promise<string[]> {
  const seen: string[] = []
  await context.addInitScript(() => {
    window.__cspViolations = []
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations!.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sample || 'no sample'})`)
    })
  })
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(message.text())) {
      seen.push(`${message.location().url}: ${message.text()}`)
    }
  })
  return seen
}

async function expectNoViolations(page: Page, seen: string[], kind: string): Promise<void> {
  const inPage = await page.evaluate(() => window.__cspViolations ?? [])
  expect([...seen, ...inPage], `CSP violations on the ${kind} page`).toEqual([])
  const csp = (await page.request.get(page.url())).headers()['content-security-policy'] ?? ''
  expect(csp, kind).toContain("frame-ancestors 'none'")
  expect(csp.split(';').find((d) => d.trim().startsWith('script-src')), kind).not.toContain('unsafe-inline')
}

test('every shopper page kind runs under the enforced CSP without a single violation', async ({ browser }) => {
  const context = await browser.newContext()
  const seen = await watchViolations(context)
  const page = await context.newPage()
  try {
    const [category] = await query<{ slug: string; name: string }>('SELECT slug, name FROM "Category" ORDER BY position LIMIT 1 OFFSET 4')
    const [hot] = await query<{ slug: string }>('SELECT slug FROM "Product" WHERE hot AND active ORDER BY id LIMIT 1')
    const [longTail] = await query<{ slug: string; name: string }>('SELECT slug, name FROM "Product" WHERE NOT hot AND active AND stock > 5 ORDER BY id DESC OFFSET 31 LIMIT 1')

    await page.goto('/')
    await expect(page.getByTestId('hot-deals').getByTestId('product-card')).not.toHaveCount(0)
    await expectNoViolations(page, seen, 'home')

    // Client navigation (RSC fetch, router scripts) into a cached category page.
    await page.getByTestId('category-link').filter({ hasText: category!.name }).click()
    await expect(page.getByTestId('category-title')).toHaveText(category!.name)
    await expectNoViolations(page, seen, 'category')

    await page.goto(`/c/${category!.slug}/price-desc/2`)
    await expect(page.getByTestId('product-card')).not.toHaveCount(0)
    await expectNoViolations(page, seen, 'category (sorted, page 2)')

    // A prerendered product page: the stock badge and widgets are client queries.
    await page.goto(`/p/${hot!.slug}`)
    await expect(page.getByTestId('product-name')).toBeVisible()
    await expect(page.getByTestId('stock-badge')).toBeVisible()
    await expectNoViolations(page, seen, 'product (prerendered)')

    // A product rendered on its first view (ISR miss), then added to the cart (a mutation).
    await page.goto(`/p/${longTail!.slug}`)
    await page.getByTestId('add-to-cart').click()
    await expect(page.getByTestId('added-to-cart')).toBeVisible()
    await expect(page.getByTestId('cart-count')).toHaveText('1')
    await expectNoViolations(page, seen, 'product (first view)')

    await page.goto(`/search?q=${encodeURIComponent(longTail!.name.split(' ')[0]!)}`)
    await expect(page.getByTestId('search-results')).toBeVisible()
    await expectNoViolations(page, seen, 'search')

    await page.goto('/cart')
    await expect(page.getByTestId('cart-line')).toHaveCount(1)
    await expectNoViolations(page, seen, 'cart')

    await page.getByTestId('go-to-checkout').click()
    await page.getByLabel('Email').fill('csp@example.com')
    await page.getByLabel('Full name').fill('Content Policy')
    await page.getByLabel('Shipping address').fill('1 Header Street, Springfield')
    await expectNoViolations(page, seen, 'checkout')
    await page.getByTestId('place-order').click()
    await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/)
    await expect(page.getByTestId('order-status')).toBeVisible()
    await expectNoViolations(page, seen, 'order')

    const missing = await page.goto('/no-such-page/at-all')
    expect(missing?.status()).toBe(404)
    await expect(page.getByRole('heading', { name: /couldn.t find that page/i })).toBeVisible()
    await expectNoViolations(page, seen, 'not found')
  } finally {
    await context.close()
  }
})

test('the ops pages (login, dashboard with charts and levers, runbook) run under the enforced CSP without a violation', async ({ browser }) => {
  const context = await adminContext(browser)
  const seen = await watchViolations(context)
  const page = await context.newPage()
  try {
    await loginThroughForm(page)
    await expect(page.getByTestId('ops-stats')).toBeVisible()
    await expect(page.getByTestId('lever-admin-sessions')).toBeVisible()
    await expectNoViolations(page, seen, 'ops dashboard')
    await page.getByRole('link', { name: 'Runbook', exact: true }).click()
    await expect(page.getByTestId('runbook')).toContainText('Day-before checklist')
    await expectNoViolations(page, seen, 'runbook')
    await page.goto('/ops')
    await page.getByTestId('ops-logout').click()
    await expect(page).toHaveURL(/\/ops\/login$/)
    await expectNoViolations(page, seen, 'ops login')
  } finally {
    await context.close()
  }
})

test('no page can be framed, /ops included', async ({ request }) => {
  for (const path of ['/', '/cart', '/search?q=tv', '/ops/login', '/ops']) {
    const res = await request.get(path, { maxRedirects: 0 })
    expect([path, res.headers()['x-frame-options']]).toEqual([path, 'DENY'])
    expect(res.headers()['content-security-policy'], path).toContain("frame-ancestors 'none'")
  }
})
