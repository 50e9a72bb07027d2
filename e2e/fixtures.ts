/** Shared e2e helpers: direct reads of the e2e database, and admin login. */
import { expect, type Page } from '@playwright/test'
import pg from 'pg'

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

/** Reads the e2e database directly, so assertions are about real rows. */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL })
  await client.connect()
  try {
    return (await client.query<T>(sql, params)).rows
  } finally {
    await client.end()
  }
}
