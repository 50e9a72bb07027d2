/**
 * The waiting room's contract: what checkout answers when it queues a shopper, what a poll
 * answers, the operator's settings and the live figures /ops shows. Shared by the server, the
 * waiting page, /ops and the drill. Every limit is a named constant.
 *
 * Ideas and names from the platforms that queue shoppers: Shopify's checkout queue (a queued
 * answer with a token; each poll says when to poll next), Cloudflare Waiting Room (FIFO by
 * first-seen time, a place kept for a while after the last refresh), Queue-it (signed tokens
 * with a validity window and replay protection). docs/decision-waiting-room.md has the design.
 */
import { z } from 'zod'
import { productIdSchema } from '../cart/cart.schema'

/** off: never queue · auto: queue when checkout is saturated · on: every checkout goes through the line. */
export const WAITING_ROOM_MODES = ['off', 'auto', 'on'] as const
export const waitingRoomModeSchema = z.enum(WAITING_ROOM_MODES)
export type WaitingRoomMode = z.infer<typeof waitingRoomModeSchema>

/** Admission budget: checkouts admitted per second, fleet wide (the line's serving rate). */
export const MIN_ADMISSION_RATE = 0.1
export const MAX_ADMISSION_RATE = 10_000
/**
 * The default budget: about 75 % of the hot-SKU checkout throughput `npm run bench` measured
 * through one API process on a 2-core machine (142 orders/s over HTTP), Cloudflare's advice.
 */
export const DEFAULT_ADMISSION_RATE = 100
export const admissionRateSchema = z
  .number({ error: 'admission rate must be a number of checkouts per second' })
  .min(MIN_ADMISSION_RATE, `admission rate is at least ${MIN_ADMISSION_RATE} per second`)
  .max(MAX_ADMISSION_RATE, `admission rate is at most ${MAX_ADMISSION_RATE} per second`)

/** A place in line not polled for this long expires, and the line moves past it. */
export const TICKET_IDLE_EXPIRY_MS = 120_000
/** An admitted ticket must be used (the admitted checkout call) within this long. */
export const ADMISSION_VALID_MS = 120_000
/** Bounds of "poll again after": never sooner than MIN, never later than MAX (Cloudflare refreshes every 20 s). */
export const MIN_POLL_INTERVAL_MS = 1_000
export const MAX_POLL_INTERVAL_MS = 20_000
/**
 * A client polls this much after `pollAfterSeconds` (ms): a timer may fire a millisecond early
 * by the wall clock, and a poll that arrives early only reads (it is ignored, not punished), so
 * the page and the drill's follower leave a margin rather than land on the edge.
 */
export const POLL_MARGIN_MS = 50
/** The longest ticket string accepted (a signed token is far shorter). */
export const TICKET_MAX_LENGTH = 512

/** A waiting-room ticket as sent back by the client: `<payload base64url>.<HMAC base64url>`. */
export const ticketSchema = z
  .string({ error: 'ticket is required' })
  .max(TICKET_MAX_LENGTH, `ticket is at most ${TICKET_MAX_LENGTH} characters`)
  .regex(/^[A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{1,100}$/, 'This is not a waiting-room ticket')

/** Where a place in line stands; shared by the queued answer and every poll. */
const placeInLine = {
  /** The signed ticket (unchanged for the life of the place). */
  ticket: z.string(),
  /** 1 = next to be admitted. */
  position: z.number().int().min(1),
  /** The position when the shopper joined (for the progress bar: 1 − position ÷ positionAtEntry). */
  positionAtEntry: z.number().int().min(1),
  /** Shoppers in line right now (this one included). */
  lineLength: z.number().int().min(1),
  /** position ÷ admission rate, rounded up. */
  estimatedWaitSeconds: z.number().int().min(0),
  /** When to poll next, within MIN/MAX_POLL_INTERVAL_MS; an earlier poll is ignored, not punished. */
  pollAfterSeconds: z.number().min(MIN_POLL_INTERVAL_MS / 1000).max(MAX_POLL_INTERVAL_MS / 1000),
  /** When this place was first seen (ms since the epoch): the line's order. */
  firstSeenAt: z.number().int(),
}

/** Whether each item in the queued checkout can still be bought (the sold-out gate's view). */
export const waitingItem = z.object({ productId: productIdSchema, name: z.string(), available: z.boolean() })
export type WaitingItem = z.infer<typeof waitingItem>

/** checkout.placeOrder's answer when it queues the shopper (HTTP 200: an expected outcome, not an error). */
export const queuedAnswer = z.object({ status: z.literal('QUEUED'), ...placeInLine, items: z.array(waitingItem) })
export type QueuedAnswer = z.infer<typeof queuedAnswer>

export const pollTicketInput = z.object({ ticket: ticketSchema }).strict()
export const leaveLineInput = pollTicketInput

/**
 * checkout.pollTicket's answer:
 *  - WAITING: still in line; `early` = this poll came before pollAfterSeconds and changed nothing;
 *  - ADMITTED: call checkout.placeOrder again with the same input plus `admissionTicket` before `admitUntil`;
 *    with `orderId`, the admission was already used and that order placed (e.g. from another tab): show it;
 *  - SOLD_OUT: every item sold out while waiting; the place is released (no need to wait on).
 * Forged, other-session or expired tickets are 4xx errors (appCode TICKET_*), not states; a used
 * one is ADMITTED (with `orderId` once its order is placed). Only placeOrder refuses a used
 * ticket with another idempotency key (TICKET_USED).
 */
export const pollTicketOutput = z.discriminatedUnion('state', [
  z.object({ state: z.literal('WAITING'), ...placeInLine, early: z.boolean(), items: z.array(waitingItem) }),
  z.object({
    state: z.literal('ADMITTED'),
    ticket: z.string(),
    firstSeenAt: z.number().int(),
    /** When the line admitted this place (ms since the epoch) and its admission number (the line's serving order). */
    admittedAt: z.number().int(),
    admissionSeq: z.number().int().min(1),
    admitUntil: z.number().int(),
    items: z.array(waitingItem),
    /** Set once this admission was used and its order placed (this tab or another): the order to show; no call to make. */
    orderId: z.uuid().optional(),
  }),
  z.object({ state: z.literal('SOLD_OUT'), ticket: z.string(), items: z.array(waitingItem) }),
])
export type PollTicketOutput = z.infer<typeof pollTicketOutput>

/** The operator's settings (/ops lever). */
export const waitingRoomSettingsSchema = z.object({
  mode: waitingRoomModeSchema,
  admissionRatePerSecond: admissionRateSchema,
})
export type WaitingRoomSettings = z.infer<typeof waitingRoomSettingsSchema>
export const DEFAULT_WAITING_ROOM_SETTINGS: WaitingRoomSettings = { mode: 'auto', admissionRatePerSecond: DEFAULT_ADMISSION_RATE }
/** A change from /ops: either field or both; nothing else. */
export const waitingRoomSettingsPatch = waitingRoomSettingsSchema
  .partial()
  .strict()
  .refine((p) => p.mode !== undefined || p.admissionRatePerSecond !== undefined, 'Give a mode or an admission rate')

/** The window the live figures cover. */
export const FIGURES_WINDOW_MS = 60_000

/** Live figures for /ops, fleet wide (read from Redis, where the line lives). */
export const waitingRoomFiguresSchema = z.object({
  settings: waitingRoomSettingsSchema,
  changedBy: z.string().nullable(),
  changedAt: z.date().nullable(),
  /** Shoppers waiting now. */
  lineLength: z.number().int().min(0),
  /** Admissions from the line per second over FIGURES_WINDOW_MS. */
  admittedPerSecond: z.number().min(0),
  /** Time from first seen to admission over FIGURES_WINDOW_MS (null: nobody admitted from the line). */
  waitP50Ms: z.number().nullable(),
  waitP95Ms: z.number().nullable(),
  /** Places that expired unpolled or were left, over FIGURES_WINDOW_MS, and as a share of places that ended. */
  abandoned: z.number().int().min(0),
  abandonRate: z.number().min(0).max(1).nullable(),
})
export type WaitingRoomFigures = z.infer<typeof waitingRoomFiguresSchema>
