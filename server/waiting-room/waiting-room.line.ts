/**
 * The line in Redis, from Node: each operation is one call of its Lua script
 * (waiting-room.scripts.ts), and its reply parsed into a typed step. No policy here (signing,
 * errors, metrics: waiting-room.service.ts); `createLine` takes the Redis client and key prefix
 * so the same code runs on the app's client and on a test's (the embedded emulation too).
 */
import type { Redis } from '@upstash/redis'
import { redis as appRedis } from '../platform/redis'
import { waitingRoomKeys } from './waiting-room.keys'
import { CONSUME_LUA, ENTER_LUA, LEAVE_LUA, POLL_LUA, RETURN_LUA } from './waiting-room.scripts'
import { ADMISSION_VALID_MS, FIGURES_WINDOW_MS, MAX_POLL_INTERVAL_MS, MIN_POLL_INTERVAL_MS, TICKET_IDLE_EXPIRY_MS, type WaitingRoomMode } from './waiting-room.schema'

/**
 * How long a place's record (and the session's pointer to it) outlives its last change or poll:
 * longer than the idle expiry plus the admission window, so a used ticket is still known (and
 * refused as used) for a while after its checkout.
 */
export const TICKET_RECORD_TTL_MS = 10 * 60_000
/** Places expired per advance at most (the rest go on the next one): a script stays short. */
export const EXPIRE_BATCH = 100
/** Places admitted per advance at most (a burst is at most one second's worth anyway). */
export const ADMIT_BATCH = 1_000
/** Entries kept per figures ZSET (beyond FIGURES_WINDOW_MS they are trimmed anyway). */
export const FIGURES_MAX_ENTRIES = 50_000
/**
 * The most live places (waiting, or admitted and not used yet) one client address (its
 * rate-limit key: an IPv4 address or an IPv6 /64, server/platform/client-identity.ts) may hold
 * at once, over all its sessions. A household or an office behind one address has room for a
 * few shoppers in line together; a script opening sessions by the hundred does not get a
 * hundred places (each would be an admission taken from a real shopper).
 */
export const MAX_PLACES_PER_CLIENT = 10

/** The token bucket's size: about one second's worth of admissions, at least one. */
export function burstOf(ratePerSecond: number): number {
  return Math.max(1, ratePerSecond)
}

export type StepKind =
  | 'seen'
  | 'gated'
  | 'go'
  | 'consumed'
  | 'joined'
  | 'queued'
  | 'waiting'
  | 'admitted'
  | 'sold_out'
  | 'sold_out_now'
  | 'expired'
  | 'not_yours'
  | 'used'
  | 'ok'
  | 'again'
  | 'items'
  | 'returned'
  | 'left'
  | 'left_now'
  | 'refused'
  | 'check'
  | 'client_full'

/** One checkout line as the waiting room keeps it. */
export interface QueuedLine {
  productId: number
  quantity: number
}

/** Lines as the scripts take and store them: "productId:quantity,…" (no JSON: the emulation's Lua has no cjson). */
export function linesArg(lines: QueuedLine[]): string {
  return lines.map((l) => `${l.productId}:${l.quantity}`).join(',')
}

/** One script's reply (see the header in waiting-room.scripts.ts). */
export interface LineStep {
  kind: StepKind
  /** Waits (ms) of the places this call admitted. */
  admittedWaitsMs: number[]
  /** Places this call expired for idleness. */
  expired: number
  lineLength: number
  /** The place's product ids. */
  productIds: number[]
  seq: number
  firstSeenAt: number
  position: number
  positionAtEntry: number
  pollAfterMs: number
  early: boolean
  admittedAt: number
  admissionSeq: number
  id: string
  /** A `used` place's idempotency key (the checkout call that used its admission); '' otherwise. */
  usedKey: string
  /** Closed sold-out gates among the place's products: id → the name the gate holds. */
  closed: Map<number, string>
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v))
const num = (v: unknown): number => {
  const n = Number(v)
  return Number.isFinite(n) ? n : 0
}
const ids = (csv: string): number[] => (csv === '' ? [] : csv.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0))

function parse(reply: unknown): LineStep {
  const r = Array.isArray(reply) ? (reply as unknown[]) : []
  const closed = new Map<number, string>()
  for (let i = 15; i + 1 < r.length; i += 2) closed.set(num(r[i]), str(r[i + 1]))
  return {
    kind: str(r[0]) as StepKind,
    admittedWaitsMs: str(r[1]) === '' ? [] : str(r[1]).split(',').map(Number),
    expired: num(r[2]),
    lineLength: num(r[3]),
    productIds: ids(str(r[4])),
    seq: num(r[5]),
    firstSeenAt: num(r[6]),
    position: num(r[7]),
    positionAtEntry: num(r[8]),
    pollAfterMs: num(r[9]),
    early: num(r[10]) === 1,
    admittedAt: num(r[11]),
    admissionSeq: num(r[12]),
    id: str(r[13]),
    usedKey: str(r[14]),
    closed,
  }
}

export interface LineOptions {
  redis?: Redis
  /** Key prefix (default: the deployment's REDIS_KEY_PREFIX). */
  prefix?: string
}

export type Line = ReturnType<typeof createLine>

export function createLine(opts: LineOptions = {}) {
  const redis = opts.redis ?? appRedis
  const k = waitingRoomKeys(opts.prefix)
  const keyList = [k.line, k.polls, k.seq, k.bucket, k.admissions, k.figEnded, k.figWaits, k.admitted]
  const scripts = {
    enter: redis.createScript<unknown>(ENTER_LUA),
    poll: redis.createScript<unknown>(POLL_LUA),
    consume: redis.createScript<unknown>(CONSUME_LUA),
    leave: redis.createScript<unknown>(LEAVE_LUA),
    giveBack: redis.createScript<unknown>(RETURN_LUA),
  }
  const common = (ratePerSecond: number) => [
    k.ticketPrefix,
    k.sessionPrefix,
    String(ratePerSecond),
    String(burstOf(ratePerSecond)),
    String(TICKET_IDLE_EXPIRY_MS),
    String(TICKET_RECORD_TTL_MS),
    String(FIGURES_WINDOW_MS),
    String(FIGURES_MAX_ENTRIES),
    String(EXPIRE_BATCH),
    String(ADMIT_BATCH),
    k.gatePrefix,
    String(MIN_POLL_INTERVAL_MS),
    String(MAX_POLL_INTERVAL_MS),
    String(ADMISSION_VALID_MS),
  ]
  const run = async (script: keyof typeof scripts, rate: number, args: string[]) => parse(await scripts[script].exec(keyList, [...common(rate), ...args]))

  return {
    keys: k,
    /**
     * A checkout without a ticket (mode on or auto): `seen` (the store has `idempotencyRecord`
     * already), `gated`, `refused` (`refused` was set: checkout would refuse the order; nothing
     * changed), `check` (`refused` was 'unchecked' and this call would wait: run checkout's cheap
     * checks and call again with the answer; nothing changed), `consumed` (the session's admitted place, used now for this key), `go` (a token
     * taken), `joined` (a new place), `queued` (the session's waiting place) or `client_full`
     * (`client` already holds MAX_PLACES_PER_CLIENT live places). `lines` is stored with the
     * place: what an admission covers.
     */
    enter(p: {
      binding: string
      newId: string
      lines: QueuedLine[]
      idempotencyKey: string
      /** The full Redis key of this session's idempotency record for the key. */
      idempotencyRecord: string
      mode: Exclude<WaitingRoomMode, 'off'>
      saturated: boolean
      rate: number
      /**
       * Checkout's cheap checks refuse this order (true: answer `refused` unless the key was seen or
       * a gate is closed), pass it (false), or have not run ('unchecked': answer `check` if the call would wait).
       */
      refused?: boolean | 'unchecked'
      /** The client's rate-limit key (null: no client, e.g. a server render; not capped). */
      client?: string | null
    }) {
      return run('enter', p.rate, [
        p.binding,
        p.newId,
        p.lines.map((l) => l.productId).join(','),
        linesArg(p.lines),
        p.mode,
        p.saturated ? '1' : '0',
        p.idempotencyKey,
        p.idempotencyRecord,
        p.refused === 'unchecked' ? '?' : p.refused ? '1' : '0',
        p.client ? k.client(p.client) : '',
        String(MAX_PLACES_PER_CLIENT),
      ])
    },
    /**
     * A poll: `waiting` (early or not), `admitted`, `sold_out`, `expired`, `not_yours`, `used`
     * (with `usedKey`: the idempotency key of the checkout call that used the admission).
     * `unlimited` (the room is off): a non-early poll admits the whole line at once.
     */
    poll(p: { id: string; binding: string; rate: number; unlimited: boolean }) {
      return run('poll', p.rate, [p.id, p.binding, p.unlimited ? '1' : '0'])
    },
    /**
     * The admitted checkout call: `seen` (the store has `idempotencyRecord` already), `ok` (used
     * now), `again` (used by this key before), `used`, `expired`, `not_yours`, `waiting`, `items`
     * (lines beyond what the place was queued with).
     */
    consume(p: {
      id: string
      binding: string
      idempotencyKey: string
      /** The full Redis key of this session's idempotency record for the key. */
      idempotencyRecord: string
      lines: QueuedLine[]
      rate: number
      unlimited: boolean
    }) {
      return run('consume', p.rate, [p.id, p.binding, p.idempotencyKey, linesArg(p.lines), p.unlimited ? '1' : '0', p.idempotencyRecord])
    },
    /** An admitted checkout that placed no order gives its admission back: `returned`, `expired`, `not_yours`, `ok` (nothing to give back). */
    giveBack(p: { id: string; binding: string; idempotencyKey: string; rate: number }) {
      return run('giveBack', p.rate, [p.id, p.binding, p.idempotencyKey])
    },
    /** Leaving the line: `left_now`, `left`, `not_yours`. */
    leave(p: { id: string; binding: string; rate: number }) {
      return run('leave', p.rate, [p.id, p.binding])
    },
  }
}
