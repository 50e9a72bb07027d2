/**
 * The simulated provider against its real ledger (PostgreSQL): idempotency on the order id,
 * the 503/504 split, voids, and the latency distribution it promises.
 */
import { describe, expect, it } from 'vitest'
import { sql } from '../../testing/checkout-fixtures'
import { sampleLatencyMs } from './latency-distribution'
import { TransientPaymentError, type ChargeRequest } from './payment-provider'
import type { PaymentSettings } from './payment-settings.schema'
import { createSimulatedProvider } from './simulated-provider'

const instant: PaymentSettings = { latencyP50Ms: 0, latencyP99Ms: 0, transientErrorRate: 0, declineRate: 0 }
const request = (): ChargeRequest => ({ orderId: crypto.randomUUID(), amountCents: 1234, currency: 'USD' })

/** Uniforms from a list, in turn (latency 0 consumes none). */
const scripted = (...values: number[]) => {
  let i = 0
  return () => values[i++ % values.length]!
}

async function ledgerRow(orderId: string) {
  const [row] = await sql<{ status: string; requests: number; amountCents: number }>(
    'SELECT status, requests, "amountCents" FROM "PaymentCharge" WHERE "orderId" = $1',
    [orderId],
  )
  return row
}

describe('the simulated payment provider', () => {
  it('charges an order once however often, and however concurrently, it is asked', async () => {
    const provider = createSimulatedProvider({ settings: async () => ({ ...instant, latencyP50Ms: 5, latencyP99Ms: 40, declineRate: 0.5 }) })
    const req = request()
    const answers = await Promise.all(Array.from({ length: 20 }, () => provider.charge(req)))
    expect(new Set(answers.map((a) => a.status)).size).toBe(1)
    expect(await ledgerRow(req.orderId)).toMatchObject({ status: answers[0]!.status, requests: 20, amountCents: 1234 })
  })

  it('a 503 processes nothing: the retry charges afresh', async () => {
    const req = request()
    const unavailable = createSimulatedProvider({ settings: async () => ({ ...instant, transientErrorRate: 1 }), random: scripted(0.1) })
    await expect(unavailable.charge(req)).rejects.toMatchObject({ kind: 'unavailable' })
    expect(await ledgerRow(req.orderId)).toBeUndefined()
    expect((await createSimulatedProvider({ settings: async () => instant }).charge(req)).status).toBe('SUCCEEDED')
  })

  it('a 504 after processing: the charge went through, and the retry gets that same charge back', async () => {
    const req = request()
    // not a 503 (0.9), not declined (0.9), answer lost (0.1)
    const lossy = createSimulatedProvider({ settings: async () => ({ ...instant, transientErrorRate: 1 }), random: scripted(0.9, 0.9, 0.1) })
    const error = await lossy.charge(req).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientPaymentError)
    expect(error).toMatchObject({ kind: 'timeout' })
    expect(await ledgerRow(req.orderId)).toMatchObject({ status: 'SUCCEEDED', requests: 1 })

    const retry = await createSimulatedProvider({ settings: async () => ({ ...instant, declineRate: 1 }) }).charge(req)
    expect(retry.status).toBe('SUCCEEDED') // the first outcome, not a fresh (declined) one
    expect(await ledgerRow(req.orderId)).toMatchObject({ status: 'SUCCEEDED', requests: 2 })
  })

  it('declines with a reason code, and replays the decline', async () => {
    const req = request()
    const provider = createSimulatedProvider({ settings: async () => ({ ...instant, declineRate: 1 }) })
    const first = await provider.charge(req)
    expect(first.status).toBe('DECLINED')
    expect(first.declineCode).toMatch(/^(card_declined|insufficient_funds|expired_card|do_not_honor)$/)
    expect(await createSimulatedProvider({ settings: async () => instant }).charge(req)).toEqual(first)
  })

  it('a void closes the key: a charge still in flight lands on VOIDED and charges nothing', async () => {
    const req = request()
    let release!: () => void
    const slow = createSimulatedProvider({ settings: async () => instant, sleep: () => new Promise<void>((r) => (release = r)) })
    const inFlight = slow.charge(req)
    const voided = await createSimulatedProvider({ settings: async () => instant }).voidCharge(req)
    expect(voided.status).toBe('VOIDED')
    release()
    expect((await inFlight).status).toBe('VOIDED')
    expect(await ledgerRow(req.orderId)).toMatchObject({ status: 'VOIDED' })
  })

  it('a void after a charge went through returns that charge', async () => {
    const req = request()
    const provider = createSimulatedProvider({ settings: async () => instant })
    await provider.charge(req)
    expect((await provider.voidCharge(req)).status).toBe('SUCCEEDED')
  })

  it('draws latency from a log-normal with the configured p50 and p99', () => {
    const samples = Array.from({ length: 40_000 }, () => sampleLatencyMs(80, 1_500)).sort((a, b) => a - b)
    const at = (q: number) => samples[Math.floor(q * samples.length)]!
    expect(at(0.5)).toBeGreaterThanOrEqual(76)
    expect(at(0.5)).toBeLessThanOrEqual(84)
    expect(at(0.99)).toBeGreaterThanOrEqual(1_300)
    expect(at(0.99)).toBeLessThanOrEqual(1_700)
    expect(sampleLatencyMs(50, 50)).toBe(50)
    expect(sampleLatencyMs(0, 100)).toBe(0)
  })
})
