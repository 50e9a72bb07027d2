/**
 * The readiness check's one statement: `SELECT 1` on the process's own pool, so a ready
 * answer means this process can get a connection and a reply from PostgreSQL now.
 * (Only *.repo.ts files import the database.)
 */
import { pool } from '../platform/db'

/**
 * Resolves when PostgreSQL answered `SELECT 1` through the app's pool; rejects with the
 * driver's error (e.g. ECONNREFUSED) otherwise. Unbounded here: the caller bounds it.
 */
export async function selectOne(): Promise<void> {
  await pool.query('SELECT 1')
}
