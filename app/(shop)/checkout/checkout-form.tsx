'use client'

import { useMutation, useQueryClient } from '@tanstack/react-query'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useRef, useState } from 'react'
import { errorData, friendlyError } from '@/app/_components/error-message'
import { formatCents } from '@/server/checkout/money'
import { useCart } from '@/app/_components/use-cart'
import { useTRPC } from '@/app/_trpc/client'
import { ADDRESS_MAX, EMAIL_MAX, NAME_MAX, placeOrderInput } from '@/server/checkout/checkout.schema'
import type { QueuedAnswer } from '@/server/waiting-room/waiting-room.schema'
import type { PendingAttempt } from './pending-attempt'

export type Fields = { email: string; shippingName: string; shippingAddress: string }
const FIELD_NAMES = ['email', 'shippingName', 'shippingAddress'] as const
const EMPTY_FIELDS: Fields = { email: '', shippingName: '', shippingAddress: '' }

/** A word for the shopper above the form: why they are back at the form after waiting in line. */
export type FormNotice = { tone: 'info' | 'error'; text: string }

/**
 * The checkout form. When checkout answers QUEUED (the waiting room), it hands the attempt —
 * exactly what was confirmed, with its idempotency key — to `onQueued`, and the page shows
 * the waiting room in its place (checkout-flow.tsx).
 */
export function CheckoutForm(props: {
  initialFields?: Fields
  notice?: FormNotice | null
  onQueued: (answer: QueuedAnswer, attempt: PendingAttempt) => void
}) {
  const trpc = useTRPC()
  const router = useRouter()
  const queryClient = useQueryClient()
  const { data: cart, isLoading } = useCart()
  const [fields, setFields] = useState<Fields>(props.initialFields ?? EMPTY_FIELDS)
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<keyof Fields, string>>>({})
  // One idempotency key per checkout attempt, and an attempt is what the shopper confirms:
  // the lines, the total and the form. Resending the same (a retry after a timeout or a 503)
  // keeps the key, so the server can never place it twice; a change to any of it — a price
  // that moved, an item added, a new address — is a new attempt with a new key.
  const attempt = useRef<{ key: string; basis: string } | null>(null)
  const place = useMutation(
    trpc.checkout.placeOrder.mutationOptions({
      onSuccess: (answer) => {
        if (answer.status === 'QUEUED') return // the waiting room takes over (submit's onSuccess)
        // The server removed the bought lines from the cart: refetch it for the badge.
        void queryClient.invalidateQueries({ queryKey: trpc.cart.get.queryKey() })
        router.push(`/orders/${answer.orderId}`)
      },
      onError: (error) => {
        // Prices changed or something sold out: show the cart as it is now (new total on the button).
        const code = errorData(error).appCode
        if (code === 'CONFLICT' || code === 'SOLD_OUT' || code === 'NOT_FOUND') void queryClient.invalidateQueries({ queryKey: trpc.cart.get.queryKey() })
      },
    }),
  )

  if (isLoading) return <p className="mt-6 text-stone-500">Loading your cart…</p>
  const lines = (cart?.lines ?? []).filter((l) => l.available)
  if (!cart || lines.length === 0) {
    return (
      <>
        {props.notice && <Notice notice={props.notice} />}
        <p className="mt-6">
          Your cart is empty. <Link href="/" className="font-semibold text-brand-700 underline">Find a deal →</Link>
        </p>
      </>
    )
  }

  const update = (name: keyof Fields, value: string) => {
    setFields((f) => ({ ...f, [name]: value }))
    setFieldErrors((e) => ({ ...e, [name]: undefined }))
  }

  const submit = (e: React.FormEvent) => {
    e.preventDefault()
    const confirmed = {
      ...fields,
      lines: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      expectedTotalCents: cart.subtotalCents,
    }
    const basis = JSON.stringify(confirmed)
    if (attempt.current?.basis !== basis) attempt.current = { key: crypto.randomUUID(), basis }
    const input = { idempotencyKey: attempt.current.key, ...confirmed }
    const parsed = placeOrderInput.safeParse(input)
    if (!parsed.success) {
      const errs: Partial<Record<keyof Fields, string>> = {}
      for (const issue of parsed.error.issues) {
        const field = issue.path[0]
        if (FIELD_NAMES.includes(field as keyof Fields)) errs[field as keyof Fields] ??= issue.message
      }
      setFieldErrors(errs)
      return
    }
    const lineInfo = Object.fromEntries(lines.map((l) => [String(l.productId), { name: l.name, totalCents: l.lineTotalCents }]))
    place.mutate(parsed.data, {
      onSuccess: (answer) => {
        if (answer.status === 'QUEUED') props.onQueued(answer, { input: parsed.data, ticket: answer.ticket, lineInfo, dropped: [], savedAt: Date.now() })
      },
    })
  }

  const soldOut = errorData(place.error).appCode === 'SOLD_OUT'

  return (
    <form onSubmit={submit} noValidate className="mt-6 grid gap-8 md:grid-cols-[1fr_280px]" data-testid="checkout-form">
      <fieldset className="space-y-4" disabled={place.isPending}>
        {props.notice && !place.error && <Notice notice={props.notice} />}
        <Field label="Email" name="email" type="email" max={EMAIL_MAX} value={fields.email} error={fieldErrors.email} onChange={update} autoComplete="email" />
        <Field label="Full name" name="shippingName" max={NAME_MAX} value={fields.shippingName} error={fieldErrors.shippingName} onChange={update} autoComplete="name" />
        <Field label="Shipping address" name="shippingAddress" max={ADDRESS_MAX} value={fields.shippingAddress} error={fieldErrors.shippingAddress} onChange={update} autoComplete="street-address" multiline />
        {place.error && (
          <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800" data-testid="checkout-error">
            {friendlyError(place.error)}
            {soldOut && (
              <Link href="/cart" className="ml-2 font-semibold underline">Update your cart</Link>
            )}
          </div>
        )}
        <button
          type="submit"
          disabled={place.isPending}
          data-testid="place-order"
          className="w-full rounded-xl bg-brand-600 px-4 py-3 font-bold text-white hover:bg-brand-700 disabled:cursor-wait disabled:opacity-70"
        >
          {place.isPending ? 'Placing your order…' : `Place order · ${formatCents(cart.subtotalCents, cart.currency)}`}
        </button>
      </fieldset>
      <aside className="h-fit rounded-xl border border-stone-200 bg-white p-4 text-sm">
        <h2 className="font-bold">Order summary</h2>
        <ul className="mt-3 space-y-2">
          {lines.map((l) => (
            <li key={l.productId} className="flex justify-between gap-2">
              <span>{l.quantity} × {l.name}</span>
              <span className="font-medium">{formatCents(l.lineTotalCents, l.currency)}</span>
            </li>
          ))}
        </ul>
        <div className="mt-3 flex justify-between border-t border-stone-200 pt-3 font-bold">
          <span>Total</span>
          <span>{formatCents(cart.subtotalCents, cart.currency)}</span>
        </div>
      </aside>
    </form>
  )
}

/** Why the shopper is back at the form after waiting in line (left, ticket refused, order refused). */
function Notice({ notice }: { notice: FormNotice }) {
  return (
    <div
      role={notice.tone === 'error' ? 'alert' : 'status'}
      className={`mt-6 rounded-lg border p-3 text-sm first:mt-0 ${notice.tone === 'error' ? 'border-red-200 bg-red-50 text-red-800' : 'border-stone-200 bg-stone-50 text-stone-800'}`}
      data-testid="checkout-notice"
    >
      {notice.text}
    </div>
  )
}

function Field(props: {
  label: string
  name: keyof Fields
  value: string
  max: number
  error?: string
  type?: string
  autoComplete?: string
  multiline?: boolean
  onChange: (name: keyof Fields, value: string) => void
}) {
  const common = {
    id: props.name,
    name: props.name,
    value: props.value,
    maxLength: props.max,
    autoComplete: props.autoComplete,
    'aria-invalid': props.error ? true : undefined,
    'aria-describedby': props.error ? `${props.name}-error` : undefined,
    className: `w-full rounded-lg border px-3 py-2 ${props.error ? 'border-red-500' : 'border-stone-300'}`,
  }
  return (
    <div>
      <label htmlFor={props.name} className="mb-1 block text-sm font-semibold">{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={3} onChange={(e) => props.onChange(props.name, e.target.value)} />
      ) : (
        <input {...common} type={props.type ?? 'text'} onChange={(e) => props.onChange(props.name, e.target.value)} />
      )}
      {props.error && <p id={`${props.name}-error`} className="mt-1 text-sm text-red-700">{props.error}</p>}
    </div>
  )
}
