import { slugSchema } from '@/server/catalog/catalog.schema'
import { renderProductSvg } from '@/server/catalog/product-image'

/** Deterministic product artwork, generated locally from the slug and cached for a year. */
export async function GET(_req: Request, ctx: { params: Promise<{ file: string }> }) {
  const { file } = await ctx.params
  const slug = slugSchema.safeParse(file.replace(/\.svg$/, ''))
  if (!file.endsWith('.svg') || !slug.success) return new Response('Not found', { status: 404 })
  return new Response(renderProductSvg(slug.data), {
    headers: {
      'Content-Type': 'image/svg+xml; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
    },
  })
}
