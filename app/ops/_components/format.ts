/** Number formats of the dashboard. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–'
  if (ms >= 10_000) return `${(ms / 1000).toFixed(0)} s`
  if (ms >= 1_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms >= 10) return `${Math.round(ms)} ms`
  return `${ms.toFixed(1)} ms`
}

export function formatPct(ratio: number | null | undefined, digits = 1): string {
  return ratio === null || ratio === undefined ? '–' : `${(ratio * 100).toFixed(digits)} %`
}

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond >= 10 ? perSecond.toFixed(1) : perSecond.toFixed(2)
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

export function formatAgo(at: Date | number | null, now: number = Date.now()): string {
  if (at === null) return 'never'
  const s = Math.max(0, Math.round((now - (typeof at === 'number' ? at : at.getTime())) / 1000))
  if (s < 60) return `${s} s ago`
  if (s < 3_600) return `${Math.round(s / 60)} min ago`
  return `${Math.round(s / 3_600)} h ago`
}

/** How long since `since` (ms): "42 s", "7 min", "3 h 5 min", "2 d 4 h". */
export function formatUptime(since: number, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - since) / 1000))
  if (s < 60) return `${s} s`
  const min = Math.floor(s / 60)
  if (min < 60) return `${min} min`
  const h = Math.floor(min / 60)
  if (h < 24) return `${h} h ${min % 60} min`
  return `${Math.floor(h / 24)} d ${h % 24} h`
}
