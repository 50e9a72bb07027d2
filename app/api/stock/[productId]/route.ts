import { stockInput, stockStatus } from '@/server/catalog/catalog.schema'
import { getStock } from '@/server/catalog/catalog.service'
import { AppError } from '@/server/platform/errors'
import { refusedByLimit } from '@/server/platform/route-limit'

export const dynamic = 'force-dynamic'

/**
 * The stock badge's read as a plain route handler: the same zod input and output schemas and
 * the same service call as the tRPC `catalog.stock` query, without tRPC's machinery (context,
 * middleware chain, superjson, URL input decoding). `npm run bench` measures the two side by
 * side, so the cost of tRPC on a hot read is a number, not a guess.
 */
export async function GET(req: Request, ctx: { params: Promise<{ productId: string }> }) {
  const refused = await refusedByLimit('browse', req.headers)
  if (refused) return refused
  const { productId } = await ctx.params
  // Decimal digits only: Number() alone would also accept "0x10", "1e3" and " 16 ".
  const input = stockInput.safeParse({ productId: /^\d{1,10}$/.test(productId) ? Number(productId) : NaN })
  if (!input.success) return Response.json({ error: 'productId must be a positive whole number' }, { status: 400 })
  try {
    return Response.json(stockStatus.parse(await getStock(input.data.productId)))
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return Response.json({ error: error.message }, { status: 404 })
    throw error
  }
}
