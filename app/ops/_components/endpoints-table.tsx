import type { Overview } from '@/server/ops/ops.schema'
import { formatCount, formatMs, formatPct, formatRate } from './format'
import { Panel } from './panel'

/** Every endpoint of the fleet: traffic, errors by class, latency percentiles (last minute, and p99 over five). */
export function EndpointsTable({ overview }: { overview: Overview }) {
  const alertsByEndpoint = new Map(overview.alerts.filter((a) => a.id.startsWith('p99:')).map((a) => [a.id.slice(4), a]))
  return (
    <Panel title="Endpoints (merged across instances)" alerts={overview.alerts.filter((a) => a.panel === 'latency')} testId="panel-endpoints">
      <div className="overflow-x-auto">
        <table className="w-full text-sm tabular-nums" data-testid="endpoints-table">
          <thead className="text-left text-xs uppercase text-stone-500">
            <tr>
              <th className="py-1 pr-2">Endpoint</th>
              <th className="px-2 text-right">req/s 1m</th>
              <th className="px-2 text-right">count 5m</th>
              <th className="px-2 text-right">5xx 1m</th>
              <th className="px-2 text-right">shed 1m</th>
              <th className="px-2 text-right">4xx 1m</th>
              <th className="px-2 text-right">p50</th>
              <th className="px-2 text-right">p95</th>
              <th className="px-2 text-right">p99</th>
              <th className="px-2 text-right">max</th>
              <th className="pl-2 text-right">p99 5m</th>
            </tr>
          </thead>
          <tbody>
            {overview.figures.endpoints.length === 0 && (
              <tr>
                <td colSpan={11} className="py-2 text-stone-500">
                  No requests in the last five minutes.
                </td>
              </tr>
            )}
            {overview.figures.endpoints.map((e) => {
              const w = e.windows['1m']
              const hot = alertsByEndpoint.has(e.endpoint)
              return (
                <tr key={e.endpoint} className={`border-t border-stone-100 ${hot ? 'bg-red-100' : ''}`} data-testid="endpoint-row" data-endpoint={e.endpoint}>
                  <td className="py-1 pr-2 font-mono text-xs">
                    {e.endpoint}
                    {e.kind === 'trpc' && <span className="ml-1 text-stone-400">tRPC</span>}
                  </td>
                  <td className="px-2 text-right">{formatRate(w.rps)}</td>
                  <td className="px-2 text-right" data-testid="endpoint-count-5m">{formatCount(e.windows['5m'].count)}</td>
                  <td className={`px-2 text-right ${w.server > 0 ? 'font-bold text-red-700' : ''}`}>{w.server ? `${w.server} (${formatPct(w.serverErrorRate)})` : '0'}</td>
                  <td className={`px-2 text-right ${w.shed > 0 ? 'text-amber-700' : ''}`}>{w.shed}</td>
                  <td className="px-2 text-right text-stone-500">{w.client}</td>
                  <td className="px-2 text-right">{w.count ? formatMs(w.p50Ms) : '–'}</td>
                  <td className="px-2 text-right">{w.count ? formatMs(w.p95Ms) : '–'}</td>
                  <td className={`px-2 text-right ${hot ? 'font-bold text-red-700' : ''}`}>{w.count ? formatMs(w.p99Ms) : '–'}</td>
                  <td className="px-2 text-right">{w.count ? formatMs(w.maxMs) : '–'}</td>
                  <td className="pl-2 text-right">{formatMs(e.windows['5m'].p99Ms)}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </Panel>
  )
}
