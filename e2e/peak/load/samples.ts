/** The generator's raw record of one run: one entry per arrival, analysed afterwards (analysis.ts). */
import type { Endpoint } from './traffic'
import type { Outcome } from './outcome'
import type { FollowUpSample, TicketRecord } from './ticket-follower'

export interface Sample {
  /** Intended send time, ms after the load started. */
  t: number
  endpoint: Endpoint
  outcome: Outcome
  /** HTTP status; 0 when there was none (network error, timeout). */
  status: number
  /** From the intended send time to the last byte of the body (coordinated omission: the generator's own lateness counts). */
  latencyMs: number
  /** How late the generator actually sent it. */
  lagMs: number
  /** Next's page cache verdict (`x-nextjs-cache`: HIT, STALE, MISS) for pages; absent otherwise. */
  cache?: string
}

export interface CheckoutAnswer {
  /** `first`: the scheduled placeOrder (t = its intended send time); `admitted`: the call the waiting room admitted (t = its send time). */
  via: 'first' | 'admitted'
  key: string
  productId: number
  hot: boolean
  replay: boolean
  session: number
  t: number
  /** When the answer arrived, ms after the load started. */
  answeredMs: number
  status: number
  outcome: Outcome
  orderId: string | null
  appCode: string | null
}

export interface LoadSamples {
  /** Wall clock at t = 0, to line the load up with faults, queue samples and browser journeys. */
  startedAtEpochMs: number
  durationMs: number
  samples: Sample[]
  /** Intended times of arrivals that were never sent (the in-flight cap was reached). */
  droppedMs: number[]
  checkouts: CheckoutAnswer[]
  /** Checkouts the waiting room queued, each followed to its end (ticket-follower.ts); [] when nobody was queued. */
  tickets: TicketRecord[]
  /** Polls, admitted checkouts and leaves: counted apart from the scheduled arrivals (no lag, no drops, not in `samples`). */
  followUps: FollowUpSample[]
  /** When the last follower ended, ms after the load started (≥ durationMs; equal when nobody was queued). */
  followUpsEndedMs: number
}
