/**
 * Fault injection for drills: make a degradable widget slow or failing on purpose, fleet
 * wide, from /ops, to prove the page around it does not care. Same storage and ≤ 2 s cache
 * as the feature flags; Redis down → no faults (the defaults).
 */
import { z } from 'zod'
import { AppError } from './errors'
import { createSettingsHash, type SettingsHash } from './runtime-settings'

/** The longest delay a drill may inject (the widget's own client timeout is shorter). */
export const MAX_FAULT_DELAY_MS = 30_000

export const FAULTS = {
  reviewsDelayMs: {
    schema: z.number().int().min(0).max(MAX_FAULT_DELAY_MS),
    default: 0,
    label: 'Reviews delay (ms)',
    effect: 'Every reviews request waits this long before answering.',
  },
  recommendationsFail: {
    schema: z.boolean(),
    default: false,
    label: 'Recommendations fail',
    effect: 'Every recommendations request fails with a 500.',
  },
} as const

export type FaultName = keyof typeof FAULTS
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[]
export type Faults = { [K in FaultName]: z.infer<(typeof FAULTS)[K]['schema']> }

/** One fault change, validated per fault (the tRPC input and the service use the same schema). */
export const faultChange = z.discriminatedUnion('name', [
  z.object({ name: z.literal('reviewsDelayMs'), value: FAULTS.reviewsDelayMs.schema }),
  z.object({ name: z.literal('recommendationsFail'), value: FAULTS.recommendationsFail.schema }),
])
export type FaultChange = z.infer<typeof faultChange>

export interface FaultView {
  name: FaultName
  label: string
  effect: string
  value: number | boolean
  changedBy: string | null
  changedAt: Date | null
}

// One store per process (on globalThis: every Next route bundle must see a change at once).
const STORE = Symbol.for('storefront.settings.faults')
const g = globalThis as unknown as { [STORE]?: SettingsHash }
const store: SettingsHash = (g[STORE] ??= createSettingsHash({ name: 'faults', onError: 'defaults' }))

export async function currentFaults(settings: SettingsHash = store): Promise<Faults> {
  const { entries } = await settings.read()
  const delay = FAULTS.reviewsDelayMs.schema.safeParse(entries.get('reviewsDelayMs')?.value)
  const fail = FAULTS.recommendationsFail.schema.safeParse(entries.get('recommendationsFail')?.value)
  return {
    reviewsDelayMs: delay.success ? delay.data : FAULTS.reviewsDelayMs.default,
    recommendationsFail: fail.success ? fail.data : FAULTS.recommendationsFail.default,
  }
}

export async function listFaults(settings: SettingsHash = store): Promise<FaultView[]> {
  const { entries } = await settings.read()
  const values = await currentFaults(settings)
  return FAULT_NAMES.map((name) => {
    const entry = entries.get(name)
    const stored = entry !== undefined && FAULTS[name].schema.safeParse(entry.value).success
    return {
      name,
      label: FAULTS[name].label,
      effect: FAULTS[name].effect,
      value: values[name],
      changedBy: stored ? entry.by : null,
      changedAt: stored ? new Date(entry.at) : null,
    }
  })
}

/** Sets one fault fleet wide; an unknown fault or a bad value → BAD_INPUT, nothing stored. */
export async function setFault(change: unknown, by: string, settings: SettingsHash = store): Promise<FaultView[]> {
  const parsed = faultChange.safeParse(change)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AppError('BAD_INPUT', `Invalid fault: ${issue?.path.join('.') || 'name'} ${issue?.message ?? ''}`.trim())
  }
  try {
    await settings.set(parsed.data.name, parsed.data.value, by)
  } catch (error) {
    throw new AppError('UNAVAILABLE', 'Redis did not accept the change; the fault is unchanged', { cause: error, retryAfterSeconds: 2 })
  }
  return listFaults(settings)
}
