import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./', import.meta.url)) } },
  test: {
    environment: 'node',
    globalSetup: ['./vitest.global-setup.ts'],
    include: ['server/**/*.test.ts', 'prisma/**/*.test.ts', 'deploy/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
