/** The simulated provider's runtime settings in Redis: one JSON value, `payments:settings`. */
import { key, redis } from '../platform/redis'

const settingsKey = () => key('payments', 'settings')

/** The stored value as it is (validated by the service), or null when nothing is stored. */
export async function readStoredSettings(): Promise<unknown> {
  const raw = await redis.get<unknown>(settingsKey())
  return typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw
}

export async function writeStoredSettings(value: object): Promise<void> {
  await redis.set(settingsKey(), value)
}

export async function deleteStoredSettings(): Promise<void> {
  await redis.del(settingsKey())
}
