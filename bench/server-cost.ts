/**
 * What our store server costs against plain `next start`, alone and with more rounds than
 * `npm run bench` gives it (that bench runs the same pair among many):
 *
 *   npx tsx bench/server-cost.ts [--rounds 8] [--seconds 4]
 *
 * One fresh database, gateway and test build; our server and plain `next start` on it side by
 * side; a cached product page (ISR hit, gzip) from each, closed loop at c=50, interleaved
 * A B A B …, plus the same page rendered per request (draft-mode cookie) on ours. Besides
 * throughput it reads each server process's own CPU time (/proc/<pid>/stat) around each trial:
 * CPU per request barely moves with what else runs on the machine, throughput does. Prints a
 * markdown table of median [min–max] and the ratios. Asserts nothing. Linux only.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { testSecrets } from '../server/launcher/local-secrets'
import { DEFAULT_PRODUCT_COUNT } from '../prisma/seed-data'
import { openScratchWorld } from '../testing/test-services'
import { BEHIND_LOCAL_EDGE, ensureTestBuild, startStore, TEST_DIST_DIR } from '../testing/test-store'
import type { ClosedLoopResult } from './closed-loop'
import { PAGE_CONNECTIONS, PagePair } from './read-paths'
import { fmt, markdownTable, summary } from './stats'

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '8' }, seconds: { type: 'string', default: '4' } } })
const ROUNDS = Number(args.rounds)
const TRIAL_MS = Number(args.seconds) * 1_000

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim())

/** User + system CPU time of process `pid` so far, in ms (fields 14 and 15 of /proc/<pid>/stat). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND
}

interface Trial {
  result: ClosedLoopResult
  /** Server CPU ms per request during the trial. */
  cpuPerRequestMs: number
}

async function measured(pid: number, run: () => Promise<ClosedLoopResult>): Promise<Trial> {
  const before = cpuMs(pid)
  const result = await run()
  const requests = Object.values(result.statuses).reduce((a, b) => a + b, 0)
  return { result, cpuPerRequestMs: (cpuMs(pid) - before) / Math.max(1, requests) }
}

async function main(): Promise<void> {
  console.error('server-cost: preparing a fresh database, gateway and the test build…')
  const world = await openScratchWorld('bench', { seedProducts: DEFAULT_PRODUCT_COUNT })
  const secrets = await testSecrets()
  const storeEnv = world.storeEnv({ ...secrets.env, ...BEHIND_LOCAL_EDGE, LOG_LEVEL: 'error' })
  await ensureTestBuild(storeEnv)
  const [ours, plain] = [await startStore('auto', storeEnv), await startStore('auto', storeEnv, 'plain-next-start')]
  try {
    const client = new pg.Client({ connectionString: world.database.url })
    await client.connect()
    const { rows } = await client.query<{ slug: string }>('SELECT slug FROM "Product" WHERE hot AND active ORDER BY popularity DESC LIMIT 1')
    await client.end()
    const manifest = JSON.parse(readFileSync(join(TEST_DIST_DIR, 'prerender-manifest.json'), 'utf8')) as { preview: { previewModeId: string } }
    const page = await PagePair.start(ours.url, plain.url, `/p/${rows[0]!.slug}`)
    const [ourPid, plainPid] = [ours.process.pid!, plain.process.pid!]
    const got: Record<'plainNext' | 'ours' | 'perRequest', Trial[]> = { plainNext: [], ours: [], perRequest: [] }
    for (let round = 1; round <= ROUNDS; round++) {
      console.error(`server-cost: round ${round}/${ROUNDS}`)
      got.plainNext.push(await measured(plainPid, () => page.plainNext(TRIAL_MS)))
      got.ours.push(await measured(ourPid, () => page.next(TRIAL_MS)))
      got.perRequest.push(await measured(ourPid, () => page.perRequest(TRIAL_MS, manifest.preview.previewModeId)))
    }
    await page.twin.close()
    const rps = (k: keyof typeof got) => got[k].map((t) => t.result.rps)
    const cpu = (k: keyof typeof got) => got[k].map((t) => t.cpuPerRequestMs)
    const cell = (values: number[], digits = 0) => {
      const s = summary(values)
      return `${fmt(s.median, digits)} [${fmt(s.min, digits)}–${fmt(s.max, digits)}]`
    }
    // Per-round ratios (each pair measured back to back) are steadier than a ratio of medians on a shared machine.
    const perRound = (a: keyof typeof got, b: keyof typeof got) => cell(got[a].map((t, i) => t.result.rps / got[b][i]!.result.rps), 3)
    const errors = (k: keyof typeof got) =>
      String(got[k].reduce((n, t) => n + Object.entries(t.result.statuses).reduce((m, [s, c]) => m + (s === '200' ? 0 : c), 0), 0))
    const p99 = (k: keyof typeof got) => cell(got[k].map((t) => t.result.latency.p99), 1)
    console.log(`\n### Our server vs plain \`next start\`: cached product page, c=${PAGE_CONNECTIONS}, ${ROUNDS} interleaved rounds of ${TRIAL_MS / 1000} s\n`)
    console.log(
      markdownTable(
        ['server', 'req/s', 'p99 ms', 'req/s, per-round ratio', 'server CPU ms per request', 'non-200'],
        [
          ['plain `next start` (ISR hit)', cell(rps('plainNext')), p99('plainNext'), '1.000×', cell(cpu('plainNext'), 3), errors('plainNext')],
          ['our server (identity + security headers, then Next; ISR hit)', cell(rps('ours')), p99('ours'), `${perRound('ours', 'plainNext')} of plain`, cell(cpu('ours'), 3), errors('ours')],
          ['our server, page rendered per request (what a nonce would force)', cell(rps('perRequest')), p99('perRequest'), `${perRound('perRequest', 'ours')} of cached`, cell(cpu('perRequest'), 3), errors('perRequest')],
        ],
      ),
    )
  } finally {
    await Promise.all([ours.stop(), plain.stop()])
    await world.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
