/**
 * The Kubernetes recipes hold what docs/DEPLOY.md promises: every document validates against
 * the Kubernetes and KEDA schemas, and the rules in manifest-rules.ts hold (probes on the real
 * health paths, resources, one KEDA ScaledObject per Deployment with a cron trigger and the
 * fast-out/slow-in behaviour, a PDB each, no HPA, no Secret). Broken copies of the real
 * documents prove each rule would catch its breakage.
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { stringify } from 'yaml'
import { describe, expect, it } from 'vitest'
import { loadKustomization, loadManifests, manifestViolations, parseManifests, schemaViolations, type Manifest } from './manifest-rules'

const DIR = dirname(fileURLToPath(import.meta.url))
const manifests = loadManifests(DIR)
const kustomization = loadKustomization(DIR)

/** A deep copy of the real documents with `edit` applied to the one of `kind` named `name`. */
function broken(kind: string, name: string, edit: (doc: Record<string, unknown>) => void): Manifest[] {
  const copy = structuredClone(manifests)
  const target = copy.find((m) => m.kind === kind && m.name === name)
  if (!target) throw new Error(`no ${kind} ${name} in the recipes`)
  edit(target.doc)
  return copy
}

/** The ConfigMap storefront-config's data. */
const configData = () => structuredClone((manifests.find((m) => m.kind === 'ConfigMap' && m.name === 'storefront-config')!.doc as { data: Record<string, string> }).data)

/**
 * Loads server/env.ts and the client-trust parser in a fresh process with `data` plus stand-ins
 * for the Secret's keys (docs/DEPLOY.md lists them): resolves with what it printed (the trust
 * model), rejects with the validation error a pod would die of.
 */
async function startWith(data: Record<string, string>): Promise<string> {
  const secretStandIns = {
    DATABASE_URL: 'postgresql://storefront@db.example.internal:5432/storefront',
    UPSTASH_REDIS_REST_URL: 'https://example.upstash.io',
    UPSTASH_REDIS_REST_TOKEN: 'upstash-token-stand-in',
    SESSION_SECRET: 's'.repeat(48),
    METRICS_TOKEN: 'm'.repeat(24),
  }
  const script = "await import('./server/env.ts'); const { clientTrust } = await import('./server/platform/client-trust.ts'); console.log(clientTrust.description)"
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: join(DIR, '../..'),
    env: { NODE_ENV: 'production', ...data, ...secretStandIns },
  })
  return stdout
}

type Container = Record<string, unknown>
const firstContainer = (doc: Record<string, unknown>) =>
  (doc as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers[0]!

describe('deploy/k8s', () => {
  it('holds web, API and worker Deployments, the edge, and a ScaledObject for each Deployment', () => {
    const names = (kind: string) => manifests.filter((m) => m.kind === kind).map((m) => m.name).sort()
    expect(names('Deployment')).toEqual(['storefront-api', 'storefront-web', 'storefront-worker'])
    expect(names('ScaledObject')).toEqual(['storefront-api', 'storefront-web', 'storefront-worker'])
    expect(names('StatefulSet')).toEqual(['storefront-edge'])
    expect(names('PodDisruptionBudget')).toEqual(['storefront-api', 'storefront-edge', 'storefront-web', 'storefront-worker'])
  })

  it('every document validates against the Kubernetes and KEDA schemas', () => {
    expect(schemaViolations(manifests)).toEqual([])
  })

  it('every rule holds: probes, resources, one autoscaler each with cron and fast-out/slow-in, PDBs, grace, edge VCL', () => {
    expect(manifestViolations(manifests, kustomization)).toEqual([])
  })

  it('the ConfigMap passes server/env.ts and the client-trust parser, as a pod would start with it', async () => {
    await expect(startWith(configData())).resolves.toMatch(/x-client-ip/i)
  })

  it('kustomization.yaml lists every recipe (the migration Job is applied on its own) and its VCL files exist', () => {
    const recipes = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && f !== 'migrate-job.yaml')
    expect([...(kustomization.resources ?? [])].sort()).toEqual(recipes.sort())
    const files = (kustomization.configMapGenerator ?? []).flatMap((g) => g.files ?? []).map((f) => f.split('=').at(-1)!)
    expect(files).toContain('../edge/storefront.vcl')
    for (const file of files) expect(existsSync(join(DIR, file)), `${file} exists`).toBe(true)
  })
})

describe('the checks catch a broken recipe', () => {
  it('a second autoscaler for one Deployment: another ScaledObject, or a plain HPA', () => {
    const web = manifests.find((m) => m.kind === 'ScaledObject' && m.name === 'storefront-web')!
    const twice = [...manifests, { ...structuredClone(web), name: 'storefront-web-2', source: 'fixture' }]
    expect(manifestViolations(twice, kustomization)).toContain('Deployment storefront-web: 2 ScaledObjects target it, not exactly 1')

    const hpa = parseManifests(
      stringify({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'storefront-web' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'storefront-web' }, minReplicas: 2, maxReplicas: 10 },
      }),
      'hpa-fixture.yaml',
    )
    expect(schemaViolations(hpa)).toEqual([])
    expect(manifestViolations([...manifests, ...hpa], kustomization)).toContain(
      'hpa-fixture.yaml#0: HorizontalPodAutoscaler storefront-web: KEDA owns the HPA; a second autoscaler is refused',
    )
  })

  it('a misspelt readiness probe (the schema lets unknown fields pass; the rules do not)', () => {
    const typo = broken('Deployment', 'storefront-api', (doc) => {
      const c = firstContainer(doc)
      c.readinesProbe = c.readinessProbe
      delete c.readinessProbe
    })
    expect(schemaViolations(typo)).toEqual([])
    expect(manifestViolations(typo, kustomization)).toEqual(['Deployment storefront-api: container api has no readiness probe on /api/health/ready'])
  })

  it('slow scale-down, a missing cron trigger, a replica count, a short grace period, no requests', () => {
    const edited = broken('ScaledObject', 'storefront-worker', (doc) => {
      const spec = doc.spec as { triggers: Array<{ type: string }>; advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: number } } } } }
      spec.triggers = spec.triggers.filter((t) => t.type !== 'cron')
      spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds = 300
    })
    const web = edited.find((m) => m.kind === 'Deployment' && m.name === 'storefront-web')!.doc as {
      spec: { replicas?: number; template: { spec: { terminationGracePeriodSeconds: number; containers: Container[] } } }
    }
    web.spec.replicas = 3
    web.spec.template.spec.terminationGracePeriodSeconds = 15
    delete (web.spec.template.spec.containers[0]!.resources as { requests?: unknown }).requests
    expect(manifestViolations(edited, kustomization).sort()).toEqual(
      [
        'Deployment storefront-web: container web has no cpu and memory requests',
        'Deployment storefront-web: sets replicas (3); its ScaledObject owns the count',
        'Deployment storefront-web: terminationGracePeriodSeconds 15 is not above preStop + drain bound (20 s)',
        'ScaledObject storefront-worker: no cron trigger (pre-scaling before a sale)',
        'ScaledObject storefront-worker: scale-down stabilization is 300, not 600 s',
      ].sort(),
    )
  })

  it('a schema error, an unknown kind and a committed Secret', () => {
    const badQuantity = broken('Deployment', 'storefront-worker', (doc) => {
      ;(firstContainer(doc).resources as { requests: Record<string, string> }).requests.cpu = 'a lot'
    })
    expect(schemaViolations(badQuantity).join('\n')).toMatch(/Deployment storefront-worker\): .*requests\/cpu must match format "quantity"/)
    const secret = parseManifests('apiVersion: v1\nkind: Secret\nmetadata: {name: storefront-secrets}\nstringData: {SESSION_SECRET: x}\n', 'secret.yaml')
    expect(schemaViolations(secret)).toEqual(['secret.yaml#0: no schema for v1 Secret (a kind the recipes do not use)'])
    expect(manifestViolations([...manifests, ...secret], kustomization)).toContain(
      'secret.yaml#0: Secret storefront-secrets is committed; secrets are created in the cluster (docs/DEPLOY.md)',
    )
  })

  it('a ConfigMap value the app refuses at start (a bad trusted-proxy range, a port out of range)', async () => {
    await expect(startWith({ ...configData(), TRUSTED_PROXY_ADDRESSES: '10.0.0.0/33' })).rejects.toThrow(/TRUSTED_PROXY_ADDRESSES/)
    await expect(startWith({ ...configData(), PORT: '70000' })).rejects.toThrow(/Invalid environment variables[\s\S]*PORT/)
  })
})
