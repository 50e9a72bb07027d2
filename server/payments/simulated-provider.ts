/**
 * A payment provider that behaves like a real one under load, for local runs, tests and
 * drills. Per request, with the settings in force (payment-settings.service.ts):
 *  - it takes a log-normal latency (p50/p99);
 *  - half the transient share answers 503 without processing anything;
 *  - the rest is processed: declined for good with `declineRate`, otherwise charged, and the
 *    outcome is written to the ledger, keyed by order id;
 *  - the other half of the transient share loses the answer (504) *after* processing, the
 *    case that makes idempotency matter: the retry gets the first outcome back.
 * A request whose key already has an outcome returns that outcome and charges nothing.
 * `voidCharge` records VOIDED for a key that has no outcome yet (the same one-statement
 * insert), so a charge still in flight for it lands on VOIDED and charges nothing; voids
 * themselves are answered without simulated errors.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import * as ledger from './charge-ledger.repo'
import { sampleLatencyMs } from './latency-distribution'
import { TransientPaymentError, type Charge, type ChargeRequest, type PaymentProvider } from './payment-provider'
import type { PaymentSettings } from './payment-settings.schema'
import { getPaymentSettings } from './payment-settings.service'

export const DECLINE_CODES = ['card_declined', 'insufficient_funds', 'expired_card', 'do_not_honor'] as const

export interface SimulatedProviderDeps {
  settings: () => Promise<PaymentSettings>
  record: (charge: Charge) => Promise<Charge>
  random: () => number
  sleep: (ms: number) => Promise<void>
}


export function createSimulatedProvider(overrides: Partial<SimulatedProviderDeps> = {}): PaymentProvider {
  const deps: SimulatedProviderDeps = {
    settings: () => getPaymentSettings(),
    record: ledger.recordCharge,
    random: Math.random,
    sleep,
    ...overrides,
  }
  return {
    async charge(request: ChargeRequest): Promise<Charge> {
      const s = await deps.settings()
      const halfTransient = s.transientErrorRate / 2
      await deps.sleep(sampleLatencyMs(s.latencyP50Ms, s.latencyP99Ms, deps.random))
      if (deps.random() < halfTransient) {
        throw new TransientPaymentError('unavailable', 'payment provider answered 503 Service Unavailable')
      }
      const declined = deps.random() < s.declineRate
      const declineCode = declined ? DECLINE_CODES[Math.floor(deps.random() * DECLINE_CODES.length)]! : null
      const outcome = await deps.record({
        orderId: request.orderId,
        status: declined ? 'DECLINED' : 'SUCCEEDED',
        declineCode,
        amountCents: request.amountCents,
        currency: request.currency,
      })
      // Of the requests that got this far, this share loses its answer: transientErrorRate overall.
      if (halfTransient < 1 && deps.random() < halfTransient / (1 - halfTransient)) {
        throw new TransientPaymentError('timeout', 'payment provider answered 504 Gateway Timeout (the charge may have gone through)')
      }
      return outcome
    },
    async voidCharge(request: ChargeRequest): Promise<Charge> {
      const s = await deps.settings()
      await deps.sleep(sampleLatencyMs(s.latencyP50Ms, s.latencyP99Ms, deps.random))
      return deps.record({ ...request, status: 'VOIDED', declineCode: null })
    },
  }
}
