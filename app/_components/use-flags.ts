'use client'

import { useQuery } from '@tanstack/react-query'
import { useTRPC } from '@/app/_trpc/client'
import type { FlagName } from '@/server/platform/flags'

/** How long a page keeps the flags it read: a flag turned off reaches the next page view. */
const FLAGS_STALE_MS = 2_000

/**
 * The feature flags, for widgets on static pages (which cannot read them at render time).
 * `undefined` while loading; when the call fails every flagged widget stays hidden.
 */
export function useFlag(name: FlagName): boolean | undefined {
  const trpc = useTRPC()
  const { data, isError } = useQuery({ ...trpc.flags.enabled.queryOptions(), staleTime: FLAGS_STALE_MS, retry: false })
  if (isError) return false
  return data?.[name]
}
