import { expect, test } from '@playwright/test'
import { adminContext, loginThroughForm } from './ops-helpers'

/** Admin procedures of the dashboard (the Vitest suite checks every procedure of the router). */
const ADMIN_QUERIES = ['ops.overview', 'ops.levers', 'ops.prewarmStatus', 'ops.findProduct']
const ADMIN_MUTATIONS = [
  'ops.setFlag',
  'ops.setFault',
  'ops.setRateLimit',
  'ops.setPaymentSettings',
  'ops.resetPaymentSettings',
  'ops.startPrewarm',
  'ops.signOutEverywhere',
  'catalog.updateProduct',
  'inventory.changeStock',
  'inventory.stopSelling',
  'auth.logout',
]

test('an anonymous browser is sent to the login page and gets no admin data from /ops or any admin procedure', async ({ page, request }) => {
  const raw = await request.get('/ops', { maxRedirects: 0 })
  expect(raw.status()).toBe(307)
  expect(raw.headers()['location']).toMatch(/\/ops\/login$/)
  const body = await raw.text()
  for (const secret of ['Sale-day operations', 'Hot SKUs', 'Levers', 'ops-dashboard']) expect(body).not.toContain(secret)

  await page.goto('/ops')
  await expect(page).toHaveURL(/\/ops\/login$/)
  await expect(page.getByTestId('ops-dashboard')).toHaveCount(0)
  expect((await request.get('/ops/runbook', { maxRedirects: 0 })).status()).toBe(307)

  const origin = new URL(page.url()).origin
  for (const path of ADMIN_QUERIES) {
    const res = await request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`)
    expect([path, res.status()]).toEqual([path, 401])
    expect(await res.text()).not.toContain('"result"')
  }
  for (const path of ADMIN_MUTATIONS) {
    const res = await request.post(`/api/trpc/${path}`, { data: { json: {} }, headers: { origin } })
    expect([path, res.status()]).toEqual([path, 401])
    expect(await res.text()).not.toContain('"result"')
  }
})

test('an admin logs in through the form (a wrong password is refused), sees the dashboard and the runbook, and logs out', async ({ browser }) => {
  const context = await adminContext(browser)
  try {
    const page = await context.newPage()
    await page.goto('/ops/login')
    await page.getByTestId('ops-password').fill('not the password')
    await page.getByTestId('ops-login').click()
    await expect(page.getByTestId('ops-login-error')).toHaveText('Wrong password')

    await loginThroughForm(page)
    await expect(page.getByTestId('ops-admin')).toHaveText('admin')
    await expect(page.getByTestId('ops-stats')).toBeVisible()
    await expect(page.getByTestId('flag-reviews')).toBeVisible()
    const cookie = (await context.cookies()).find((c) => c.name === 'sf_admin')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' })

    await page.getByRole('link', { name: 'Runbook', exact: true }).click()
    await expect(page.getByTestId('runbook')).toContainText('Day-before checklist')
    await expect(page.locator('#p99-latency')).toBeVisible()
    await page.goto('/ops')

    await page.getByTestId('ops-logout').click()
    await expect(page).toHaveURL(/\/ops\/login$/)
    expect((await context.cookies()).find((c) => c.name === 'sf_admin')).toBeUndefined()
    await page.goto('/ops')
    await expect(page).toHaveURL(/\/ops\/login$/)
  } finally {
    await context.close()
  }
})

test('"Sign out everywhere" on /ops ends every admin session: this browser and another one are back at the login page', async ({ browser }) => {
  const [mine, theirs] = [await adminContext(browser), await adminContext(browser)]
  try {
    const [page, other] = [await mine.newPage(), await theirs.newPage()]
    await loginThroughForm(page)
    await loginThroughForm(other)
    const lever = page.getByTestId('lever-admin-sessions')
    await expect(lever.getByTestId('admin-sessions-open')).toContainText(/\d+ open session/)
    page.once('dialog', (dialog) => void dialog.accept())
    await lever.getByTestId('admin-sign-out-everywhere').click()
    await expect(page).toHaveURL(/\/ops\/login$/)
    // The other admin's cookie is still in their browser, but it opens nothing any more.
    expect((await theirs.cookies()).find((c) => c.name === 'sf_admin')).toBeDefined()
    await other.goto('/ops')
    await expect(other).toHaveURL(/\/ops\/login$/)
    await page.goto('/ops')
    await expect(page).toHaveURL(/\/ops\/login$/)
  } finally {
    await Promise.all([mine.close(), theirs.close()])
  }
})
