/**
 * The per-fleet part of the edge's VCL: `storefront-backends.vcl`, included by
 * deploy/edge/storefront.vcl. It declares
 *  - one backend per web process (`next` through our server) and per API process, each with a
 *    health probe, so a dead process leaves the round-robin within about two seconds;
 *  - the `edge_web_pool` and `edge_api_pool` round-robin directors (`directors` vmod);
 *  - `sub edge_web` / `sub edge_api`, which pick them: with no API process, `edge_api` picks
 *    the web pool (Next serves /api/trpc itself), so every tRPC batch stays on one host kind;
 *  - `acl edge_purgers`: the addresses allowed to PURGE;
 *  - fail open: the same processes again without a probe (`web_0_any` …, in `edge_web_any` /
 *    `edge_api_any`), which `sub edge_fail_open` (called from vcl_backend_fetch) picks when every
 *    process of a pool fails its probe. Readiness answers 503 when PostgreSQL or Redis is slow,
 *    and under a burst every process is equally slow: a probe must take one bad process out of
 *    rotation, never the whole pool (then the edge would answer 503 to everyone while each
 *    process could still serve). The same idea as Envoy's panic threshold.
 *
 * Generated, not templated by hand, because a fleet command passes its own lists; every value
 * is validated first (zod), so nothing a caller passes can inject VCL.
 */
import { isIP } from 'node:net'
import { z } from 'zod'
import { HEALTH_PATHS } from '../health/health-paths'

/** Probe cadence: a dead process leaves its pool after PROBE_THRESHOLD failures in PROBE_WINDOW probes. */
export const PROBE_INTERVAL_S = 1
export const PROBE_TIMEOUT_S = 2
export const PROBE_WINDOW = 3
export const PROBE_THRESHOLD = 2
/** Connection and answer deadlines of one backend request; past them the edge falls back to a stale copy. */
export const BACKEND_CONNECT_TIMEOUT_S = 1
export const BACKEND_FIRST_BYTE_TIMEOUT_S = 15
export const BACKEND_BETWEEN_BYTES_TIMEOUT_S = 10

/**
 * What the probes ask: every process's readiness endpoint (server/health), which fails at once
 * when a process starts draining after SIGTERM and while PostgreSQL or Redis does not answer,
 * so a stopping process leaves its pool before it closes its port (DRAIN_ANNOUNCE_MS).
 */
export const WEB_PROBE_PATH = HEALTH_PATHS.ready
export const API_PROBE_PATH = HEALTH_PATHS.ready

/** The include's file name, as deploy/edge/storefront.vcl names it. */
export const BACKENDS_VCL_FILE = 'storefront-backends.vcl'

const hostName = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, 'a host name or IPv4 address')
const host = z.union([z.ipv4(), z.ipv6(), hostName])
const backend = z.object({ host, port: z.number().int().min(1).max(65_535) })
const cidr = z.string().refine((entry) => {
  const [address = '', prefix, extra] = entry.split('/')
  const family = isIP(address)
  if (!family || extra !== undefined) return false
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32))
}, 'an IP address or CIDR range')

export const edgeBackendsInput = z.object({
  web: z.array(backend).min(1, 'at least one web process'),
  api: z.array(backend).default([]),
  /** Addresses (IPs or CIDR ranges) allowed to PURGE: where our stores and workers run. */
  purgers: z.array(cidr).min(1).default(['127.0.0.1', '::1']),
  webProbePath: z.string().regex(/^\/[\w\-./?=&%]*$/).default(WEB_PROBE_PATH),
  apiProbePath: z.string().regex(/^\/[\w\-./?=&%]*$/).default(API_PROBE_PATH),
})

export type EdgeBackend = z.infer<typeof backend>
export type EdgeBackendsInput = z.input<typeof edgeBackendsInput>

function probe(name: string, path: string): string {
  return [
    `probe ${name} {`,
    `    .url = "${path}";`,
    `    .interval = ${PROBE_INTERVAL_S}s;`,
    `    .timeout = ${PROBE_TIMEOUT_S}s;`,
    `    .window = ${PROBE_WINDOW};`,
    `    .threshold = ${PROBE_THRESHOLD};`,
    // Start healthy: the launcher starts the edge once the processes answer.
    `    .initial = ${PROBE_THRESHOLD};`,
    `}`,
  ].join('\n')
}

function backendBlock(name: string, b: EdgeBackend, probeName: string | null): string {
  return [
    `backend ${name} {`,
    `    .host = "${b.host}";`,
    `    .port = "${b.port}";`,
    ...(probeName ? [`    .probe = ${probeName};`] : []),
    `    .connect_timeout = ${BACKEND_CONNECT_TIMEOUT_S}s;`,
    `    .first_byte_timeout = ${BACKEND_FIRST_BYTE_TIMEOUT_S}s;`,
    `    .between_bytes_timeout = ${BACKEND_BETWEEN_BYTES_TIMEOUT_S}s;`,
    `}`,
  ].join('\n')
}

function aclEntry(entry: string): string {
  const [address, prefix] = entry.split('/')
  return prefix === undefined ? `    "${address}";` : `    "${address}"/${prefix};`
}

/**
 * The text of `storefront-backends.vcl` for a fleet.
 * @throws ZodError when a host, port, ACL entry or probe path is not acceptable.
 */
export function edgeBackendsVcl(input: EdgeBackendsInput): string {
  const cfg = edgeBackendsInput.parse(input)
  const web = cfg.web.map((b, i) => ({ name: `web_${i}`, b }))
  const api = cfg.api.map((b, i) => ({ name: `api_${i}`, b }))
  const lines = [
    '# Generated by server/launcher/edge-backends.ts for one fleet: do not edit by hand.',
    probe('edge_web_probe', cfg.webProbePath),
    ...(api.length ? [probe('edge_api_probe', cfg.apiProbePath)] : []),
    ...web.map(({ name, b }) => backendBlock(name, b, 'edge_web_probe')),
    ...api.map(({ name, b }) => backendBlock(name, b, 'edge_api_probe')),
    ...web.map(({ name, b }) => backendBlock(`${name}_any`, b, null)),
    ...api.map(({ name, b }) => backendBlock(`${name}_any`, b, null)),
    'acl edge_purgers {',
    ...cfg.purgers.map(aclEntry),
    '}',
    'sub vcl_init {',
    '    new edge_web_pool = directors.round_robin();',
    ...web.map(({ name }) => `    edge_web_pool.add_backend(${name});`),
    ...(api.length ? ['    new edge_api_pool = directors.round_robin();', ...api.map(({ name }) => `    edge_api_pool.add_backend(${name});`)] : []),
    '    new edge_web_any = directors.round_robin();',
    ...web.map(({ name }) => `    edge_web_any.add_backend(${name}_any);`),
    ...(api.length ? ['    new edge_api_any = directors.round_robin();', ...api.map(({ name }) => `    edge_api_any.add_backend(${name}_any);`)] : []),
    '}',
    'sub edge_web {',
    '    set req.backend_hint = edge_web_pool.backend();',
    '}',
    'sub edge_api {',
    `    set req.backend_hint = ${api.length ? 'edge_api_pool' : 'edge_web_pool'}.backend();`,
    '}',
    'sub edge_fail_open {',
    '    if (!std.healthy(bereq.backend)) {',
    '        if (bereq.backend == edge_web_pool.backend()) {',
    '            set bereq.backend = edge_web_any.backend();',
    ...(api.length ? ['        } else if (bereq.backend == edge_api_pool.backend()) {', '            set bereq.backend = edge_api_any.backend();'] : []),
    '        }',
    '    }',
    '}',
  ]
  return `${lines.join('\n')}\n`
}
