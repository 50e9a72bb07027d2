/**
 * The payments port: all the order worker needs from a payment provider. The simulated
 * provider (simulated-provider.ts) implements it today; a real provider's adapter would
 * implement the same two calls, with the order id as its idempotency key.
 */
import { AppError } from '../platform/errors'

export interface ChargeRequest {
  /** The idempotency key: one order is charged at most once, however often this is called. */
  orderId: string
  amountCents: number
  currency: string
}

/** VOIDED: closed by us before any charge went through (see `voidCharge`); nothing was charged. */
export type ChargeStatus = 'SUCCEEDED' | 'DECLINED' | 'VOIDED'

export interface Charge {
  orderId: string
  status: ChargeStatus
  /** Why the provider declined (`insufficient_funds`, …); null otherwise. */
  declineCode: string | null
  amountCents: number
  currency: string
}

export interface PaymentProvider {
  /**
   * Charges the order once. A repeated request with the same order id returns the first
   * outcome (a success or a permanent decline) and never charges again. Throws
   * TransientPaymentError when the provider is unavailable or the outcome is unknown
   * (a timeout: the charge may or may not have happened; asking again is safe).
   */
  charge(request: ChargeRequest): Promise<Charge>
  /**
   * Closes this order id for good, so no later, duplicate or still in-flight charge with it
   * can go through (what we do when we give up on a payment). Returns the outcome that
   * stands: the earlier charge if one was already recorded (SUCCEEDED or DECLINED),
   * otherwise VOIDED: never charged.
   */
  voidCharge(request: ChargeRequest): Promise<Charge>
}

export type TransientKind = 'timeout' | 'unavailable'

/** The provider did not give a final answer; the same request may be retried later. */
export class TransientPaymentError extends AppError {
  constructor(
    readonly kind: TransientKind,
    message: string,
  ) {
    super('UNAVAILABLE', message, { details: { kind } })
    this.name = 'TransientPaymentError'
  }
}
