import type { NextConfig } from 'next'
// Validates every environment variable at build and at start: a bad value fails fast, named.
import { env } from './server/env'

const nextConfig: NextConfig = {
  distDir: env.NEXT_DIST_DIR,
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: ['pino', '@prisma/client', 'ioredis', 'prom-client', 'graphile-worker'],
}

export default nextConfig
