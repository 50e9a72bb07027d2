/**
 * The steps `npm start` and `npm run fleet` share before they serve: bring the database's
 * schema up to date and seed it when empty, and build the store when its sources changed
 * since the last build. Both print what they did.
 */
import { resolve } from 'node:path'
import { env } from '../env'
import { migrate } from '../../prisma/migrate'
import { progressPrinter, seed } from '../../prisma/seed'
import { buildIsCurrent, hasBuild, sourceFingerprint, writeBuildStamp } from './build-stamp'
import { buildNext } from './next-process'

/** Migrates `databaseUrl` (creating the database if needed) and seeds the catalog when it is empty. */
export async function prepareDatabase(databaseUrl: string): Promise<void> {
  const { applied } = await migrate(databaseUrl)
  console.log(applied.length ? `migrated: ${applied.join(', ')}` : 'database schema is up to date')
  const seeded = await seed(databaseUrl, { onProgress: progressPrinter('seeding products') })
  if (seeded.productsCreated > 0) console.log(`seeded ${seeded.productsCreated} products in ${(seeded.ms / 1000).toFixed(1)} s`)
  else console.log(`catalog already seeded (${seeded.productsTotal} products)`)
}

/**
 * Builds into NEXT_DIST_DIR unless the build there was made from the same sources for the same
 * database (`databaseKey`: its URL, or the embedded data folder). `noBuild` serves what is there.
 * @throws when `noBuild` is set and there is no build, or when `next build` fails.
 */
export async function prepareBuild(databaseKey: string, childOverrides: Record<string, string | undefined>, noBuild = false): Promise<void> {
  const fingerprint = sourceFingerprint(process.cwd(), databaseKey)
  if (noBuild) {
    if (!hasBuild(env.NEXT_DIST_DIR)) throw new Error(`--no-build: there is no build in ${env.NEXT_DIST_DIR}`)
    console.log(`serving the existing build in ${env.NEXT_DIST_DIR} (--no-build)`)
  } else if (buildIsCurrent(env.NEXT_DIST_DIR, fingerprint)) {
    console.log('build is up to date')
  } else {
    console.log('building the store (next build; a few minutes on 2 cores)…')
    await buildNext(childOverrides)
    writeBuildStamp(env.NEXT_DIST_DIR, fingerprint)
  }
}

/** The key a build is stamped with for `databaseUrl`, or for the embedded database's folder. */
export function buildDatabaseKey(embedded: boolean, databaseUrl: string): string {
  return embedded ? `embedded:${resolve(env.DATA_DIR)}` : databaseUrl
}
