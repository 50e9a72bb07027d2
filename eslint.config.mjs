import { createRequire } from 'node:module'
import { dirname, relative, resolve } from 'node:path'
import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTs from 'eslint-config-next/typescript'

const require = createRequire(import.meta.url)
const ROOT = dirname(new URL(import.meta.url).pathname)

/**
 * The server modules a browser bundle may contain, read from the boundary rules
 * (.dependency-cruiser.cjs, rule `schema-client-safe`) so both tools keep one list.
 */
const CLIENT_SAFE = require('./.dependency-cruiser.cjs')
  .forbidden.find((rule) => rule.name === 'schema-client-safe')
  .to.pathNot.map((pattern) => new RegExp(pattern))

/**
 * `local/client-imports`: a 'use client' module may import from server/ only types
 * (erased) and the client-safe modules. Hand-written because the boundary tool sees
 * imports, not directives, and the `server-only` package cannot guard modules that the
 * worker, the launcher, tsx scripts and Vitest also load (docs/decision-server-only.md).
 */
const clientImports = {
  meta: {
    type: 'problem',
    messages: {
      serverCode:
        "A 'use client' module bundles what it imports for the browser: '{{source}}' is server code. Import its types only (import type), or a *.schema.ts / client-safe module.",
    },
    schema: [],
  },
  create(context) {
    let client = false
    return {
      Program(program) {
        client = program.body.some((s) => s.type === 'ExpressionStatement' && s.directive === 'use client')
      },
      ImportDeclaration(node) {
        if (!client || node.importKind === 'type') return
        if (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type')) return
        const source = String(node.source.value)
        const target = source.startsWith('@/')
          ? source.slice(2)
          : source.startsWith('.')
            ? relative(ROOT, resolve(dirname(context.filename), source))
            : null
        if (target === null || !target.startsWith('server/')) return
        const file = /\.[cm]?[jt]sx?$/.test(target) ? target : `${target}.ts`
        if (CLIENT_SAFE.some((re) => re.test(file))) return
        context.report({ node, messageId: 'serverCode', data: { source } })
      },
    }
  },
}

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: ['node_modules/**', '.tools/**', '.next*/**', 'server/generated/**', 'e2e/reports/**', 'test-results/**', 'next-env.d.ts'],
  },
  {
    plugins: { local: { rules: { 'client-imports': clientImports } } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // server/env.ts is the only reader of the environment.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Import env from server/env.ts instead.' }],
      // Import boundaries live in .dependency-cruiser.cjs (run by `npm run lint`); this one needs the directive.
      'local/client-imports': 'error',
    },
  },
  {
    // The env module itself, and tool configs/harnesses that run outside the app.
    files: ['server/env.ts', 'e2e/**/*.ts', '*.config.ts', '*.config.mjs', 'vitest.global-setup.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
]

export default config
