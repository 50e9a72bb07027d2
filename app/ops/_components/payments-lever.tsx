'use client'

import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { friendlyError } from '@/app/_components/error-message'
import { useTRPC } from '@/app/_trpc/client'
import type { Levers } from '@/server/ops/ops.schema'
import { Panel } from './panel'
import { useLeverRefresh } from './use-lever'
import { RUNBOOK_SECTIONS, runbookHref } from '@/server/ops/runbook-sections'

type Settings = Levers['payments']
const FIELDS = [
  { name: 'latencyP50Ms', label: 'Latency p50 (ms)' },
  { name: 'latencyP99Ms', label: 'Latency p99 (ms)' },
  { name: 'transientErrorRate', label: 'Transient errors (0-1)' },
  { name: 'declineRate', label: 'Declines (0-1)' },
] as const

/** The simulated payment provider (the payments service validates; workers pick changes up within a second). */
export function PaymentsLever({ settings }: { settings: Settings }) {
  const trpc = useTRPC()
  const refresh = useLeverRefresh()
  const [values, setValues] = useState<Record<keyof Settings, string>>({
    latencyP50Ms: String(settings.latencyP50Ms),
    latencyP99Ms: String(settings.latencyP99Ms),
    transientErrorRate: String(settings.transientErrorRate),
    declineRate: String(settings.declineRate),
  })
  const save = useMutation(trpc.ops.setPaymentSettings.mutationOptions({ onSuccess: refresh }))
  const reset = useMutation(trpc.ops.resetPaymentSettings.mutationOptions({ onSuccess: refresh }))
  return (
    <Panel title="Payment provider (simulated)" testId="lever-payments" aside={<a href={runbookHref(RUNBOOK_SECTIONS.payments)} className="text-xs underline">runbook</a>}>
      <form
        className="grid grid-cols-2 gap-2 text-sm"
        onSubmit={(e) => {
          e.preventDefault()
          save.mutate(Object.fromEntries(FIELDS.map((f) => [f.name, Number(values[f.name])])) as Settings)
        }}
      >
        {FIELDS.map((f) => (
          <label key={f.name} className="flex flex-col gap-1 font-medium">
            {f.label} <span className="text-xs font-normal text-stone-500">now {settings[f.name]}</span>
            <input
              value={values[f.name]}
              onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
              inputMode="decimal"
              className="rounded-lg border border-stone-300 px-2 py-1"
              data-testid={`payments-${f.name}`}
            />
          </label>
        ))}
        <div className="col-span-2 flex gap-2">
          <button type="submit" className="rounded-lg border border-stone-300 px-3 py-1 font-semibold" data-testid="payments-save">
            Apply
          </button>
          <button type="button" onClick={() => reset.mutate()} className="rounded-lg px-3 py-1 text-xs underline">
            Reset to defaults
          </button>
        </div>
      </form>
      {(save.isError || reset.isError) && <p className="mt-2 text-sm text-red-700" role="alert">{friendlyError(save.error ?? reset.error)}</p>}
    </Panel>
  )
}
