/** The signed ticket: what verifies, and what is refused with which code. */
import { createHmac, hkdfSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AppError } from '../platform/errors'
import { sessionBinding, signTicket, TICKET_KEY_INFO, TICKET_VERSION, verifyTicket, type TicketPayload } from './ticket-token'
import { ticketSchema } from './waiting-room.schema'

const SECRET = 'a-session-secret-of-at-least-32-characters'
const SID = 'f3a1c0de9b8e4d2a8c7b6a5f4e3d2c1b'

const payload = (over: Partial<TicketPayload> = {}): TicketPayload => ({
  v: TICKET_VERSION,
  id: '0b4e7c2a-3f1d-4c5e-9a8b-7d6c5b4a3f2e',
  seq: 42,
  fs: 1_796_000_000_000,
  s: sessionBinding(SID, SECRET),
  ...over,
})

function codeOf(fn: () => unknown): string | null {
  try {
    fn()
    return null
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError'
  }
}

/** Signs arbitrary JSON with the real key, to show that only the payload check refuses it. */
function signRaw(json: string): string {
  const key = Buffer.from(hkdfSync('sha256', SECRET, Buffer.alloc(0), TICKET_KEY_INFO, 32))
  const body = Buffer.from(json).toString('base64url')
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`
}

describe('waiting-room tickets', () => {
  it('round-trips, fits the contract, and is the same string every time for the same place', () => {
    const ticket = signTicket(payload(), SECRET)
    expect(ticketSchema.safeParse(ticket).success).toBe(true)
    expect(signTicket(payload(), SECRET)).toBe(ticket)
    expect(verifyTicket(ticket, SID, SECRET)).toEqual(payload())
  })

  it('never carries the session id, only a binding derived from it', () => {
    const ticket = signTicket(payload(), SECRET)
    const decoded = Buffer.from(ticket.split('.')[0]!, 'base64url').toString('utf8')
    expect(decoded).not.toContain(SID)
    expect(sessionBinding(SID, SECRET)).not.toBe(sessionBinding(`${SID}x`, SECRET))
  })

  it('refuses a forged ticket (signed with another secret) as TICKET_INVALID', () => {
    const forged = signTicket(payload(), 'another-secret-of-at-least-32-characters!!')
    expect(codeOf(() => verifyTicket(forged, SID, SECRET))).toBe('TICKET_INVALID')
  })

  it('refuses a tampered payload (an earlier place in line) as TICKET_INVALID', () => {
    const [, sig] = signTicket(payload(), SECRET).split('.')
    const earlier = Buffer.from(JSON.stringify({ ...payload(), seq: 1 })).toString('base64url')
    expect(codeOf(() => verifyTicket(`${earlier}.${sig}`, SID, SECRET))).toBe('TICKET_INVALID')
  })

  it('refuses a tampered or truncated signature, and garbage, as TICKET_INVALID', () => {
    const ticket = signTicket(payload(), SECRET)
    const flipped = ticket.slice(0, -2) + (ticket.endsWith('AA') ? 'BB' : 'AA')
    for (const bad of [flipped, ticket.slice(0, -4), 'not-a-ticket', `${ticket}.x`, '', 'a'.repeat(600)]) {
      expect(codeOf(() => verifyTicket(bad, SID, SECRET)), bad.slice(0, 30)).toBe('TICKET_INVALID')
    }
  })

  it('refuses another session’s genuine ticket as TICKET_NOT_YOURS', () => {
    const ticket = signTicket(payload(), SECRET)
    expect(codeOf(() => verifyTicket(ticket, 'someone-else-entirely-0000000000', SECRET))).toBe('TICKET_NOT_YOURS')
  })

  it('refuses a genuine signature over another format version, or a payload that does not parse, as TICKET_INVALID', () => {
    expect(codeOf(() => verifyTicket(signTicket(payload({ v: 2 }), SECRET), SID, SECRET))).toBe('TICKET_INVALID')
    expect(codeOf(() => verifyTicket(signRaw('{"v":1}'), SID, SECRET))).toBe('TICKET_INVALID')
    expect(codeOf(() => verifyTicket(signRaw('not json'), SID, SECRET))).toBe('TICKET_INVALID')
    expect(codeOf(() => verifyTicket(signRaw(JSON.stringify({ ...payload(), extra: true })), SID, SECRET))).toBe('TICKET_INVALID')
    // The same payload signed with the real key does verify (so the refusals above are the payload check's).
    expect(verifyTicket(signRaw(JSON.stringify(payload())), SID, SECRET)).toEqual(payload())
  })

  it('says what to do in words a shopper understands', () => {
    try {
      verifyTicket('not-a-ticket', SID, SECRET)
    } catch (error) {
      expect((error as AppError).message).toMatch(/place your order again/i)
      expect((error as AppError).httpStatus).toBe(400)
    }
    try {
      verifyTicket(signTicket(payload(), SECRET), 'another-session-id-000000000000', SECRET)
    } catch (error) {
      expect((error as AppError).httpStatus).toBe(403)
    }
  })
})
