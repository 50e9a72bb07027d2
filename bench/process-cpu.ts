/**
 * A server process's own CPU time around a trial (Linux `/proc/<pid>/stat`, user + system):
 * CPU per answer barely moves with what else runs on a shared machine, throughput does, so
 * the API pairs print both. Same method as bench/server-cost.ts.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim())

/** User + system CPU time of process `pid` so far, in ms (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND
}

/**
 * User + system CPU ms so far of process `pid` and, recursively, of its live child processes
 * (`/proc/<pid>/task/<tid>/children`): a server that forks its worker, as varnishd's manager
 * does, is measured whole.
 */
export function treeCpuMs(pid: number): number {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  )
  return cpuMs(pid) + children.reduce((sum, child) => sum + treeCpuMs(child), 0)
}

/** Runs `trial` and returns its result with the CPU ms process `pid` and its children spent during it. */
export async function withCpu<T>(pid: number, trial: () => Promise<T>): Promise<T & { cpuMs: number }> {
  const before = treeCpuMs(pid)
  const result = await trial()
  return { ...result, cpuMs: treeCpuMs(pid) - before }
}
