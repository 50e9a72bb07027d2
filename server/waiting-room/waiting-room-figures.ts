/**
 * The waiting room's live figures for /ops, fleet wide, read from Redis where the line lives:
 * line length = ZCARD of the line; admitted/s, wait p50/p95 and abandoned over FIGURES_WINDOW_MS
 * from the capped, time-scored ZSETs the scripts write (`wr:fig:waits`, `wr:fig:ended`). Each
 * place counts once among the ended ones (admitted, expired, left or sold out: how it ended last).
 */
import type { Redis } from '@upstash/redis'
import type { SettingsHash } from '../platform/runtime-settings'
import { redis as appRedis } from '../platform/redis'
import { waitingRoomKeys } from './waiting-room.keys'
import { settingsStore, waitingRoomSettingsState } from './waiting-room.settings-store'
import { FIGURES_WINDOW_MS, type WaitingRoomFigures } from './waiting-room.schema'

/** The `p`-th percentile (0-100) of sorted values, nearest rank; null for none. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

const tail = (member: string) => member.slice(member.lastIndexOf(':') + 1)
const head = (member: string) => member.slice(0, member.lastIndexOf(':'))

/**
 * How each place ended, once per place: the last entry of its id (ascending score: the latest
 * wins). An admitted place that then expired or was left has one entry since the scripts
 * replace its 'admitted' (waiting-room.scripts.ts `release`); this also holds for entries a
 * store wrote before that.
 */
function endedOnce(members: string[]): string[] {
  const byPlace = new Map<string, string>()
  for (const m of members) byPlace.set(head(m), tail(m))
  return [...byPlace.values()]
}

export interface FiguresOptions {
  redis?: Redis
  prefix?: string
  now?: () => number
}

/** The figures now (settings with who changed them, line length, admitted/s, wait p50/p95, abandoned and abandon rate). */
export async function waitingRoomFigures(settings: SettingsHash = settingsStore, opts: FiguresOptions = {}): Promise<WaitingRoomFigures> {
  const redis = opts.redis ?? appRedis
  const k = waitingRoomKeys(opts.prefix)
  const since = (opts.now ?? Date.now)() - FIGURES_WINDOW_MS
  const [state, lineLength, waits, ended] = await Promise.all([
    waitingRoomSettingsState(settings),
    redis.zcard(k.line),
    redis.zrange<string[]>(k.figWaits, since, '+inf', { byScore: true }),
    redis.zrange<string[]>(k.figEnded, since, '+inf', { byScore: true }),
  ])
  const waitMs = waits.map((m) => Number(tail(String(m)))).filter(Number.isFinite).sort((a, b) => a - b)
  const kinds = endedOnce(ended.map(String))
  const abandoned = kinds.filter((kind) => kind === 'expired' || kind === 'left').length
  return {
    ...state,
    lineLength,
    admittedPerSecond: waitMs.length / (FIGURES_WINDOW_MS / 1000),
    waitP50Ms: percentile(waitMs, 50),
    waitP95Ms: percentile(waitMs, 95),
    abandoned,
    abandonRate: kinds.length === 0 ? null : abandoned / kinds.length,
  }
}
