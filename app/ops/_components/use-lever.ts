'use client'

import { useQueryClient } from '@tanstack/react-query'
import { useTRPC } from '@/app/_trpc/client'

/** After a lever changes: read the levers (and the overview) again at once. */
export function useLeverRefresh(): () => void {
  const trpc = useTRPC()
  const queryClient = useQueryClient()
  return () => {
    void queryClient.invalidateQueries({ queryKey: trpc.ops.levers.queryKey() })
    void queryClient.invalidateQueries({ queryKey: trpc.ops.overview.queryKey() })
  }
}
