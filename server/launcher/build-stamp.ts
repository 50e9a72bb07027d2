/**
 * Decides whether `npm start` must run `next build`: a fingerprint of every input that
 * shapes the build (sources, config, lockfile, schema) is stored beside the build output.
 * Hand-written because it is a directory walk and a hash; no dependency needed.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const INPUT_DIRS = ['app', 'server', 'prisma']
const INPUT_FILES = ['next.config.ts', 'instrumentation.ts', 'proxy.ts', 'package-lock.json', 'postcss.config.mjs', 'tsconfig.json']
const SKIP = new Set(['node_modules', 'generated', 'migrations'])
const STAMP_FILE = 'storefront-build-stamp'

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) walk(path, out)
    else if (!/\.test\.tsx?$/.test(entry.name)) out.push(path)
  }
}

export function sourceFingerprint(root: string, extra: string): string {
  const files: string[] = []
  for (const d of INPUT_DIRS) walk(join(root, d), files)
  for (const f of INPUT_FILES) if (existsSync(join(root, f))) files.push(join(root, f))
  const hash = createHash('sha256').update(extra)
  for (const f of files.sort()) {
    const st = statSync(f)
    hash.update(`${f}\0${st.size}\0${st.mtimeMs}\0`)
  }
  return hash.digest('hex')
}

/** True when `distDir` holds a finished build (whatever it was built from). */
export function hasBuild(distDir: string): boolean {
  return existsSync(join(distDir, 'BUILD_ID'))
}

export function buildIsCurrent(distDir: string, fingerprint: string): boolean {
  const stamp = join(distDir, STAMP_FILE)
  return existsSync(join(distDir, 'BUILD_ID')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === fingerprint
}

export function writeBuildStamp(distDir: string, fingerprint: string): void {
  writeFileSync(join(distDir, STAMP_FILE), fingerprint)
}
