/**
 * One real shopper in Chromium: home → category → product → add to cart → cart → checkout
 * form → place order → order page, then waits (bounded) for the payment to settle. Every
 * step is timed from the action to the element the shopper waits for.
 */
import type { BrowserContext, Page } from '@playwright/test'

export const JOURNEY_STEPS = ['home', 'category', 'product', 'add-to-cart', 'cart', 'checkout-form', 'place-order', 'payment-settled'] as const
export type JourneyStep = (typeof JOURNEY_STEPS)[number]

export interface StepTiming {
  step: JourneyStep
  /** Wall clock when the step started. */
  at: number
  ms: number
}

export interface Journey {
  context: number
  startedAt: number
  /** Wall clock when the journey ended (completed, failed or stopped waiting). */
  endedAt: number
  steps: StepTiming[]
  /** completed: reached the order page; failed: a step threw or timed out. */
  outcome: 'completed' | 'failed'
  orderId: string | null
  /** PAID / FAILED, or PENDING_PAYMENT when it had not settled within the wait. */
  finalStatus: string | null
  error: string | null
  failedStep: JourneyStep | null
}

export interface JourneyPlan {
  categorySlug: string
  productSlug: string
  /** Per-step timeout: a step slower than this fails the journey. */
  stepTimeoutMs: number
  /**
   * Added to the place-order step's timeout: with the waiting room on, the checkout page may
   * hold the shopper in line (position, estimated wait) before the order page; 0 without it.
   */
  lineWaitMs: number
  /** How long the order page may stay pending before the journey stops waiting (not a failure). */
  settleWaitMs: number
  /** A shopper reads each page before the next action (not part of any step's timing). */
  thinkMs: number
}

export async function runJourney(context: BrowserContext, index: number, plan: JourneyPlan): Promise<Journey> {
  const journey: Journey = { context: index, startedAt: Date.now(), endedAt: 0, steps: [], outcome: 'failed', orderId: null, finalStatus: null, error: null, failedStep: null }
  const page: Page = await context.newPage()
  page.setDefaultTimeout(plan.stepTimeoutMs)
  page.setDefaultNavigationTimeout(plan.stepTimeoutMs)
  let current: JourneyStep = 'home'
  const step = async (name: JourneyStep, fn: () => Promise<void>) => {
    current = name
    const at = Date.now()
    const t = performance.now()
    await fn()
    journey.steps.push({ step: name, at, ms: performance.now() - t })
    await page.waitForTimeout(plan.thinkMs)
  }
  try {
    await step('home', async () => {
      await page.goto('/')
      await page.getByTestId('product-card').first().waitFor()
    })
    await step('category', async () => {
      await page.goto(`/c/${plan.categorySlug}`)
      await page.getByTestId('product-card').first().waitFor()
    })
    await step('product', async () => {
      const card = page.locator(`a[data-testid="product-card"][href="/p/${plan.productSlug}"]`)
      if ((await card.count()) > 0) await card.first().click()
      else await page.goto(`/p/${plan.productSlug}`)
      await page.getByTestId('add-to-cart').waitFor()
    })
    await step('add-to-cart', async () => {
      await page.getByTestId('add-to-cart').click()
      await page.getByTestId('added-to-cart').waitFor()
    })
    await step('cart', async () => {
      await page.getByTestId('cart-link').click()
      await page.getByTestId('cart-line').first().waitFor()
    })
    await step('checkout-form', async () => {
      await page.getByTestId('go-to-checkout').click()
      await page.getByLabel('Email').waitFor()
    })
    await page.getByLabel('Email').fill('browser@example.com')
    await page.getByLabel('Full name').fill('Chromium Shopper')
    await page.getByLabel('Shipping address').fill('2 Browser Lane, Springfield')
    await step('place-order', async () => {
      await page.getByTestId('place-order').click()
      // Either the order page, or the form's own error (sold out, "try again in N s"): say which.
      // The waiting room's page may come between (issue 17): the step then includes the wait in line.
      await page.waitForFunction(
        () => /^\/orders\/[0-9a-f-]{36}$/.test(location.pathname) || document.querySelector('[data-testid="checkout-error"]') !== null,
        undefined,
        { timeout: plan.stepTimeoutMs + plan.lineWaitMs },
      )
      const refusal = page.getByTestId('checkout-error')
      if (!/\/orders\//.test(new URL(page.url()).pathname) && (await refusal.count()) > 0) {
        throw new Error(`the checkout form showed: ${((await refusal.first().textContent()) ?? '').trim().slice(0, 200)}`)
      }
      await page.getByTestId('order-status').waitFor()
    })
    journey.orderId = page.url().split('/').pop() ?? null
    journey.outcome = 'completed'
    const status = page.getByTestId('order-status')
    const settleStarted = Date.now()
    const t = performance.now()
    try {
      await page.waitForFunction(
        () => ['PAID', 'FAILED'].includes(document.querySelector('[data-testid="order-status"]')?.getAttribute('data-status') ?? ''),
        undefined,
        { timeout: plan.settleWaitMs },
      )
      journey.steps.push({ step: 'payment-settled', at: settleStarted, ms: performance.now() - t })
    } catch {
      // Still pending when the journey stopped waiting: recorded, not a failure (the invariants judge it).
    }
    journey.finalStatus = await status.getAttribute('data-status')
  } catch (error) {
    journey.failedStep = current
    journey.error = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 300) : String(error)
  } finally {
    journey.endedAt = Date.now()
    await page.close().catch(() => {})
  }
  return journey
}
