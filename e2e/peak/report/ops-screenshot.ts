/**
 * `npm run drill -- --ops-screenshot docs/ops-dashboard-fleet.png`: what the on-call admin sees
 * on /ops during the hold of this very run (with `--fleet`: every instance by role, replica lag,
 * the waiting room's line), in the drill's own Chromium through the same front door as the
 * shoppers (the edge or the store). The admin opens /ops before the step and keeps it open, as
 * on sale day, so its charts hold the step; the shot is taken during the hold. A capture, not a
 * measurement: the dashboard's polling is one more admin's load, and its requests are not in
 * the samples.
 */
import type { Browser, BrowserContext, Page } from '@playwright/test'

/** Seconds into the hold at which the shot is taken: the line has formed (it drains about 30 s in, once the doorbuster is gone). */
export const OPS_SCREENSHOT_AT_S = 20
/** Longest wait for the dashboard to log in and show its figures (it loads beside the step's traffic). */
const OPEN_TIMEOUT_MS = 60_000

export interface OpenDashboard {
  /** Writes a full-page PNG of the dashboard as it is now; resolves to null, or the reason it could not. */
  shoot(path: string): Promise<string | null>
  close(): Promise<void>
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error)
}

/**
 * Logs in on /ops/login as the admin and waits for the dashboard's figures. Resolves to the open
 * dashboard, or to the reason it could not be opened (the drill goes on without its picture).
 */
export async function openOpsDashboard(browser: Browser, baseURL: string, adminPassword: string): Promise<OpenDashboard | string> {
  let context: BrowserContext | null = null
  try {
    context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 1000 } })
    const page: Page = await context.newPage()
    page.setDefaultTimeout(OPEN_TIMEOUT_MS)
    await page.goto('/ops/login')
    await page.getByTestId('ops-password').fill(adminPassword)
    await page.getByTestId('ops-login').click()
    await page.getByTestId('ops-dashboard').waitFor()
    await page.getByTestId('ops-stats').waitFor()
    const opened = context
    return {
      async shoot(path) {
        try {
          await page.screenshot({ path, fullPage: true })
          return null
        } catch (error) {
          return reason(error)
        }
      },
      close: () => opened.close().catch(() => {}),
    }
  } catch (error) {
    await context?.close().catch(() => {})
    return reason(error)
  }
}
