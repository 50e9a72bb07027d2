'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { friendlyError } from '@/app/_components/error-message'
import { useTRPC } from '@/app/_trpc/client'
import {
  admissionRateSchema,
  MAX_ADMISSION_RATE,
  MIN_ADMISSION_RATE,
  WAITING_ROOM_MODES,
  type WaitingRoomFigures,
  type WaitingRoomMode,
} from '@/server/waiting-room/waiting-room.schema'
import { ChangedBy } from './changed-by'

const MODE_LABELS: Record<WaitingRoomMode, { label: string; effect: string }> = {
  off: { label: 'Off', effect: 'checkout never queues; past capacity it sheds with 429/503' },
  auto: { label: 'Automatic', effect: 'checkout queues only while it is saturated' },
  on: { label: 'Always on', effect: 'every checkout goes through the line' },
}

/** The admission rate as typed, or the contract's message saying what is wrong with it. */
export function parseAdmissionRate(typed: string): { ok: true; value: number } | { ok: false; error: string } {
  const parsed = admissionRateSchema.safeParse(typed.trim() === '' ? undefined : Number(typed))
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: parsed.error.issues[0]?.message ?? 'Enter an admission rate' }
}

/**
 * The waiting room's lever: the mode (native radios: Tab reaches the group, arrow keys choose;
 * never disabled while saving, so the keyboard focus stays where it is) and the admission rate
 * (checked against the contract's bounds before it is sent; the server checks again and its
 * refusal shows here too). Either change is in force fleet wide within two seconds and is
 * recorded with the admin's name.
 */
export function WaitingRoomLever({ figures }: { figures: WaitingRoomFigures }) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const ids = useId()
  // What the admin is typing; null = not editing, the field shows the rate in force (which another admin may change).
  const [draft, setDraft] = useState<string | null>(null)
  const rate = draft ?? String(figures.settings.admissionRatePerSecond)
  const [rateError, setRateError] = useState<string | null>(null)
  const set = useMutation(
    trpc.ops.setWaitingRoom.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.ops.waitingRoom.queryKey(), next)
        setDraft(null)
      },
    }),
  )
  const errorId = `${ids}-rate-error`
  const shownError = rateError ?? (set.isError ? friendlyError(set.error) : null)

  return (
    <div className="flex flex-col gap-3 text-sm">
      <fieldset data-testid="waiting-room-mode">
        <legend className="font-semibold">Mode</legend>
        <div className="mt-1 inline-flex overflow-hidden rounded-lg border border-stone-300" role="presentation">
          {WAITING_ROOM_MODES.map((mode) => {
            const checked = figures.settings.mode === mode
            return (
              <label
                key={mode}
                className={`cursor-pointer border-r border-stone-300 px-3 py-1 font-semibold last:border-r-0 has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-[-2px] has-[:focus-visible]:outline-blue-600 ${checked ? 'bg-stone-800 text-white' : 'bg-white text-stone-700'}`}
              >
                <input
                  type="radio"
                  name={`${ids}-mode`}
                  value={mode}
                  checked={checked}
                  onChange={() => {
                    setRateError(null)
                    set.mutate({ mode })
                  }}
                  className="sr-only"
                  data-testid={`waiting-room-mode-${mode}`}
                />
                {MODE_LABELS[mode].label}
              </label>
            )
          })}
        </div>
        <p className="mt-1 text-xs text-stone-500" data-testid="waiting-room-mode-effect">
          {MODE_LABELS[figures.settings.mode].label}: {MODE_LABELS[figures.settings.mode].effect}
        </p>
      </fieldset>

      <form
        className="flex flex-wrap items-end gap-2"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          if (set.isPending) return
          const parsed = parseAdmissionRate(rate)
          if (!parsed.ok) {
            setRateError(parsed.error)
            return
          }
          setRateError(null)
          set.mutate({ admissionRatePerSecond: parsed.value })
        }}
      >
        <label className="flex flex-col gap-1 font-semibold">
          Admission rate (checkouts/s)
          <input
            type="number"
            min={MIN_ADMISSION_RATE}
            max={MAX_ADMISSION_RATE}
            step="any"
            value={rate}
            onChange={(e) => {
              setDraft(e.target.value)
              setRateError(null)
            }}
            aria-invalid={shownError !== null}
            aria-describedby={shownError ? errorId : undefined}
            className={`w-32 rounded-lg border px-2 py-1 font-normal ${shownError ? 'border-red-600' : 'border-stone-300'}`}
            data-testid="waiting-room-rate"
          />
        </label>
        <button type="submit" aria-disabled={set.isPending} className="rounded-lg border border-stone-300 px-2 py-1 font-semibold" data-testid="waiting-room-rate-save">
          Set
        </button>
        <span className="pb-1 text-xs text-stone-500">
          now {figures.settings.admissionRatePerSecond}/s · {MIN_ADMISSION_RATE} to {MAX_ADMISSION_RATE.toLocaleString('en-US')} · about 75 % of measured checkout capacity
        </span>
      </form>
      {shownError && (
        <p id={errorId} className="text-sm text-red-700" role="alert" data-testid="waiting-room-error">
          {shownError}
        </p>
      )}
      <span data-testid="waiting-room-changed-by">
        <ChangedBy by={figures.changedBy} at={figures.changedAt} />
      </span>
    </div>
  )
}
