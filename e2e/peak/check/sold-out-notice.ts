/**
 * "Every shopper who waited for a sold-out item was told within one poll" (issue 17), made
 * precise for the drill's doorbuster:
 *
 * 1. When was it sold out? The store's own answers say when it knew: a sold-out period starts
 *    when the first answer saying so *arrived* at a shopper — a checkout refused SOLD_OUT, a
 *    poll answering SOLD_OUT or naming the item unavailable, a queued answer naming it
 *    unavailable, an admitted checkout refused SOLD_OUT. The period ends when a unit came back
 *    on the shelf (PostgreSQL: a failed payment's `stockReleasedAt`); the next sold-out answer
 *    after that starts the next period. Taking the arrival of the first sold-out answer (not
 *    the sale of the last unit) is the bound most favourable to the store: before it, the store
 *    may not have closed its gate yet.
 * 2. Who was waiting? Every ticket for the item with an answer that arrived during a period
 *    (its queued answer, a poll, its admitted checkout), other than the one that started it.
 * 3. Told within one poll: of the answers to requests it *sent* during the period, before the
 *    first answer that named the item sold out, at most MAX_UNTOLD_ANSWERS did not (a WAITING
 *    that still calls it available, an ADMITTED, an error). One is allowed for the poll that
 *    raced the gate's close on another instance; the next one must tell. More is a violation,
 *    one per ticket and period. A request sent before the period began and answered "sold
 *    out" inside it told the shopper with no answer wasted (it counts as told first).
 * 4. The check must prove something: if PostgreSQL says the item ended sold out, tickets
 *    waited for it, and no answer ever said so, that is a violation too.
 *
 * Times are ms after the load started, on the generator's clock; PostgreSQL timestamps are
 * converted with the load's start (same machine, same system clock).
 */
import type pg from 'pg'
import type { TicketRecord } from '../load/ticket-follower'

/** Answers per ticket and sold-out period allowed not to say "sold out" (the poll already on its way). */
export const MAX_UNTOLD_ANSWERS = 1

export interface SoldOutPeriod {
  startMs: number
  /** null: still sold out at the end of the run. */
  endMs: number | null
}

export interface SoldOutNoticeInput {
  productId: number
  tickets: readonly TicketRecord[]
  /** Arrival times of checkout answers (first attempts) refused SOLD_OUT for the item. */
  refusalsMs: readonly number[]
  /** Times units of the item came back on the shelf (released orders, restocks). */
  releasesMs: readonly number[]
  /** The item's stock in PostgreSQL after the run. */
  finalStock: number
}

export interface NoticeViolation {
  key: string
  periodStartMs: number
  /** Answers in the period that did not say "sold out", before the one that did (or the end). */
  untold: number
  told: boolean
}

export interface SoldOutNotice {
  periods: SoldOutPeriod[]
  /** (ticket, period) pairs: a ticket with at least one request sent during a sold-out period. */
  waiting: number
  /** … told by its first answer in the period / by its second / never (it stopped, left or the run ended first). */
  toldFirst: number
  toldSecond: number
  notTold: number
  /** From the period's start to the arrival of the answer that told, per pair that was told (ms). */
  toldAfterMs: number[]
  violations: NoticeViolation[]
  /** The item ended sold out, tickets waited for it, and nothing ever said so. */
  neverSaid: boolean
  ok: boolean
}

interface Answer {
  sentMs: number
  receivedMs: number
  told: boolean
}

/** Every answer a ticket got, in order, and whether it named the item sold out. */
function answersOf(t: TicketRecord, productId: number): Answer[] {
  const answers: Answer[] = [{ sentMs: t.firstAttemptMs, receivedMs: t.queuedMs, told: t.queuedUnavailable.includes(productId) }]
  for (const p of t.polls) answers.push({ sentMs: p.sentMs, receivedMs: p.receivedMs, told: p.unavailable.includes(productId) })
  const c = t.admittedCall
  if (c && c.outcome === 'soldOut') answers.push({ sentMs: c.sentMs, receivedMs: c.receivedMs, told: true })
  return answers
}

/** The sold-out periods: from each first sold-out answer to the next unit back. */
export function soldOutPeriods(saidMs: readonly number[], releasesMs: readonly number[]): SoldOutPeriod[] {
  const events = [...saidMs.map((t) => ({ t, said: true })), ...releasesMs.map((t) => ({ t, said: false }))].sort((a, b) => a.t - b.t || Number(a.said) - Number(b.said))
  const periods: SoldOutPeriod[] = []
  let open: SoldOutPeriod | null = null
  for (const e of events) {
    if (e.said && !open) periods.push((open = { startMs: e.t, endMs: null }))
    else if (!e.said && open) {
      open.endMs = e.t
      open = null
    }
  }
  return periods
}

export function checkSoldOutNotice(input: SoldOutNoticeInput): SoldOutNotice {
  const tickets = input.tickets.filter((t) => t.productIds.includes(input.productId))
  const perTicket = tickets.map((t) => ({ t, answers: answersOf(t, input.productId) }))
  const said = [...input.refusalsMs, ...perTicket.flatMap(({ answers }) => answers.filter((a) => a.told).map((a) => a.receivedMs))]
  const periods = soldOutPeriods(said, input.releasesMs)
  const result: SoldOutNotice = { periods, waiting: 0, toldFirst: 0, toldSecond: 0, notTold: 0, toldAfterMs: [], violations: [], neverSaid: false, ok: true }
  for (const period of periods) {
    const arrivedInside = (a: Answer) => a.receivedMs > period.startMs && (period.endMs === null || a.receivedMs < period.endMs)
    for (const { t, answers } of perTicket) {
      const during = answers.filter(arrivedInside)
      if (during.length === 0) continue
      result.waiting++
      const toldAt = during.findIndex((a) => a.told)
      // Only answers to requests sent after the period began could have told, so only they count against the store.
      const untold = (toldAt === -1 ? during : during.slice(0, toldAt)).filter((a) => a.sentMs >= period.startMs).length
      if (toldAt === -1) result.notTold++
      else if (untold === 0) result.toldFirst++
      else if (untold === 1) result.toldSecond++
      if (toldAt !== -1) result.toldAfterMs.push(during[toldAt]!.receivedMs - period.startMs)
      if (untold > MAX_UNTOLD_ANSWERS) result.violations.push({ key: t.key, periodStartMs: period.startMs, untold, told: toldAt !== -1 })
    }
  }
  result.neverSaid = input.finalStock === 0 && tickets.length > 0 && said.length === 0
  result.ok = result.violations.length === 0 && !result.neverSaid
  return result
}

/** PostgreSQL: when units of `productId` came back (released failed orders), in ms after `loadStartedAt`, and its stock now. */
export async function readUnitsBack(pool: pg.Pool, productId: number, loadStartedAt: number): Promise<{ releasesMs: number[]; finalStock: number }> {
  const released = await pool.query<{ at: Date }>(
    `SELECT o."stockReleasedAt" AS at FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id
      WHERE l."productId" = $1 AND o."stockReleasedAt" IS NOT NULL ORDER BY 1`,
    [productId],
  )
  const stock = await pool.query<{ stock: number }>('SELECT stock FROM "Product" WHERE id = $1', [productId])
  return { releasesMs: released.rows.map((r) => r.at.getTime() - loadStartedAt), finalStock: stock.rows[0]?.stock ?? 0 }
}
