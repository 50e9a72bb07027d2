import type { Overview } from '@/server/ops/ops.schema'
import { Panel } from './panel'

/**
 * What the fleet's signal sampler recorded while nobody watched: for each alert that fired in
 * the last five minutes, when it first and last fired and in how many slots. Empty history
 * with no sampler running says so (the queue is then sampled by this dashboard only).
 */
export function AlertHistory({ overview }: { overview: Overview }) {
  const byId = new Map<string, { panel: string; first: number; last: number; slots: number }>()
  for (const slot of overview.alertHistory) {
    for (const a of slot.alerts) {
      const seen = byId.get(a.id)
      if (seen) {
        seen.last = slot.at
        seen.slots += 1
      } else byId.set(a.id, { panel: a.panel, first: slot.at, last: slot.at, slots: 1 })
    }
  }
  const time = (ms: number) => new Date(ms).toLocaleTimeString()
  return (
    <Panel title="Alert history (last 5 min, sampled by the fleet)" testId="panel-alert-history">
      <p className="text-xs text-stone-500" data-testid="signals-sampled-by">
        {overview.alertHistory.length === 0
          ? 'No signal sampler is recording (no worker running?): the queue below is sampled by this dashboard.'
          : `${overview.alertHistory.length} slots recorded by the fleet's sampler; queue ${overview.queue.sampledBy === 'fleet' ? 'sampled by the fleet' : 'sampled by this dashboard'}.`}
      </p>
      {byId.size === 0 ? (
        overview.alertHistory.length > 0 && <p className="mt-2 text-sm text-emerald-700">No threshold crossed in the last five minutes.</p>
      ) : (
        <ul className="mt-2 text-sm" data-testid="alert-history">
          {[...byId].map(([id, a]) => (
            <li key={id} data-testid="alert-history-item" data-alert-id={id}>
              <span className="font-semibold">{id}</span> ({a.panel}): {time(a.first)} – {time(a.last)}, {a.slots} slot{a.slots === 1 ? '' : 's'}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  )
}
