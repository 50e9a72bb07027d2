/** zod shapes of the ops dashboard's inputs and outputs. Limits are named constants. */
import { z } from 'zod'
import { productForEdit, productIdSchema, slugSchema } from '../catalog/catalog.schema'
import { paymentSettingsSchema } from '../payments/payment-settings.schema'
import { CATALOG_TARGETS, INSTANCE_ROLES } from './fleet-roles.schema'
import { RUNBOOK_SECTIONS, type RunbookSection } from './runbook-sections'

export { paymentSettingsPatch, paymentSettingsSchema } from '../payments/payment-settings.schema'
/** The waiting room lever and its live figures (server/waiting-room/waiting-room.schema.ts). */
export { waitingRoomFiguresSchema, waitingRoomSettingsPatch, type WaitingRoomFigures } from '../waiting-room/waiting-room.schema'

/** Products the pre-warm button may warm at once. */
export const PREWARM_MAX_PRODUCTS = 5_000
export const PREWARM_DEFAULT_PRODUCTS = 200

/**
 * Lever inputs. Names and bounds are checked by the modules that own them (platform/flags,
 * faults, ratelimit: BAD_INPUT naming the problem, nothing stored); these shapes only keep
 * out what could never be valid. Schemas stay browser-safe, so they do not import those modules.
 */
const NAME_MAX = 60
export const setFlagInput = z.object({ name: z.string().max(NAME_MAX), enabled: z.boolean() })
export const setFaultInput = z.object({ name: z.string().max(NAME_MAX), value: z.union([z.number(), z.boolean()]) })
export const setRateLimitInput = z.object({ policy: z.string().max(NAME_MAX), limit: z.number().nullable() })
export const startPrewarmInput = z.object({ topProducts: z.number().int().min(1).max(PREWARM_MAX_PRODUCTS).default(PREWARM_DEFAULT_PRODUCTS) })
/** A product id, or the slug from its page address. */
export const findProductInput = z.object({
  q: z.union([z.coerce.number().pipe(productIdSchema), slugSchema]),
})

const windowFigures = z.object({
  count: z.number(),
  rps: z.number(),
  ok: z.number(),
  client: z.number(),
  shed: z.number(),
  server: z.number(),
  serverErrorRate: z.number(),
  shedRate: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
})
const byWindow = <T extends z.ZodType>(t: T) => z.object({ '1m': t, '5m': t })
const ratio = z.object({ hits: z.number(), misses: z.number(), ratio: z.number().nullable() })
const nullableSeries = z.array(z.number().nullable())
const catalogReads = z.object({ replica: z.number(), primaryFallback: z.number(), primary: z.number() })
/** Roles as /ops shows them: an instance of an older release has none. */
const shownRole = z.enum([...INSTANCE_ROLES, 'unknown'])

export const fleetFiguresSchema = z.object({
  lastSlotStart: z.number(),
  endpoints: z.array(z.object({ endpoint: z.string(), kind: z.enum(['trpc', 'http', 'asset']), windows: byWindow(windowFigures) })),
  totals: byWindow(windowFigures),
  series: z.object({
    at: z.array(z.number()),
    rps: z.array(z.number()),
    clientRps: z.array(z.number()),
    shedRps: z.array(z.number()),
    serverRps: z.array(z.number()),
    latency: z.array(z.object({ endpoint: z.string(), p95: nullableSeries, p99: nullableSeries })),
    cacheHitRatio: z.object({ redis: nullableSeries, page: nullableSeries }),
    checkoutsPerMinute: z.array(z.number()),
  }),
  cache: byWindow(z.object({ redis: ratio, page: ratio })),
  rateLimitBlocks: z.array(z.object({ policy: z.string(), reason: z.string(), counts: byWindow(z.number()) })),
  checkouts: byWindow(z.record(z.string(), z.number())),
  instances: z.array(
    z.object({
      id: z.string(),
      lastSlotStart: z.number(),
      rps1m: z.number(),
      eventLoopP99Ms: z.number(),
      eventLoopMaxMs: z.number(),
      rssMb: z.number(),
      heapUsedMb: z.number(),
    }),
  ),
  replica: z.object({
    target: z.enum([...CATALOG_TARGETS, 'mixed', 'unknown']),
    lagMs: z.number().nullable(),
    instances: z.object({ replica: z.number(), 'primary-fallback': z.number(), none: z.number() }),
    reason: z.string().nullable(),
    lagSeries: nullableSeries,
    reads: byWindow(catalogReads),
  }),
})

const queueSample = z.object({ ready: z.number(), scheduled: z.number(), running: z.number(), failed: z.number(), oldestReadySeconds: z.number() })

export const alertSchema = z.object({
  id: z.string(),
  panel: z.enum(['latency', 'errors', 'queue', 'cache', 'instances', 'redis', 'replica']),
  reason: z.string(),
  runbook: z.enum(Object.values(RUNBOOK_SECTIONS) as [RunbookSection, ...RunbookSection[]]),
})

export const overviewSchema = z.object({
  generatedAt: z.date(),
  /** What this instance runs on; `banner` is set in embedded mode (server/platform/runtime-mode.ts). */
  runtime: z.object({ mode: z.enum(['embedded', 'services']), database: z.string(), redis: z.string(), banner: z.string().nullable() }),
  source: z.enum(['fleet', 'local']),
  redis: z.enum(['up', 'down']),
  database: z.enum(['up', 'down']),
  slotMs: z.number(),
  figures: fleetFiguresSchema,
  /** Instances that published within INSTANCE_STALE_MS, live or not. */
  instances: z.array(
    z.object({
      id: z.string(),
      role: shownRole,
      address: z.string().nullable(),
      url: z.string().nullable(),
      host: z.string(),
      pid: z.number(),
      startedAt: z.number(),
      lastSeen: z.number(),
      live: z.boolean(),
    }),
  ),
  /** Live instances per role ("2 web · 1 api · 1 worker"). */
  roles: z.record(shownRole, z.number()),
  queue: z.object({
    now: queueSample.nullable(),
    /** Who sampled `now`: the fleet's signal sampler (a worker, every slot), or this dashboard because no sampler ran. */
    sampledBy: z.enum(['fleet', 'dashboard']).nullable(),
    series: z.array(z.object({ at: z.number(), sample: queueSample })),
  }),
  orders: z.object({ lastMinute: z.number(), last5Minutes: z.number() }).nullable(),
  payments: z.object({ paid5m: z.number(), p50Ms: z.number().nullable(), p95Ms: z.number().nullable(), p99Ms: z.number().nullable() }).nullable(),
  hotSkus: z
    .array(
      z.object({
        id: z.number(),
        slug: z.string(),
        name: z.string(),
        stock: z.number(),
        priceCents: z.number(),
        currency: z.string(),
        contentVersion: z.number(),
        hot: z.boolean(),
        ordersPerMinute: z.number(),
      }),
    )
    .nullable(),
  alerts: z.array(alertSchema),
  /** The alert states the fleet's sampler recorded, one entry per slot (oldest first), for the last five minutes. */
  alertHistory: z.array(z.object({ at: z.number(), alerts: z.array(z.object({ id: z.string(), panel: z.string() })) })),
  thresholds: z.record(z.string(), z.number()),
})
export type Overview = z.infer<typeof overviewSchema>

const changed = { changedBy: z.string().nullable(), changedAt: z.date().nullable() }

export const prewarmStatusSchema = z.object({
  state: z.enum(['idle', 'running', 'done', 'failed']),
  by: z.string().nullable(),
  startedAt: z.number().nullable(),
  updatedAt: z.number().nullable(),
  topProducts: z.number().nullable(),
  targets: z.array(z.string()),
  phase: z.enum(['data', 'pages']).nullable(),
  done: z.number(),
  total: z.number(),
  result: z.object({ entries: z.number(), pages: z.number(), pagesFailed: z.number(), ms: z.number() }).nullable(),
  error: z.string().nullable(),
})
export type PrewarmStatus = z.infer<typeof prewarmStatusSchema>

export const leversSchema = z.object({
  flags: z.array(
    z.object({ name: z.string(), label: z.string(), offEffect: z.string(), enabled: z.boolean(), defaultOn: z.boolean(), ...changed }),
  ),
  faults: z.array(z.object({ name: z.string(), label: z.string(), effect: z.string(), value: z.union([z.number(), z.boolean()]), ...changed })),
  rateLimits: z.array(
    z.object({
      policy: z.string(),
      limit: z.number(),
      defaultLimit: z.number(),
      window: z.string(),
      key: z.enum(['ip', 'session']),
      failMode: z.enum(['open', 'closed']),
      scope: z.string(),
      ...changed,
    }),
  ),
  payments: paymentSettingsSchema,
  /** Admin sessions neither ended nor expired (the "sign out everywhere" lever). */
  adminSessions: z.object({ open: z.number().int().nonnegative() }),
  /** `fallback`: Redis did not answer; flags, limits and the waiting room show the last values this instance read (defaults if it never read them). */
  settingsSource: z.enum(['redis', 'fallback']),
})
export type Levers = z.infer<typeof leversSchema>

/** What the editor loads (from the primary database): content, `contentVersion`, live stock. */
export const findProductOutput = productForEdit

export const signOutEverywhereOutput = z.object({ ended: z.number().int().nonnegative() })
