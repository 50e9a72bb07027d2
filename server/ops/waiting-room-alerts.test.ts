/** The waiting room's warnings on /ops: when the line stalls, when shoppers abandon it, and when neither. */
import { describe, expect, it } from 'vitest'
import { anchorOf } from './runbook-sections'
import { WAITING_ROOM_THRESHOLDS, waitingRoomAlerts } from './waiting-room-alerts'

const calm = { lineLength: 0, admittedPerSecond: 0, abandoned: 0, abandonRate: null }

describe('waitingRoomAlerts', () => {
  it('stays quiet with an empty line, a moving line, or a few abandoned places', () => {
    expect(waitingRoomAlerts(calm)).toEqual([])
    expect(waitingRoomAlerts({ ...calm, lineLength: 400, admittedPerSecond: 50 })).toEqual([])
    expect(waitingRoomAlerts({ ...calm, abandoned: WAITING_ROOM_THRESHOLDS.minAbandoned - 1, abandonRate: 0.9 })).toEqual([])
    expect(waitingRoomAlerts({ ...calm, abandoned: 100, abandonRate: WAITING_ROOM_THRESHOLDS.abandonRate })).toEqual([])
  })

  it('names a stalled line: shoppers waiting, nobody admitted in the window', () => {
    expect(waitingRoomAlerts({ ...calm, lineLength: 1 })).toEqual([
      { id: 'waiting-room-stalled', reason: '1 shopper is waiting and nobody was admitted in the last minute', runbook: 'line-stalled' },
    ])
    expect(waitingRoomAlerts({ ...calm, lineLength: 40 })[0]!.reason).toBe('40 shoppers are waiting and nobody was admitted in the last minute')
  })

  it('names a high abandon rate with its count and threshold', () => {
    expect(waitingRoomAlerts({ ...calm, lineLength: 5, admittedPerSecond: 2, abandoned: 30, abandonRate: 0.4 })).toEqual([
      {
        id: 'waiting-room-abandon',
        reason: '40.0 % of the places that ended in the last minute were abandoned (30; threshold 25.0 %)',
        runbook: 'abandon-rate-high',
      },
    ])
  })

  it('links runbook sections whose headings are what the runbook calls them', () => {
    expect(anchorOf('Line stalled')).toBe('line-stalled')
    expect(anchorOf('Abandon rate high')).toBe('abandon-rate-high')
  })
})
