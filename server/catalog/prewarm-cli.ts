/**
 * `npm run prewarm [-- --top 200 --url http://127.0.0.1:3000 --url http://… | --data-only]`
 *
 * Loads the top-N products, every category and the hot deals into Redis, then requests
 * their pages from each store URL (default: this machine's `npm start` store), printing
 * progress and, at the end, how many entries and pages were warmed and how long it took.
 */
import { parseArgs } from 'node:util'
import { env } from '../env'
import { prewarm, type PrewarmProgress } from './prewarm'

const { values } = parseArgs({
  options: {
    top: { type: 'string', default: '200' },
    url: { type: 'string', multiple: true },
    'data-only': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '8' },
  },
})

const top = Number(values.top)
const concurrency = Number(values.concurrency)
if (!Number.isInteger(top) || top < 0 || top > 100_000 || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
  console.error('usage: npm run prewarm -- [--top 0-100000] [--url <store base URL>]… [--data-only] [--concurrency 1-64]')
  process.exit(2)
}
const host = env.BIND_HOST === '0.0.0.0' ? '127.0.0.1' : env.BIND_HOST
const storeUrls = values['data-only'] ? [] : (values.url ?? [`http://${host}:${env.PORT}`])

let lastLine = ''
function show(p: PrewarmProgress): void {
  const line = `  ${p.phase === 'data' ? 'cache' : 'pages'} ${p.done}/${p.total}`
  if (process.stdout.isTTY) process.stdout.write(`\r${line}`)
  else if (p.done === p.total || p.done % 100 === 0) console.log(line)
  lastLine = line
}

console.log(`pre-warming the top ${top} products, all categories and hot deals${storeUrls.length ? ` → ${storeUrls.join(', ')}` : ' (data only)'}`)
try {
  const result = await prewarm({ topProducts: top, storeUrls, concurrency }, show)
  if (process.stdout.isTTY && lastLine) process.stdout.write('\n')
  console.log(
    `warmed ${result.entries} cache entries and ${result.pages} pages${result.pagesFailed ? ` (${result.pagesFailed} page requests failed)` : ''} in ${(result.ms / 1000).toFixed(1)} s`,
  )
  process.exit(result.pagesFailed > 0 ? 1 : 0)
} catch (error) {
  console.error(`\nprewarm failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
