/** What every Playwright suite here shares: one worker, no retries, Debian Chromium. */
import type { PlaywrightTestConfig } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium'

export function baseConfig(opts: { baseURL: string; outputDir: string; reportDir: string }): PlaywrightTestConfig {
  return {
    fullyParallel: false,
    workers: 1,
    forbidOnly: true,
    retries: 0,
    timeout: 60_000,
    expect: { timeout: 15_000 },
    outputDir: opts.outputDir,
    reporter: [['list'], ['html', { outputFolder: opts.reportDir, open: 'never' }]],
    use: {
      baseURL: opts.baseURL,
      trace: 'retain-on-failure',
      screenshot: 'only-on-failure',
      launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    },
    projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  }
}
