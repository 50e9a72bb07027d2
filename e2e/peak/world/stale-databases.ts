/**
 * A drill stopped hard (Ctrl-C during start-up, a killed CI job) can leave its database
 * behind. Each drill drops the drill databases older than STALE_AFTER_MS first: their names
 * carry their creation time (server/dev/test-services.ts), and only drills use this label.
 */
import pg from 'pg'
import { dropDatabase } from '../../../prisma/ensure-database'

export const DRILL_DB_LABEL = 'sf_drill'
const STALE_AFTER_MS = 60 * 60_000

export async function dropStaleDrillDatabases(baseUrl: string, now = Date.now()): Promise<string[]> {
  const client = new pg.Client({ connectionString: baseUrl })
  await client.connect()
  let names: string[]
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${DRILL_DB_LABEL}\\_%`])
    names = rows.map((r) => r.datname)
  } finally {
    await client.end()
  }
  const stale = names.filter((name) => {
    const match = new RegExp(`^${DRILL_DB_LABEL}_([0-9a-z]+)_[0-9a-f]{6}$`).exec(name)
    return match !== null && now - parseInt(match[1]!, 36) > STALE_AFTER_MS
  })
  for (const name of stale) {
    const u = new URL(baseUrl)
    u.pathname = `/${name}`
    await dropDatabase(u.toString())
  }
  return stale
}
