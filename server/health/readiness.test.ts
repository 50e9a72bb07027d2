/**
 * Readiness in process, against this run's real PostgreSQL and Redis (through the gateway):
 * ready, then draining after `startDraining()` (what the SIGTERM handler calls), and the build
 * check on a real directory. Draining cannot be undone, so this file owns its process's flag.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isDraining, startDraining } from './draining'
import { readinessAnswer } from './health-http'
import { checkNextBuild } from './next-build-check'
import { checkReadiness } from './readiness'

describe('readiness in process', () => {
  it('is ready while PostgreSQL and Redis answer (no build check unless a build directory is named)', async () => {
    const report = await checkReadiness()
    expect(report).toMatchObject({ status: 'ready', failed: [] })
    expect(Object.keys(report.checks).sort()).toEqual(['database', 'redis'])
  })

  it('names the build check when the named build directory holds no build', async () => {
    const report = await checkReadiness({ nextDistDir: '.next-does-not-exist' })
    expect(report).toMatchObject({ status: 'not-ready', failed: ['build'] })
    expect(report.checks.build?.error).toBe('no build in .next-does-not-exist (BUILD_ID unreadable)')
  })

  it('answers 503 "draining" at once after startDraining(), and stays so', async () => {
    expect((await readinessAnswer()).status).toBe(200)
    startDraining()
    expect(isDraining()).toBe(true)
    const answer = await readinessAnswer({ nextDistDir: '.next-does-not-exist' })
    expect(answer.status).toBe(503)
    expect(answer.headers['Cache-Control']).toBe('no-store')
    expect(JSON.parse(answer.body)).toEqual({ status: 'draining', failed: [], checks: {} })
    expect((await checkReadiness()).status).toBe('draining')
  })
})

describe('the build check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'build-check-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('fails without a build, passes with one, and fails once the build changes under the process', async () => {
    await expect(checkNextBuild('.next-x', dir)).rejects.toThrow('no build in .next-x (BUILD_ID unreadable)')
    const buildDir = join(dir, '.next-x')
    mkdirSync(buildDir)
    writeFileSync(join(buildDir, 'BUILD_ID'), '')
    await expect(checkNextBuild('.next-x', dir)).rejects.toThrow('BUILD_ID empty')
    writeFileSync(join(buildDir, 'BUILD_ID'), 'build-one\n')
    await expect(checkNextBuild('.next-x', dir)).resolves.toBeUndefined()
    await expect(checkNextBuild('.next-x', dir)).resolves.toBeUndefined()
    writeFileSync(join(buildDir, 'BUILD_ID'), 'build-two\n')
    await expect(checkNextBuild('.next-x', dir)).rejects.toThrow('changed under this process (build-one → build-two): restart it')
  })
})
