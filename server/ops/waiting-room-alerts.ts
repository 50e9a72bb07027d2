/**
 * The waiting room's two warnings, shared by the /ops panel (red with the reason and a runbook
 * link) and the Prometheus rules in deploy/prometheus/alerts.yml (WaitingRoomLineStalled,
 * WaitingRoomAbandonHigh; server/ops/alert-rules.test.ts keeps the thresholds equal).
 * Evaluated on the live figures (server/waiting-room/waiting-room.schema.ts,
 * WaitingRoomFigures: over the last FIGURES_WINDOW_MS, fleet wide). Browser-safe: constants
 * and a pure function only.
 */
import type { WaitingRoomFigures } from '../waiting-room/waiting-room.schema'
import { RUNBOOK_SECTIONS, type RunbookSection } from './runbook-sections'

export const WAITING_ROOM_THRESHOLDS = {
  /** Share of the places that ended in the window that were abandoned (expired unpolled or left). */
  abandonRate: 0.25,
  /** Below this many abandoned places in the window, the abandon rate is noise, not a signal. */
  minAbandoned: 10,
  /** Prometheus waits this long with shoppers in line and nobody admitted before it pages (the panel turns red at once). */
  stalledForSeconds: 120,
} as const

export interface WaitingRoomAlert {
  id: 'waiting-room-stalled' | 'waiting-room-abandon'
  reason: string
  runbook: RunbookSection
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`

/**
 * The warnings the figures raise now:
 *  - stalled: shoppers wait (lineLength > 0) and nobody was admitted from the line in the window;
 *  - abandon: abandonRate above WAITING_ROOM_THRESHOLDS.abandonRate with at least minAbandoned abandoned.
 * Empty when neither holds (and always when the line is empty and nobody left).
 */
export function waitingRoomAlerts(f: Pick<WaitingRoomFigures, 'lineLength' | 'admittedPerSecond' | 'abandoned' | 'abandonRate'>): WaitingRoomAlert[] {
  const alerts: WaitingRoomAlert[] = []
  if (f.lineLength > 0 && f.admittedPerSecond === 0) {
    alerts.push({
      id: 'waiting-room-stalled',
      reason: `${f.lineLength} shopper${f.lineLength === 1 ? ' is' : 's are'} waiting and nobody was admitted in the last minute`,
      runbook: RUNBOOK_SECTIONS.waitingRoomStalled,
    })
  }
  const { abandonRate, minAbandoned } = WAITING_ROOM_THRESHOLDS
  if (f.abandonRate !== null && f.abandonRate > abandonRate && f.abandoned >= minAbandoned) {
    alerts.push({
      id: 'waiting-room-abandon',
      reason: `${pct(f.abandonRate)} of the places that ended in the last minute were abandoned (${f.abandoned}; threshold ${pct(abandonRate)})`,
      runbook: RUNBOOK_SECTIONS.waitingRoomAbandon,
    })
  }
  return alerts
}
