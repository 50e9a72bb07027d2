'use client'

import { useMutation } from '@tanstack/react-query'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useTRPC } from '@/app/_trpc/client'
import type { Overview } from '@/server/ops/ops.schema'
import { formatAgo } from './format'
import { roleSummary } from './instances-table'

/** Title, data source (fleet or this instance alone), freshness, the admin and logout. */
export function OpsHeader({ adminName, overview, failing }: { adminName: string; overview: Overview | undefined; failing: boolean }) {
  const trpc = useTRPC()
  const router = useRouter()
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSettled: () => router.replace('/ops/login') }))
  return (
    <>
    {overview?.runtime.banner && (
      <p role="status" className="mb-3 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm font-semibold text-amber-900" data-testid="ops-runtime-banner">
        {overview.runtime.banner}
        <span className="block font-normal">Database: {overview.runtime.database} · Redis: {overview.runtime.redis}</span>
      </p>
    )}
    <header className="flex flex-wrap items-center justify-between gap-3">
      <div>
        <h1 className="text-2xl font-bold">Sale-day operations</h1>
        <p className="text-sm text-stone-600" data-testid="ops-source">
          {overview
            ? overview.source === 'fleet'
              ? `Fleet: ${roleSummary(overview.roles)} · figures to ${new Date(overview.figures.lastSlotStart + overview.slotMs).toLocaleTimeString('en-GB')} · refreshed ${formatAgo(overview.generatedAt)}`
              : 'Redis is down: this instance only'
            : '…'}
          {failing && ' · last refresh failed'}
        </p>
      </div>
      <div className="flex items-center gap-3 text-sm">
        {overview && (
          <span className="flex gap-2" data-testid="ops-dependencies">
            <Dependency name="Redis" up={overview.redis === 'up'} />
            <Dependency name="PostgreSQL" up={overview.database === 'up'} />
          </span>
        )}
        <Link href="/ops/runbook" className="font-semibold text-brand-700 underline">
          Runbook
        </Link>
        <span className="text-stone-600" data-testid="ops-admin">
          {adminName}
        </span>
        <button
          type="button"
          onClick={() => logout.mutate()}
          disabled={logout.isPending}
          className="rounded-lg border border-stone-300 bg-white px-3 py-1 font-semibold hover:bg-stone-100"
          data-testid="ops-logout"
        >
          Log out
        </button>
      </div>
    </header>
    </>
  )
}

function Dependency({ name, up }: { name: string; up: boolean }) {
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-bold ${up ? 'bg-emerald-100 text-emerald-800' : 'bg-red-600 text-white'}`} data-testid={`dependency-${name.toLowerCase()}`}>
      {name} {up ? 'up' : 'DOWN'}
    </span>
  )
}
