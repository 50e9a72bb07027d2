'use client'

/**
 * The checkout page's states: the form; the waiting room while a checkout waits in line (also
 * after a refresh or in a new tab: the attempt is kept in localStorage, pending-attempt.ts);
 * the sold-out notice; and the way out of the line — to the order page when placed (in this
 * tab or another one waiting on the same ticket), or back to the form, filled in as confirmed,
 * with a word on why.
 */
import { useQueryClient } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { useEffect, useRef, useState } from 'react'
import { useTRPC } from '@/app/_trpc/client'
import type { QueuedAnswer, WaitingItem } from '@/server/waiting-room/waiting-room.schema'
import { CheckoutForm, type Fields, type FormNotice } from './checkout-form'
import { clearPendingAttempt, savePendingAttempt, usePendingAttempt, usePlacedNote } from './pending-attempt'
import { SoldOutNotice } from './sold-out-notice'
import type { LineEnd } from './use-waiting-line'
import { WaitingRoom } from './waiting-room'

type After = { kind: 'form'; notice: FormNotice; fields: Fields } | { kind: 'sold-out'; items: WaitingItem[] } | { kind: 'placed' }

export function CheckoutFlow() {
  const trpc = useTRPC()
  const router = useRouter()
  const queryClient = useQueryClient()
  const pending = usePendingAttempt()
  const placedNote = usePlacedNote()
  const [justQueued, setJustQueued] = useState<QueuedAnswer | undefined>(undefined)
  const [after, setAfter] = useState<After | null>(null)

  // Another tab waiting on the same ticket placed the order: follow it to the order page.
  const waitedOn = useRef<string | null>(null)
  useEffect(() => {
    if (pending) waitedOn.current = pending.ticket
    else if (pending === null && placedNote && placedNote.ticket === waitedOn.current) {
      waitedOn.current = null
      router.push(`/orders/${placedNote.orderId}`)
    }
  }, [pending, placedNote, router])

  if (pending === undefined) return <p className="mt-6 text-stone-500">Loading your checkout…</p>

  if (pending) {
    const onEnd = (end: LineEnd) => {
      const fields = { email: pending.input.email, shippingName: pending.input.shippingName, shippingAddress: pending.input.shippingAddress }
      if (end.kind === 'placed') {
        waitedOn.current = null // this tab goes there itself
        setAfter({ kind: 'placed' })
        router.push(`/orders/${end.orderId}`)
        return
      }
      clearPendingAttempt()
      if (end.kind === 'sold-out') {
        void queryClient.invalidateQueries({ queryKey: trpc.cart.get.queryKey() })
        setAfter({ kind: 'sold-out', items: end.items })
      } else if (end.kind === 'left') {
        setAfter({ kind: 'form', fields, notice: { tone: 'info', text: "You left the line. Your cart is unchanged: place your order whenever you're ready." } })
      } else {
        setAfter({ kind: 'form', fields, notice: { tone: 'error', text: end.message } })
      }
    }
    return <WaitingRoom key={pending.ticket} attempt={pending} initial={justQueued} onEnd={onEnd} />
  }

  if (after?.kind === 'placed') return <p role="status" className="mt-6 text-stone-600">Your order is placed. Opening it…</p>
  if (after?.kind === 'sold-out') return <SoldOutNotice items={after.items} />
  return (
    <CheckoutForm
      initialFields={after?.kind === 'form' ? after.fields : undefined}
      notice={after?.kind === 'form' ? after.notice : null}
      onQueued={(answer, attempt) => {
        setJustQueued(answer)
        setAfter(null)
        savePendingAttempt(attempt)
      }}
    />
  )
}
