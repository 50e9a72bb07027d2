'use client'

import { useQuery } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { useEffect, useState } from 'react'
import { errorData } from '@/app/_components/error-message'
import { useTRPC } from '@/app/_trpc/client'
import { AlertHistory } from './alert-history'
import { EndpointsTable } from './endpoints-table'
import { HotSkusTable } from './hot-skus-table'
import { InstancesTable } from './instances-table'
import { Levers } from './levers'
import { OpsHeader } from './ops-header'
import { OverviewCharts } from './overview-charts'
import { OverviewStats } from './overview-stats'
import { ProductEditor } from './product-editor'
import { ReplicaPanel } from './replica-panel'
import { WaitingRoomPanel } from './waiting-room-panel'

/** How often the dashboard refreshes (the server caches its overview 2 s). */
export const REFRESH_MS = 2_000

/** /ops: live figures of the whole fleet, the alerts they raise, and the levers. */
export function OpsDashboard({ adminName }: { adminName: string }) {
  const trpc = useTRPC()
  const [editing, setEditing] = useState<string | null>(null)
  const router = useRouter()
  const overview = useQuery({ ...trpc.ops.overview.queryOptions(), refetchInterval: REFRESH_MS, retry: false, staleTime: 0 })
  const expired = overview.isError && errorData(overview.error).code === 'UNAUTHORIZED'
  useEffect(() => {
    // The session expired (or was logged out elsewhere): back to the login page.
    if (expired) router.replace('/ops/login')
  }, [expired, router])
  const data = overview.data
  return (
    <div className="flex flex-col gap-4" data-testid="ops-dashboard">
      <OpsHeader adminName={adminName} overview={data} failing={overview.isError} />
      {!data ? (
        <p className="text-stone-500" data-testid="ops-loading">
          {overview.isError ? 'The dashboard cannot reach the server; retrying…' : 'Loading figures…'}
        </p>
      ) : (
        <>
          <OverviewStats overview={data} />
          <OverviewCharts overview={data} />
          <WaitingRoomPanel />
          <EndpointsTable overview={data} />
          <div className="grid gap-4 lg:grid-cols-2">
            <HotSkusTable overview={data} onEdit={(id) => setEditing(String(id))} />
            <ProductEditor selected={editing} onSelect={setEditing} />
          </div>
          <InstancesTable overview={data} />
          <div className="grid gap-4 lg:grid-cols-2">
            <ReplicaPanel overview={data} />
            <AlertHistory overview={data} />
          </div>
        </>
      )}
      <Levers />
    </div>
  )
}
