/** Shared e2e helpers: admin login through the real /ops login form's endpoint. */
import { expect, type Page } from '@playwright/test'

export const ADMIN_PASSWORD = () => {
  const password = process.env.E2E_ADMIN_PASSWORD
  if (!password) throw new Error('E2E_ADMIN_PASSWORD is set by e2e/global-setup.ts')
  return password
}

/**
 * Logs the page's browser context in as admin by calling `auth.login` from the page itself
 * (same origin, so the SameSite=Strict cookie lands in the context).
 */
export async function loginAsAdmin(page: Page): Promise<void> {
  if (page.url() === 'about:blank') await page.goto('/')
  const status = await page.evaluate(async (password) => {
    const res = await fetch('/api/trpc/auth.login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { password } }),
    })
    return res.status
  }, ADMIN_PASSWORD())
  expect(status, 'admin login').toBe(200)
}
