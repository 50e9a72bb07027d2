/**
 * Create (or drop) the PostgreSQL database named in a connection URL.
 *
 * `prisma migrate` used to create a missing database on its own. The offline migration
 * path (prisma/migrate.ts → WASM schema engine) does not, so this does it with plain `pg`:
 * it connects to a maintenance database on the same server (`postgres`, or `template1`
 * where `postgres` does not exist) and runs `CREATE DATABASE`. The target is probed
 * first, so a deployment whose role cannot reach the maintenance database still
 * migrates an existing database.
 *
 * Database names are validated against {@link DATABASE_NAME_PATTERN} *and* quoted, so
 * nothing from a URL is ever interpolated into SQL unchecked.
 */
import pg from 'pg'

/** Letters, digits, `_` and `-`; must not start with a digit or `-`; at most 63 bytes (PostgreSQL's NAMEDATALEN - 1). */
export const DATABASE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/

/** Databases this module refuses to drop. */
const PROTECTED_DATABASES = new Set(['postgres', 'template0', 'template1'])

/** SQLSTATE codes used below. */
const INVALID_CATALOG_NAME = '3D000' // "database ... does not exist"
const DUPLICATE_DATABASE = '42P04'

/** The database name from a postgres:// URL, validated. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''))
  if (!DATABASE_NAME_PATTERN.test(name)) {
    throw new Error(
      `Invalid database name ${JSON.stringify(name)} in the connection URL: expected ${String(DATABASE_NAME_PATTERN)}`,
    )
  }
  return name
}

/** `url` with its database replaced by `name` (credentials, host and query string kept). */
export function withDatabase(url: string, name: string): string {
  if (!DATABASE_NAME_PATTERN.test(name)) throw new Error(`Invalid database name ${JSON.stringify(name)}`)
  const u = new URL(url)
  u.pathname = `/${encodeURIComponent(name)}`
  return u.toString()
}

/** `"name"` with embedded quotes doubled; the pattern already excludes them, this is belt and braces. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** The SQLSTATE of a pg error, if it is one. */
export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code
  }
  return undefined
}

/**
 * Make sure the database named in `url` exists, creating it if needed.
 * Safe to call concurrently. Resolves `true` when this call created it.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url)
  if (await databaseExists(url)) return false
  return withMaintenanceClient(url, async (client) => {
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`)
      return true
    } catch (error) {
      if (pgErrorCode(error) === DUPLICATE_DATABASE) return false // created concurrently
      throw error
    }
  })
}

/**
 * Drop the database named in `url` if it exists, disconnecting its sessions
 * (`WITH (FORCE)`, PostgreSQL 13+). For tests and throwaway databases.
 */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url)
  if (PROTECTED_DATABASES.has(name)) throw new Error(`Refusing to drop the ${name} database`)
  await withMaintenanceClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`)
  })
}

/** True when a session can be opened on the target database; false when it does not exist. */
async function databaseExists(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url })
  try {
    await client.connect()
    return true
  } catch (error) {
    if (pgErrorCode(error) === INVALID_CATALOG_NAME) return false
    throw error
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Run `fn` on a session in the server's maintenance database (`postgres`, or `template1`
 * where that does not exist) on the server of `url`, whatever database `url` names: for
 * server-level work (listing, creating, dropping databases) that must not depend on the
 * named database existing. Credentials, host and options come from `url`.
 */
export async function withMaintenanceClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  let lastError: unknown
  for (const maintenance of ['postgres', 'template1']) {
    const client = new pg.Client({ connectionString: withDatabase(url, maintenance) })
    try {
      await client.connect()
    } catch (error) {
      await client.end().catch(() => {})
      if (pgErrorCode(error) === INVALID_CATALOG_NAME) {
        lastError = error
        continue
      }
      throw error
    }
    try {
      return await fn(client)
    } finally {
      await client.end().catch(() => {})
    }
  }
  throw lastError
}
