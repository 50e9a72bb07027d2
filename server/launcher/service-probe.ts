/**
 * Does a PostgreSQL or a Redis answer at an address? `npm start` asks before it falls back
 * to the embedded database / the Redis emulation (server/launcher/choose-services.ts).
 *
 * "Answers" means a server of that kind replied, even with an error (wrong password, missing
 * database): that is a real service the user must fix, not a reason to run an embedded one.
 * Refused connections, unknown hosts and timeouts mean nothing is there.
 */
import { Redis } from 'ioredis'
import pg from 'pg'

export const PROBE_TIMEOUT_MS = 2_000

/** SQLSTATE codes are five characters, digits and capitals: only a PostgreSQL sends them. */
const SQLSTATE = /^[0-9A-Z]{5}$/

export async function postgresAnswers(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs })
  client.on('error', () => {})
  try {
    await client.connect()
    return true
  } catch (error) {
    const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined
    return typeof code === 'string' && SQLSTATE.test(code)
  } finally {
    await client.end().catch(() => {})
  }
}

export async function redisAnswers(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  })
  redis.on('error', () => {})
  try {
    await redis.connect()
    await redis.ping()
    return true
  } catch (error) {
    // A Redis that wants a password still answered.
    return error instanceof Error && /^(NOAUTH|WRONGPASS|NOPERM)\b/.test(error.message)
  } finally {
    redis.disconnect()
  }
}
