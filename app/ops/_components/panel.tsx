import Link from 'next/link'
import type { Overview } from '@/server/ops/ops.schema'
import { runbookHref } from '@/server/ops/runbook-sections'

/** What a panel shows of an alert: the fleet's (Overview['alerts']) or a panel's own (the waiting room's). */
type Alert = Pick<Overview['alerts'][number], 'id' | 'reason' | 'runbook'>

/**
 * A dashboard panel. Red, with the reasons and their runbook links, while any of its alerts
 * is raised; plain otherwise.
 */
export function Panel({
  title,
  alerts = [],
  children,
  testId,
  aside,
}: {
  title: string
  alerts?: Alert[]
  children: React.ReactNode
  testId?: string
  aside?: React.ReactNode
}) {
  const red = alerts.length > 0
  return (
    <section
      className={`rounded-xl border p-4 ${red ? 'border-red-400 bg-red-50' : 'border-stone-200 bg-white'}`}
      data-testid={testId}
      data-alert={red ? 'true' : 'false'}
    >
      <div className="flex items-baseline justify-between gap-2">
        <h2 className={`text-sm font-bold uppercase tracking-wide ${red ? 'text-red-800' : 'text-stone-600'}`}>{title}</h2>
        {aside}
      </div>
      {red && (
        <ul className="mt-2 flex flex-col gap-1" data-testid={testId ? `${testId}-alerts` : undefined}>
          {alerts.map((a) => (
            <li key={a.id} className="text-sm font-medium text-red-800">
              {a.reason}.{' '}
              <Link href={runbookHref(a.runbook)} className="underline">
                Runbook →
              </Link>
            </li>
          ))}
        </ul>
      )}
      <div className="mt-3">{children}</div>
    </section>
  )
}

export function Stat({ label, value, hint, alert = false, testId }: { label: string; value: string; hint?: string; alert?: boolean; testId?: string }) {
  return (
    <div className={`rounded-xl border px-4 py-3 ${alert ? 'border-red-400 bg-red-50' : 'border-stone-200 bg-white'}`} data-testid={testId}>
      <p className="text-xs font-semibold uppercase tracking-wide text-stone-500">{label}</p>
      <p className={`mt-1 text-2xl font-bold tabular-nums ${alert ? 'text-red-700' : ''}`}>{value}</p>
      {hint && <p className="text-xs text-stone-500">{hint}</p>}
    </div>
  )
}
