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

/** Drills: make a widget slow or failing on purpose, fleet wide. */
export function FaultsLever({ faults }: { faults: Levers['faults'] }) {
  const trpc = useTRPC()
  const refresh = useLeverRefresh()
  const set = useMutation(trpc.ops.setFault.mutationOptions({ onSuccess: refresh }))
  const delay = faults.find((f) => f.name === 'reviewsDelayMs')
  const fail = faults.find((f) => f.name === 'recommendationsFail')
  const [delayMs, setDelayMs] = useState(String(delay?.value ?? 0))
  return (
    <Panel title="Fault injection (drills)" testId="lever-faults" aside={<a href={runbookHref(RUNBOOK_SECTIONS.drills)} className="text-xs underline">runbook</a>}>
      {delay && (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault()
            set.mutate({ name: 'reviewsDelayMs', value: Number(delayMs) })
          }}
        >
          <label className="flex flex-col gap-1 text-sm font-semibold">
            {delay.label} (now {String(delay.value)})
            <input value={delayMs} onChange={(e) => setDelayMs(e.target.value)} inputMode="numeric" className="w-32 rounded-lg border border-stone-300 px-2 py-1 font-normal" data-testid="fault-reviews-delay" />
          </label>
          <button type="submit" className="rounded-lg border border-stone-300 px-3 py-1 text-sm font-semibold" data-testid="fault-reviews-delay-save">
            Apply
          </button>
          <ChangedBy by={delay.changedBy} at={delay.changedAt} />
        </form>
      )}
      {fail && (
        <div className="mt-3 flex items-center justify-between gap-2">
          <div>
            <p className="text-sm font-semibold">{fail.label}</p>
            <ChangedBy by={fail.changedBy} at={fail.changedAt} />
          </div>
          <button
            type="button"
            role="switch"
            aria-checked={fail.value === true}
            onClick={() => set.mutate({ name: 'recommendationsFail', value: fail.value !== true })}
            className={`rounded-full px-3 py-1 text-sm font-bold ${fail.value === true ? 'bg-red-600 text-white' : 'bg-stone-300 text-stone-700'}`}
            data-testid="fault-recommendations-fail"
          >
            {fail.value === true ? 'FAILING' : 'normal'}
          </button>
        </div>
      )}
      {set.isError && <p className="mt-2 text-sm text-red-700" role="alert">{friendlyError(set.error)}</p>}
    </Panel>
  )
}
