/**
 * Every `everyMs` during the drill: the waiting room's live figures as /ops shows them
 * (`ops.waitingRoom`: line length, admitted per second, waits, abandoned places), read through
 * the drill admin's session. One read at a time; a failed read is kept as a gap with its reason.
 */
import type { WaitingRoomFigures } from '../../../server/waiting-room/waiting-room.schema'
import type { RoomSample } from '../check/waiting-room-analysis'

export interface WaitingRoomSampler {
  samples: RoomSample[]
  stop(): Promise<void>
}

/** `read` answers the figures or throws; `sinceEpochMs` is the load's start (samples are timed from it). */
export function startWaitingRoomSampler(read: () => Promise<WaitingRoomFigures>, sinceEpochMs: number, everyMs: number): WaitingRoomSampler {
  const samples: RoomSample[] = []
  let busy: Promise<void> | null = null
  const sample = async () => {
    const tMs = Date.now() - sinceEpochMs
    try {
      samples.push({ tMs, figures: await read(), error: null })
    } catch (error) {
      samples.push({ tMs, figures: null, error: error instanceof Error ? error.message : String(error) })
    }
  }
  const timer = setInterval(() => {
    if (busy) return
    busy = sample().finally(() => (busy = null))
  }, everyMs)
  return {
    samples,
    async stop() {
      clearInterval(timer)
      await busy
      await sample()
    },
  }
}
