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
import { createSettingsHash, createSettingsTable, specsFor, type SettingSpec, type SettingsHash } from './runtime-settings'

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
export type FlagStates = Record<FlagName, boolean>

const table = createSettingsTable(
  'flag',
  specsFor(FLAG_NAMES, (name): SettingSpec<boolean> => ({ schema: z.boolean(), default: FLAGS[name].defaultOn, takes: 'true or false' })),
)
export const flagNameSchema = table.nameSchema

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
/**
 * The flags' store. A Redis failure keeps the last flags read (a shed widget stays off through a
 * Redis stall, when shedding matters most); a process that never read them answers the defaults.
 */
export const flagSettings: SettingsHash = (g[STORE] ??= createSettingsHash({ name: 'flags', onError: 'last-known' }))
const store = flagSettings

/** Every flag's current state (defaults for flags never set, or when Redis is down and was never read). */
export async function flagStates(settings: SettingsHash = store): Promise<FlagStates> {
  return table.values(settings)
}

export async function isEnabled(name: FlagName, settings: SettingsHash = store): Promise<boolean> {
  return (await flagStates(settings))[name]
}

/** The dashboard's view: state, default, who changed it and when, and whether Redis answered. */
export async function listFlags(settings: SettingsHash = store): Promise<{ flags: FlagView[]; source: 'redis' | 'fallback' }> {
  const { states, source } = await table.states(settings)
  const flags = states.map(({ name, value, changedBy, changedAt }): FlagView => ({
    name,
    label: FLAGS[name].label,
    offEffect: FLAGS[name].offEffect,
    enabled: value,
    defaultOn: FLAGS[name].defaultOn,
    changedBy,
    changedAt,
  }))
  return { flags, source }
}

/** Turns a flag on or off for every instance. An unknown name or a non-boolean → BAD_INPUT, nothing stored. */
export async function setFlag(name: unknown, enabled: unknown, by: string, settings: SettingsHash = store): Promise<FlagView> {
  const flag = await table.set(settings, name, enabled === null ? undefined : enabled, by)
  const { flags } = await listFlags(settings)
  return flags.find((f) => f.name === flag)!
}
