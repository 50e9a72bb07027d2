import Link from 'next/link'

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md py-20 text-center">
      <p className="text-sm font-semibold uppercase tracking-wider text-brand-600">404</p>
      <h1 className="mt-2 text-3xl font-bold">We couldn&apos;t find that page</h1>
      <p className="mt-3 text-stone-600">The product or category may have been removed, or the link is mistyped.</p>
      <Link href="/" className="mt-6 inline-block rounded-lg bg-ink px-4 py-2 text-sm font-semibold text-white hover:bg-stone-700">
        Back to today&apos;s deals
      </Link>
    </div>
  )
}
