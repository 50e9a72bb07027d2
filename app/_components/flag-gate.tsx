'use client'

import type { FlagName } from '@/server/platform/flags'
import { useFlag } from './use-flags'

/** Renders its children only once the flag is known to be on: a flag turned off removes them and their requests. */
export function FlagGate({ flag, children }: { flag: FlagName; children: React.ReactNode }) {
  return useFlag(flag) === true ? <>{children}</> : null
}
