/**
 * The waiting room's Redis key names (waiting-room.scripts.ts describes each), for a key prefix:
 * the app's REDIS_KEY_PREFIX, or a test's own. Everything lives under `{prefix}wr:`.
 */
import { KEY_PREFIX } from '../platform/redis'

export function waitingRoomKeys(prefix: string = KEY_PREFIX) {
  const wr = `${prefix}wr:`
  return {
    line: `${wr}line`,
    polls: `${wr}polls`,
    admitted: `${wr}admitted`,
    seq: `${wr}seq`,
    bucket: `${wr}bucket`,
    admissions: `${wr}admissions`,
    figEnded: `${wr}fig:ended`,
    figWaits: `${wr}fig:waits`,
    /** Prefix of one place's hash (`+ id`). */
    ticketPrefix: `${wr}t:`,
    /** Prefix of a session's pointer to its live place (`+ session binding`). */
    sessionPrefix: `${wr}s:`,
    /** Prefix of the sold-out gates (`+ product id`): server/inventory/sold-out-gate.ts's `soldout:{id}`. */
    gatePrefix: `${prefix}soldout:`,
    ticket: (id: string) => `${wr}t:${id}`,
    /** The live places entered from one client address (its rate-limit key). */
    client: (clientKey: string) => `${wr}c:${clientKey}`,
    session: (binding: string) => `${wr}s:${binding}`,
  }
}
export type WaitingRoomKeys = ReturnType<typeof waitingRoomKeys>
