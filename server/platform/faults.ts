/**
 * Fault injection for drills: make a degradable widget slow or failing on purpose, fleet
 * wide, from /ops, to prove the page around it does not care. Same storage and ≤ 2 s cache
 * as the feature flags; Redis down → no faults (the defaults).
 */
import { z } from 'zod'
import { createSettingsHash, createSettingsTable, type SettingSpec, type SettingsHash } from './runtime-settings'

/** The longest delay a drill may inject (the widget's own client timeout is shorter). */
export const MAX_FAULT_DELAY_MS = 30_000

export const FAULTS = {
  reviewsDelayMs: {
    schema: z.number().int().min(0).max(MAX_FAULT_DELAY_MS),
    default: 0,
    takes: `a whole number of milliseconds from 0 to ${MAX_FAULT_DELAY_MS}`,
    label: 'Reviews delay (ms)',
    effect: 'Every reviews request waits this long before answering.',
  },
  recommendationsFail: {
    schema: z.boolean(),
    default: false,
    takes: 'true or false',
    label: 'Recommendations fail',
    effect: 'Every recommendations request fails with a 500.',
  },
} as const satisfies Record<string, SettingSpec & { label: string; effect: string }>

export type FaultName = keyof typeof FAULTS
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[]
export type Faults = { [K in FaultName]: z.infer<(typeof FAULTS)[K]['schema']> }

export interface FaultView {
  name: FaultName
  label: string
  effect: string
  value: number | boolean
  changedBy: string | null
  changedAt: Date | null
}

const table = createSettingsTable('fault', FAULTS)

// One store per process (on globalThis: every Next route bundle must see a change at once).
const STORE = Symbol.for('storefront.settings.faults')
const g = globalThis as unknown as { [STORE]?: SettingsHash }
/** The injected faults' store (drills only): Redis down → no faults. */
export const faultSettings: SettingsHash = (g[STORE] ??= createSettingsHash({ name: 'faults', onError: 'defaults' }))
const store = faultSettings

export async function currentFaults(settings: SettingsHash = store): Promise<Faults> {
  return table.values(settings)
}

export async function listFaults(settings: SettingsHash = store): Promise<FaultView[]> {
  const { states } = await table.states(settings)
  return states.map(({ name, value, changedBy, changedAt }) => ({ name, label: FAULTS[name].label, effect: FAULTS[name].effect, value, changedBy, changedAt }))
}

/** Sets one fault fleet wide; an unknown fault or a bad value → BAD_INPUT, nothing stored. */
export async function setFault(change: { name: unknown; value: unknown }, by: string, settings: SettingsHash = store): Promise<FaultView[]> {
  await table.set(settings, change.name, change.value === null ? undefined : change.value, by)
  return listFaults(settings)
}
