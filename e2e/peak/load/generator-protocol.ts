/** Messages between the drill and its load generator process (generator-main.ts). */
import type { LoadShape, TrafficMix } from '../drill-options'
import type { TrafficCatalog } from './traffic'

export interface GeneratorJob {
  origin: string
  shape: LoadShape
  mix: TrafficMix
  catalog: TrafficCatalog
  /** Cookie headers, one per shopper session. */
  sessions: string[]
  seed: number
  maxInFlight: number
  requestTimeoutMs: number
  connections: number
  /** Behind a real edge: connect from each simulated client's own loopback address (source-addresses.ts). */
  fromSourceAddresses: boolean
  /** With the waiting room: the shares of queued shoppers who abandon (drill-options.ts waitingRoom). */
  queuedShoppers: { abandonSilentShare: number; abandonLeaveShare: number } | null
  /** Where the generator writes its LoadSamples JSON. */
  outFile: string
}

export type ParentMessage = { type: 'start'; job: GeneratorJob } | { type: 'stop' }

export type GeneratorMessage =
  | { type: 'started'; epochMs: number }
  | { type: 'progress'; tMs: number; sent: number; inFlight: number; dropped: number }
  | { type: 'done'; arrivals: number }
  | { type: 'failed'; message: string }
