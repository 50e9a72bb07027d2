/**
 * The embedded database of `npm start` on a machine without PostgreSQL: PGlite (PostgreSQL
 * compiled to WebAssembly, data in a folder) served on a loopback port by pglite-socket, so
 * the store, `next build`, the payment worker and the migration scripts all reach it with
 * the same `pg` code as a real server. Why this route, with measurements:
 * docs/decision-embedded.md.
 *
 * pglite-socket multiplexes every connection onto PGlite's single session: statements run
 * one at a time, and a connection inside BEGIN … COMMIT has the database to itself until it
 * ends. Session state is therefore shared (prepared statement names, LISTEN); the payment
 * worker adapts to that (server/orders/queue-connection-options.ts).
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { acquireLock } from './data-dir-lock'

/**
 * Contrib modules the migrations need (`CREATE EXTENSION`): PGlite ships each as a separate
 * bundle that must be handed to it at start, or the extension does not exist.
 *  - unaccent: accent-insensitive search (prisma/migrations/20261201100000_search_unaccent).
 */
export const EMBEDDED_EXTENSIONS = { unaccent }

/** Connections pglite-socket accepts at once: every pool of every process (store, build workers, worker). */
export const EMBEDDED_MAX_CONNECTIONS = 256

export interface EmbeddedPostgres {
  /** postgresql:// URL of the socket server (database `postgres`, user `postgres`, no password). */
  url: string
  dataDir: string
  /** e.g. `18.6`. */
  serverVersion: string
  /** True when this start created the database folder (initdb ran). */
  created: boolean
  /** Stops accepting connections, closes PGlite (everything flushed to disk), releases the folder. */
  close(): Promise<void>
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number }): Promise<EmbeddedPostgres> {
  const { dataDir } = opts
  mkdirSync(dataDir, { recursive: true })
  const release = acquireLock(`${dataDir.replace(/\/+$/, '')}.lock`, `the embedded database in ${dataDir}`)
  const created = !existsSync(join(dataDir, 'PG_VERSION'))
  let db: PGlite | undefined
  let server: PGLiteSocketServer | undefined
  try {
    db = await PGlite.create(dataDir, { extensions: EMBEDDED_EXTENSIONS })
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: opts.port ?? 0, maxConnections: EMBEDDED_MAX_CONNECTIONS })
    await server.start()
    const port = Number(server.getServerConn().split(':').pop())
    const { rows } = await db.query<{ server_version: string }>('SHOW server_version')
    const running = { db, server }
    let closing: Promise<void> | null = null
    return {
      url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      dataDir,
      serverVersion: rows[0]?.server_version ?? 'unknown',
      created,
      close() {
        closing ??= (async () => {
          await running.server.stop()
          await running.db.close()
          release()
        })()
        return closing
      },
    }
  } catch (error) {
    await server?.stop().catch(() => {})
    await db?.close().catch(() => {})
    release()
    throw new Error(`cannot start the embedded database in ${dataDir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
}
