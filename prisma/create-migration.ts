/**
 * Write a new migration from schema.prisma changes: `npm run db:migration -- <name>`.
 *
 * The offline counterpart of `prisma migrate dev --create-only` (see prisma/schema-engine.ts):
 * the engine replays prisma/migrations on a throwaway shadow database on the `DATABASE_URL`
 * server, diffs the result against schema.prisma, and the SQL lands in
 * `prisma/migrations/<UTC yyyymmddHHMMSS>_<name>/migration.sql`. Nothing is applied: review
 * the file (add what Prisma cannot express, e.g. CHECK constraints), then `npm run db:migrate`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { z } from 'zod'
import { isMainModule } from './is-main'
import { env } from '../server/env'
import { ensureDatabase } from './ensure-database'
import {
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  MIGRATION_FILE,
  MIGRATION_LOCK_CONTENT,
  MIGRATION_LOCK_FILE,
  readMigrationsList,
  withSchemaEngine,
} from './schema-engine'

const USAGE = 'usage: npm run db:migration -- <name>    (snake_case, e.g. add_product_sku)'

export const migrationNameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'a migration name is required' : 'must be a string') })
  .min(1, 'a migration name is required')
  .max(60, 'must be at most 60 characters')
  .regex(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, 'must be snake_case: lowercase letters and digits separated by single underscores, starting with a letter')

export interface CreateMigrationOptions {
  /**
   * The development database. The engine needs a connection to it (it is created if
   * missing, like `prisma migrate dev` does) but a diff only reads and writes the shadow
   * database, a throwaway one created next to it and dropped afterwards.
   */
  databaseUrl: string
  schemaPath?: string
  migrationsDir?: string
  now?: Date
}

export type CreateMigrationResult = { created: false } | { created: true; directory: string; file: string; sql: string }

/** `20261127154502` for 2026-11-27T15:45:02Z. */
export function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14)
}

/** Diff the migrations folder against schema.prisma and write the migration if there is a difference. */
export async function createMigration(name: string, options: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const parsed = migrationNameSchema.safeParse(name)
  if (!parsed.success) throw new Error(`invalid migration name ${JSON.stringify(name)}: ${parsed.error.issues[0]?.message}`)
  const { databaseUrl, schemaPath = DEFAULT_SCHEMA_PATH, migrationsDir = DEFAULT_MIGRATIONS_DIR, now = new Date() } = options

  const directory = `${migrationTimestamp(now)}_${parsed.data}`
  const latest = (await readMigrationsList(migrationsDir)).migrationDirectories.at(-1)?.path
  if (latest !== undefined && directory <= latest) {
    throw new Error(`${directory} would sort before the latest migration ${latest}: check the clock`)
  }

  await ensureDatabase(databaseUrl)
  const sql = await withSchemaEngine({ databaseUrl, schemaPath, migrationsDir }, (engine) => engine.diffToSql('migrations'))
  if (sql === null) return { created: false }

  await mkdir(migrationsDir, { recursive: true })
  const lockPath = join(migrationsDir, MIGRATION_LOCK_FILE)
  if ((await readFile(lockPath, 'utf8').catch(() => null)) === null) {
    await writeFile(lockPath, MIGRATION_LOCK_CONTENT, { flag: 'wx' })
  }
  await mkdir(join(migrationsDir, directory)) // fails if it exists: never overwrite a migration
  const file = join(migrationsDir, directory, MIGRATION_FILE)
  await writeFile(file, sql, { flag: 'wx' })
  return { created: true, directory, file, sql }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const parsed = migrationNameSchema.safeParse(args[0])
  if (!parsed.success || args.length > 1) {
    const problem = args.length > 1 ? `expected one name, got ${args.length} arguments` : parsed.error?.issues[0]?.message
    console.error(`db:migration: ${args[0] === undefined ? '' : `${JSON.stringify(args[0])}: `}${problem}\n${USAGE}`)
    process.exitCode = 2
    return
  }
  const result = await createMigration(parsed.data, { databaseUrl: env.DATABASE_URL })
  if (!result.created) {
    console.log('no schema changes: schema.prisma matches prisma/migrations, nothing written')
    return
  }
  console.log(`created ${relative(process.cwd(), result.file)}\nreview it, then apply it with: npm run db:migrate`)
}

if (isMainModule(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`db:migration failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  })
}
