/**
 * What this process runs on, for the console and the ops dashboard: real services, or the
 * embedded database / Redis emulation that `npm start` falls back to on a machine without
 * PostgreSQL or Redis (server/launcher/start.ts sets STOREFRONT_EMBEDDED for its children).
 */
import { env, upstash } from '../env'
import { redactUrl } from './redact-url'

export type RuntimeMode = {
  mode: 'embedded' | 'services'
  /** e.g. `embedded PostgreSQL (PGlite) in .data/pglite` or `postgresql://postgres@127.0.0.1:5432/storefront`. */
  database: string
  /** e.g. `Redis emulation (ioredis-mock) behind the local gateway` or `redis://127.0.0.1:6379 via the local gateway`. */
  redis: string
  /** The warning to show wherever the store says what it is; null on real services. */
  banner: string | null
}

/** The text the issue asks for, on the console and on /ops. */
export function embeddedBanner(dataDir: string = env.DATA_DIR): string {
  return `embedded mode: single process, data in ./${dataDir.replace(/^\.\//, '')}, not for load tests`
}

export function runtimeMode(): RuntimeMode {
  const embedded = env.STOREFRONT_EMBEDDED
  const database = embedded.database ? `embedded PostgreSQL (PGlite) in ${env.DATA_DIR}/pglite` : redactUrl(env.DATABASE_URL)
  const redis = !upstash.local
    ? `Upstash ${upstash.url}`
    : embedded.redis
      ? `Redis emulation (ioredis-mock, in memory) behind the local gateway ${upstash.url}`
      : `${redactUrl(env.REDIS_URL)} behind the local gateway ${upstash.url}`
  const isEmbedded = embedded.database || embedded.redis
  return { mode: isEmbedded ? 'embedded' : 'services', database, redis, banner: isEmbedded ? embeddedBanner() : null }
}
