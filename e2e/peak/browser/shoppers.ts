/**
 * Several Chromium contexts, each a fresh shopper (its own cookies) per journey, looping full
 * journeys until told to stop. They run beside the HTTP load for the whole drill.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Browser } from '@playwright/test'
import { pick, seededRng } from '../load/rng'
import { runJourney, type Journey, type JourneyPlan } from './journey'

export interface ShopperOptions {
  contexts: number
  baseURL: string
  /** Category slug → product slugs a journey may buy there. */
  buyable: Record<string, string[]>
  stepTimeoutMs: number
  /** Added to the place-order step's timeout: the time a shopper may spend in the waiting room's line. */
  lineWaitMs: number
  settleWaitMs: number
  /** Pause after each step, and twice that between journeys. */
  thinkMs: number
  seed: number
  onJourney?: (j: Journey) => void
}

export interface RunningShoppers {
  journeys: Journey[]
  /** Lets each context finish its current journey, then resolves. */
  stop(): Promise<void>
}

export function startShoppers(browser: Browser, o: ShopperOptions): RunningShoppers {
  const journeys: Journey[] = []
  let stopping = false
  const categories = Object.keys(o.buyable).filter((c) => o.buyable[c]!.length > 0)
  if (o.contexts > 0 && categories.length === 0) throw new Error('no category has a product a browser journey can buy')
  const loops = Array.from({ length: o.contexts }, async (_, index) => {
    const rng = seededRng(o.seed + 100 + index)
    while (!stopping) {
      const categorySlug = pick(rng, categories)
      const plan: JourneyPlan = { categorySlug, productSlug: pick(rng, o.buyable[categorySlug]!), stepTimeoutMs: o.stepTimeoutMs, lineWaitMs: o.lineWaitMs, settleWaitMs: o.settleWaitMs, thinkMs: o.thinkMs }
      // Each journey is a new shopper behind our edge (the generator's 10.1/10.2 ranges are not used here).
      const address = `10.3.${index & 255}.${(journeys.length % 254) + 1}`
      const context = await browser.newContext({ baseURL: o.baseURL, extraHTTPHeaders: { 'x-forwarded-for': address } })
      try {
        const journey = await runJourney(context, index, plan)
        journeys.push(journey)
        o.onJourney?.(journey)
      } finally {
        await context.close().catch(() => {})
      }
      if (!stopping) await sleep(2 * o.thinkMs)
    }
  })
  return {
    journeys,
    async stop() {
      stopping = true
      await Promise.all(loops)
    },
  }
}
