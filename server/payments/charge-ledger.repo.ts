/**
 * The simulated provider's ledger (PaymentCharge): one row per idempotency key. Recording
 * is one `INSERT … ON CONFLICT DO UPDATE` statement, so two concurrent requests with the
 * same key can never both charge: the loser gets the winner's row back (and bumps
 * `requests`, so replays are visible).
 */
import { pool } from '../platform/db'
import type { Charge, ChargeStatus } from './payment-provider'

interface ChargeRow {
  orderId: string
  status: ChargeStatus
  declineCode: string | null
  amountCents: number
  currency: string
}

const COLUMNS = `"orderId", status, "declineCode", "amountCents", currency`

/** Records this outcome unless the key already has one; returns the outcome that stands. */
export async function recordCharge(charge: Charge): Promise<Charge> {
  const { rows } = await pool.query<ChargeRow>(
    `INSERT INTO "PaymentCharge" ("orderId", status, "declineCode", "amountCents", currency, "updatedAt")
     VALUES ($1, $2::"PaymentChargeStatus", $3, $4, $5, now())
     ON CONFLICT ("orderId") DO UPDATE SET requests = "PaymentCharge".requests + 1, "updatedAt" = now()
     RETURNING ${COLUMNS}`,
    [charge.orderId, charge.status, charge.declineCode, charge.amountCents, charge.currency],
  )
  return rows[0]!
}

/** The outcome recorded for this key, if any (tests and ops look here). */
export async function findCharge(orderId: string): Promise<Charge | null> {
  const { rows } = await pool.query<ChargeRow>(`SELECT ${COLUMNS} FROM "PaymentCharge" WHERE "orderId" = $1`, [orderId])
  return rows[0] ?? null
}
