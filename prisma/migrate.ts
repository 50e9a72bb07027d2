/**
 * Apply pending migrations from prisma/migrations: `npm run db:migrate`.
 *
 * The offline equivalent of `prisma migrate deploy` (see prisma/schema-engine.ts for why):
 * creates the database if it is missing, applies every migration not yet recorded in
 * `_prisma_migrations`, and never generates or resets anything. As a script it migrates
 * `DATABASE_URL` (validated by server/env.ts) and exits non-zero on failure.
 */
import { isMainModule } from './is-main'
import { redactUrl } from '../server/platform/redact-url'
import { env } from '../server/env'
import { ensureDatabase } from './ensure-database'
import { Logger, runMigrations } from 'graphile-worker'
import { withSchemaEngine } from './schema-engine'

/** graphile-worker logs every migration step at info; keep only warnings and errors. */
const quietWorkerLogger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') console.error(`[graphile-worker] ${message}`)
})

/** Ensure the database exists and apply pending migrations; `applied` lists this run's migrations, in order. */
export async function migrate(databaseUrl: string): Promise<{ applied: string[] }> {
  await ensureDatabase(databaseUrl)
  const applied = await withSchemaEngine({ databaseUrl }, (engine) => engine.applyMigrations())
  // The job queue's own schema (graphile_worker.*), versioned and applied by the library itself.
  await runMigrations({ connectionString: databaseUrl, logger: quietWorkerLogger })
  return { applied }
}

async function main(): Promise<void> {
  const started = performance.now()
  console.log(`migrating ${redactUrl(env.DATABASE_URL)}`)
  const { applied } = await migrate(env.DATABASE_URL)
  const took = `${Math.round(performance.now() - started)} ms`
  if (applied.length === 0) {
    console.log(`database is up to date (${took})`)
  } else {
    const noun = applied.length === 1 ? 'migration' : 'migrations'
    console.log(`applied ${applied.length} ${noun}: ${applied.join(', ')} (${took})`)
  }
}

if (isMainModule(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  })
}
