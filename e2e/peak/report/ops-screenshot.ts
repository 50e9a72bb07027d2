/**
 * `npm run drill -- --ops-screenshot docs/ops-dashboard-fleet.png`: what the on-call admin sees
 * on /ops during the hold of this very run (with `--fleet`: every instance by role, replica lag,
 * the waiting room's line), captured in the drill's own Chromium through the same front door as
 * the shoppers (the edge or the store). A capture, not a measurement: it runs beside the load as
 * one more admin would, and its own requests are not in the samples.
 */
import type { Browser } from '@playwright/test'

/** Seconds into the hold at which the capture starts: the line has formed and every chart has points. */
export const OPS_SCREENSHOT_AT_S = 25
/** Dashboard refreshes to let pass before the shot, so each chart holds its latest points (the overview polls every 2 s). */
const SETTLE_MS = 4_500

/**
 * Logs in on /ops/login as the admin, waits for the dashboard and its figures, and writes a
 * full-page PNG to `path`. Resolves to null when written, or to the reason it could not be.
 */
export async function captureOps(browser: Browser, baseURL: string, adminPassword: string, path: string): Promise<string | null> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 1000 } })
  try {
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    await page.goto('/ops/login')
    await page.getByTestId('ops-password').fill(adminPassword)
    await page.getByTestId('ops-login').click()
    await page.getByTestId('ops-dashboard').waitFor()
    await page.getByTestId('ops-stats').waitFor()
    await page.waitForTimeout(SETTLE_MS)
    await page.screenshot({ path, fullPage: true })
    return null
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0]! : String(error)
  } finally {
    await context.close().catch(() => {})
  }
}
