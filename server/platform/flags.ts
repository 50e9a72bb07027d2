/**
 * Feature flags: what shoppers get beyond the core (browse, cart, checkout), switchable
 * from /ops without a deploy. Stored in Redis (one hash, who and when recorded per flag),
 * read through the ≤ 2 s in-process cache of runtime-settings.ts. When Redis cannot be
 * read, every flag takes its default (logged) — the launch configuration.
 *
 * A static page cannot read a flag at request time, so each flagged widget asks through
 * its own query (`flags.enabled`, and the widget's data query checks again); a flag turned
 * off removes the widget on the next page view.
 */
import { z } from 'zod'
import { AppError } from './errors'
import { createSettingsHash, type SettingsHash } from './runtime-settings'

export interface FlagDefinition {
  defaultOn: boolean
  label: string
  /** What turning it off does, for the dashboard and the runbook. */
  offEffect: string
}

export const FLAGS = {
  recommendations: {
    defaultOn: true,
    label: 'Recommendations',
    offEffect: 'Product pages stop showing and requesting "Recommended for you".',
  },
  reviews: {
    defaultOn: true,
    label: 'Reviews',
    offEffect: 'Product pages stop showing and requesting reviews.',
  },
  search: {
    defaultOn: true,
    label: 'Search',
    offEffect: 'The search page answers "search is paused" and catalog.search answers 503, without querying PostgreSQL or Redis.',
  },
  stockBadge: {
    defaultOn: true,
    label: 'Live stock badge',
    offEffect: 'Product pages stop polling live stock (saves one request per shopper every 15 s).',
  },
} as const satisfies Record<string, FlagDefinition>

export type FlagName = keyof typeof FLAGS
export const FLAG_NAMES = Object.keys(FLAGS) as FlagName[]
export const flagNameSchema = z.enum(FLAG_NAMES as [FlagName, ...FlagName[]])
export type FlagStates = Record<FlagName, boolean>

export interface FlagView {
  name: FlagName
  label: string
  offEffect: string
  enabled: boolean
  defaultOn: boolean
  /** Who last changed it and when; null when it has its default. */
  changedBy: string | null
  changedAt: Date | null
}

// One store per process (on globalThis: every Next route bundle must see a change at once).
const STORE = Symbol.for('storefront.settings.flags')
const g = globalThis as unknown as { [STORE]?: SettingsHash }
const store: SettingsHash = (g[STORE] ??= createSettingsHash({ name: 'flags', onError: 'defaults' }))

/** Every flag's current state (defaults for flags never set, or when Redis is down). */
export async function flagStates(settings: SettingsHash = store): Promise<FlagStates> {
  const { entries } = await settings.read()
  const states = {} as FlagStates
  for (const name of FLAG_NAMES) {
    const stored = entries.get(name)?.value
    states[name] = typeof stored === 'boolean' ? stored : FLAGS[name].defaultOn
  }
  return states
}

export async function isEnabled(name: FlagName, settings: SettingsHash = store): Promise<boolean> {
  return (await flagStates(settings))[name]
}

/** The dashboard's view: state, default, who changed it and when, and whether Redis answered. */
export async function listFlags(settings: SettingsHash = store): Promise<{ flags: FlagView[]; source: 'redis' | 'fallback' }> {
  const { entries, source } = await settings.read()
  const flags = FLAG_NAMES.map((name): FlagView => {
    const entry = entries.get(name)
    const stored = typeof entry?.value === 'boolean' ? entry : undefined
    return {
      name,
      label: FLAGS[name].label,
      offEffect: FLAGS[name].offEffect,
      enabled: stored ? (stored.value as boolean) : FLAGS[name].defaultOn,
      defaultOn: FLAGS[name].defaultOn,
      changedBy: stored?.by ?? null,
      changedAt: stored ? new Date(stored.at) : null,
    }
  })
  return { flags, source }
}

/** Turns a flag on or off for every instance. An unknown name or a non-boolean → BAD_INPUT, nothing stored. */
export async function setFlag(name: unknown, enabled: unknown, by: string, settings: SettingsHash = store): Promise<FlagView> {
  const parsedName = flagNameSchema.safeParse(name)
  if (!parsedName.success) throw new AppError('BAD_INPUT', `Unknown flag "${String(name)}" (known: ${FLAG_NAMES.join(', ')})`)
  if (typeof enabled !== 'boolean') throw new AppError('BAD_INPUT', `Flag ${parsedName.data} takes true or false`)
  try {
    await settings.set(parsedName.data, enabled, by)
  } catch (error) {
    throw new AppError('UNAVAILABLE', 'Redis did not accept the change; the flag is unchanged', { cause: error, retryAfterSeconds: 2 })
  }
  const { flags } = await listFlags(settings)
  return flags.find((f) => f.name === parsedName.data)!
}
