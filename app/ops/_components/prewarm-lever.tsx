'use client'

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { friendlyError } from '@/app/_components/error-message'
import { useTRPC } from '@/app/_trpc/client'
import { PREWARM_DEFAULT_PRODUCTS, PREWARM_MAX_PRODUCTS } from '@/server/ops/ops.schema'
import { formatAgo, formatCount } from './format'
import { Panel } from './panel'
import { RUNBOOK_SECTIONS, runbookHref } from '@/server/ops/runbook-sections'

const RUNNING_REFRESH_MS = 500
const IDLE_REFRESH_MS = 10_000

/** "Pre-warm caches": Redis data and every live instance's page cache, with progress and the result. */
export function PrewarmLever() {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const [top, setTop] = useState(String(PREWARM_DEFAULT_PRODUCTS))
  const status = useQuery({
    ...trpc.ops.prewarmStatus.queryOptions(),
    refetchInterval: (q) => (q.state.data?.state === 'running' ? RUNNING_REFRESH_MS : IDLE_REFRESH_MS),
  })
  const start = useMutation(
    trpc.ops.startPrewarm.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.ops.prewarmStatus.queryKey() }) }),
  )
  const s = status.data
  const pct = s && s.total > 0 ? Math.round((s.done / s.total) * 100) : 0
  return (
    <Panel title="Pre-warm caches" testId="lever-prewarm" aside={<a href={runbookHref(RUNBOOK_SECTIONS.dayBefore)} className="text-xs underline">runbook</a>}>
      <form
        className="flex flex-wrap items-end gap-2 text-sm"
        onSubmit={(e) => {
          e.preventDefault()
          start.mutate({ topProducts: Number(top) })
        }}
      >
        <label className="flex flex-col gap-1 font-medium">
          Top products
          <input value={top} onChange={(e) => setTop(e.target.value)} inputMode="numeric" max={PREWARM_MAX_PRODUCTS} className="w-28 rounded-lg border border-stone-300 px-2 py-1" data-testid="prewarm-top" />
        </label>
        <button
          type="submit"
          disabled={start.isPending || s?.state === 'running'}
          className="rounded-lg bg-brand-600 px-3 py-1.5 font-semibold text-white disabled:opacity-50"
          data-testid="prewarm-start"
        >
          Pre-warm caches
        </button>
      </form>
      {start.isError && <p className="mt-2 text-sm text-red-700" role="alert">{friendlyError(start.error)}</p>}
      {s && s.state !== 'idle' && (
        <div className="mt-3 text-sm" data-testid="prewarm-status" data-state={s.state}>
          <div className="h-2 overflow-hidden rounded-full bg-stone-200">
            <div className={`h-full ${s.state === 'failed' ? 'bg-red-600' : 'bg-emerald-600'}`} style={{ width: `${s.state === 'done' ? 100 : pct}%` }} />
          </div>
          <p className="mt-1 text-stone-600">
            {s.state === 'running' && `${s.phase === 'pages' ? 'Requesting pages' : 'Loading data into Redis'}: ${s.done}/${s.total}`}
            {s.state === 'done' && s.result &&
              `Done in ${(s.result.ms / 1000).toFixed(1)} s: ${formatCount(s.result.entries)} Redis entries, ${formatCount(s.result.pages)} pages on ${s.targets.length} instance${s.targets.length === 1 ? '' : 's'}${s.result.pagesFailed ? `, ${s.result.pagesFailed} pages failed` : ''}.`}
            {s.state === 'failed' && `Failed: ${s.error}`} {s.by && `(started by ${s.by} ${formatAgo(s.startedAt)})`}
          </p>
        </div>
      )}
    </Panel>
  )
}
