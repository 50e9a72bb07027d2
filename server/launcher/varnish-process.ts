/**
 * Starts the edge: `varnishd` in the foreground on a given port, with deploy/edge/storefront.vcl
 * and a backend list generated for the fleet (edge-backends.ts). A fleet command calls
 * `startEdge({ port, web, api })` with the ports of its web and API processes; the test harness
 * and the bench call the same function.
 *
 * Runs unprivileged-style (`-j none`: no jail, so the working directory needs no special
 * owner) with its own instance directory (`-n`) in a temporary folder, removed on stop.
 * Where `varnishd` is missing it fails with a message naming the Debian packages to install.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { childEnv } from '../env'
import { BACKENDS_VCL_FILE, edgeBackendsVcl, type EdgeBackendsInput } from './edge-backends'

const execFileAsync = promisify(execFile)

/** The repository's edge configuration folder and main VCL. */
export const EDGE_CONFIG_DIR = fileURLToPath(new URL('../../deploy/edge/', import.meta.url))
export const EDGE_VCL = join(EDGE_CONFIG_DIR, 'storefront.vcl')

/** The header our edge sets to the client address (deploy/edge/storefront.vcl). */
export const EDGE_CLIENT_ADDRESS_HEADER = 'x-client-ip'
/** Cache memory of one edge (malloc storage). */
export const EDGE_CACHE_SIZE = '256m'
/** How long the edge may take to compile its VCL and answer. */
export const EDGE_READY_TIMEOUT_MS = 30_000
/** Grace given to varnishd to stop on SIGTERM before SIGKILL. */
export const EDGE_STOP_TIMEOUT_MS = 5_000

export const VARNISH_PACKAGES = 'varnish varnish-modules'
export const VARNISH_MISSING_MESSAGE = `varnishd was not found: install the Debian packages ${VARNISH_PACKAGES} (apt-get install -y ${VARNISH_PACKAGES})`

/** Where varnishd lives: on the PATH, or in /usr/sbin (Debian's place, often not on a user's PATH). */
export function findVarnishd(): string | null {
  const dirs = [...(childEnv().PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin']
  for (const dir of dirs) {
    const candidate = join(dir, 'varnishd')
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return null
}

/** varnishd, or an Error naming the packages to install. */
export function requireVarnishd(): string {
  const found = findVarnishd()
  if (!found) throw new Error(VARNISH_MISSING_MESSAGE)
  return found
}

/** Environment for the web and API processes behind an edge on this machine: trust its client-address header, from it only. */
export function behindEdgeEnv(edgeAddresses = '127.0.0.1'): Record<string, string | undefined> {
  return { CLIENT_ADDRESS_HEADER: EDGE_CLIENT_ADDRESS_HEADER, TRUSTED_PROXY_ADDRESSES: edgeAddresses, TRUSTED_PROXY_HOPS: '0' }
}

async function backendHealth(instance: string): Promise<Map<string, boolean>> {
  const { stdout } = await execFileAsync('varnishadm', ['-n', instance, '-t', String(VARNISHADM_TIMEOUT_MS / 1000), 'backend.list'], {
    timeout: VARNISHADM_TIMEOUT_MS,
    env: childEnv(),
  })
  return parseBackendList(stdout)
}

/** A folder holding a generated backends file, plus the varnishd arguments that find it. */
function writeConfig(backends: EdgeBackendsInput): { dir: string; vclArgs: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'storefront-edge-'))
  writeFileSync(join(dir, BACKENDS_VCL_FILE), edgeBackendsVcl(backends))
  return { dir, vclArgs: ['-f', EDGE_VCL, '-p', `vcl_path=${dir}:${EDGE_CONFIG_DIR}:/usr/share/varnish/vcl`] }
}

/**
 * Compiles the edge's VCL with `backends` (`varnishd -C`) and returns what varnishd printed on
 * failure; null when it compiles. Throws when varnishd is missing.
 */
export function checkEdgeVcl(backends: EdgeBackendsInput): string | null {
  const varnishd = requireVarnishd()
  const { dir, vclArgs } = writeConfig(backends)
  try {
    const run = spawnSync(varnishd, ['-C', '-j', 'none', '-n', join(dir, 'instance'), ...vclArgs], { encoding: 'utf8' })
    return run.status === 0 ? null : `${run.stderr}${run.stdout.slice(-2000)}`.trim() || `varnishd -C exited with ${run.status}`
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface EdgeOptions extends EdgeBackendsInput {
  /** Port to listen on (127.0.0.1 unless `host` says otherwise). */
  port: number
  host?: string
}

export interface RunningEdge {
  /** Where shoppers (and PURGE requests) reach it, e.g. http://127.0.0.1:8080. */
  url: string
  process: ChildProcess
  /**
   * What the edge's probes say now, per backend (`web_0`, `api_1`, …: edge-backends.ts): true
   * when healthy. Asks varnishd's management CLI (`varnishadm -n <instance> backend.list`).
   * @throws when varnishadm fails.
   */
  backendHealth(): Promise<Map<string, boolean>>
  /** Stops varnishd (SIGTERM, then SIGKILL) and removes its folder. */
  stop(): Promise<void>
}

/** How long one `varnishadm` call may take, in ms. */
export const VARNISHADM_TIMEOUT_MS = 5_000

/**
 * Parses `varnishadm backend.list`: one line per backend, `<vcl>.<name> <admin> <probe> <health> …`
 * (Varnish 7), into name → healthy. Names are given without their VCL prefix.
 */
export function parseBackendList(text: string): Map<string, boolean> {
  const health = new Map<string, boolean>()
  for (const line of text.split('\n')) {
    const match = /^\S+?\.(\w+)\s+\S+\s+\S+\s+(healthy|sick)\b/.exec(line.trim())
    if (match) health.set(match[1]!, match[2] === 'healthy')
  }
  return health
}

/**
 * Starts varnishd on `host:port` in front of `web` (and `api`) and waits until it answers.
 * @throws when varnishd is missing (naming the packages), the VCL does not compile, or it never answers.
 */
export async function startEdge(opts: EdgeOptions): Promise<RunningEdge> {
  const varnishd = requireVarnishd()
  const host = opts.host ?? '127.0.0.1'
  const { dir, vclArgs } = writeConfig(opts)
  const listen = host.includes(':') ? `[${host}]:${opts.port}` : `${host}:${opts.port}`
  const child = spawn(
    varnishd,
    ['-F', '-j', 'none', '-a', listen, '-n', join(dir, 'instance'), '-P', join(dir, 'varnishd.pid'), '-s', `malloc,${EDGE_CACHE_SIZE}`, ...vclArgs],
    { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() },
  )
  let output = ''
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-8000))
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const url = `http://${listen}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), EDGE_STOP_TIMEOUT_MS)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + EDGE_READY_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      rmSync(dir, { recursive: true, force: true })
      throw new Error(`varnishd exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}`)
    }
    try {
      const res = await fetch(`${url}/.edge/health`, { signal: AbortSignal.timeout(1_000) })
      await res.arrayBuffer()
      if (res.ok) return { url, process: child, stop, backendHealth: () => backendHealth(join(dir, 'instance')) }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`varnishd did not answer on ${url} within ${EDGE_READY_TIMEOUT_MS / 1000} s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}
