/**
 * The Prisma client, created once per process at module scope, talking to PostgreSQL
 * through the `pg` driver adapter (Prisma 7 has no Rust query engine).
 * Only `<domain>.repo.ts` files and scripts under prisma/ may import it.
 */
import { PrismaPg } from '@prisma/adapter-pg'
import { env } from '../env'
import { PrismaClient } from '../generated/prisma/client'

export function createPrismaClient(connectionString: string = env.DATABASE_URL, max = env.DATABASE_POOL_SIZE) {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) })
}

const globalForPrisma = globalThis as unknown as { __prisma?: PrismaClient }

/** Shared client; reused across Next dev hot reloads. */
export const db: PrismaClient = globalForPrisma.__prisma ?? createPrismaClient()
if (env.NODE_ENV !== 'production') globalForPrisma.__prisma = db
