/**
 * "The build is usable" for a process that serves a Next build: `<distDir>/BUILD_ID` is
 * readable, and it is still the build this process first saw. A deploy that replaces the
 * build directory under a running server (a VM updated in place) leaves that server asking
 * for chunks that no longer exist; it must stop taking traffic and be restarted, and this
 * check says so. In a container the build never changes, so it only proves the image holds one.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

const FIRST_BUILD_ID = Symbol.for('storefront.health.firstBuildId')
const seen = globalThis as unknown as { [FIRST_BUILD_ID]?: string }

/**
 * Resolves when the build in `distDir` (relative to `cwd`) is present and unchanged since this
 * process's first check; rejects with an Error saying which of the two is wrong.
 */
export async function checkNextBuild(distDir: string, cwd: string = process.cwd()): Promise<void> {
  let buildId: string
  try {
    buildId = (await readFile(join(cwd, distDir, 'BUILD_ID'), 'utf8')).trim()
  } catch {
    throw new Error(`no build in ${distDir} (BUILD_ID unreadable)`)
  }
  if (!buildId) throw new Error(`no build in ${distDir} (BUILD_ID empty)`)
  seen[FIRST_BUILD_ID] ??= buildId
  if (seen[FIRST_BUILD_ID] !== buildId) {
    throw new Error(`the build in ${distDir} changed under this process (${seen[FIRST_BUILD_ID]} → ${buildId}): restart it`)
  }
}
