/**
 * The only reader of `process.env` in the project (see the `before-stop` check).
 *
 * Every variable is parsed by zod through @t3-oss/env-nextjs, so a bad or missing value
 * fails at startup with a message naming the variable. Defaults make local use work
 * without a `.env`: the local PostgreSQL and Redis, and the project's own
 * Upstash-compatible REST gateway (server/gateway/gateway.ts) when no Upstash URL is set.
 *
 * next.config.ts imports this module, so `next build` / `next start` validate it too.
 */
import { createEnv } from '@t3-oss/env-nextjs'
import { z } from 'zod'

/** Loopback port of the local Upstash-compatible gateway when UPSTASH_REDIS_REST_URL is unset. */
export const DEFAULT_GATEWAY_PORT = 8079

/**
 * Token of the *local, loopback-only* gateway. It is not a secret: that gateway fronts a
 * trust-auth Redis on the same machine. Production sets UPSTASH_REDIS_REST_TOKEN, and the
 * schema below refuses this value whenever UPSTASH_REDIS_REST_URL points elsewhere.
 */
export const LOCAL_GATEWAY_TOKEN = 'local-gateway-token'

const port = z.coerce.number().int().min(1).max(65535)

/**
 * The local PostgreSQL and Redis used when DATABASE_URL / REDIS_URL are unset. `npm start`
 * probes them and runs the embedded database / the Redis emulation when nothing answers
 * (server/launcher/choose-services.ts); the embedded-mode test points them at closed ports.
 * Validated with the other variables below; read raw here only to build the two defaults.
 */
const localPostgresPort = process.env.LOCAL_POSTGRES_PORT || '5432'
const localRedisPort = process.env.LOCAL_REDIS_PORT || '6379'

/** What `npm start` runs embedded, as it tells its children (`STOREFRONT_EMBEDDED=database,redis`). */
const embeddedParts = z
  .string()
  .regex(/^(database|redis)(,(database|redis))?$/, 'a comma list of "database" and "redis"')
  .optional()
  .transform((value) => {
    const parts = value?.split(',') ?? []
    return { database: parts.includes('database'), redis: parts.includes('redis') }
  })

export const env = createEnv({
  server: {
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    DATABASE_URL: z
      .url()
      .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// or postgresql:// URL')
      .default(`postgresql://postgres@127.0.0.1:${localPostgresPort}/storefront`),
    /** Connections per process in the pg pool used by Prisma's driver adapter. */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /**
     * A streaming read replica of DATABASE_URL for catalog reads (server/platform/read-replica.ts);
     * unset: every read goes to the primary. Money and stock are never read from it.
     */
    DATABASE_REPLICA_URL: z
      .url()
      .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// or postgresql:// URL')
      .optional(),
    /** Replica lag (ms) past which catalog reads fall back to the primary until it catches up. */
    REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
    REDIS_URL: z
      .url()
      .refine((u) => /^rediss?:\/\//.test(u), 'must be a redis:// or rediss:// URL')
      .default(`redis://127.0.0.1:${localRedisPort}`),
    LOCAL_POSTGRES_PORT: port.default(5432),
    LOCAL_REDIS_PORT: port.default(6379),
    /** Set by `npm start` for the processes it starts: which services run embedded (server/platform/runtime-mode.ts). */
    STOREFRONT_EMBEDDED: embeddedParts,
    /** Local state of `npm start`: generated secrets and the embedded database (gitignored). */
    DATA_DIR: z.string().min(1).default('.data'),
    UPSTASH_REDIS_REST_URL: z.url().optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
    GATEWAY_PORT: port.default(DEFAULT_GATEWAY_PORT),
    /**
     * Prefix of every Redis key the app writes. Test runs nest their own prefixes under it
     * (`<prefix>test:<run>:`), so a CI run that sets its own owns every key its suites write.
     */
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[a-z0-9:_-]{1,100}$/i, 'letters, digits, ":", "_" or "-" (1-100)')
      .default('sf:'),
    PORT: port.default(3000),
    /**
     * Port of the standalone tRPC API service (`npm run api`, server/api/api-main.ts); a fleet
     * launcher starting several gives each its own (`--port` on the command line wins).
     */
    API_PORT: port.default(3001),
    /** Interface `next start` and the API service bind to (not HOSTNAME: shells and containers set that one). */
    BIND_HOST: z.string().min(1).default('127.0.0.1'),
    /** Next's build directory; the e2e suite builds into its own so it never clobbers `npm start`'s. */
    NEXT_DIST_DIR: z.string().regex(/^\.next[a-z0-9-]*$/, 'must start with .next').default('.next'),
    /**
     * Seals the shopper and admin cookies (iron-session), at least 32 characters.
     * `npm start` generates one into .data/ when unset; other entry points must set it.
     */
    SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    /** scrypt hash of the /ops admin password (`npm run admin:hash -- <password>`). */
    ADMIN_PASSWORD_HASH: z
      .string()
      .regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'must come from npm run admin:hash')
      .optional(),
    /** Bearer token for /api/metrics (Prometheus); unset → the endpoint answers 404. */
    METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
    /**
     * Where other instances reach this one (pre-warm from /ops requests every instance's pages).
     * Unset → `http://BIND_HOST:<port it listens on>` (the host name when bound to all interfaces).
     */
    OPS_INSTANCE_URL: z.url().optional(),
    // ── Who the client is (server/platform/client-identity.ts) ──────────────────────────
    /** Proxies of ours in front of the store that append the client to X-Forwarded-For (0 = none: the socket address). */
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
    /** IPs / CIDR ranges of those proxies (our edge); forwarding headers from any other peer are ignored. */
    TRUSTED_PROXY_ADDRESSES: z.string().optional(),
    /** Instead of hops: a header only our edge sets to the client address (e.g. `x-client-ip`). */
    CLIENT_ADDRESS_HEADER: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name').optional(),
    /**
     * Our edge caches' addresses (comma-separated http(s) URLs of each Varnish), purged by
     * surrogate key on every tag invalidation (server/edge/edge-purge.ts). Unset: no edge.
     */
    EDGE_PURGE_URLS: z
      .string()
      .optional()
      .transform((value) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.url({ protocol: /^https?$/, error: 'EDGE_PURGE_URLS: comma-separated http(s) URLs' }))),
    /**
     * After SIGTERM, how long a web or API process keeps serving with readiness failing before it
     * closes its listener, in ms: long enough for the edge's probes (PROBE_INTERVAL_S ×
     * PROBE_THRESHOLD, server/launcher/edge-backends.ts) or a Kubernetes endpoint update to take
     * it out of rotation, so no new request meets a closed port. Plus the 10 s in-flight grace it
     * stays within MAX_DRAIN_MS (server/health/draining.ts).
     */
    DRAIN_ANNOUNCE_MS: z.coerce.number().int().min(0).max(5_000).default(3_000),
    /** The Content-Security-Policy: enforced, or sent as Report-Only while a change is tried out. */
    CSP_MODE: z.enum(['enforce', 'report-only']).default('enforce'),
    /** Mark cookies `Secure` (set true behind HTTPS). */
    COOKIE_SECURE: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Tests only: base URL of the store the integration tests drive over HTTP. */
    TEST_STORE_URL: z.url().optional(),
    /** Tests only: the plain admin password whose hash the test store was given. */
    TEST_ADMIN_PASSWORD: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    // ── Payment worker (server/orders/worker.ts, `npm run worker`) ──────────────────────
    /** Payment jobs one worker process runs at once (graphile-worker `concurrency`). */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
    /** When set, the worker serves its own Prometheus text on this port (`/metrics`, METRICS_TOKEN). */
    WORKER_METRICS_PORT: port.optional(),
    /** A job locked longer than this belongs to a dead worker: the sweeper unlocks it for a retry. */
    WORKER_JOB_LEASE_MS: z.coerce.number().int().min(1_000).default(120_000),
    /** How often each worker process sweeps (stale locks, stuck orders). */
    SWEEPER_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
    /** An order still PENDING_PAYMENT this long after checkout, with no live job, is resolved by the sweeper. */
    ORDER_STUCK_AFTER_MS: z.coerce.number().int().min(1_000).default(600_000),
    /** Charge attempts per order for transient provider errors (timeouts, 5xx) before it fails. */
    PAYMENT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
    /** Exponential backoff between attempts: full jitter over base·2^(n-1), capped. */
    PAYMENT_RETRY_BASE_MS: z.coerce.number().int().min(0).default(1_000),
    PAYMENT_RETRY_MAX_MS: z.coerce.number().int().min(0).default(30_000),
    /** Our side's timeout on one charge request; a slower answer counts as a transient error. */
    PAYMENT_TIMEOUT_MS: z.coerce.number().int().min(10).default(5_000),
    /** Simulated provider defaults (runtime overrides live in Redis, see server/payments/payment-settings.service.ts). */
    PAYMENT_LATENCY_P50_MS: z.coerce.number().int().min(0).max(60_000).default(80),
    PAYMENT_LATENCY_P99_MS: z.coerce.number().int().min(0).max(60_000).default(1_500),
    PAYMENT_TRANSIENT_ERROR_RATE: z.coerce.number().min(0).max(1).default(0.02),
    PAYMENT_DECLINE_RATE: z.coerce.number().min(0).max(1).default(0.03),
  },
  client: {},
  experimental__runtimeEnv: {},
  emptyStringAsUndefined: true,
  // Lint and type-check tooling import modules without a real environment.
  skipValidation: process.env.SKIP_ENV_VALIDATION === '1',
})

/**
 * Environment for child processes (next, worker, test runners): the current one plus
 * overrides. Lives here so nothing else touches process.env.
 */
export function childEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides }
}

/**
 * Which connection variables the environment sets itself (defaults do not count): `npm start`
 * falls back to embedded services only for unset ones, never instead of an address you gave.
 */
export const explicitlySet = {
  DATABASE_URL: Boolean(process.env.DATABASE_URL),
  REDIS_URL: Boolean(process.env.REDIS_URL),
}

/** Where the app's Upstash clients connect: a real Upstash database, or the local gateway. */
export const upstash = resolveUpstash()

function resolveUpstash(): { url: string; token: string; local: boolean } {
  if (env.UPSTASH_REDIS_REST_URL) {
    if (!env.UPSTASH_REDIS_REST_TOKEN || env.UPSTASH_REDIS_REST_TOKEN === LOCAL_GATEWAY_TOKEN) {
      throw new Error(
        'Invalid environment variables: UPSTASH_REDIS_REST_TOKEN must be set to the database token when UPSTASH_REDIS_REST_URL is set',
      )
    }
    return { url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, local: false }
  }
  return {
    url: `http://127.0.0.1:${env.GATEWAY_PORT}`,
    token: env.UPSTASH_REDIS_REST_TOKEN ?? LOCAL_GATEWAY_TOKEN,
    local: true,
  }
}
