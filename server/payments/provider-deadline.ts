/**
 * Our side's deadline on one request to the payment provider. A slower answer becomes a
 * transient `timeout`: the outcome is unknown, and asking again with the same order id is
 * safe because the provider is idempotent on it. The request itself is not cancelled (a
 * real provider keeps processing what it received), so a late charge still lands in its
 * books, and is what the retry, or our void, gets back.
 */
import { withDeadline } from '../platform/deadline'
import { TransientPaymentError } from './payment-provider'

export function withProviderDeadline<T>(pending: Promise<T>, timeoutMs: number): Promise<T> {
  return withDeadline(pending, timeoutMs, () => new TransientPaymentError('timeout', `payment provider did not answer within ${timeoutMs} ms`))
}
