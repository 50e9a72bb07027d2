/**
 * The payment provider this deployment charges through. Only the simulated one exists; a
 * real provider's adapter (implementing payment-provider.ts) would be chosen here.
 */
import type { PaymentProvider } from './payment-provider'
import { createSimulatedProvider } from './simulated-provider'

export const paymentProvider: PaymentProvider = createSimulatedProvider()
