/**
 * What the page does with the items' availability while a checkout waits in line:
 * which sold-out items still need the shopper's choice ("keep my place for the rest" or
 * "leave"), and the input of the admitted checkout call — the same input the shopper
 * confirmed (same idempotency key), less the lines that sold out, with the expected total
 * recomputed from the line totals the shopper saw, plus the admission ticket.
 */
import type { PlaceOrderInput } from '@/server/checkout/checkout.schema'
import type { WaitingItem } from '@/server/waiting-room/waiting-room.schema'
import type { PendingAttempt } from './pending-attempt'

/** The input's line product ids that `items` reports sold out (unknown ids count as available). */
function soldOutIds(items: readonly WaitingItem[]): Set<number> {
  return new Set(items.filter((i) => !i.available).map((i) => i.productId))
}

/** Sold-out items of the attempt the shopper has not yet agreed to drop. */
export function undecidedSoldOut(attempt: PendingAttempt, items: readonly WaitingItem[]): WaitingItem[] {
  const lineIds = new Set(attempt.input.lines.map((l) => l.productId))
  return items.filter((i) => !i.available && lineIds.has(i.productId) && !attempt.dropped.includes(i.productId))
}

/** The lines still to buy: not dropped by the shopper, not reported sold out. */
export function remainingLines(attempt: PendingAttempt, items: readonly WaitingItem[]): PlaceOrderInput['lines'] {
  const soldOut = soldOutIds(items)
  return attempt.input.lines.filter((l) => !attempt.dropped.includes(l.productId) && !soldOut.has(l.productId))
}

/** Whether nothing of the attempt can be bought any more. */
export function everythingSoldOut(attempt: PendingAttempt, items: readonly WaitingItem[]): boolean {
  return remainingLines(attempt, items).length === 0
}

/** The admitted call: the confirmed input, its remaining lines, the expected total of those lines, the ticket. */
export function admittedInput(attempt: PendingAttempt, items: readonly WaitingItem[], admissionTicket: string): PlaceOrderInput & { admissionTicket: string } {
  const lines = remainingLines(attempt, items)
  const { expectedTotalCents: confirmedTotal, ...rest } = attempt.input
  if (lines.length === attempt.input.lines.length) return { ...rest, expectedTotalCents: confirmedTotal, admissionTicket }
  const totals = lines.map((l) => attempt.lineInfo[String(l.productId)]?.totalCents)
  // Without every line's total the page cannot say what the rest costs: let the server price it.
  const expectedTotalCents = totals.every((t) => t !== undefined) ? totals.reduce<number>((sum, t) => sum + (t ?? 0), 0) : undefined
  return { ...rest, lines, expectedTotalCents, admissionTicket }
}
