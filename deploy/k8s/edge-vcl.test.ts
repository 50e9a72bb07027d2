/**
 * The edge's VCL as the cluster runs it (deploy/edge/storefront.vcl including
 * deploy/k8s/edge/storefront-backends.vcl) compiles with the real varnishd (`varnishd -C`).
 * Varnish resolves backend hosts at compile time and the Service names exist only inside a
 * cluster, so the copy compiled here points them at 127.0.0.1; nothing else changes.
 */
import { execFile } from 'node:child_process'
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const K8S = dirname(fileURLToPath(import.meta.url))
const SERVICE_HOSTS = ['storefront-web', 'storefront-api']

describe('the edge VCL in Kubernetes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-vcl-'))
  // Run as root, varnishd compiles as its own unprivileged user, which must read the folder.
  chmodSync(dir, 0o755)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('compiles with varnishd (Service names stand in as 127.0.0.1)', async () => {
    const backends = readFileSync(join(K8S, 'edge/storefront-backends.vcl'), 'utf8')
    for (const host of SERVICE_HOSTS) expect(backends).toContain(`.host = "${host}";`)
    writeFileSync(join(dir, 'storefront-backends.vcl'), SERVICE_HOSTS.reduce((text, host) => text.replaceAll(`"${host}"`, '"127.0.0.1"'), backends))
    copyFileSync(join(K8S, '../edge/storefront.vcl'), join(dir, 'storefront.vcl'))
    const compile = promisify(execFile)('varnishd', ['-C', '-f', join(dir, 'storefront.vcl'), '-p', `vcl_path=${dir}`, '-n', join(dir, 'work')], {
      maxBuffer: 64 * 1024 * 1024,
    })
    await expect(compile.then(() => 'compiled')).resolves.toBe('compiled')
  })
})
