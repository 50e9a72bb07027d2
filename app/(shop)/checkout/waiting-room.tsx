'use client'

/**
 * The waiting room, shown in place of the checkout form while the shopper's checkout waits in
 * line: the position (announced politely to screen readers when it changes, not on every
 * poll), a progress bar from the position at entry to the front, the estimated wait in words,
 * what happens next, each item's availability, and "Leave the line". Focus moves to its
 * heading when it appears. Behaviour lives in use-waiting-line.ts.
 */
import { useEffect, useRef } from 'react'
import type { QueuedAnswer } from '@/server/waiting-room/waiting-room.schema'
import type { PendingAttempt } from './pending-attempt'
import { useWaitingLine, type LineEnd } from './use-waiting-line'
import { waitInWords } from './wait-in-words'

const SECONDARY_BUTTON =
  'rounded-xl border border-stone-300 bg-white px-4 py-2 font-semibold text-stone-800 hover:bg-stone-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:cursor-wait disabled:opacity-70'
const PRIMARY_BUTTON =
  'rounded-xl bg-brand-600 px-4 py-2 font-bold text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:cursor-wait disabled:opacity-70'

export function WaitingRoom(props: { attempt: PendingAttempt; initial?: QueuedAnswer; onEnd: (end: LineEnd) => void }) {
  const { attempt } = props
  const line = useWaitingLine(attempt, props.initial, props.onEnd)
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [])

  const answer = line.answer
  const admitted = answer?.state === 'ADMITTED'
  const availability = new Map((answer?.items ?? []).map((i) => [i.productId, i.available]))

  return (
    <section className="mt-6 grid gap-8 md:grid-cols-[1fr_280px]" aria-labelledby="waiting-heading" data-testid="waiting-room">
      <div className="space-y-5 rounded-xl border border-stone-200 bg-white p-6">
        <h2 id="waiting-heading" ref={heading} tabIndex={-1} className="text-2xl font-bold focus:outline-none">
          {admitted ? "It's your turn" : "You're in line"}
        </h2>

        {answer?.state === 'WAITING' ? (
          <Place
            position={answer.position}
            positionAtEntry={answer.positionAtEntry}
            lineLength={answer.lineLength}
            estimatedWaitSeconds={answer.estimatedWaitSeconds}
          />
        ) : admitted ? (
          <>
            <Progress percent={100} text="You reached the front of the line" />
            <p role="status" className="text-lg font-semibold">
              {answer.orderId
                ? 'Your order was placed. Opening it…'
                : line.undecided.length > 0
                ? `Your turn is held until ${clock(answer.admitUntil)}: choose below.`
                : line.admissionError
                  ? `Your turn is held until ${clock(answer.admitUntil)}.`
                  : 'Placing your order now…'}
            </p>
          </>
        ) : (
          <p role="status" className="text-stone-600">
            {line.pollTrouble ? "We can't reach the store right now. Your place is kept, and we keep trying." : 'Checking your place in line…'}
          </p>
        )}

        {line.pollTrouble && answer && (
          <p role="status" className="rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            We can&apos;t reach the store right now. Your place is kept, and we keep trying.
          </p>
        )}

        {line.undecided.length > 0 && (
          <div role="alert" className="space-y-3 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900" data-testid="waiting-sold-out-some">
            <p>
              <strong>Sold out while you waited:</strong> {line.undecided.map((i) => i.name).join(', ')}.
            </p>
            <p>You can keep your place and buy the rest, or leave the line.</p>
            <div className="flex flex-wrap gap-3">
              <button
                type="button"
                onClick={() => {
                  line.keepTheRest()
                  heading.current?.focus() // the choice goes away: keep the keyboard user's place
                }}
                className={PRIMARY_BUTTON}
              >
                {admitted ? 'Place my order for the rest' : 'Keep my place for the rest'}
              </button>
              <button type="button" onClick={() => void line.leave()} disabled={line.leaving} className={SECONDARY_BUTTON}>
                Leave the line
              </button>
            </div>
          </div>
        )}

        {line.admissionError && (
          <div role="alert" className="space-y-3 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800">
            <p>We couldn&apos;t place your order yet: {line.admissionError}</p>
            <button type="button" onClick={line.retryAdmission} disabled={line.admitting} className={PRIMARY_BUTTON}>
              Try again
            </button>
          </div>
        )}

        <div className="rounded-lg bg-stone-50 p-4 text-sm text-stone-700">
          <h3 className="font-semibold text-stone-900">What happens next</h3>
          <p className="mt-1">
            When it&apos;s your turn we place your order automatically — keep this tab open; refreshing or opening a new tab keeps your place.
          </p>
        </div>

        {line.undecided.length === 0 && !admitted && (
          <button type="button" onClick={() => void line.leave()} disabled={line.leaving} className={SECONDARY_BUTTON}>
            {line.leaving ? 'Leaving the line…' : 'Leave the line'}
          </button>
        )}
      </div>

      <aside className="h-fit rounded-xl border border-stone-200 bg-white p-4 text-sm">
        <h2 className="font-bold">Your order</h2>
        <ul className="mt-3 space-y-2" aria-label="Items in your order">
          {attempt.input.lines.map((l) => {
            const name = attempt.lineInfo[String(l.productId)]?.name ?? `Item ${l.productId}`
            const dropped = attempt.dropped.includes(l.productId)
            const available = availability.get(l.productId)
            return (
              <li key={l.productId} className="flex justify-between gap-2">
                <span className={dropped ? 'text-stone-400 line-through' : undefined}>
                  {l.quantity} × {name}
                </span>
                <span className={available === false ? 'font-medium text-red-700' : 'font-medium text-emerald-700'}>
                  {dropped ? 'Removed (sold out)' : available === false ? 'Sold out' : available ? 'Available' : ''}
                </span>
              </li>
            )
          })}
        </ul>
      </aside>
    </section>
  )
}

/** The shopper's own clock, one formatter for the page's life (constructing one costs ~50× a `format`). */
const CLOCK = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' })

/** A time of day the shopper reads on their own clock ("10:42 AM"). */
function clock(ms: number): string {
  return CLOCK.format(ms)
}

/** The place in line: position (a polite live region: read out when it changes), progress, estimated wait. */
function Place(props: { position: number; positionAtEntry: number; lineLength: number; estimatedWaitSeconds: number }) {
  const { position, positionAtEntry } = props
  const moved = Math.max(0, positionAtEntry - position)
  const percent = positionAtEntry <= 1 ? 100 : Math.round((Math.min(moved, positionAtEntry - 1) / (positionAtEntry - 1)) * 100)
  const behind = props.lineLength - position
  return (
    <>
      <p aria-live="polite" aria-atomic="true" className="text-lg" data-testid="waiting-position">
        You are number <strong className="text-3xl font-bold text-brand-700">{position}</strong> in line
        {position === 1 ? " — you're next" : ''}.
      </p>
      <Progress
        percent={percent}
        text={
          positionAtEntry > 1
            ? `You moved up ${moved} of ${positionAtEntry - 1} places since you joined at number ${positionAtEntry}`
            : 'You joined at the front of the line'
        }
      />
      <p>
        Estimated wait: <strong>{waitInWords(props.estimatedWaitSeconds)}</strong>
        {behind > 0 && <span className="text-stone-500"> · {behind} {behind === 1 ? 'shopper' : 'shoppers'} behind you</span>}
      </p>
    </>
  )
}

/** A labelled progress bar (role=progressbar with its value in words for screen readers). */
function Progress(props: { percent: number; text: string }) {
  return (
    <div>
      <p id="line-progress-label" className="mb-1 text-sm font-semibold">Your progress in line</p>
      <div
        role="progressbar"
        aria-labelledby="line-progress-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={props.percent}
        aria-valuetext={`${props.percent} %: ${props.text}`}
        className="h-3 w-full overflow-hidden rounded-full bg-stone-200"
      >
        <div className="h-full rounded-full bg-brand-600 transition-[width] duration-700" style={{ width: `${props.percent}%` }} />
      </div>
      <p className="mt-1 text-xs text-stone-500">{props.text}</p>
    </div>
  )
}
