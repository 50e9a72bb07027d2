import type { Overview } from '@/server/ops/ops.schema'
import { formatAgo, formatMs, formatRate, formatUptime } from './format'
import { Panel } from './panel'

/** Roles in the order the count line shows them. */
const ROLE_ORDER = ['web', 'api', 'worker', 'unknown'] as const

/** "2 web · 1 api · 1 worker" from the live instances per role (roles with none left out; "no live instances" when empty). */
export function roleSummary(roles: Overview['roles']): string {
  const parts = ROLE_ORDER.filter((r) => (roles[r] ?? 0) > 0).map((r) => `${roles[r]} ${r}`)
  return parts.length > 0 ? parts.join(' · ') : 'no live instances'
}

/**
 * Every instance that published figures within the staleness window (INSTANCE_STALE_MS),
 * with its role, where it listens, uptime and its own figures; the live count per role on top.
 */
export function InstancesTable({ overview }: { overview: Overview }) {
  const figures = new Map(overview.figures.instances.map((i) => [i.id, i]))
  const now = overview.generatedAt.getTime()
  const instances = [...overview.instances].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.id.localeCompare(b.id))
  return (
    <Panel
      title="Instances"
      alerts={overview.alerts.filter((a) => a.panel === 'instances' || a.panel === 'redis')}
      testId="panel-instances"
      aside={
        <span className="text-sm font-semibold text-stone-700" data-testid="instance-roles">
          {roleSummary(overview.roles)}
        </span>
      }
    >
      <table className="w-full text-sm tabular-nums" data-testid="instances">
        <thead className="text-left text-xs uppercase text-stone-500">
          <tr>
            <th className="py-1">Role</th>
            <th>Address</th>
            <th>pid</th>
            <th>Up</th>
            <th>State</th>
            <th className="text-right">req/s 1m</th>
            <th className="text-right">event loop p99</th>
            <th className="text-right">RSS</th>
          </tr>
        </thead>
        <tbody>
          {instances.map((i) => {
            const f = figures.get(i.id)
            return (
              <tr key={i.id} className="border-t border-stone-100" data-testid="instance" data-role={i.role} title={i.id}>
                <td className="py-1 font-medium">{i.role}</td>
                <td className="font-mono text-xs">{i.address ?? i.host}</td>
                <td className="font-mono text-xs">{i.pid || '–'}</td>
                <td>{i.startedAt ? formatUptime(i.startedAt, now) : '–'}</td>
                <td className={i.live ? 'text-emerald-700' : 'text-stone-400'}>{i.live ? 'live' : `gone (${formatAgo(i.lastSeen, now)})`}</td>
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
