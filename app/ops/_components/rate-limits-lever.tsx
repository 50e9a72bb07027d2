'use client'

import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { friendlyError } from '@/app/_components/error-message'
import { useTRPC } from '@/app/_trpc/client'
import type { Levers } from '@/server/ops/ops.schema'
import { ChangedBy } from './changed-by'
import { Panel } from './panel'
import { useLeverRefresh } from './use-lever'
import { RUNBOOK_SECTIONS, runbookHref } from '@/server/ops/runbook-sections'

type Policy = Levers['rateLimits'][number]

/** Rate-limit policies: lower a limit to shed load, raise it to let more through; reset restores the default. */
export function RateLimitsLever({ policies }: { policies: Levers['rateLimits'] }) {
  return (
    <Panel title="Rate limits" testId="lever-rate-limits" aside={<a href={runbookHref(RUNBOOK_SECTIONS.shedLoad)} className="text-xs underline">runbook</a>}>
      <ul className="flex flex-col gap-3">
        {policies.map((p) => (
          <PolicyRow key={p.policy} policy={p} />
        ))}
      </ul>
    </Panel>
  )
}

function PolicyRow({ policy }: { policy: Policy }) {
  const trpc = useTRPC()
  const refresh = useLeverRefresh()
  const [limit, setLimit] = useState(String(policy.limit))
  const set = useMutation(trpc.ops.setRateLimit.mutationOptions({ onSuccess: refresh }))
  return (
    <li>
      <form
        className="flex flex-wrap items-center gap-2 text-sm"
        onSubmit={(e) => {
          e.preventDefault()
          set.mutate({ policy: policy.policy, limit: Number(limit) })
        }}
      >
        <span className="w-32 font-semibold">{policy.policy}</span>
        <input value={limit} onChange={(e) => setLimit(e.target.value)} inputMode="numeric" className="w-24 rounded-lg border border-stone-300 px-2 py-1" data-testid={`limit-${policy.policy}`} />
        <span className="text-stone-500">
          per {policy.window} per {policy.key} · fail {policy.failMode} · default {policy.defaultLimit}
        </span>
        <button type="submit" className="rounded-lg border border-stone-300 px-2 py-1 font-semibold" data-testid={`limit-${policy.policy}-save`}>
          Set
        </button>
        {policy.changedBy && (
          <button type="button" onClick={() => set.mutate({ policy: policy.policy, limit: null })} className="text-xs underline">
            reset
          </button>
        )}
        <ChangedBy by={policy.changedBy} at={policy.changedAt} />
        <span className="basis-full pl-1 text-xs text-stone-500" data-testid={`scope-${policy.policy}`}>
          counts {policy.scope}
        </span>
      </form>
      {set.isError && <p className="text-sm text-red-700" role="alert">{friendlyError(set.error)}</p>}
    </li>
  )
}
