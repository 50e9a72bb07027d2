/**
 * The propagation deadline: how long after an admin change commits every instance and every
 * cache layer — the edge caches included — may still show the old state. Its budget per layer
 * is written down in server/catalog/propagation.ts; it lives here so that platform code (the
 * tag log and the edge purge it drives) and the tests poll against the very same number.
 */
export const PROPAGATION_DEADLINE_MS = 2_000
