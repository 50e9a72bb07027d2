/**
 * Deterministic product artwork: an SVG derived from the product slug, so the catalog
 * needs no image host and nothing is fetched from the internet. Hand-written because the
 * job is a dozen lines of string building; an image library would add weight for nothing.
 */
import { createHash } from 'node:crypto'

export function productImagePath(slug: string): string {
  return `/img/p/${slug}.svg`
}

const escapeXml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c)

export function renderProductSvg(slug: string): string {
  const h = createHash('sha256').update(slug).digest()
  const byte = (i: number) => h[i % h.length] ?? 0
  const hue = Math.round((byte(0) / 255) * 360)
  const hue2 = (hue + 40 + byte(1)) % 360
  const shapes: string[] = []
  for (let i = 0; i < 5; i++) {
    const x = 40 + (byte(2 + i * 3) / 255) * 320
    const y = 40 + (byte(3 + i * 3) / 255) * 220
    const r = 20 + (byte(4 + i * 3) / 255) * 70
    shapes.push(
      `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" fill="hsl(${(hue + i * 23) % 360} 70% ${55 + i * 5}%)" fill-opacity="0.55"/>`,
    )
  }
  const label = escapeXml(slug.split('-').slice(0, 2).join(' ').toUpperCase())
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" width="400" height="300">',
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 60% 92%)"/><stop offset="1" stop-color="hsl(${hue2} 55% 80%)"/></linearGradient></defs>`,
    '<rect width="400" height="300" fill="url(#g)"/>',
    ...shapes,
    `<text x="20" y="280" font-family="system-ui, sans-serif" font-size="16" font-weight="700" fill="hsl(${hue} 40% 25%)" fill-opacity="0.8">${label}</text>`,
    '</svg>',
  ].join('')
}
