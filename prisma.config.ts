/**
 * Prisma CLI configuration. Only `prisma generate` uses the CLI here: migrations are
 * applied offline by prisma/migrate.ts through @prisma/schema-engine-wasm.
 */
import { defineConfig } from 'prisma/config'

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
})
