/**
 * The embedded-mode suite: `npm start` itself (server/launcher/start.ts) on a machine where
 * PostgreSQL and Redis answer nothing, then a shopper's journey in Chromium. See
 * global-setup.ts. Run: `playwright test --config e2e/embedded/playwright.config.ts`.
 */
import { defineConfig } from '@playwright/test'
import { baseConfig } from '../base-config'
import { EMBEDDED_BASE_URL } from './embedded-env'

export default defineConfig({
  ...baseConfig({ baseURL: EMBEDDED_BASE_URL, outputDir: '../../test-results/embedded', reportDir: '../reports/playwright-embedded' }),
  testDir: '.',
  testMatch: ['*.spec.ts'],
  globalSetup: './global-setup.ts',
})
