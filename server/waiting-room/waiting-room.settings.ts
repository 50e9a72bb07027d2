/**
 * The waiting room's operator settings (the /ops lever): the mode (off · auto · on) and the
 * admission rate, stored fleet wide like the flags and faults (waiting-room.settings-store.ts:
 * one Redis hash, read through the in-process ≤ 2 s cache). Redis down → the last settings read,
 * or DEFAULT_WAITING_ROOM_SETTINGS in a process that never read them.
 */
import { AppError } from '../platform/errors'
import type { SettingsHash } from '../platform/runtime-settings'
import { waitingRoomFigures } from './waiting-room-figures'
import { settingsStore, settingsTable } from './waiting-room.settings-store'
import { waitingRoomSettingsPatch, type WaitingRoomFigures } from './waiting-room.schema'

export { readWaitingRoomSettings, waitingRoomSettingsState } from './waiting-room.settings-store'

/**
 * Changes the mode and/or the admission rate fleet wide (in force on every instance within
 * SETTINGS_MAX_AGE_MS). `patch` is parsed by `waitingRoomSettingsPatch`: anything else
 * (unknown fields, a rate out of range, neither field) → BAD_INPUT naming the problem, and
 * nothing is stored; Redis refusing → UNAVAILABLE. Returns the live figures after the change.
 */
export async function setWaitingRoomSettings(patch: unknown, by: string, settings: SettingsHash = settingsStore): Promise<WaitingRoomFigures> {
  const parsed = waitingRoomSettingsPatch.safeParse(patch)
  if (!parsed.success) {
    throw new AppError('BAD_INPUT', parsed.error.issues.map((i) => i.message).join('; '), { details: { issues: parsed.error.issues.map((i) => i.message) } })
  }
  // Validated as a whole first, so a bad rate never leaves a changed mode behind.
  if (parsed.data.mode !== undefined) await settingsTable.set(settings, 'mode', parsed.data.mode, by)
  if (parsed.data.admissionRatePerSecond !== undefined) await settingsTable.set(settings, 'admissionRatePerSecond', parsed.data.admissionRatePerSecond, by)
  return waitingRoomFigures(settings)
}
