/**
 * The embedded-mode suite: `npm start` itself (server/dev/start.ts) on a machine where
 * PostgreSQL and Redis answer nothing, then a shopper's journey in Chromium. See
 * global-setup.ts. Run: `playwright test --config e2e/embedded/playwright.config.ts`.
 */
import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium'
import { EMBEDDED_BASE_URL } from './embedded-env'

export default defineConfig({
  testDir: '.',
  testMatch: ['*.spec.ts'],
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  outputDir: '../../test-results/embedded',
  reporter: [['list'], ['html', { outputFolder: '../reports/playwright-embedded', open: 'never' }]],
  use: {
    baseURL: EMBEDDED_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
})
