'use client'

import { useEffect, useMemo, useRef, useState } from 'react'
import type uPlot from 'uplot'
import UplotReact from 'uplot-react'
import 'uplot/dist/uPlot.min.css'

export interface ChartSeries {
  label: string
  values: Array<number | null>
  color: string
  dash?: boolean
}

/** Line colours, in the order endpoints are charted. */
export const PALETTE = ['#ea580c', '#2563eb', '#16a34a', '#9333ea', '#0891b2', '#be123c']

const HEIGHT = 170

function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null)
  const [width, setWidth] = useState(0)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry!.contentRect.width)))
    observer.observe(el)
    return () => observer.disconnect()
  }, [])
  return [ref, width]
}

/**
 * A live time-series chart (uPlot, through uplot-react, which updates the chart in place
 * instead of recreating it every refresh). `at` is in ms; gaps (null) stay gaps.
 */
export function TimeChart({ at, series, unit, testId }: { at: number[]; series: ChartSeries[]; unit: string; testId?: string }) {
  const [ref, width] = useWidth<HTMLDivElement>()
  const labels = series.map((s) => `${s.label}|${s.color}|${s.dash ? 1 : 0}`).join(',')
  const options = useMemo<uPlot.Options>(
    () => ({
      width: Math.max(width, 200),
      height: HEIGHT,
      // Labels only: live hover values would repaint the legend on every mouse move.
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, (max ?? 1) * 1.1)] } },
      axes: [{ stroke: '#78716c', grid: { stroke: '#f5f5f4' } }, { stroke: '#78716c', grid: { stroke: '#f5f5f4' }, label: unit, size: 56 }],
      series: [
        {},
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dash ? [6, 4] : undefined, spanGaps: false, points: { show: false } })),
      ],
    }),
    // Rebuilt only when the lines or the width change; data updates go through setData.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [labels, unit, width],
  )
  const data = useMemo<uPlot.AlignedData>(() => [at.map((t) => t / 1000), ...series.map((s) => s.values)], [at, series])
  return (
    <div ref={ref} className="w-full" data-testid={testId}>
      {width > 0 && <UplotReact options={options} data={data} />}
    </div>
  )
}
