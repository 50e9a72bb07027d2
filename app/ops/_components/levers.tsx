'use client'

import { useQuery } from '@tanstack/react-query'
import { useTRPC } from '@/app/_trpc/client'
import { AdminSessionsLever } from './admin-sessions-lever'
import { FaultsLever } from './faults-lever'
import { FlagsLever } from './flags-lever'
import { PaymentsLever } from './payments-lever'
import { PrewarmLever } from './prewarm-lever'
import { RateLimitsLever } from './rate-limits-lever'

const LEVERS_REFRESH_MS = 5_000

/** Everything an admin can change without a deploy. Each change names who made it and when. */
export function Levers() {
  const trpc = useTRPC()
  const levers = useQuery({ ...trpc.ops.levers.queryOptions(), refetchInterval: LEVERS_REFRESH_MS, retry: false })
  return (
    <div className="flex flex-col gap-4" data-testid="ops-levers">
      <h2 className="mt-2 text-lg font-bold">Levers</h2>
      {levers.data?.settingsSource === 'fallback' && (
        <p className="rounded-lg bg-red-100 px-3 py-2 text-sm font-medium text-red-800">
          Redis is not answering: the levers show the last values this instance read (their defaults if it never read them), and changes cannot be saved.
        </p>
      )}
      {levers.data ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <FlagsLever flags={levers.data.flags} />
          <FaultsLever faults={levers.data.faults} />
          <RateLimitsLever policies={levers.data.rateLimits} />
          <PaymentsLever settings={levers.data.payments} />
          <PrewarmLever />
          <AdminSessionsLever sessions={levers.data.adminSessions} />
        </div>
      ) : (
        <p className="text-sm text-stone-500">{levers.isError ? 'Levers are unavailable right now.' : 'Loading levers…'}</p>
      )}
    </div>
  )
}
