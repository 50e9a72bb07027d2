'use client'

import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useTRPC } from '@/app/_trpc/client'
import { RUNBOOK_SECTIONS, runbookHref } from '@/server/ops/runbook-sections'
import { waitingRoomAlerts } from '@/server/ops/waiting-room-alerts'
import type { WaitingRoomFigures } from '@/server/waiting-room/waiting-room.schema'
import { formatCount, formatMs, formatPct, formatRate } from './format'
import { Panel, Stat } from './panel'
import { appendSample } from './rolling-buffer'
import { PALETTE, TimeChart } from './time-chart'
import { WaitingRoomLever } from './waiting-room-lever'

/** Refreshed like the rest of /ops (ops-dashboard.tsx REFRESH_MS; not imported: that module imports this one). */
const WAITING_ROOM_REFRESH_MS = 2_000

interface Sample {
  at: number
  lineLength: number
  admittedPerSecond: number
}

/**
 * The checkout line on /ops: the lever (mode, admission rate, who changed it), the live figures
 * of the last minute (line length, admitted/s, wait p50/p95, abandoned and abandon rate), red
 * with the reason and a runbook link when the line stalls or shoppers abandon it, and a chart of
 * line length and admitted/s since the page opened (a client-side rolling buffer of the polled
 * figures: the server keeps no series of them).
 */
export function WaitingRoomPanel() {
  const trpc = useTRPC()
  const figures = useQuery({ ...trpc.ops.waitingRoom.queryOptions(), refetchInterval: WAITING_ROOM_REFRESH_MS, retry: false, staleTime: 0 })
  const [history, setHistory] = useState<Sample[]>([])
  const [seenAt, setSeenAt] = useState(0)
  // A new answer: add it to the chart's history (state derived during render, React's pattern for it).
  if (figures.data && figures.dataUpdatedAt !== seenAt) {
    setSeenAt(figures.dataUpdatedAt)
    const { lineLength, admittedPerSecond } = figures.data
    setHistory((h) => appendSample(h, { at: figures.dataUpdatedAt, lineLength, admittedPerSecond }))
  }
  const data = figures.data
  return (
    <Panel
      title="Waiting room"
      testId="panel-waiting-room"
      alerts={data ? waitingRoomAlerts(data) : []}
      aside={
        <a href={runbookHref(RUNBOOK_SECTIONS.waitingRoom)} className="text-xs underline">
          runbook
        </a>
      }
    >
      {!data ? (
        <p className="text-sm text-stone-500">{figures.isError ? 'The waiting room is unavailable right now.' : 'Loading the waiting room…'}</p>
      ) : (
        <div className="flex flex-col gap-4">
          <WaitingRoomStats figures={data} />
          <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.6fr)]">
            <WaitingRoomLever figures={data} />
            <TimeChart
              at={history.map((s) => s.at)}
              unit="shoppers, /s"
              series={[
                { label: 'line length', values: history.map((s) => s.lineLength), color: PALETTE[0]! },
                { label: 'admitted/s', values: history.map((s) => s.admittedPerSecond), color: PALETTE[2]! },
              ]}
              testId="chart-waiting-room"
            />
          </div>
        </div>
      )}
    </Panel>
  )
}

function WaitingRoomStats({ figures: f }: { figures: WaitingRoomFigures }) {
  const alerts = new Set(waitingRoomAlerts(f).map((a) => a.id))
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="waiting-room-figures">
      <Stat label="In line" value={formatCount(f.lineLength)} hint="shoppers waiting now" alert={alerts.has('waiting-room-stalled')} testId="waiting-room-line" />
      <Stat label="Admitted/s" value={formatRate(f.admittedPerSecond)} hint={`rate set ${f.settings.admissionRatePerSecond}/s`} testId="waiting-room-admitted" />
      <Stat label="Wait p95" value={formatMs(f.waitP95Ms)} hint={`p50 ${formatMs(f.waitP50Ms)}`} testId="waiting-room-wait" />
      <Stat
        label="Abandon rate"
        value={formatPct(f.abandonRate)}
        hint={`${formatCount(f.abandoned)} abandoned`}
        alert={alerts.has('waiting-room-abandon')}
        testId="waiting-room-abandon"
      />
    </div>
  )
}
