import type { Metadata } from 'next'
import { OpsDashboard } from './_components/ops-dashboard'
import { requireAdmin } from './require-admin'

export const metadata: Metadata = { title: 'Ops', robots: { index: false } }
/** Per request: it reads the admin cookie. */
export const dynamic = 'force-dynamic'

export default async function OpsPage() {
  const admin = await requireAdmin()
  return <OpsDashboard adminName={admin.name} />
}
