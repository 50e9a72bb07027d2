/**
 * The offline migration path end to end, on a fresh database of its own: migrate() applies
 * prisma/migrations and records them as Prisma Migrate would, the hand-written CHECK
 * constraints hold, a second run is a no-op, and schema.prisma has no unmigrated changes.
 */
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { env } from '../server/env'
import { dropDatabase, withDatabase } from './ensure-database'
import { migrate } from './migrate'
import { DEFAULT_MIGRATIONS_DIR, MIGRATION_FILE, readMigrationsList, withSchemaEngine } from './schema-engine'

const INIT = '20261127000000_init'
const url = withDatabase(env.DATABASE_URL, `sf_test_migrate_${randomBytes(4).toString('hex')}`)

interface MigrationRow {
  id: string
  checksum: string
  migration_name: string
  started_at: Date
  finished_at: Date | null
  rolled_back_at: Date | null
  applied_steps_count: number
  logs: string | null
}

let db: pg.Client | undefined
function client(): pg.Client {
  if (!db) throw new Error('not connected: the first migrate() test did not run')
  return db
}

async function migrationRows(): Promise<MigrationRow[]> {
  const { rows } = await client().query<MigrationRow>('SELECT * FROM _prisma_migrations ORDER BY started_at, id')
  return rows
}

describe('migrate()', () => {
  beforeAll(async () => {
    await dropDatabase(url) // in case a crashed run left one with this (random) name
  })

  afterAll(async () => {
    await db?.end()
    await dropDatabase(url)
  })

  it('creates the database and applies every migration, recorded as Prisma Migrate does', async () => {
    const onDisk = (await readMigrationsList()).migrationDirectories.map((m) => m.path)
    const { applied } = await migrate(url)

    expect(applied).toEqual(onDisk)
    expect(applied).toContain(INIT)

    db = new pg.Client({ connectionString: url })
    await db.connect()
    const { rows: tables } = await client().query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['Category', 'Product', '_prisma_migrations']))

    const init = (await migrationRows()).find((r) => r.migration_name === INIT)
    const sql = await readFile(join(DEFAULT_MIGRATIONS_DIR, INIT, MIGRATION_FILE), 'utf8')
    expect(init).toMatchObject({
      finished_at: expect.any(Date),
      rolled_back_at: null,
      applied_steps_count: 1,
      logs: null,
      // Same checksum as Prisma Migrate: `prisma migrate deploy` accepts this history as its own.
      checksum: createHash('sha256').update(sql).digest('hex'),
    })
  })

  it.each([
    { constraint: 'Product_stock_nonnegative', column: 'stock', value: -1 },
    { constraint: 'Product_price_nonnegative', column: 'priceCents', value: -1 },
    { constraint: 'Product_contentVersion_positive', column: 'contentVersion', value: 0 },
    { constraint: 'Product_restockSeq_nonnegative', column: 'restockSeq', value: -1 },
  ])('rejects a Product with $column = $value ($constraint)', async ({ constraint, column, value }) => {
    const { rows } = await client().query<{ id: number }>(
      `INSERT INTO "Category" (slug, name, description, "updatedAt") VALUES ($1, 'Test', '', now()) RETURNING id`,
      [`cat-${constraint.toLowerCase()}`],
    )
    const product = { slug: `p-${constraint.toLowerCase()}`, priceCents: 100, stock: 1, contentVersion: 1, restockSeq: 0, [column]: value }
    const insert = client().query(
      `INSERT INTO "Product" (slug, name, description, "priceCents", stock, "contentVersion", "restockSeq", "categoryId", "updatedAt")
       VALUES ($1, 'Test', '', $2, $3, $4, $5, $6, now())`,
      [product.slug, product.priceCents, product.stock, product.contentVersion, product.restockSeq, rows[0]?.id],
    )
    await expect(insert).rejects.toMatchObject({ code: '23514', constraint }) // check_violation
  })

  it('applies nothing on a second run and leaves _prisma_migrations untouched', async () => {
    const before = await migrationRows()
    expect(await migrate(url)).toEqual({ applied: [] })
    expect(await migrationRows()).toEqual(before)
  })

  it('has no schema.prisma changes missing a migration (CHECK constraints are not drift)', async () => {
    const pending = await withSchemaEngine({ databaseUrl: url }, (engine) => engine.diffToSql('migrations'))
    expect(pending, 'schema.prisma differs from prisma/migrations: run `npm run db:migration -- <name>`').toBeNull()
  })
})
