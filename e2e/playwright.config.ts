import { defineConfig } from '@playwright/test'
import { baseConfig } from './base-config'
import { E2E_BASE_URL } from './e2e-env'

export default defineConfig({
  ...baseConfig({ baseURL: E2E_BASE_URL, outputDir: '../test-results', reportDir: './reports/playwright' }),
  testDir: '.',
  testMatch: ['smoke/**/*.spec.ts', 'admin/**/*.spec.ts'],
  globalSetup: './global-setup.ts',
})
