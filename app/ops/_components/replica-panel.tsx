'use client'

import type { Overview } from '@/server/ops/ops.schema'
import { formatCount, formatMs } from './format'
import { Panel } from './panel'
import { PALETTE, TimeChart } from './time-chart'

type Replica = Overview['figures']['replica']

/** What the fleet's catalog reads go to, in words an operator acts on. */
export function targetLabel(r: Replica): string {
  switch (r.target) {
    case 'replica':
      return 'Catalog reads go to the read replica'
    case 'primary-fallback':
      return 'Catalog reads fell back to the primary (replica lags or does not answer)'
    case 'none':
      return 'No replica configured: catalog reads go to the primary'
    case 'mixed':
      return `Mixed: ${r.instances.replica} on the replica, ${r.instances['primary-fallback']} fell back to the primary, ${r.instances.none} without a replica`
    case 'unknown':
      return 'No web or API instance has reported a replica state yet'
  }
}

/**
 * The read replica across the fleet (lag as the web and API instances measure it, from their
 * published snapshots): the lag now, a chart of the last five minutes, where catalog reads go
 * and how many went where. "No replica configured" when none is.
 */
export function ReplicaPanel({ overview }: { overview: Overview }) {
  const r = overview.figures.replica
  const alerts = overview.alerts.filter((a) => a.panel === 'replica')
  const configured = r.target !== 'none' && r.target !== 'unknown'
  return (
    <Panel
      title="Read replica"
      alerts={alerts}
      testId="panel-replica"
      aside={
        configured ? (
          <span className="text-sm font-semibold tabular-nums" data-testid="replica-lag">
            lag {formatMs(r.lagMs)}
          </span>
        ) : undefined
      }
    >
      <p className={`text-sm font-medium ${r.target === 'replica' || r.target === 'none' ? 'text-stone-700' : 'text-amber-800'}`} data-testid="replica-target" data-target={r.target}>
        {targetLabel(r)}
      </p>
      {r.reason && <p className="text-xs text-stone-500">{r.reason}</p>}
      {configured && (
        <TimeChart
          at={overview.figures.series.at}
          unit="ms"
          series={[
            { label: 'replica lag (max over instances)', values: r.lagSeries, color: PALETTE[3]! },
            { label: 'threshold', values: r.lagSeries.map(() => overview.thresholds.replicaLagMs ?? null), color: '#dc2626', dash: true },
          ]}
          testId="chart-replica-lag"
        />
      )}
      <table className="mt-2 w-full text-sm tabular-nums" data-testid="replica-reads">
        <thead className="text-left text-xs uppercase text-stone-500">
          <tr>
            <th className="py-1">Catalog reads</th>
            <th className="text-right">1 min</th>
            <th className="text-right">5 min</th>
          </tr>
        </thead>
        <tbody>
          {(
            [
              ['replica', 'replica'],
              ['primary (fallback)', 'primaryFallback'],
              ['primary (no replica)', 'primary'],
            ] as const
          ).map(([label, field]) => (
            <tr key={field} className="border-t border-stone-100">
              <td className="py-0.5">{label}</td>
              <td className="text-right">{formatCount(r.reads['1m'][field])}</td>
              <td className="text-right">{formatCount(r.reads['5m'][field])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  )
}
