import type { Overview } from '@/server/ops/ops.schema'
import { formatAgo, formatMs, formatRate } from './format'
import { Panel } from './panel'

/** Every instance that published figures in the last five minutes. */
export function InstancesTable({ overview }: { overview: Overview }) {
  const figures = new Map(overview.figures.instances.map((i) => [i.id, i]))
  return (
    <Panel title="Instances" alerts={overview.alerts.filter((a) => a.panel === 'instances' || a.panel === 'redis')} testId="panel-instances">
      <table className="w-full text-sm tabular-nums" data-testid="instances">
        <thead className="text-left text-xs uppercase text-stone-500">
          <tr>
            <th className="py-1">Instance</th>
            <th>URL</th>
            <th>State</th>
            <th className="text-right">req/s 1m</th>
            <th className="text-right">event loop p99</th>
            <th className="text-right">memory</th>
          </tr>
        </thead>
        <tbody>
          {overview.instances.map((i) => {
            const f = figures.get(i.id)
            return (
              <tr key={i.id} className="border-t border-stone-100" data-testid="instance">
                <td className="py-1 font-mono text-xs">{i.id}</td>
                <td className="font-mono text-xs">{i.url ?? '–'}</td>
                <td className={i.live ? 'text-emerald-700' : 'text-stone-400'}>{i.live ? 'live' : `gone (${formatAgo(i.lastSeen)})`}</td>
                <td className="text-right">{f ? formatRate(f.rps1m) : '–'}</td>
                <td className="text-right">{f ? formatMs(f.eventLoopP99Ms) : '–'}</td>
                <td className="text-right">{f ? `${f.rssMb} MB` : '–'}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </Panel>
  )
}
