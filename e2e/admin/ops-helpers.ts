/**
 * Helpers of the admin specs. Each admin browser context gets an address of its own
 * (X-Forwarded-For, which the e2e store believes because it trusts 127.0.0.1 as its edge:
 * BEHIND_LOCAL_EDGE), as separate admins would have: `auth.login` is rate-limited per
 * address, and the suite's specs must not use up each other's allowance.
 */
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { ADMIN_PASSWORD } from '../fixtures'

let nextAddress = 10
export async function adminContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': `10.6.0.${nextAddress++}` } })
}

/** Logs in through the real /ops/login form and waits for the dashboard. */
export async function loginThroughForm(page: Page): Promise<void> {
  await page.goto('/ops')
  await expect(page).toHaveURL(/\/ops\/login$/)
  await page.getByTestId('ops-password').fill(ADMIN_PASSWORD())
  await page.getByTestId('ops-login').click()
  await expect(page.getByTestId('ops-dashboard')).toBeVisible()
  await expect(page).toHaveURL(/\/ops$/)
}

/** An admin tRPC mutation sent from the admin's own page (same origin, admin cookie). */
export async function adminMutation(page: Page, path: string, input: unknown): Promise<number> {
  return page.evaluate(
    async ({ path, input }) => {
      const res = await fetch(`/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: input }) })
      return res.status
    },
    { path, input },
  )
}
