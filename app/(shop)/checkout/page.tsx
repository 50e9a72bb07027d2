import type { Metadata } from 'next'
import { CheckoutFlow } from './checkout-flow'

export const metadata: Metadata = { title: 'Checkout' }

export default function CheckoutPage() {
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-3xl font-bold">Checkout</h1>
      <CheckoutFlow />
    </div>
  )
}
