import type { Metadata } from 'next'
import { cookies } from 'next/headers'
import { redirect } from 'next/navigation'
import { readAdminSession } from '@/server/auth/admin-session.service'
import { LoginForm } from './login-form'

export const metadata: Metadata = { title: 'Ops login', robots: { index: false } }
export const dynamic = 'force-dynamic'

export default async function OpsLoginPage() {
  if (await readAdminSession(await cookies())) redirect('/ops')
  return (
    <div className="mx-auto max-w-sm py-16">
      <h1 className="text-2xl font-bold">Ops dashboard</h1>
      <p className="mt-2 text-sm text-stone-600">Sign in with the admin password.</p>
      <LoginForm />
    </div>
  )
}
