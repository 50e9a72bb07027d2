/**
 * The checkout attempt waiting in line, kept in localStorage so a refresh or a new tab keeps
 * the shopper's place: `{ input, ticket, lineInfo, dropped, savedAt }` under one key per browser
 * (the session cookie is per browser too; a ticket of another session is refused by the
 * server with TICKET_NOT_YOURS, and the page then forgets it). Read through
 * `useSyncExternalStore`, so every tab sees a change made by another at once (`storage` event).
 *
 * Also kept: the last order placed from the line (`{ ticket, orderId }`), so a second tab
 * waiting on the same ticket follows the first one to the order page instead of waiting on;
 * and how the last wait ended otherwise (`{ ticket, kind: left | sold-out | refused, message }`),
 * so a second tab says what happened ("You left the line in another tab") instead of silently
 * showing an empty form.
 *
 * Every stored value is parsed with zod on read: anything unreadable, or older than
 * PENDING_ATTEMPT_MAX_AGE_MS, counts as nothing stored.
 */
import { useSyncExternalStore } from 'react'
import { z } from 'zod'
import { placeOrderInput } from '@/server/checkout/checkout.schema'

const PENDING_KEY = 'checkout:waiting-attempt:v1'
const PLACED_KEY = 'checkout:placed-from-line:v1'
const ENDED_KEY = 'checkout:line-ended:v1'
/**
 * A stored attempt older than this is dropped silently: its ticket has long expired
 * (TICKET_IDLE_EXPIRY_MS) and telling a shopper who comes back hours later about it is noise.
 */
export const PENDING_ATTEMPT_MAX_AGE_MS = 60 * 60_000
/** How long a "placed from the line" note is followed by other tabs. */
const PLACED_NOTE_MAX_AGE_MS = 10 * 60_000

const pendingAttemptSchema = z.object({
  /** Exactly what the shopper confirmed: resent on admission with the same idempotency key. */
  input: placeOrderInput,
  ticket: z.string().min(1),
  /**
   * Each line as the shopper saw it, by product id: its name (shown while waiting, before the
   * first poll answers) and total in cents (to recompute expectedTotalCents if lines drop out).
   */
  lineInfo: z.record(z.string(), z.object({ name: z.string(), totalCents: z.number().int().nonnegative() })),
  /** Product ids the shopper agreed to drop (sold out while waiting) and keep the place for the rest. */
  dropped: z.array(z.number().int()),
  /** When the attempt was queued (ms since the epoch). */
  savedAt: z.number().int(),
})
export type PendingAttempt = z.infer<typeof pendingAttemptSchema>

const placedNoteSchema = z.object({ ticket: z.string(), orderId: z.uuid(), at: z.number().int() })
export type PlacedNote = z.infer<typeof placedNoteSchema>

/** How a wait ended without an order, for the other tabs waiting on the same ticket. */
const endedNoteSchema = z.object({
  ticket: z.string(),
  kind: z.enum(['left', 'sold-out', 'refused']),
  /** The refusal's message (refused only). */
  message: z.string().max(1_000).optional(),
  at: z.number().int(),
})
export type EndedNote = z.infer<typeof endedNoteSchema>

const listeners = new Set<() => void>()
function notify() {
  for (const listener of listeners) listener()
}
function subscribe(listener: () => void) {
  listeners.add(listener)
  const onStorage = (e: StorageEvent) => {
    if (e.key === null || e.key === PENDING_KEY || e.key === PLACED_KEY || e.key === ENDED_KEY) listener()
  }
  window.addEventListener('storage', onStorage)
  return () => {
    listeners.delete(listener)
    window.removeEventListener('storage', onStorage)
  }
}

/** Where values go when localStorage refuses them (disabled, full): the place is then kept in this tab only. */
const inMemory = new Map<string, string | null>()

function readRaw(key: string): string | null {
  if (inMemory.has(key)) return inMemory.get(key) ?? null
  try {
    return window.localStorage.getItem(key)
  } catch {
    return null
  }
}
function writeRaw(key: string, value: string | null) {
  try {
    if (value === null) window.localStorage.removeItem(key)
    else window.localStorage.setItem(key, value)
    inMemory.delete(key)
  } catch {
    inMemory.set(key, value)
  }
  notify()
}

/** Parses one stored JSON value (cached per raw string, as useSyncExternalStore needs a stable snapshot). */
function cachedParser<T>(schema: z.ZodType<T>, isFresh: (value: T) => boolean) {
  let lastRaw: string | null = null
  let lastValue: T | null = null
  return (raw: string | null): T | null => {
    if (raw !== lastRaw) {
      lastRaw = raw
      lastValue = null
      if (raw !== null) {
        try {
          const parsed = schema.safeParse(JSON.parse(raw))
          lastValue = parsed.success ? parsed.data : null
        } catch {
          lastValue = null
        }
      }
    }
    return lastValue !== null && isFresh(lastValue) ? lastValue : null
  }
}

const parsePending = cachedParser(pendingAttemptSchema, (p) => Date.now() - p.savedAt < PENDING_ATTEMPT_MAX_AGE_MS)
const parsePlaced = cachedParser(placedNoteSchema, (p) => Date.now() - p.at < PLACED_NOTE_MAX_AGE_MS)
const parseEnded = cachedParser(endedNoteSchema, (p) => Date.now() - p.at < PLACED_NOTE_MAX_AGE_MS)

/**
 * The attempt waiting in line in this browser: `undefined` while not yet known (server render
 * and hydration), `null` when there is none.
 */
export function usePendingAttempt(): PendingAttempt | null | undefined {
  return useSyncExternalStore(
    subscribe,
    () => parsePending(readRaw(PENDING_KEY)),
    () => undefined,
  )
}

/** The last order placed from the line in this browser (any tab), or null. */
export function usePlacedNote(): PlacedNote | null {
  return useSyncExternalStore(
    subscribe,
    () => parsePlaced(readRaw(PLACED_KEY)),
    () => null,
  )
}

/** How the last wait in this browser ended without an order (any tab), or null. */
export function useEndedNote(): EndedNote | null {
  return useSyncExternalStore(
    subscribe,
    () => parseEnded(readRaw(ENDED_KEY)),
    () => null,
  )
}

export function savePendingAttempt(attempt: PendingAttempt) {
  writeRaw(PENDING_KEY, JSON.stringify(attempt))
}

export function clearPendingAttempt() {
  writeRaw(PENDING_KEY, null)
}

/** The order was placed from the line: forget the attempt and tell the other tabs where it went. */
export function notePlacedFromLine(ticket: string, orderId: string) {
  writeRaw(PLACED_KEY, JSON.stringify({ ticket, orderId, at: Date.now() } satisfies PlacedNote))
  clearPendingAttempt()
}

/** The wait ended without an order (left, sold out, refused): forget the attempt and tell the other tabs why. */
export function noteLineEnded(ticket: string, end: Omit<EndedNote, 'ticket' | 'at'>) {
  writeRaw(ENDED_KEY, JSON.stringify({ ticket, ...end, at: Date.now() } satisfies EndedNote))
  clearPendingAttempt()
}
