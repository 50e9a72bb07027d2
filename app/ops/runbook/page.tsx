import type { Metadata } from 'next'
import Link from 'next/link'
import { requireAdmin } from '../require-admin'
import { runbookHtml } from './render-runbook'
import styles from './runbook.module.css'

export const metadata: Metadata = { title: 'Runbook', robots: { index: false } }
export const dynamic = 'force-dynamic'

/** docs/RUNBOOK.md, served to the on-call admin: every dashboard alert links to a section of it. */
export default async function RunbookPage() {
  await requireAdmin()
  const html = await runbookHtml()
  return (
    <div className="mx-auto max-w-3xl">
      <Link href="/ops" className="text-sm font-semibold text-brand-700 underline">
        ← Back to the dashboard
      </Link>
      <article className={`${styles.runbook} mt-6`} data-testid="runbook" dangerouslySetInnerHTML={{ __html: html }} />
    </div>
  )
}
