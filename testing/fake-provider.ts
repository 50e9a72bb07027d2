/** A scripted payment provider for tests: answers from a list, counts calls, records nothing. */
import { TransientPaymentError, type Charge, type ChargeRequest, type ChargeStatus, type PaymentProvider } from '../server/payments/payment-provider'

export type Scripted = ChargeStatus | 'unavailable' | 'timeout' | 'hang'

export interface FakeProvider extends PaymentProvider {
  charges: ChargeRequest[]
  voids: ChargeRequest[]
}

function answer(step: Scripted, request: ChargeRequest): Promise<Charge> {
  if (step === 'hang') return new Promise<Charge>(() => {})
  if (step === 'unavailable' || step === 'timeout') return Promise.reject(new TransientPaymentError(step, `scripted ${step}`))
  return Promise.resolve({ ...request, status: step, declineCode: step === 'DECLINED' ? 'insufficient_funds' : null })
}

/** `charge` answers the script in turn (the last step repeats); `voidCharge` answers `onVoid`. */
export function fakeProvider(script: Scripted[], onVoid: ChargeStatus = 'VOIDED'): FakeProvider {
  const charges: ChargeRequest[] = []
  const voids: ChargeRequest[] = []
  return {
    charges,
    voids,
    charge(request) {
      charges.push(request)
      return answer(script[Math.min(charges.length, script.length) - 1]!, request)
    },
    voidCharge(request) {
      voids.push(request)
      return answer(onVoid, request)
    },
  }
}
