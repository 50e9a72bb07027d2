/**
 * The import boundaries `npm run lint` enforces, proven to bite: a small tree written to a
 * temporary folder breaks each rule of .dependency-cruiser.cjs once, and dependency-cruiser
 * (the same binary and config as `npm run lint`) must name every rule, each at the module
 * that breaks it, and nothing else. Then ESLint's `local/client-imports` rule on a client
 * component that imports server code, and on one that imports only what it may.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { ESLint } from 'eslint'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

const ROOT = resolve(import.meta.dirname, '..')
const CONFIG = join(ROOT, '.dependency-cruiser.cjs')
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise')

/** Each file of the fixture, and the rule it breaks (none: a file the others need). */
const FIXTURE: Record<string, { code: string; breaks?: string[] }> = {
  'server/platform/db.ts': { code: 'export const db = 1\n' },
  'server/platform/transaction.ts': { code: "import { db } from './db'\nexport const unitOfWork = db\n" },
  'server/platform/uses-domain.ts': {
    code: "import { placeOrder } from '../shop/shop.service'\nexport const platformThing = placeOrder\n",
    breaks: ['platform-no-domain'],
  },
  'server/shop/shop.repo.ts': { code: "import { db } from '../platform/db'\nexport const shopRows = db\n" },
  'server/stock/stock.repo.ts': { code: "import { db } from '../platform/db'\nexport const stockRows = db\n" },
  'server/shop/shop.service.ts': {
    code: "import { db } from '../platform/db'\nimport { stockRows } from '../stock/stock.repo'\nexport const placeOrder = db + stockRows\n",
    breaks: ['only-repos-import-db', 'no-cross-domain-repo'],
  },
  'server/shop/first.ts': { code: "import { second } from './second'\nexport const first = (): number => second()\n", breaks: ['no-circular'] },
  // The cycle is reported once, at the module the cruise enters it from (either of the two).
  'server/shop/second.ts': { code: "import { first } from './first'\nexport const second = (): number => first()\n" },
  'server/shop/shop.schema.ts': {
    code: "import { placeOrder } from './shop.service'\nexport const shopSchema = placeOrder\n",
    breaks: ['schema-client-safe'],
  },
  'server/shop/uses-harness.ts': {
    code: "import { harness } from '../../testing/harness'\nimport { benchmark } from '../../bench/benchmark'\nexport const shipped = harness + benchmark\n",
    breaks: ['shipped-no-bench-or-harness'],
  },
  'server/shop/starts-itself.ts': { code: "import { launch } from '../launcher/launch'\nexport const selfStart = launch\n", breaks: ['domain-no-launcher'] },
  'server/shop/renders.ts': { code: "import { Page } from '../../app/page'\nexport const rendered = Page\n", breaks: ['not-to-app'] },
  'server/launcher/launch.ts': { code: 'export const launch = 1\n' },
  'testing/harness.ts': { code: 'export const harness = 1\n' },
  'bench/benchmark.ts': { code: 'export const benchmark = 1\n' },
  'app/page.tsx': {
    code: "import { shopRows } from '../server/shop/shop.repo'\nexport const Page = shopRows\n",
    breaks: ['app-no-repo-or-db'],
  },
  'tsconfig.json': { code: JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', jsx: 'preserve' } }) },
}

const cruiseOutput = z.object({
  summary: z.object({
    violations: z.array(z.object({ from: z.string(), to: z.string(), rule: z.object({ name: z.string(), severity: z.string() }) })),
  }),
})

const RULE_NAMES: string[] = (z.object({ forbidden: z.array(z.object({ name: z.string() })) }).parse((await import(CONFIG)).default)).forbidden.map((r) => r.name)

let dir = ''

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'boundary-rules-'))
  for (const [path, { code }] of Object.entries(FIXTURE)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), code)
  }
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the boundary rules (dependency-cruiser, as npm run lint runs it)', () => {
  it('name every broken rule at the module that breaks it, and nothing else', async () => {
    const run = await promisify(execFile)(DEPCRUISE, ['--config', CONFIG, '--output-type', 'json', 'app', 'server', 'testing', 'bench'], {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }))
    const { violations } = cruiseOutput.parse(JSON.parse(run.stdout)).summary
    const found = [...new Set(violations.map((v) => `${v.rule.name} ${v.from.replace('shop/second.ts', 'shop/first.ts')}`))].sort()
    const expected = Object.entries(FIXTURE)
      .flatMap(([path, { breaks }]) => (breaks ?? []).map((rule) => `${rule} ${path}`))
      .sort()
    expect(found).toEqual(expected)
    expect(violations.every((v) => v.rule.severity === 'error')).toBe(true)
    // Every rule of the config is exercised by the fixture.
    expect([...new Set(violations.map((v) => v.rule.name))].sort()).toEqual([...RULE_NAMES].sort())
  })
})

describe("ESLint's local/client-imports rule", () => {
  const eslint = new ESLint({ cwd: ROOT })
  const lint = async (code: string) => {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, 'app/_components/boundary-fixture.tsx') })
    return result!.messages.filter((m) => m.ruleId === 'local/client-imports').map((m) => m.message)
  }

  it("refuses server code in a 'use client' module and names the import", async () => {
    const messages = await lint("'use client'\nimport { isEnabled } from '@/server/platform/flags'\nexport const enabled = isEnabled\n")
    expect(messages).toHaveLength(1)
    expect(messages[0]).toContain("'@/server/platform/flags' is server code")
  })

  it('lets a client component import types, schemas and the client-safe tables', async () => {
    const messages = await lint(
      "'use client'\nimport type { FlagName } from '@/server/platform/flags'\nimport { placeOrderInput } from '@/server/checkout/checkout.schema'\nimport { RUNBOOK_SECTIONS } from '@/server/ops/runbook-sections'\nexport const used: [FlagName | null, unknown, unknown] = [null, placeOrderInput, RUNBOOK_SECTIONS]\n",
    )
    expect(messages).toEqual([])
  })

  it('leaves server components alone', async () => {
    expect(await lint("import { isEnabled } from '@/server/platform/flags'\nexport const enabled = isEnabled\n")).toEqual([])
  })
})
