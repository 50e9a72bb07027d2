/**
 * The waiting room's live figures as Prometheus gauges (`storefront_fleet_waiting_room_*`),
 * added to the fleet registry (fleet-prometheus.ts) that every web and API instance exports on
 * /api/metrics. They are the same fleet-wide figures /ops shows (WaitingRoomFigures, read from
 * Redis where the line lives), so every instance exports the same values: the alert rules
 * take max() over instances, never sum() (deploy/prometheus/alerts.yml: WaitingRoomLineStalled,
 * WaitingRoomAbandonHigh). The per-process counters and the wait histogram of the room
 * (server/platform/metrics.ts) are on the app registry beside them.
 *
 * One read serves a whole scrape (the gauges share the read in flight). When it fails (Redis
 * down) the gauges are absent for that scrape rather than failing /api/metrics.
 */
import { Gauge, type Registry } from 'prom-client'
import { logger } from '../platform/logger'
import { WAITING_ROOM_MODES, type WaitingRoomFigures } from '../waiting-room/waiting-room.schema'

const log = logger.child({ module: 'waiting-room-prometheus' })

export type WaitingRoomRead = () => Promise<WaitingRoomFigures>

/**
 * `read` wrapped so that calls while a read is in flight share it, and a failure answers null
 * (logged). A scrape starts every gauge's collect() in the same tick (prom-client's
 * Registry.metrics), so one scrape makes one read and the next scrape a fresh one.
 */
export function sharedWaitingRoomRead(read: WaitingRoomRead): () => Promise<WaitingRoomFigures | null> {
  let pending: Promise<WaitingRoomFigures | null> | null = null
  return () =>
    (pending ??= read()
      .catch((error: unknown) => {
        log.warn({ err: error }, 'waiting-room figures unavailable for this scrape; their gauges are left out')
        return null
      })
      .finally(() => {
        pending = null
      }))
}

/** Registers the waiting-room gauges on `registry`, each collected from `read` at scrape time. */
export function registerWaitingRoomGauges(registry: Registry, read: () => Promise<WaitingRoomFigures | null>): void {
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, f: WaitingRoomFigures) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        // reset() alone leaves an unlabelled gauge at 0; remove() makes it absent until set.
        this.reset()
        if (labelNames.length === 0) this.remove()
        const figures = await read()
        if (figures) fill(this, figures)
      },
    })

  gauge('storefront_fleet_waiting_room_line_length', 'Shoppers waiting in the checkout line now, fleet wide', [], (g, f) => g.set(f.lineLength))
  gauge('storefront_fleet_waiting_room_admitted_per_second', 'Places admitted from the line into checkout per second over the last minute', [], (g, f) =>
    g.set(f.admittedPerSecond),
  )
  gauge(
    'storefront_fleet_waiting_room_wait_seconds',
    'Wait from first seen to admission over the last minute, by quantile (absent: nobody admitted from the line)',
    ['quantile'],
    (g, f) => {
      if (f.waitP50Ms !== null) g.set({ quantile: '0.5' }, f.waitP50Ms / 1000)
      if (f.waitP95Ms !== null) g.set({ quantile: '0.95' }, f.waitP95Ms / 1000)
    },
  )
  gauge('storefront_fleet_waiting_room_abandoned', 'Places abandoned (expired unpolled or left) over the last minute', [], (g, f) => g.set(f.abandoned))
  gauge(
    'storefront_fleet_waiting_room_abandon_rate',
    'Abandoned share of the places that ended over the last minute, 0-1 (absent: none ended)',
    [],
    (g, f) => {
      if (f.abandonRate !== null) g.set(f.abandonRate)
    },
  )
  gauge('storefront_fleet_waiting_room_mode', "The waiting room's mode set on /ops: 1 for the mode in force, 0 for the others", ['mode'], (g, f) => {
    for (const mode of WAITING_ROOM_MODES) g.set({ mode }, f.settings.mode === mode ? 1 : 0)
  })
  gauge('storefront_fleet_waiting_room_admission_rate', 'The admission rate set on /ops: checkouts per second the line lets through, fleet wide', [], (g, f) =>
    g.set(f.settings.admissionRatePerSecond),
  )
}
