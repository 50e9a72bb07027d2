/**
 * The peak drill's own Playwright config (`npm run drill`, see drill-cli.ts): a fast
 * self-check project (the drill's machinery proves it can see what it claims to see), then
 * the drill itself, which starts its own store, Redis, worker and database.
 */
import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium'

export default defineConfig({
  testDir: '.',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 120_000,
  outputDir: '../../test-results/peak',
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'peak-self-check', testMatch: 'self-check/**/*.spec.ts' },
    { name: 'peak-drill', testMatch: 'drill.spec.ts', dependencies: ['peak-self-check'] },
  ],
})
