'use client'

import { useMutation } from '@tanstack/react-query'
import { friendlyError } from '@/app/_components/error-message'
import { useTRPC } from '@/app/_trpc/client'
import type { Levers } from '@/server/ops/ops.schema'
import { ChangedBy } from './changed-by'
import { Panel } from './panel'
import { useLeverRefresh } from './use-lever'
import { RUNBOOK_SECTIONS, runbookHref } from '@/server/ops/runbook-sections'

/** Feature flags: on every instance within 2 s of a click. */
export function FlagsLever({ flags }: { flags: Levers['flags'] }) {
  const trpc = useTRPC()
  const refresh = useLeverRefresh()
  const set = useMutation(trpc.ops.setFlag.mutationOptions({ onSuccess: refresh }))
  return (
    <Panel title="Feature flags" testId="lever-flags" aside={<a href={runbookHref(RUNBOOK_SECTIONS.featureOff)} className="text-xs underline">runbook</a>}>
      <ul className="flex flex-col gap-2">
        {flags.map((f) => (
          <li key={f.name} className="flex items-center justify-between gap-3">
            <div>
              <p className="font-semibold">{f.label}</p>
              <p className="text-xs text-stone-500">Off: {f.offEffect}</p>
              <ChangedBy by={f.changedBy} at={f.changedAt} />
            </div>
            <button
              type="button"
              role="switch"
              aria-checked={f.enabled}
              aria-label={f.label}
              disabled={set.isPending}
              onClick={() => set.mutate({ name: f.name, enabled: !f.enabled })}
              className={`w-16 shrink-0 rounded-full px-3 py-1 text-sm font-bold ${f.enabled ? 'bg-emerald-600 text-white' : 'bg-stone-300 text-stone-700'}`}
              data-testid={`flag-${f.name}`}
              data-enabled={f.enabled}
            >
              {f.enabled ? 'ON' : 'OFF'}
            </button>
          </li>
        ))}
      </ul>
      {set.isError && <p className="mt-2 text-sm text-red-700" role="alert">{friendlyError(set.error)}</p>}
    </Panel>
  )
}
