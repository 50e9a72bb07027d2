/**
 * Where the waiting room's operator settings live: one Redis hash `settings:waiting-room`
 * through server/platform/runtime-settings.ts (`{ value, by, at }` per field, the in-process
 * ≤ 2 s cache), like the flags. Redis down → the last settings read (an operator's "off" stays
 * off through a Redis stall); a process that never read them → the defaults. Writes and the /ops
 * answer are in waiting-room.settings.ts; this module is the part the figures also read.
 */
import { createSettingsHash, createSettingsTable, type SettingSpec, type SettingsHash } from '../platform/runtime-settings'
import {
  admissionRateSchema,
  DEFAULT_WAITING_ROOM_SETTINGS,
  MAX_ADMISSION_RATE,
  MIN_ADMISSION_RATE,
  WAITING_ROOM_MODES,
  waitingRoomModeSchema,
  type WaitingRoomSettings,
} from './waiting-room.schema'

const SETTINGS = {
  mode: {
    schema: waitingRoomModeSchema,
    default: DEFAULT_WAITING_ROOM_SETTINGS.mode,
    takes: `one of ${WAITING_ROOM_MODES.join(', ')}`,
  } satisfies SettingSpec<WaitingRoomSettings['mode']>,
  admissionRatePerSecond: {
    schema: admissionRateSchema,
    default: DEFAULT_WAITING_ROOM_SETTINGS.admissionRatePerSecond,
    takes: `a number of checkouts per second from ${MIN_ADMISSION_RATE} to ${MAX_ADMISSION_RATE}`,
  } satisfies SettingSpec<number>,
}

export const settingsTable = createSettingsTable('waiting-room setting', SETTINGS)

// One store per process (on globalThis: every Next route bundle must see a change at once).
const STORE = Symbol.for('storefront.settings.waiting-room')
const g = globalThis as unknown as { [STORE]?: SettingsHash }
export const settingsStore: SettingsHash = (g[STORE] ??= createSettingsHash({ name: 'waiting-room', onError: 'last-known' }))

/** The settings in force (in-process copy ≤ 2 s old; no Redis call while it is fresh). */
export async function readWaitingRoomSettings(settings: SettingsHash = settingsStore): Promise<WaitingRoomSettings> {
  return settingsTable.values(settings)
}

/** The settings with who changed them last, and when (the newer of the two fields' changes). */
export async function waitingRoomSettingsState(
  settings: SettingsHash = settingsStore,
): Promise<{ settings: WaitingRoomSettings; changedBy: string | null; changedAt: Date | null }> {
  const { states } = await settingsTable.states(settings)
  const latest = states.filter((s) => s.changedAt !== null).sort((a, b) => b.changedAt!.getTime() - a.changedAt!.getTime())[0]
  const value = Object.fromEntries(states.map((s) => [s.name, s.value])) as WaitingRoomSettings
  return { settings: value, changedBy: latest?.changedBy ?? null, changedAt: latest?.changedAt ?? null }
}

