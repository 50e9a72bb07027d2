/**
 * Operator settings that change at run time without a deploy (feature flags, fault
 * injection, rate-limit overrides): one Redis hash per kind, field → `{ value, by, at }`,
 * read through an in-process cache so the request path almost never waits for Redis.
 *
 * Cache rule (what "≤ 2 s" means): a read younger than `freshMs` is used as is; between
 * `freshMs` and `maxAgeMs` it is still used while one background refresh runs; older than
 * `maxAgeMs` the caller waits for the refresh. So a change made on any instance is in force
 * on every instance within `maxAgeMs` (plus one Redis round trip).
 *
 * Redis errors and timeouts: `onError: 'defaults'` answers with no stored entries (the
 * callers' defaults apply), `'last-known'` keeps the last good read; either way the failure
 * is logged (at most every 10 s) and Redis is not asked again for `retryMs`.
 *
 * Hand-written rather than a library: it is a Map, two timestamps and one in-flight promise;
 * the npm "settings"/"feature flag" clients all talk to their own hosted backends.
 */
import type { Redis } from '@upstash/redis'
import { z } from 'zod'
import { withDeadline } from './deadline'
import { AppError } from './errors'
import { logger } from './logger'
import { key, redis as appRedis } from './redis'

export interface SettingEntry {
  value: unknown
  /** Who set it (the admin's name). */
  by: string
  /** When (ms since the epoch). */
  at: number
}

const entrySchema = z.object({ value: z.unknown(), by: z.string().max(120), at: z.number() })

export interface SettingsRead {
  entries: ReadonlyMap<string, SettingEntry>
  /** `redis`: a real read; `fallback`: Redis failed and defaults/last-known values answer. */
  source: 'redis' | 'fallback'
}

export interface SettingsHashOptions {
  /** Name of the hash (the Redis key is `key('settings', name)`). */
  name: string
  onError: 'defaults' | 'last-known'
  redis?: Redis
  now?: () => number
  freshMs?: number
  maxAgeMs?: number
  timeoutMs?: number
  retryMs?: number
}

/** Freshness of the in-process copy: used as is for 1 s, refreshed in the background until 2 s. */
export const SETTINGS_FRESH_MS = 1_000
export const SETTINGS_MAX_AGE_MS = 2_000
const DEFAULT_TIMEOUT_MS = 500
const LOG_EVERY_MS = 10_000

export type SettingsHash = ReturnType<typeof createSettingsHash>

export function createSettingsHash(opts: SettingsHashOptions) {
  const redis = opts.redis ?? appRedis
  const now = opts.now ?? Date.now
  const freshMs = opts.freshMs ?? SETTINGS_FRESH_MS
  const maxAgeMs = opts.maxAgeMs ?? SETTINGS_MAX_AGE_MS
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const retryMs = opts.retryMs ?? maxAgeMs
  const hashKey = key('settings', opts.name)
  const log = logger.child({ module: 'runtime-settings', settings: opts.name })

  let current: SettingsRead | null = null
  let readAt = 0
  let lastGood: SettingsRead = { entries: new Map(), source: 'fallback' }
  let inFlight: Promise<SettingsRead> | null = null
  let lastLog = 0

  function parse(raw: Record<string, unknown> | null): Map<string, SettingEntry> {
    const entries = new Map<string, SettingEntry>()
    for (const [field, stored] of Object.entries(raw ?? {})) {
      let candidate: unknown = stored
      if (typeof stored === 'string') {
        try {
          candidate = JSON.parse(stored) as unknown
        } catch {
          candidate = null
        }
      }
      const parsed = entrySchema.safeParse(candidate)
      if (parsed.success) entries.set(field, parsed.data as SettingEntry)
      else log.warn({ field }, 'ignoring a malformed stored setting')
    }
    return entries
  }

  function refresh(deadlineMs = timeoutMs): Promise<SettingsRead> {
    inFlight ??= (async () => {
      try {
        const raw = await withDeadline(redis.hgetall<Record<string, unknown>>(hashKey), deadlineMs, () => new Error(`settings read timed out after ${deadlineMs} ms`))
        const read: SettingsRead = { entries: parse(raw), source: 'redis' }
        lastGood = read
        current = read
        readAt = now()
      } catch (error) {
        if (now() - lastLog > LOG_EVERY_MS) {
          lastLog = now()
          log.warn({ err: error }, opts.onError === 'defaults' ? 'settings unavailable: using defaults' : 'settings unavailable: keeping the last known values')
        }
        current = opts.onError === 'defaults' ? { entries: new Map(), source: 'fallback' } : { entries: lastGood.entries, source: 'fallback' }
        // Ask again after retryMs, not on every call.
        readAt = now() - maxAgeMs + retryMs
      }
      return current
    })().finally(() => {
      inFlight = null
    })
    return inFlight
  }

  return {
    /** The settings in force (see the cache rule above). */
    read(): Promise<SettingsRead> {
      const age = now() - readAt
      if (current && age < freshMs) return Promise.resolve(current)
      if (current && age < maxAgeMs) {
        void refresh()
        return Promise.resolve(current)
      }
      return refresh()
    },

    /**
     * Reads the stored settings now, waiting up to `deadlineMs` (longer than a request's read may
     * wait): a process calls it once at start, so it takes its first request knowing the
     * operator's settings rather than the defaults. Never throws; `source: 'fallback'` when Redis
     * did not answer (the cache rule above then applies as usual).
     */
    prime(deadlineMs: number): Promise<SettingsRead> {
      return refresh(deadlineMs)
    },

    /** Stores one setting for every instance; this process sees it at once. Throws when Redis fails. */
    async set(field: string, value: unknown, by: string): Promise<SettingEntry> {
      const entry: SettingEntry = { value, by, at: now() }
      await redis.hset(hashKey, { [field]: JSON.stringify(entry) })
      readAt = 0
      return entry
    },

    /** Removes one setting (its default applies again). Throws when Redis fails. */
    async clear(field: string): Promise<void> {
      await redis.hdel(hashKey, field)
      readAt = 0
    },

    /** Forget the cached copy (tests, and after writes made elsewhere in this process). */
    invalidate(): void {
      readAt = 0
    },
  }
}

/** One operator setting: the values it may take (zod), its default, and those values in words. */
export interface SettingSpec<V = unknown> {
  schema: z.ZodType<V>
  default: V
  /** What a valid value is, for the BAD_INPUT message ("true or false", "a whole number from 1 to 100000"). */
  takes: string
}

/** A table of specs, one per name, all of one shape (flags: booleans; rate limits: limits). */
export function specsFor<N extends string, V>(names: readonly N[], spec: (name: N) => SettingSpec<V>): Record<N, SettingSpec<V>> {
  return Object.fromEntries(names.map((name) => [name, spec(name)])) as Record<N, SettingSpec<V>>
}

/** One setting as in force: its value, and who stored it and when (null: the default applies). */
export interface SettingState<N extends string = string, V = unknown> {
  name: N
  value: V
  changedBy: string | null
  changedAt: Date | null
}

/**
 * The one wrapper every kind of runtime setting goes through (feature flags, fault injection,
 * rate-limit overrides): a table of {@link SettingSpec}s over a {@link SettingsHash}.
 * A stored value its schema refuses (an older deploy's, a hand edit) counts as not set.
 * `noun` names one setting in messages ("flag", "fault", "rate-limit policy").
 */
export function createSettingsTable<D extends Record<string, SettingSpec>>(noun: string, specs: D) {
  type Name = keyof D & string
  type Values = { [K in Name]: D[K]['default'] }
  const names = Object.keys(specs) as Name[]
  const nameSchema = z.enum(names as [Name, ...Name[]])
  const Noun = noun.charAt(0).toUpperCase() + noun.slice(1)

  function stateOf(entries: ReadonlyMap<string, SettingEntry>, name: Name): SettingState<Name, D[Name]['default']> {
    const entry = entries.get(name)
    const parsed = entry === undefined ? null : specs[name]!.schema.safeParse(entry.value)
    if (!entry || !parsed?.success) return { name, value: specs[name]!.default, changedBy: null, changedAt: null }
    return { name, value: parsed.data as D[Name]['default'], changedBy: entry.by, changedAt: new Date(entry.at) }
  }

  return {
    names,
    nameSchema,

    /** One setting's value in force (the request path: parses only that entry). */
    async value<N extends Name>(settings: SettingsHash, name: N): Promise<Values[N]> {
      const { entries } = await settings.read()
      return stateOf(entries, name).value as Values[N]
    },

    /** Every setting's value in force (defaults where none is stored, or Redis is down under `onError: 'defaults'`). */
    async values(settings: SettingsHash): Promise<Values> {
      const { entries } = await settings.read()
      return Object.fromEntries(names.map((name) => [name, stateOf(entries, name).value])) as Values
    },

    /** Every setting with who changed it, in table order, and whether Redis answered. */
    async states(settings: SettingsHash): Promise<{ states: Array<SettingState<Name, D[Name]['default']>>; source: SettingsRead['source'] }> {
      const { entries, source } = await settings.read()
      return { states: names.map((name) => stateOf(entries, name)), source }
    },

    /**
     * Stores `value` for `name` fleet wide (`null`: back to the default). An unknown name or a
     * value the schema refuses → BAD_INPUT, nothing stored; Redis refusing → UNAVAILABLE (503).
     * Returns the validated name.
     */
    async set(settings: SettingsHash, name: unknown, value: unknown, by: string): Promise<Name> {
      const known = nameSchema.safeParse(name)
      if (!known.success) throw new AppError('BAD_INPUT', `Unknown ${noun} "${String(name)}" (known: ${names.join(', ')})`)
      const spec = specs[known.data]!
      const parsed = value === null ? null : spec.schema.safeParse(value)
      if (parsed !== null && !parsed.success) throw new AppError('BAD_INPUT', `${Noun} ${known.data} takes ${spec.takes}`)
      try {
        if (parsed === null) await settings.clear(known.data)
        else await settings.set(known.data, parsed.data, by)
      } catch (error) {
        throw new AppError('UNAVAILABLE', `Redis did not accept the change; the ${noun} is unchanged`, { cause: error, retryAfterSeconds: 2 })
      }
      return known.data
    },
  }
}
