/**
 * Checks of the Kubernetes recipes in deploy/k8s (run by manifests.test.ts in `npm test`):
 *  1. every YAML document validates against its schema: Kubernetes' own through
 *     `kubernetes-models`, KEDA's through `@kubernetes-models/keda` (`validate()` throws on a
 *     wrong type, a missing required field or a bad quantity; it does NOT reject unknown fields,
 *     so a misspelt `readinesProbe` passes the schema and is caught by the rules below);
 *  2. the rules the schemas cannot express: each Deployment probes the real health paths
 *     (server/health), asks for resources, leaves its replica count to exactly one KEDA
 *     ScaledObject (cron + a load trigger, up at once, down after 600 s), has a
 *     PodDisruptionBudget, and gets more termination grace than its drain takes; no
 *     HorizontalPodAutoscaler (KEDA refuses a target that already has one) and no Secret is
 *     committed; the edge mounts the VCL generated from deploy/edge/storefront.vcl.
 * `manifestViolations` returns every broken rule as a sentence, so a test shows them all at once.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1'
import type { IContainer, IPodTemplateSpec, IProbe } from 'kubernetes-models/v1'
import { ConfigMap, Service } from 'kubernetes-models/v1'
import { Job } from 'kubernetes-models/batch/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2'
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1'
import { MAX_DRAIN_MS } from '../../server/health/draining'
import { HEALTH_PATHS } from '../../server/health/health-paths'
import { READINESS_CHECK_TIMEOUT_MS } from '../../server/health/readiness'

/** KEDA's HPA behaviour the issue asks for: scale out at once, in only after ten quiet minutes. */
export const SCALE_UP_STABILIZATION_S = 0
export const SCALE_DOWN_STABILIZATION_S = 600
/** The edge's own health path (deploy/edge/storefront.vcl answers it without asking the origin). */
export const EDGE_HEALTH_PATH = '/.edge/health'
/** The VCL the edge runs, as kustomization.yaml's ConfigMap generator must name it. */
export const EDGE_VCL_SOURCE = '../edge/storefront.vcl'
export const EDGE_VCL_CONFIGMAP = 'storefront-edge-vcl'
/** Triggers that measure load (KEDA types), one of which each ScaledObject needs beside `cron`. */
export const LOAD_TRIGGERS = ['cpu', 'postgresql', 'prometheus'] as const

type ModelClass = new (data: never) => { validate(): void }

/** Every kind the recipes may use, by `apiVersion/kind`. Anything else is a violation. */
const SCHEMAS: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
}

export interface Manifest {
  /** File the document came from, and its index in the file. */
  source: string
  apiVersion: string
  kind: string
  name: string
  /** The document as parsed (validated against its schema before any rule reads it). */
  doc: Record<string, unknown>
}

interface Labels {
  [key: string]: string
}
interface Workload {
  metadata: { name: string }
  spec: { replicas?: number; selector: { matchLabels?: Labels }; template: IPodTemplateSpec }
}
interface Pdb {
  spec?: { selector?: { matchLabels?: Labels } }
}
interface Scaled {
  metadata: { name: string }
  spec: {
    scaleTargetRef: { name: string; kind?: string }
    triggers: Array<{ type: string }>
    advanced?: { horizontalPodAutoscalerConfig?: { behavior?: { scaleUp?: { stabilizationWindowSeconds?: number }; scaleDown?: { stabilizationWindowSeconds?: number } } } }
  }
}
interface Kustomization {
  resources?: string[]
  configMapGenerator?: Array<{ name: string; files?: string[] }>
}

/** Parses every document of a YAML text; a syntax error throws, naming `source`. */
export function parseManifests(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).flatMap((document, index) => {
    if (document.errors.length) throw new Error(`${source}: ${document.errors[0]!.message}`)
    const doc = document.toJS() as Record<string, unknown> | null
    if (doc === null) return []
    const metadata = (doc.metadata ?? {}) as { name?: string }
    return [{ source: `${source}#${index}`, apiVersion: String(doc.apiVersion), kind: String(doc.kind), name: metadata.name ?? '', doc }]
  })
}

/** Every `*.yaml` in `dir` except kustomization.yaml, parsed. */
export function loadManifests(dir: string): Manifest[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()
    .flatMap((f) => parseManifests(readFileSync(join(dir, f), 'utf8'), f))
}

/** `dir`/kustomization.yaml, parsed. */
export function loadKustomization(dir: string): Kustomization {
  return parseManifests(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'), 'kustomization.yaml')[0]!.doc as Kustomization
}

/** Schema errors: one sentence per document that fails `validate()` or has no known schema. */
export function schemaViolations(manifests: Manifest[]): string[] {
  return manifests.flatMap((m) => {
    const Model = SCHEMAS[`${m.apiVersion}/${m.kind}`]
    if (!Model) return [`${m.source}: no schema for ${m.apiVersion} ${m.kind} (a kind the recipes do not use)`]
    try {
      new Model(m.doc as never).validate()
      return []
    } catch (error) {
      return [`${m.source} (${m.kind} ${m.name}): ${(error as Error).message}`]
    }
  })
}

const selects = (selector: Labels | undefined, labels: Labels | undefined) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v)

function probePath(probe: IProbe | undefined): string | undefined {
  return probe?.httpGet?.path
}

function preStopSleepSeconds(c: IContainer): number {
  const command = c.lifecycle?.preStop?.exec?.command
  return command?.[0] === 'sleep' ? Number(command[1]) : 0
}

function containerViolations(what: string, c: IContainer, probes: { live: string; ready: string }): string[] {
  const out: string[] = []
  if (probePath(c.livenessProbe) !== probes.live) out.push(`${what}: container ${c.name} has no liveness probe on ${probes.live}`)
  if (probePath(c.readinessProbe) !== probes.ready) out.push(`${what}: container ${c.name} has no readiness probe on ${probes.ready}`)
  // A probe's timeout shorter than our own check deadlines would turn "Redis is slow" into a
  // probe timeout with no report; only our readiness path runs those checks.
  const timeoutS = c.readinessProbe?.timeoutSeconds ?? 1
  const slowestCheckMs = Math.max(...Object.values(READINESS_CHECK_TIMEOUT_MS))
  if (probePath(c.readinessProbe) === HEALTH_PATHS.ready && timeoutS * 1000 <= slowestCheckMs) {
    out.push(`${what}: readiness timeoutSeconds ${timeoutS} is not above the slowest check's deadline (${slowestCheckMs} ms)`)
  }
  const requests = c.resources?.requests ?? {}
  if (requests.cpu === undefined || requests.memory === undefined) out.push(`${what}: container ${c.name} has no cpu and memory requests`)
  if (c.resources?.limits?.memory === undefined) out.push(`${what}: container ${c.name} has no memory limit`)
  return out
}

function podViolations(what: string, template: IPodTemplateSpec, probes: { live: string; ready: string }): string[] {
  const spec = template.spec
  if (!spec) return [`${what}: no pod spec`]
  const out = spec.containers.flatMap((c) => containerViolations(what, c, probes))
  const graceS = spec.terminationGracePeriodSeconds ?? 30
  const needS = Math.max(...spec.containers.map(preStopSleepSeconds)) + MAX_DRAIN_MS / 1000
  if (graceS <= needS) out.push(`${what}: terminationGracePeriodSeconds ${graceS} is not above preStop + drain bound (${needS} s)`)
  return out
}

function scaledObjectViolations(so: Scaled, deployments: Set<string>): string[] {
  const what = `ScaledObject ${so.metadata.name}`
  const out: string[] = []
  const target = so.spec.scaleTargetRef
  if ((target.kind ?? 'Deployment') !== 'Deployment' || !deployments.has(target.name)) out.push(`${what}: targets no Deployment of the recipes (${target.name})`)
  const types = so.spec.triggers.map((t) => t.type)
  if (!types.includes('cron')) out.push(`${what}: no cron trigger (pre-scaling before a sale)`)
  if (!types.some((t) => (LOAD_TRIGGERS as readonly string[]).includes(t))) out.push(`${what}: no load trigger (${LOAD_TRIGGERS.join(', ')})`)
  const behavior = so.spec.advanced?.horizontalPodAutoscalerConfig?.behavior
  const up = behavior?.scaleUp?.stabilizationWindowSeconds
  const down = behavior?.scaleDown?.stabilizationWindowSeconds
  if (up !== SCALE_UP_STABILIZATION_S) out.push(`${what}: scale-up stabilization is ${up ?? 'unset'}, not ${SCALE_UP_STABILIZATION_S} s`)
  if (down !== SCALE_DOWN_STABILIZATION_S) out.push(`${what}: scale-down stabilization is ${down ?? 'unset'}, not ${SCALE_DOWN_STABILIZATION_S} s`)
  return out
}

function edgeViolations(edge: Workload, pdbs: Pdb[], manifests: Manifest[], kustomization: Kustomization): string[] {
  const what = `StatefulSet ${edge.metadata.name}`
  const out = podViolations(what, edge.spec.template, { live: EDGE_HEALTH_PATH, ready: EDGE_HEALTH_PATH })
  if (!pdbs.some((p) => selects(p.spec?.selector?.matchLabels, edge.spec.template.metadata?.labels))) out.push(`${what}: no PodDisruptionBudget selects it`)
  const mountsVcl = edge.spec.template.spec?.volumes?.some((v) => v.configMap?.name === EDGE_VCL_CONFIGMAP)
  if (!mountsVcl) out.push(`${what}: does not mount the ConfigMap ${EDGE_VCL_CONFIGMAP}`)
  const generator = kustomization.configMapGenerator?.find((g) => g.name === EDGE_VCL_CONFIGMAP)
  if (!generator?.files?.includes(`storefront.vcl=${EDGE_VCL_SOURCE}`)) out.push(`kustomization.yaml: ${EDGE_VCL_CONFIGMAP} is not generated from ${EDGE_VCL_SOURCE}`)
  const config = manifests.find((m) => m.kind === 'ConfigMap' && m.name === 'storefront-config')?.doc as { data?: Record<string, string> } | undefined
  const purgeUrls = (config?.data?.EDGE_PURGE_URLS ?? '').split(',').filter(Boolean)
  const expected = Array.from({ length: edge.spec.replicas ?? 1 }, (_, i) => `${edge.metadata.name}-${i}.`)
  if (purgeUrls.length !== expected.length || !expected.every((prefix, i) => purgeUrls[i]?.includes(`//${prefix}`))) {
    out.push(`storefront-config: EDGE_PURGE_URLS must name each of the ${expected.length} edges (${expected.join(', ')}…), not ${purgeUrls.length}`)
  }
  return out
}

/**
 * Every rule the recipes break, as sentences (empty when all hold). `manifests` should have
 * passed `schemaViolations` first; `kustomization` is deploy/k8s/kustomization.yaml.
 */
export function manifestViolations(manifests: Manifest[], kustomization: Kustomization): string[] {
  const of = <T>(kind: string) => manifests.filter((m) => m.kind === kind).map((m) => m.doc as unknown as T)
  const deployments = of<Workload>('Deployment')
  const pdbs = of<Pdb>('PodDisruptionBudget')
  const scaled = of<Scaled>('ScaledObject')
  const out: string[] = []
  if (deployments.length === 0) out.push('no Deployment at all')
  for (const d of deployments) {
    const what = `Deployment ${d.metadata.name}`
    out.push(...podViolations(what, d.spec.template, HEALTH_PATHS))
    if (d.spec.replicas !== undefined) out.push(`${what}: sets replicas (${d.spec.replicas}); its ScaledObject owns the count`)
    const podLabels = d.spec.template.metadata?.labels
    if (!pdbs.some((p) => selects(p.spec?.selector?.matchLabels, podLabels))) out.push(`${what}: no PodDisruptionBudget selects it`)
    const autoscalers = scaled.filter((s) => s.spec.scaleTargetRef.name === d.metadata.name)
    if (autoscalers.length !== 1) out.push(`${what}: ${autoscalers.length} ScaledObjects target it, not exactly 1`)
  }
  const names = new Set(deployments.map((d) => d.metadata.name))
  for (const so of scaled) out.push(...scaledObjectViolations(so, names))
  for (const m of manifests) {
    if (m.kind === 'HorizontalPodAutoscaler') out.push(`${m.source}: HorizontalPodAutoscaler ${m.name}: KEDA owns the HPA; a second autoscaler is refused`)
    if (m.kind === 'Secret') out.push(`${m.source}: Secret ${m.name} is committed; secrets are created in the cluster (docs/DEPLOY.md)`)
  }
  for (const edge of of<Workload>('StatefulSet')) out.push(...edgeViolations(edge, pdbs, manifests, kustomization))
  return out
}
