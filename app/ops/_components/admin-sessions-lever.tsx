'use client'

import { useMutation } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { friendlyError } from '@/app/_components/error-message'
import { useTRPC } from '@/app/_trpc/client'
import type { Levers } from '@/server/ops/ops.schema'
import { RUNBOOK_SECTIONS, runbookHref } from '@/server/ops/runbook-sections'
import { Panel } from './panel'

/** "Sign out everywhere": ends every admin session (this one too), e.g. after a cookie leaked. */
export function AdminSessionsLever({ sessions }: { sessions: Levers['adminSessions'] }) {
  const trpc = useTRPC()
  const router = useRouter()
  const signOut = useMutation(trpc.ops.signOutEverywhere.mutationOptions({ onSuccess: () => router.replace('/ops/login') }))
  return (
    <Panel title="Admin sessions" testId="lever-admin-sessions" aside={<a href={runbookHref(RUNBOOK_SECTIONS.adminSessions)} className="text-xs underline">runbook</a>}>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span data-testid="admin-sessions-open">
          {sessions.open} open session{sessions.open === 1 ? '' : 's'}
        </span>
        <button
          type="button"
          onClick={() => {
            if (window.confirm('End every admin session, yours included? Everyone must log in again.')) signOut.mutate()
          }}
          disabled={signOut.isPending}
          className="rounded-lg border border-red-300 bg-white px-3 py-1 font-semibold text-red-800 hover:bg-red-50"
          data-testid="admin-sign-out-everywhere"
        >
          Sign out everywhere
        </button>
      </div>
      {signOut.isError && <p className="text-sm text-red-700" role="alert">{friendlyError(signOut.error)}</p>}
    </Panel>
  )
}
