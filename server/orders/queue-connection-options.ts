/**
 * graphile-worker options that depend on the database the worker runs on.
 *
 * On the embedded database (PGlite behind pglite-socket, server/launcher/embedded-postgres.ts)
 * every connection shares PGlite's one session, so
 *  - named prepared statements collide: the second connection to prepare graphile-worker's
 *    `get_job` fails with "prepared statement already exists" and no job is ever fetched;
 *  - a NOTIFY reaches whichever connection happens to be running when it commits, not the
 *    worker's LISTEN connection, so new jobs would only be found by polling.
 * The worker therefore sends unnamed statements and polls every {@link EMBEDDED_POLL_INTERVAL_MS}
 * (measured: docs/decision-embedded.md). On a real PostgreSQL nothing changes.
 */
import { env } from '../env'

export const EMBEDDED_POLL_INTERVAL_MS = 250

export function queueConnectionOptions(): { noPreparedStatements?: boolean; pollInterval?: number } {
  return env.STOREFRONT_EMBEDDED.database ? { noPreparedStatements: true, pollInterval: EMBEDDED_POLL_INTERVAL_MS } : {}
}
