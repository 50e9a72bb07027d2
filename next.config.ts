import type { NextConfig } from 'next'
import { fileURLToPath } from 'node:url'
// Validates every environment variable at build and at start: a bad value fails fast, named.
import { env } from './server/env'

const nextConfig: NextConfig = {
  distDir: env.NEXT_DIST_DIR,
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: ['pino', '@prisma/client', 'ioredis', 'prom-client', 'graphile-worker', 'tsx'],
  // Page cache: Next's file-system cache, coherent across instances through a tag log in
  // Redis (see the handler and docs/decision-caching.md).
  cacheHandler: fileURLToPath(new URL('./server/platform/next-cache-handler.ts', import.meta.url)),
  // Bounds the CDN's stale-while-revalidate window (`stale-while-revalidate = expireTime - revalidate`):
  // a shared cache may serve a stale catalog page for at most a day while it refreshes.
  expireTime: 86_400,
  experimental: {
    // Regenerated pages stay in memory (per instance); the disk keeps only the build's
    // prerendered seeds. So no instance ever serves a page file another process regenerated
    // from other data (restarts, several stores or test runs sharing one build directory).
    isrFlushToDisk: false,
  },
}

export default nextConfig
