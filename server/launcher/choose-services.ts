/**
 * Which database and Redis `npm start` uses, in every mode:
 *
 * - DATABASE_URL set → that PostgreSQL, always (an unreachable one is an error to fix, not a
 *   reason to switch). Unset → the local PostgreSQL (127.0.0.1:LOCAL_POSTGRES_PORT) when it
 *   answers, otherwise the embedded database (server/launcher/embedded-postgres.ts).
 * - UPSTASH_REDIS_REST_URL set → Upstash. Otherwise the local gateway fronts REDIS_URL when
 *   it is set; unset → the local Redis (127.0.0.1:LOCAL_REDIS_PORT) when it answers,
 *   otherwise the in-process emulation (server/gateway/gateway-emulated-backend.ts).
 */
import { env, explicitlySet, upstash } from '../env'
import { postgresAnswers, redisAnswers } from './service-probe'

export type DatabaseChoice = { kind: 'postgres'; url: string } | { kind: 'embedded' }
export type RedisChoice = { kind: 'upstash'; url: string } | { kind: 'redis'; url: string } | { kind: 'emulated' }

export interface ServiceInputs {
  databaseUrl: string
  databaseUrlSet: boolean
  redisUrl: string
  redisUrlSet: boolean
  /** The Upstash URL when UPSTASH_REDIS_REST_URL is set. */
  upstashUrl: string | null
}

export function currentServiceInputs(): ServiceInputs {
  return {
    databaseUrl: env.DATABASE_URL,
    databaseUrlSet: explicitlySet.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisUrlSet: explicitlySet.REDIS_URL,
    upstashUrl: upstash.local ? null : upstash.url,
  }
}

export async function chooseServices(inputs: ServiceInputs = currentServiceInputs()): Promise<{ database: DatabaseChoice; redis: RedisChoice }> {
  const [database, redis] = await Promise.all([chooseDatabase(inputs), chooseRedis(inputs)])
  return { database, redis }
}

async function chooseDatabase({ databaseUrl, databaseUrlSet }: ServiceInputs): Promise<DatabaseChoice> {
  if (databaseUrlSet || (await postgresAnswers(databaseUrl))) return { kind: 'postgres', url: databaseUrl }
  return { kind: 'embedded' }
}

async function chooseRedis({ redisUrl, redisUrlSet, upstashUrl }: ServiceInputs): Promise<RedisChoice> {
  if (upstashUrl !== null) return { kind: 'upstash', url: upstashUrl }
  if (redisUrlSet || (await redisAnswers(redisUrl))) return { kind: 'redis', url: redisUrl }
  return { kind: 'emulated' }
}

/** The STOREFRONT_EMBEDDED value the launcher passes to its children (empty on real services). */
export function embeddedParts(choice: { database: DatabaseChoice; redis: RedisChoice }): string {
  return [choice.database.kind === 'embedded' ? 'database' : null, choice.redis.kind === 'emulated' ? 'redis' : null]
    .filter((p): p is string => p !== null)
    .join(',')
}
