'use client'

/**
 * The waiting checkout's behaviour, without its looks: polls `checkout.pollTicket` when the last
 * answer says to (TanStack Query's refetchInterval read from that answer's pollAfterSeconds,
 * also while the tab is hidden: a place not polled for TICKET_IDLE_EXPIRY_MS expires), and
 * ends the wait in exactly one of these ways (`onEnd`):
 *  - ADMITTED → checkout.placeOrder again with the confirmed input (same idempotency key) less
 *    the lines that sold out, plus `admissionTicket` → `placed`; ADMITTED with `orderId` (the
 *    admission was used, e.g. by another tab, and the order placed) → `placed` at once;
 *  - SOLD_OUT, or every item reported sold out → `sold-out` at once (the place is released);
 *  - the shopper leaves → `checkout.leaveLine` → `left`;
 *  - the server refuses the ticket (TICKET_*) or the admitted order (price changed…) → `refused`.
 * A network hiccup or a 429/503 on a poll ends nothing: the poll is retried and the place is kept.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { errorData, friendlyError, isTicketError } from '@/app/_components/error-message'
import { useTRPC } from '@/app/_trpc/client'
import { POLL_MARGIN_MS, type PollTicketOutput, type QueuedAnswer, type WaitingItem } from '@/server/waiting-room/waiting-room.schema'
import { admittedInput, everythingSoldOut, undecidedSoldOut } from './admission-input'
import { notePlacedFromLine, savePendingAttempt, type PendingAttempt } from './pending-attempt'

/** Failed polls retried in a row before the query reports an error (it keeps polling after). */
const POLL_RETRIES = 3
/** When no answer has arrived yet (the first poll after a reload failed): try again this soon. */
const POLL_WITHOUT_ANSWER_MS = 5_000

export type LineEnd =
  | { kind: 'placed'; orderId: string }
  | { kind: 'sold-out'; items: WaitingItem[] }
  | { kind: 'left' }
  | { kind: 'refused'; message: string }

/** The queued answer as a poll answer (WAITING), so the page shows it until the first poll is due. */
export function waitingFromQueued(q: QueuedAnswer): PollTicketOutput {
  const { status: _status, ...place } = q
  return { state: 'WAITING', early: false, ...place }
}

/** The next poll, from the last answer: pollAfterSeconds while waiting; none once admitted or sold out. */
function nextPollMs(answer: PollTicketOutput | undefined): number | false {
  if (!answer) return POLL_WITHOUT_ANSWER_MS
  return answer.state === 'WAITING' ? answer.pollAfterSeconds * 1000 + POLL_MARGIN_MS : false
}

/** Sold-out items named by a SOLD_OUT error of the admitted call (details.items), as waiting items. */
function soldOutFromError(error: unknown, attempt: PendingAttempt): WaitingItem[] {
  const raw = errorData(error).details?.items
  const named = Array.isArray(raw) ? raw : []
  const items: WaitingItem[] = []
  for (const entry of named) {
    if (typeof entry !== 'object' || entry === null) continue
    const { productId, name } = entry as { productId?: unknown; name?: unknown }
    if (typeof productId === 'number' && typeof name === 'string') items.push({ productId, name, available: false })
  }
  if (items.length > 0) return items
  return attempt.input.lines.map((l) => ({ productId: l.productId, name: attempt.lineInfo[String(l.productId)]?.name ?? 'An item', available: false }))
}

/** Answers of the admitted call that end the wait (the form shows why); anything else is retried. */
const FINAL_ADMISSION_ERRORS = new Set(['CONFLICT', 'NOT_FOUND', 'BAD_INPUT', 'IDEMPOTENCY_MISMATCH', 'FORBIDDEN'])

export function useWaitingLine(attempt: PendingAttempt, initial: QueuedAnswer | undefined, onEnd: (end: LineEnd) => void) {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  const ended = useRef(false)
  const admittedWith = useRef<string | null>(null)
  const end = (e: LineEnd) => {
    if (ended.current) return
    ended.current = true
    onEnd(e)
  }

  const poll = useQuery(
    trpc.checkout.pollTicket.queryOptions(
      { ticket: attempt.ticket },
      {
        initialData: () => (initial && initial.ticket === attempt.ticket ? waitingFromQueued(initial) : undefined),
        // Only the interval asks again: mounting, focus or reconnect must not poll early.
        staleTime: Infinity,
        gcTime: 0,
        refetchInterval: (query) => nextPollMs(query.state.data),
        refetchIntervalInBackground: true,
        refetchOnWindowFocus: false,
        retry: (failures, error) => !isTicketError(error) && failures < POLL_RETRIES,
      },
    ),
  )
  const answer = poll.data
  const items = answer?.items ?? []
  const undecided = undecidedSoldOut(attempt, items)

  const admit = useMutation(trpc.checkout.placeOrder.mutationOptions())

  /** The admitted call, and what its answer means (run from an effect or a click, never during render). */
  const admitNow = () => {
    if (answer?.state !== 'ADMITTED' || answer.orderId) return
    admittedWith.current = answer.ticket
    admit.mutateAsync(admittedInput(attempt, answer.items, answer.ticket)).then(
      (placed) => {
        if (placed.status === 'QUEUED') {
          // Queued again (the admission lapsed): wait on with the place the server gave.
          admittedWith.current = null
          savePendingAttempt({ ...attempt, ticket: placed.ticket, savedAt: Date.now() })
          return
        }
        // The server removed the bought lines from the cart: refetch it for the badge.
        void queryClient.invalidateQueries({ queryKey: trpc.cart.get.queryKey() })
        notePlacedFromLine(attempt.ticket, placed.orderId)
        end({ kind: 'placed', orderId: placed.orderId })
      },
      (error: unknown) => {
        const code = errorData(error).appCode ?? ''
        if (code === 'SOLD_OUT') {
          void queryClient.invalidateQueries({ queryKey: trpc.cart.get.queryKey() })
          end({ kind: 'sold-out', items: soldOutFromError(error, attempt) })
        } else if (isTicketError(error) || FINAL_ADMISSION_ERRORS.has(code)) {
          void queryClient.invalidateQueries({ queryKey: trpc.cart.get.queryKey() })
          end({ kind: 'refused', message: friendlyError(error) })
        }
        // Otherwise (busy, network): the admission stands until admitUntil; the page offers a retry.
      },
    )
  }

  const leaveLine = useMutation(trpc.checkout.leaveLine.mutationOptions())
  const release = () => leaveLine.mutateAsync({ ticket: attempt.ticket }).catch(() => {
    // Not released (network): the place expires on its own after TICKET_IDLE_EXPIRY_MS unpolled.
  })

  useEffect(() => {
    if (!answer || ended.current) return
    if (answer.state === 'ADMITTED' && answer.orderId) {
      // Already placed with this admission (another tab, or an answer this tab lost): show it.
      void queryClient.invalidateQueries({ queryKey: trpc.cart.get.queryKey() })
      notePlacedFromLine(attempt.ticket, answer.orderId)
      end({ kind: 'placed', orderId: answer.orderId })
    } else if (answer.state === 'SOLD_OUT') {
      end({ kind: 'sold-out', items: answer.items })
    } else if (everythingSoldOut(attempt, answer.items)) {
      void release()
      end({ kind: 'sold-out', items: answer.items })
    } else if (answer.state === 'ADMITTED' && undecided.length === 0 && admittedWith.current !== answer.ticket) {
      admitNow()
    }
  })

  useEffect(() => {
    if (poll.error && isTicketError(poll.error)) end({ kind: 'refused', message: friendlyError(poll.error) })
  })

  return {
    answer,
    /** Sold-out items waiting for the shopper's choice: keep the place for the rest, or leave. */
    undecided,
    /** A poll failed (not a ticket refusal): the place is kept and polling goes on. */
    pollTrouble: poll.isError && !isTicketError(poll.error),
    admitting: admit.isPending,
    /** The admitted call failed for a passing reason (busy, network): offer `retryAdmission`. */
    admissionError: admit.isError ? friendlyError(admit.error) : null,
    retryAdmission: admitNow,
    leaving: leaveLine.isPending,
    keepTheRest: () => savePendingAttempt({ ...attempt, dropped: [...attempt.dropped, ...undecided.map((i) => i.productId)] }),
    leave: async () => {
      await release()
      end({ kind: 'left' })
    },
  }
}
