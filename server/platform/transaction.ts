/**
 * The unit of work: a service decides where a transaction begins and ends, and passes its
 * client to the repositories, which hold every statement. Services import this module, never
 * db.ts (the boundary rule in .dependency-cruiser.cjs).
 */
import type pg from 'pg'
import { pool } from './db'

/** A connection inside a transaction, handed by {@link withTransaction} to repositories. */
export type DbClient = pg.PoolClient

/**
 * Runs `fn` inside BEGIN … COMMIT on one pooled connection, rolling back on any error.
 * Used by the hot paths that speak raw SQL (checkout, stock release).
 */
export async function withTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}

/** The PostgreSQL error code of `error` (e.g. '23505' unique violation), if it is one. */
export function pgErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined
}

