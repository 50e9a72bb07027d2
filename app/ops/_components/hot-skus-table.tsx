import type { Overview } from '@/server/ops/ops.schema'
import { formatCents } from '@/server/checkout/money'
import { Panel } from './panel'

/** Doorbusters and the current best sellers: stock left and orders per minute (last 5 min). */
export function HotSkusTable({ overview, onEdit }: { overview: Overview; onEdit: (productId: number) => void }) {
  return (
    <Panel title="Hot SKUs" testId="panel-hot-skus">
      {overview.hotSkus === null ? (
        <p className="text-sm text-red-700">PostgreSQL did not answer; hot SKUs are unavailable.</p>
      ) : (
        <table className="w-full text-sm tabular-nums" data-testid="hot-skus">
          <thead className="text-left text-xs uppercase text-stone-500">
            <tr>
              <th className="py-1">Product</th>
              <th className="text-right">Price</th>
              <th className="text-right">Stock</th>
              <th className="text-right">Orders/min</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {overview.hotSkus.map((p) => (
              <tr key={p.id} className="border-t border-stone-100" data-testid="hot-sku" data-product-id={p.id}>
                <td className="py-1">
                  <a href={`/p/${p.slug}`} className="hover:underline" target="_blank" rel="noreferrer">
                    {p.name}
                  </a>
                  {!p.hot && <span className="ml-1 text-xs text-stone-400">best seller</span>}
                </td>
                <td className="text-right">{formatCents(p.priceCents, p.currency)}</td>
                <td className={`text-right ${p.stock === 0 ? 'font-bold text-red-700' : p.stock <= 10 ? 'text-amber-700' : ''}`}>{p.stock === 0 ? 'sold out' : p.stock}</td>
                <td className="text-right">{p.ordersPerMinute}</td>
                <td className="pl-2 text-right">
                  <button type="button" onClick={() => onEdit(p.id)} className="text-xs font-semibold text-brand-700 underline" data-testid="hot-sku-edit">
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  )
}
