/**
 * The runbook sections the dashboard links to (docs/RUNBOOK.md, served at /ops/runbook).
 * Alerts and lever panels name their section here; a test checks every one is a heading of
 * the runbook, so no link on /ops ever points nowhere. Browser-safe: constants only.
 */
export const RUNBOOK_SECTIONS = {
  dayBefore: 'day-before-checklist',
  p99: 'p99-latency',
  errorRate: 'error-rate',
  shedding: 'shedding',
  queueDepth: 'queue-depth',
  queueAge: 'queue-age',
  cacheHitRatio: 'cache-hit-ratio',
  eventLoop: 'event-loop-lag',
  redisDown: 'redis-down',
  replicaLag: 'replica-lag',
  featureOff: 'turn-a-feature-off',
  shedLoad: 'shed-load',
  waitingRoom: 'waiting-room',
  waitingRoomStalled: 'line-stalled',
  waitingRoomAbandon: 'abandon-rate-high',
  payments: 'payments-slow-or-failing',
  drills: 'drills',
  editProduct: 'edit-a-product-mid-sale',
  rollBack: 'roll-back',
  adminSessions: 'admin-sessions',
  firstFiveMinutes: 'the-first-five-minutes-of-an-incident',
} as const

export type RunbookSection = (typeof RUNBOOK_SECTIONS)[keyof typeof RUNBOOK_SECTIONS]

/** Heading text → anchor, the way GitHub makes them, so a link works on /ops/runbook and on GitHub alike. */
export function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s/g, '-')
}

export const runbookHref = (section: RunbookSection) => `/ops/runbook#${section}`
