/**
 * The shopper's side of asynchronous payment: the order page shows "payment in progress"
 * while the payment job waits in the queue, and turns to "paid" by itself (it polls
 * `orders.status`) once a payment worker charges it. No worker runs until the page has
 * shown the pending state, so both states are seen for certain; the worker is a real
 * `server/orders/worker-main.ts` process on the e2e database, with a provider that never
 * fails (declines and transient errors off).
 */
import { expect, test } from '@playwright/test'
import { spawnWorker, type WorkerProcess } from '../../server/launcher/worker-process'
import { query } from '../fixtures'

function e2eEnv(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is set by e2e/global-setup.ts`)
  return value
}

let worker: WorkerProcess | undefined
test.afterEach(async () => {
  await worker?.stop()
  worker = undefined
})

test('place an order and watch its page turn from pending to paid', async ({ page }) => {
  const [product] = await query<{ slug: string; name: string }>(
    'SELECT slug, name FROM "Product" WHERE NOT hot AND active AND stock > 5 ORDER BY id LIMIT 1 OFFSET 42',
  )
  await page.goto(`/p/${product!.slug}`)
  await page.getByTestId('add-to-cart').click()
  await expect(page.getByTestId('added-to-cart')).toBeVisible()

  await page.goto('/checkout')
  await page.getByLabel('Email').fill('grace@example.com')
  await page.getByLabel('Full name').fill('Grace Hopper')
  await page.getByLabel('Shipping address').fill('1 Compiler Way, Arlington')
  await page.getByTestId('place-order').click()
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/)
  const orderId = page.url().split('/').pop()!

  const status = page.getByTestId('order-status')
  await expect(status).toHaveAttribute('data-status', 'PENDING_PAYMENT')
  await expect(status).toContainText('Payment in progress')
  await expect(page.getByTestId('order-lines')).toContainText(product!.name)

  worker = spawnWorker({
    DATABASE_URL: e2eEnv('E2E_DATABASE_URL'),
    REDIS_KEY_PREFIX: e2eEnv('E2E_KEY_PREFIX'),
    GATEWAY_PORT: e2eEnv('E2E_GATEWAY_PORT'),
    UPSTASH_REDIS_REST_URL: undefined,
    UPSTASH_REDIS_REST_TOKEN: undefined,
    PAYMENT_DECLINE_RATE: '0',
    PAYMENT_TRANSIENT_ERROR_RATE: '0',
    WORKER_CONCURRENCY: '2',
  })
  await worker.ready

  // The page polls with backoff (at most every 5 s): no reload.
  await expect(status).toHaveAttribute('data-status', 'PAID', { timeout: 20_000 })
  await expect(status).toContainText('Paid: your order is confirmed')
  const [row] = await query<{ status: string; paidAt: Date | null }>('SELECT status, "paidAt" FROM "Order" WHERE id = $1', [orderId])
  expect(row).toMatchObject({ status: 'PAID' })
  expect(row!.paidAt).not.toBeNull()
})
