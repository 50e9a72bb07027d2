import type { Metadata } from 'next'
import Link from 'next/link'
import { CartBadge } from './_components/cart-badge'
import { TRPCReactProvider } from './_trpc/client'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Peak Storefront', template: '%s · Peak Storefront' },
  description: 'Doorbusters that stay in stock-truthful, even at ten times the traffic.',
}

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen flex flex-col">
        <TRPCReactProvider>
          <header className="border-b border-stone-200 bg-white/90 backdrop-blur sticky top-0 z-10">
            <div className="mx-auto flex max-w-6xl items-center justify-between px-4 py-3">
              <Link href="/" className="flex items-center gap-2 text-lg font-extrabold tracking-tight">
                <span className="inline-block h-6 w-6 rounded-md bg-brand-500" aria-hidden />
                Peak Storefront
              </Link>
              <nav className="flex gap-5 text-sm font-medium text-stone-600">
                <Link href="/" className="hover:text-ink">Deals</Link>
                <CartBadge />
              </nav>
            </div>
          </header>
          <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-8">{children}</main>
          <footer className="border-t border-stone-200 py-6 text-center text-xs text-stone-500">
            Prices in integer cents, stock that never oversells.
          </footer>
        </TRPCReactProvider>
      </body>
    </html>
  )
}
