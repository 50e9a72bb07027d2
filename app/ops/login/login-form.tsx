'use client'

import { useMutation } from '@tanstack/react-query'
import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { friendlyError } from '@/app/_components/error-message'
import { useTRPC } from '@/app/_trpc/client'
import { MAX_PASSWORD_LENGTH } from '@/server/auth/auth.schema'

/** Password → `auth.login` (rate-limited, sets the SameSite=Strict admin cookie) → the dashboard. */
export function LoginForm() {
  const trpc = useTRPC()
  const router = useRouter()
  const [password, setPassword] = useState('')
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      // /ops renders per request, so it is rendered with the new cookie.
      onSuccess: () => router.replace('/ops'),
    }),
  )
  return (
    <form
      className="mt-6 flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault()
        login.mutate({ password })
      }}
    >
      <label className="flex flex-col gap-1 text-sm font-medium">
        Password
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          required
          maxLength={MAX_PASSWORD_LENGTH}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className="rounded-lg border border-stone-300 px-3 py-2"
          data-testid="ops-password"
        />
      </label>
      <button
        type="submit"
        disabled={login.isPending}
        className="rounded-lg bg-ink px-4 py-2 font-semibold text-white hover:bg-stone-700 disabled:opacity-60"
        data-testid="ops-login"
      >
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </button>
      {login.isError && (
        <p role="alert" className="text-sm font-medium text-red-700" data-testid="ops-login-error">
          {friendlyError(login.error)}
        </p>
      )}
    </form>
  )
}
