/**
 * The drill's Chromium shoppers get a CPU cgroup of their own with a low weight, so that on a
 * machine that also runs the store they take only the CPU the store leaves idle.
 *
 * Why: a load test must not let its own clients compete with the system it measures (the
 * usual advice is a separate machine for them). Here the browsers share two cores with the
 * store. Chromium raises its browser and GPU processes to nice -8, and every journey starts a
 * fresh renderer, so three shoppers took 60-75 % of the machine (top, 2026-12-01 15:50) and
 * the store's probe p99 rose from 59 ms with no browser to 559 ms. In one cgroup at
 * cpu.shares 128 (the store's processes keep the default 1024) the same three shoppers finished
 * as many journeys in 40 s (9 and 9) and the probe p99 was 30 ms
 * (docs/decision-browser-load.md). Renicing does not do it: nice is per thread, Chromium
 * re-raises its own, and a shopper is a dozen processes.
 *
 * How: Playwright starts Chromium through a two-line shell wrapper that moves itself into the
 * cgroup and then `exec`s Chromium, so every process Chromium starts inherits the group. The
 * kernel's cgroup files are the interface (v1 `cpu.shares` or v2 `cpu.weight`); no library
 * wraps them for Node. Where neither can be written (not root, no CPU controller), the drill
 * runs Chromium as before and the report's environment says "not isolated" and why.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** cgroup v1 `cpu.shares` of the browsers' group; every other process keeps the default 1024. */
export const BROWSER_CPU_SHARES = 128
/** cgroup v2 `cpu.weight` of the browsers' group: the same ratio to the default 100. */
export const BROWSER_CPU_WEIGHT = Math.round((BROWSER_CPU_SHARES / 1024) * 100)
/** The group's name under the CPU controller's root (one per drill process). */
const GROUP_PREFIX = 'sf-drill-browsers-'
/** Where the cgroup file system is mounted. */
const CGROUP_ROOT = '/sys/fs/cgroup'
/** How long cleanup waits for the browsers' last processes to leave the group. */
export const GROUP_EMPTY_WAIT_MS = 5_000

export interface BrowserCpu {
  /** What Playwright should launch: the wrapper, or Chromium itself when isolation failed. */
  executablePath: string
  /** For the report: e.g. "cgroup v1 cpu.shares 128 (others 1024)", or "not isolated: <why>". */
  isolation: string
  /** The group's directory in the cgroup file system; null when not isolated. */
  group: string | null
  /** Removes the wrapper and the group once its last process has exited (waits up to GROUP_EMPTY_WAIT_MS); resolves to what it could not remove, or null. */
  cleanup(): Promise<string | null>
}

interface Group {
  dir: string
  isolation: string
}

/** Removes the groups of earlier drills whose process is gone (only empty ones: rmdir refuses the rest). */
function removeStaleGroups(parent: string): void {
  for (const entry of readdirSync(parent)) {
    if (!entry.startsWith(GROUP_PREFIX) || existsSync(`/proc/${entry.slice(GROUP_PREFIX.length)}`)) continue
    try {
      rmdirSync(join(parent, entry))
    } catch {
      // still has processes: another drill is running
    }
  }
}

/** Makes `parent/name` with `weightFile` set to `weight`, after clearing stale groups beside it. */
function makeGroup(parent: string, name: string, weightFile: string, weight: number, isolation: string): Group {
  removeStaleGroups(parent)
  const dir = join(parent, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, weightFile), String(weight))
  return { dir, isolation }
}

/** The group under cgroup v2 (enabling the CPU controller for the root's children) or v1; null when neither is mounted. */
function cpuGroup(root: string, name: string): Group | null {
  if (existsSync(join(root, 'cgroup.controllers'))) {
    const subtree = join(root, 'cgroup.subtree_control')
    if (!readFileSync(subtree, 'utf8').split(/\s+/).includes('cpu')) writeFileSync(subtree, '+cpu')
    return makeGroup(root, name, 'cpu.weight', BROWSER_CPU_WEIGHT, `cgroup v2 cpu.weight ${BROWSER_CPU_WEIGHT} (others 100)`)
  }
  const v1 = join(root, 'cpu')
  if (existsSync(join(v1, 'cpu.shares'))) return makeGroup(v1, name, 'cpu.shares', BROWSER_CPU_SHARES, `cgroup v1 cpu.shares ${BROWSER_CPU_SHARES} (others 1024)`)
  return null
}

/** Prepares the group and the wrapper. Never throws: a machine that refuses gets Chromium as is. */
export function isolateBrowsers(chromium: string): BrowserCpu {
  const notIsolated = (why: string): BrowserCpu => ({ executablePath: chromium, isolation: `not isolated: ${why}`, group: null, cleanup: async () => null })
  let group: Group | null
  try {
    group = cpuGroup(CGROUP_ROOT, `${GROUP_PREFIX}${process.pid}`)
  } catch (error) {
    return notIsolated(error instanceof Error ? error.message.split('\n')[0]! : String(error))
  }
  if (!group) return notIsolated('no writable CPU controller')
  const folder = mkdtempSync(join(tmpdir(), 'sf-drill-chromium-'))
  const wrapper = join(folder, 'chromium')
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`
  // A browser that cannot join the group fails to start (the report would otherwise claim isolation).
  writeFileSync(wrapper, `#!/bin/sh\necho $$ > ${quote(join(group.dir, 'cgroup.procs'))} || exit 1\nexec ${quote(chromium)} "$@"\n`)
  chmodSync(wrapper, 0o755)
  const dir = group.dir
  return {
    executablePath: wrapper,
    isolation: group.isolation,
    group: dir,
    async cleanup() {
      rmSync(folder, { recursive: true, force: true })
      const deadline = Date.now() + GROUP_EMPTY_WAIT_MS
      for (;;) {
        try {
          rmdirSync(dir)
          return null
        } catch {
          // EBUSY while a browser process is still exiting
          if (Date.now() > deadline) return `cgroup ${dir} (processes still in it)`
          await sleep(100)
        }
      }
    },
  }
}
