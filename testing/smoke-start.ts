/**
 * `npm run smoke`: the README's first command, proven end to end on whatever Node.js is on
 * PATH. CI runs the whole suite on Node 24 and this on every other supported line (.ci/run).
 *
 *  1. runs `npm start` (the real launcher: migrate, seed when empty, build when stale, serve,
 *     payment worker) on free ports, with its state in DATA_DIR/smoke-<node major>;
 *  2. loads the home page and one product page (200, the product's name in the page);
 *  3. places one order through tRPC as a shopper would and waits until the worker has paid it;
 *  4. stops `npm start` with SIGINT (Ctrl-C) and checks that it exits cleanly.
 *
 * Prints one line per step with its time; exits non-zero, with the launcher's output, on any failure.
 * Uses DATABASE_URL / REDIS_URL like `npm start` does (CI points DATABASE_URL at its own database).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { childEnv, env } from '../server/env'
import { freePort } from '../server/launcher/port-free'
import { newIdempotencyKey, TEST_ADDRESS, TestShopper } from './test-shopper'

/** Covers a cold `next build` on two busy cores plus seeding. */
const READY_TIMEOUT_MS = 360_000
/** The simulated provider answers in ~80 ms; the worker polls its queue at once. */
const PAID_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 30_000

const major = process.versions.node.split('.')[0]
const dataDir = join(env.DATA_DIR, `smoke-node${major}`)
const started = Date.now()
const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`)
    await sleep(250)
  }
}

async function main(): Promise<void> {
  const [port, gatewayPort] = [await freePort(), await freePort()]
  rmSync(dataDir, { recursive: true, force: true })
  console.log(`smoke: node ${process.version}, npm start on :${port} (gateway :${gatewayPort}, data in ${dataDir})`)

  const launcher = spawn('npm', ['start'], {
    env: childEnv({
      PORT: String(port),
      GATEWAY_PORT: String(gatewayPort),
      DATA_DIR: dataDir,
      PAYMENT_DECLINE_RATE: '0',
      PAYMENT_TRANSIENT_ERROR_RATE: '0',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000))
  launcher.stdout.on('data', keep)
  launcher.stderr.on('data', keep)
  const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)))
  let stopped = false

  try {
    await waitFor('npm start ready', READY_TIMEOUT_MS, async () => {
      if (launcher.exitCode !== null) throw new Error(`npm start exited (${launcher.exitCode}) before it was ready`)
      return output.includes('payment worker running') ? true : undefined
    })
    console.log(`  ready (store and payment worker)           ${since()}`)
    const base = `http://127.0.0.1:${port}`

    const home = await fetch(`${base}/`)
    if (home.status !== 200) throw new Error(`home page answered ${home.status}`)
    const shopper = new TestShopper(base)
    const deals = await shopper.query<Array<{ id: number; slug: string; name: string; priceCents: number }>>('catalog.hotDeals', { limit: 4 })
    const product = deals.data?.[0]
    if (!product) throw new Error(`catalog.hotDeals gave no product (${deals.status} ${JSON.stringify(deals.error)})`)
    const page = await fetch(`${base}/p/${product.slug}`)
    const html = await page.text()
    if (page.status !== 200 || !html.includes(product.name)) throw new Error(`/p/${product.slug} answered ${page.status} without "${product.name}"`)
    console.log(`  home 200, /p/${product.slug} 200 ("${product.name}")  ${since()}`)

    await shopper.query('cart.get')
    const placed = await shopper.placeOrder({
      idempotencyKey: newIdempotencyKey(),
      ...TEST_ADDRESS,
      lines: [{ productId: product.id, quantity: 1 }],
      expectedTotalCents: product.priceCents,
    })
    if (!placed.data) throw new Error(`checkout.placeOrder answered ${placed.status}: ${JSON.stringify(placed.error)}`)
    const orderId = placed.data.orderId
    const paid = await waitFor('order paid', PAID_TIMEOUT_MS, async () => {
      const status = await shopper.query<{ status: string }>('orders.status', { orderId })
      if (status.data?.status === 'FAILED') throw new Error(`order ${orderId} FAILED`)
      return status.data?.status === 'PAID' ? status.data : undefined
    })
    console.log(`  order ${orderId} ${paid.status}       ${since()}`)

    process.kill(-launcher.pid!, 'SIGINT')
    stopped = true
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS).unref())])
    if (code === 'timeout') throw new Error('npm start did not stop within 30 s of Ctrl-C')
    console.log(`  stopped on Ctrl-C                          ${since()}`)
    console.log(`smoke passed on node ${process.version} in ${since()}`)
  } catch (error) {
    console.error(`smoke FAILED on node ${process.version}: ${error instanceof Error ? error.message : String(error)}`)
    console.error(`--- npm start output (last 20 kB) ---\n${output}`)
    process.exitCode = 1
  } finally {
    if (!stopped || launcher.exitCode === null) {
      try {
        process.kill(-launcher.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
}

void main()
