/**
 * `npm run bench:edge`: only the edge pair of `npm run bench` (bench/edge-page.ts), on a fresh
 * database and store: a cached product page through Varnish ÷ plain node:http with the same bytes.
 */
import pg from 'pg'
import { testSecrets } from '../server/launcher/local-secrets'
import { DEFAULT_PRODUCT_COUNT } from '../prisma/seed-data'
import { openScratchWorld } from '../testing/test-services'
import { ensureTestBuild, startStore } from '../testing/test-store'
import { runEdgePagePair } from './edge-page'

async function hotSlug(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ slug: string }>('SELECT slug FROM "Product" WHERE hot AND active ORDER BY popularity DESC LIMIT 1')
    return rows[0]!.slug
  } finally {
    await client.end()
  }
}

async function main(): Promise<void> {
  console.error('bench: preparing a fresh database, gateway and store…')
  const world = await openScratchWorld('bench', { seedProducts: DEFAULT_PRODUCT_COUNT })
  try {
    const secrets = await testSecrets()
    const storeEnv = world.storeEnv({ ...secrets.env, LOG_LEVEL: 'error' })
    await ensureTestBuild(storeEnv)
    const store = await startStore('auto', storeEnv)
    try {
      console.log(await runEdgePagePair(store.url, `/p/${await hotSlug(world.database.url)}`))
    } finally {
      await store.stop()
    }
  } finally {
    await world.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
