import { formatAgo } from './format'

/** "changed by ada 2 min ago", or "default". */
export function ChangedBy({ by, at }: { by: string | null; at: Date | null }) {
  return <span className="text-xs text-stone-500">{by && at ? `changed by ${by} ${formatAgo(at)}` : 'default'}</span>
}
