import Link from 'next/link'
import type { Overview } from '@/server/ops/ops.schema'
import { formatMs, formatPct, formatRate } from './format'
import { Stat } from './panel'
import { runbookHref } from '@/server/ops/runbook-sections'

/** The leading indicators in one row, last minute; red when their threshold is crossed. */
export function OverviewStats({ overview }: { overview: Overview }) {
  const t = overview.figures.totals['1m']
  const panels = new Set(overview.alerts.map((a) => a.panel))
  const q = overview.queue.now
  const cache = overview.figures.cache['1m']
  return (
    <div className="flex flex-col gap-3">
      {overview.alerts.length > 0 && (
        <div className="rounded-xl border border-red-400 bg-red-600 px-4 py-3 text-white" role="alert" data-testid="ops-alerts">
          <p className="font-bold">
            {overview.alerts.length} threshold{overview.alerts.length === 1 ? '' : 's'} crossed
          </p>
          <ul className="mt-1 text-sm">
            {overview.alerts.map((a) => (
              <li key={a.id}>
                {a.reason} ·{' '}
                <Link href={runbookHref(a.runbook)} className="font-semibold underline">
                  what to do
                </Link>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-8" data-testid="ops-stats">
        <Stat label="Requests/s" value={formatRate(t.rps)} hint="last minute, shoppers" testId="stat-rps" />
        <Stat label="p99 latency" value={formatMs(t.p99Ms)} hint={`p95 ${formatMs(t.p95Ms)}`} alert={panels.has('latency')} testId="stat-p99" />
        <Stat label="Server errors" value={formatPct(t.serverErrorRate, 2)} hint={`${t.server} unexpected 5xx`} alert={overview.alerts.some((a) => a.id === 'server-errors')} testId="stat-errors" />
        <Stat label="Shed (429/503)" value={formatPct(t.shedRate)} hint={`${t.shed} refused on purpose`} alert={overview.alerts.some((a) => a.id === 'shedding')} testId="stat-shed" />
        <Stat label="Queue ready" value={q ? String(q.ready) : '–'} hint={q ? `oldest ${Math.round(q.oldestReadySeconds)} s · ${q.running} running` : 'unavailable'} alert={panels.has('queue')} testId="stat-queue" />
        <Stat label="Orders/min" value={overview.orders ? String(overview.orders.lastMinute) : '–'} hint={overview.orders ? `${overview.orders.last5Minutes} in 5 min` : 'database unavailable'} testId="stat-orders" />
        <Stat label="Redis hit ratio" value={formatPct(cache.redis.ratio)} hint={`page cache ${formatPct(cache.page.ratio)}`} alert={panels.has('cache')} testId="stat-cache" />
        <Stat
          label="Order → paid p95"
          value={formatMs(overview.payments?.p95Ms ?? null)}
          hint={overview.payments ? `p99 ${formatMs(overview.payments.p99Ms)} · ${overview.payments.paid5m} paid in 5 min` : 'database unavailable'}
          testId="stat-payments"
        />
      </div>
    </div>
  )
}
