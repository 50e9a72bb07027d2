/**
 * Stores the waiting room's mode (and optionally its admission rate) for a key prefix straight in Redis, before any store reads it:
 * the run's shared store (vitest.global-setup.ts) runs with the room off, so suites about
 * checkout itself see checkout, not the line; the waiting-room suites start stores on prefixes
 * of their own and set the mode through /ops. Written in runtime-settings.ts's entry format
 * (`{ value, by, at }` in the hash `{prefix}settings:waiting-room`).
 */
import { Redis as IORedis } from 'ioredis'
import type { WaitingRoomMode } from '../server/waiting-room/waiting-room.schema'

export async function storeWaitingRoomMode(redisUrl: string, prefix: string, mode: WaitingRoomMode, admissionRatePerSecond?: number): Promise<void> {
  const client = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await client.connect()
  const entry = (value: unknown) => JSON.stringify({ value, by: 'test harness', at: Date.now() })
  try {
    await client.hset(`${prefix}settings:waiting-room`, 'mode', entry(mode))
    if (admissionRatePerSecond !== undefined) await client.hset(`${prefix}settings:waiting-room`, 'admissionRatePerSecond', entry(admissionRatePerSecond))
  } finally {
    client.disconnect()
  }
}
