import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTs from 'eslint-config-next/typescript'

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: ['node_modules/**', '.tools/**', '.next*/**', 'server/generated/**', 'e2e/reports/**', 'test-results/**', 'next-env.d.ts'],
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // server/env.ts is the only reader of the environment.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Import env from server/env.ts instead.' }],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@/app/*', '../app/*', '../../app/*'], message: 'server/ never imports from app/.' }] }],
    },
  },
  {
    files: ['server/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@trpc/*', '../trpc/*', '../catalog/*', '../cart/*', '../checkout/*', '../inventory/*', '../orders/*', '../payments/*', '../ops/*'], message: 'platform/ never imports tRPC or a domain.' }] },
      ],
    },
  },
  {
    // Schemas are shared with client components (forms validate with the server's zod):
    // they may import zod and other schemas only, never server code.
    files: ['server/**/*.schema.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../platform/*', '../env', '../trpc/*', '**/*.service', '**/*.repo', '**/*.store'], message: 'A *.schema.ts file is bundled for the browser: zod and other schemas only.' }] },
      ],
    },
  },
  {
    // The env module itself, and tool configs/harnesses that run outside the app.
    files: ['server/env.ts', 'e2e/**/*.ts', '*.config.ts', '*.config.mjs', 'vitest.global-setup.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
]

export default config
