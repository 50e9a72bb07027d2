'use client'

import type { Overview } from '@/server/ops/ops.schema'
import { Panel } from './panel'
import { PALETTE, TimeChart } from './time-chart'

/** The five live charts of the last five minutes, one point per slot. */
export function OverviewCharts({ overview }: { overview: Overview }) {
  const { series } = overview.figures
  const alertsOf = (panel: Overview['alerts'][number]['panel']) => overview.alerts.filter((a) => a.panel === panel)
  const queueAt = overview.queue.series.map((q) => q.at)
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Panel title="Traffic (requests/s)" testId="panel-traffic">
        <TimeChart
          at={series.at}
          unit="req/s"
          series={[
            { label: 'all', values: series.rps, color: PALETTE[1]! },
            { label: 'orders placed/s', values: series.checkoutsPerMinute.map((n) => Math.round((n / 60) * 100) / 100), color: PALETTE[2]! },
          ]}
          testId="chart-traffic"
        />
      </Panel>
      <Panel title="p95 / p99 latency by endpoint" alerts={alertsOf('latency')} testId="panel-latency">
        <TimeChart
          at={series.at}
          unit="ms"
          series={series.latency.flatMap((line, i) => [
            { label: `${line.endpoint} p99`, values: line.p99, color: PALETTE[i % PALETTE.length]! },
            { label: 'p95', values: line.p95, color: PALETTE[i % PALETTE.length]!, dash: true },
          ])}
          testId="chart-latency"
        />
      </Panel>
      <Panel title="Errors (per second)" alerts={alertsOf('errors')} testId="panel-errors">
        <TimeChart
          at={series.at}
          unit="req/s"
          series={[
            { label: 'unexpected 5xx', values: series.serverRps, color: '#dc2626' },
            { label: 'shed 429/503', values: series.shedRps, color: '#d97706' },
            { label: 'client 4xx', values: series.clientRps, color: '#78716c' },
          ]}
          testId="chart-errors"
        />
      </Panel>
      <Panel title="Payment queue" alerts={alertsOf('queue')} testId="panel-queue">
        <TimeChart
          at={queueAt}
          unit="jobs, seconds"
          series={[
            { label: 'ready jobs', values: overview.queue.series.map((q) => q.sample.ready), color: PALETTE[0]! },
            { label: 'oldest wait (s)', values: overview.queue.series.map((q) => q.sample.oldestReadySeconds), color: PALETTE[3]! },
            { label: 'running', values: overview.queue.series.map((q) => q.sample.running), color: PALETTE[2]! },
          ]}
          testId="chart-queue"
        />
      </Panel>
      <Panel title="Cache hit ratio" alerts={alertsOf('cache')} testId="panel-cache">
        <TimeChart
          at={series.at}
          unit="%"
          series={[
            { label: 'Redis data cache', values: series.cacheHitRatio.redis.map((r) => (r === null ? null : r * 100)), color: PALETTE[1]! },
            { label: 'page cache', values: series.cacheHitRatio.page.map((r) => (r === null ? null : r * 100)), color: PALETTE[0]! },
          ]}
          testId="chart-cache"
        />
      </Panel>
      <RateLimitBlocks overview={overview} />
    </div>
  )
}

function RateLimitBlocks({ overview }: { overview: Overview }) {
  const { rateLimitBlocks, checkouts } = overview.figures
  return (
    <Panel title="Rate-limit blocks and checkouts (5 min)" testId="panel-blocks">
      <table className="w-full text-sm">
        <tbody>
          {rateLimitBlocks.length === 0 && (
            <tr>
              <td className="text-stone-500">No requests blocked by a rate limit.</td>
            </tr>
          )}
          {rateLimitBlocks.map((b) => (
            <tr key={`${b.policy}:${b.reason}`}>
              <td className="py-0.5 font-medium">{b.policy}</td>
              <td className="text-stone-600">{b.reason === 'limit' ? 'over the limit' : 'limiter unavailable (fail closed)'}</td>
              <td className="text-right tabular-nums">{b.counts['5m']}</td>
            </tr>
          ))}
          {Object.entries(checkouts['5m']).map(([result, n]) => (
            <tr key={result}>
              <td className="py-0.5 font-medium">checkout</td>
              <td className="text-stone-600">{result.replaceAll('_', ' ')}</td>
              <td className="text-right tabular-nums">{n}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  )
}
