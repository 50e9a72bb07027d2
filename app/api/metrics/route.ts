import { fleetRegistry } from '@/server/ops/fleet-prometheus'
import { prometheusText } from '@/server/ops/prometheus.service'

export const dynamic = 'force-dynamic'

export async function GET(req: Request) {
  const answer = await prometheusText(req.headers.get('authorization'), [fleetRegistry()])
  return new Response(answer.body, {
    status: answer.status,
    headers: {
      'Content-Type': answer.status === 200 ? answer.contentType : 'text/plain; charset=utf-8',
      'Cache-Control': 'private, no-store',
    },
  })
}
