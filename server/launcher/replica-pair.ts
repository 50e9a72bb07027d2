/**
 * A private PostgreSQL primary with one streaming read replica, made with PostgreSQL's own
 * tools (`initdb`, `pg_basebackup`, `pg_ctl`), for fleet mode and its tests.
 *
 * Why a private pair: the machine's own cluster (5432) accepts no replication connections in
 * its pg_hba.conf, and nothing here may register a cluster on the machine. The pair lives in
 * one temporary folder, listens on two free ports on 127.0.0.1, and `stop()` removes it all.
 * Steps as verified on these machines (see the project's environment notes):
 *  1. `initdb -D DIR/primary -A trust -U postgres`
 *  2. `host replication all 127.0.0.1/32 trust` in DIR/primary/pg_hba.conf
 *  3. `pg_ctl -D DIR/primary -o "-p P1 -k DIR -c listen_addresses=127.0.0.1" start`
 *  4. `pg_basebackup -h 127.0.0.1 -p P1 -U postgres -D DIR/replica -R -X stream`
 *  5. `pg_ctl -D DIR/replica -o "-p P2 …" start`
 * `initdb` refuses to run as root, so as root every step runs as the `postgres` user
 * (`runuser -u postgres --`), which then owns the folder.
 *
 * Hand-written because it is a few process calls around PostgreSQL's own tools; no library
 * on npm runs a real (non-embedded) streaming pair.
 */
import { execFile } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, appendFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../dev/port-free'

const run = promisify(execFile)

/** Where Debian puts each major version's server binaries. */
const DEBIAN_PG_ROOT = '/usr/lib/postgresql'
/** The OS user PostgreSQL's tools run as when we are root (`initdb` refuses root). */
const POSTGRES_OS_USER = 'postgres'
/** How long `pg_ctl -w` may wait for a server to start or stop, in seconds. */
const PG_CTL_WAIT_S = 60

export type ReplicaPair = {
  /** `postgresql://postgres@127.0.0.1:P1/postgres` — the primary (read-write). */
  primaryUrl: string
  /** `postgresql://postgres@127.0.0.1:P2/postgres` — the streaming replica (read-only). */
  replicaUrl: string
  primaryPort: number
  replicaPort: number
  /** The folder holding both data directories and their sockets; removed by `stop()`. */
  dir: string
  /** Stops both servers (fast shutdown) and removes the folder. Safe to call twice. */
  stop(): Promise<void>
}

export type ReplicaPairOptions = {
  /** Server binaries; default: the newest major version under /usr/lib/postgresql. */
  binDir?: string
  /** Ports; default: free ones. */
  primaryPort?: number
  replicaPort?: number
  /** Extra `-c name=value` settings for both servers (e.g. `max_connections=200`). */
  settings?: Record<string, string | number>
}

/**
 * The newest PostgreSQL server binaries on this machine (Debian layout).
 * @throws Error naming the Debian package when none are installed.
 */
export function findPostgresBinDir(): string {
  const versions = existsSync(DEBIAN_PG_ROOT)
    ? readdirSync(DEBIAN_PG_ROOT)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(DEBIAN_PG_ROOT, v, 'bin', 'pg_basebackup')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  if (versions.length === 0) {
    throw new Error(`no PostgreSQL server binaries under ${DEBIAN_PG_ROOT} (Debian: apt-get install postgresql)`)
  }
  return join(DEBIAN_PG_ROOT, versions[0]!, 'bin')
}

function asPostgres(binDir: string, tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const file = join(binDir, tool)
  return userInfo().uid === 0 ? run('runuser', ['-u', POSTGRES_OS_USER, '--', file, ...args]) : run(file, args)
}

function serverOptions(port: number, dir: string, settings: Record<string, string | number>): string {
  const extra = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)
  return [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', ...extra].join(' ')
}

/**
 * Creates and starts a primary and its streaming replica. Resolves once both accept
 * connections and the replica has been cloned from the primary; replication then runs on
 * its own (a write is visible on the replica after the replay lag, typically milliseconds).
 * @throws Error with the failing tool's output; whatever was started is stopped and removed.
 */
export async function startReplicaPair(options: ReplicaPairOptions = {}): Promise<ReplicaPair> {
  const binDir = options.binDir ?? findPostgresBinDir()
  const primaryPort = options.primaryPort ?? (await freePort())
  const replicaPort = options.replicaPort ?? (await freePort())
  const settings = options.settings ?? {}
  const dir = mkdtempSync(join(tmpdir(), 'sf-replica-pair-'))
  chmodSync(dir, 0o700)
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', POSTGRES_OS_USER])
    const { stdout: gid } = await run('id', ['-g', POSTGRES_OS_USER])
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  const primaryData = join(dir, 'primary')
  const replicaData = join(dir, 'replica')
  const started: string[] = []

  const stop = async (): Promise<void> => {
    for (const data of started.splice(0).reverse()) {
      await asPostgres(binDir, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', String(PG_CTL_WAIT_S), 'stop']).catch(() => undefined)
    }
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    await asPostgres(binDir, 'initdb', ['-D', primaryData, '-A', 'trust', '-U', 'postgres', '--no-sync'])
    appendFileSync(join(primaryData, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n')
    await asPostgres(binDir, 'pg_ctl', [
      '-D', primaryData, '-o', serverOptions(primaryPort, dir, settings), '-l', join(dir, 'primary.log'), '-w', '-t', String(PG_CTL_WAIT_S), 'start',
    ])
    started.push(primaryData)
    await asPostgres(binDir, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replicaData, '-R', '-X', 'stream'])
    await asPostgres(binDir, 'pg_ctl', [
      '-D', replicaData, '-o', serverOptions(replicaPort, dir, settings), '-l', join(dir, 'replica.log'), '-w', '-t', String(PG_CTL_WAIT_S), 'start',
    ])
    started.push(replicaData)
  } catch (error) {
    await stop()
    const detail = error instanceof Error && 'stderr' in error ? String((error as { stderr: unknown }).stderr).trim() : ''
    throw new Error(`could not start the PostgreSQL replica pair: ${error instanceof Error ? error.message : String(error)}${detail ? `\n${detail}` : ''}`)
  }

  return {
    primaryUrl: `postgresql://postgres@127.0.0.1:${primaryPort}/postgres`,
    replicaUrl: `postgresql://postgres@127.0.0.1:${replicaPort}/postgres`,
    primaryPort,
    replicaPort,
    dir,
    stop,
  }
}
