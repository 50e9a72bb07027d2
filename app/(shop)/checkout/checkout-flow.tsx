'use client'

/**
 * The checkout page's states: the form; the waiting room while a checkout waits in line (also
 * after a refresh or in a new tab: the attempt is kept in localStorage, pending-attempt.ts);
 * the sold-out notice; and the way out of the line — to the order page when placed (in this
 * tab or another one waiting on the same ticket), or back to the form, filled in as confirmed,
 * with a word on why (also when the wait ended in another tab: "You left the line in another
 * tab", never a silent reset).
 */
import { useQueryClient } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { useEffect, useRef, useState } from 'react'
import { useTRPC } from '@/app/_trpc/client'
import type { QueuedAnswer, WaitingItem } from '@/server/waiting-room/waiting-room.schema'
import { CheckoutForm, type Fields, type FormNotice } from './checkout-form'
import { noteLineEnded, savePendingAttempt, useEndedNote, usePendingAttempt, usePlacedNote, type PendingAttempt } from './pending-attempt'
import { SoldOutNotice } from './sold-out-notice'
import type { LineEnd } from './use-waiting-line'
import { WaitingRoom } from './waiting-room'

type After = { kind: 'form'; notice: FormNotice; fields: Fields } | { kind: 'sold-out'; items: WaitingItem[] } | { kind: 'placed' }

export const LEFT_IN_ANOTHER_TAB = 'You left the line in another tab. Your cart is unchanged: place your order to join the line again.'
export const ENDED_IN_ANOTHER_TAB = 'Your wait in line ended in another tab. Your cart is unchanged: place your order to join the line again.'

const fieldsOf = (attempt: PendingAttempt): Fields => ({
  email: attempt.input.email,
  shippingName: attempt.input.shippingName,
  shippingAddress: attempt.input.shippingAddress,
})

export function CheckoutFlow() {
  const trpc = useTRPC()
  const router = useRouter()
  const queryClient = useQueryClient()
  const pending = usePendingAttempt()
  const placedNote = usePlacedNote()
  const endedNote = useEndedNote()
  const [justQueued, setJustQueued] = useState<QueuedAnswer | undefined>(undefined)
  const [after, setAfter] = useState<After | null>(null)

  // The wait this tab showed ended in another tab: placed → follow it to the order page;
  // otherwise say what happened, with the form filled in as confirmed (placing it rejoins).
  const waitedOn = useRef<PendingAttempt | null>(null)
  useEffect(() => {
    if (pending) {
      waitedOn.current = pending
      return
    }
    const was = waitedOn.current
    if (pending !== null || !was) return
    waitedOn.current = null
    if (placedNote && placedNote.ticket === was.ticket) {
      router.push(`/orders/${placedNote.orderId}`)
      return
    }
    const note = endedNote && endedNote.ticket === was.ticket ? endedNote : null
    if (note?.kind === 'sold-out') {
      setAfter({ kind: 'sold-out', items: was.input.lines.map((l) => ({ productId: l.productId, name: was.lineInfo[String(l.productId)]?.name ?? 'An item', available: false })) })
    } else if (note?.kind === 'refused' && note.message) {
      setAfter({ kind: 'form', fields: fieldsOf(was), notice: { tone: 'error', text: note.message } })
    } else {
      setAfter({ kind: 'form', fields: fieldsOf(was), notice: { tone: 'info', text: note?.kind === 'left' ? LEFT_IN_ANOTHER_TAB : ENDED_IN_ANOTHER_TAB } })
    }
  }, [pending, placedNote, endedNote, router])

  if (pending === undefined) return <p className="mt-6 text-stone-500">Loading your checkout…</p>

  if (pending) {
    const onEnd = (end: LineEnd) => {
      const fields = fieldsOf(pending)
      waitedOn.current = null // this tab shows the end itself
      if (end.kind === 'placed') {
        setAfter({ kind: 'placed' })
        router.push(`/orders/${end.orderId}`)
        return
      }
      noteLineEnded(pending.ticket, end.kind === 'refused' ? { kind: 'refused', message: end.message } : { kind: end.kind })
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
      // A new notice (e.g. the wait ended in another tab, told after the form first showed) fills the form in anew.
      key={after?.kind === 'form' ? `after:${after.notice.text}` : 'new'}
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
