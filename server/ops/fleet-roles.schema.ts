/**
 * The names an instance's published records use for its role and its read-replica target
 * (metrics-snapshot.ts). Browser-safe (zod only): the dashboard's schema uses them too.
 */
import { z } from 'zod'

/** What a process does: serves pages (`next start`), serves tRPC (the API service), or runs payment jobs. */
export const INSTANCE_ROLES = ['web', 'api', 'worker'] as const
export type InstanceRole = (typeof INSTANCE_ROLES)[number]
export const instanceRoleSchema = z.enum(INSTANCE_ROLES)

/**
 * Where this process's catalog reads go: the replica, the primary because the replica lags or
 * does not answer (`primary-fallback`), or the primary because no replica is configured (`none`).
 */
export const CATALOG_TARGETS = ['replica', 'primary-fallback', 'none'] as const
export type CatalogTarget = (typeof CATALOG_TARGETS)[number]

/** Longest reason text a snapshot carries (a driver's error message can be long; it is cut, never rejected). */
export const REPLICA_REASON_MAX = 500

/** The read replica as one instance saw it when its slot closed. */
export const replicaSlotSchema = z.object({
  target: z.enum(CATALOG_TARGETS),
  /** Last measured replay lag (ms); null when not measured or unreachable. */
  lagMs: z.number().nullable(),
  /** Why reads go to the primary, when they do. */
  reason: z.string().max(REPLICA_REASON_MAX).nullable(),
})
export type ReplicaSlot = z.infer<typeof replicaSlotSchema>
