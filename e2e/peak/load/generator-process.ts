/** Starts generator-main.ts as a child process, hands it the job, and resolves with its samples. */
import { fork } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { setPriority } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { GeneratorJob, GeneratorMessage } from './generator-protocol'
import type { LoadSamples } from './samples'

const ENTRY = fileURLToPath(new URL('./generator-main.ts', import.meta.url))

/**
 * The generator runs at a higher scheduling priority than the store when the OS allows it
 * (root here): on two shared cores, a starved generator sends late and the run is INVALID.
 * Above Chromium, which raises its own browser process to -8; the generator needs ~5 % of a core.
 */
export const GENERATOR_NICE = -10

export interface RunningGenerator {
  /** The niceness the generator got (0 when raising its priority was not allowed). */
  nice: number
  /** Wall clock when the generator's t = 0 began (resolves right after start). */
  started: Promise<number>
  result: Promise<LoadSamples>
  stop(): void
}

export function startGenerator(job: GeneratorJob, onProgress?: (m: Extract<GeneratorMessage, { type: 'progress' }>) => void): RunningGenerator {
  const child = fork(ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  let nice = 0
  try {
    setPriority(child.pid!, GENERATOR_NICE)
    nice = GENERATOR_NICE
  } catch {
    // not permitted: it runs at normal priority, and the lag threshold will tell
  }
  let resolveStarted: (epochMs: number) => void = () => {}
  const started = new Promise<number>((r) => (resolveStarted = r))
  const result = new Promise<LoadSamples>((resolve, reject) => {
    let failure: string | null = null
    child.on('message', (m: GeneratorMessage) => {
      if (m.type === 'started') resolveStarted(m.epochMs)
      else if (m.type === 'progress') onProgress?.(m)
      else if (m.type === 'failed') failure = m.message
      else if (m.type === 'done') {
        resolve(JSON.parse(readFileSync(job.outFile, 'utf8')) as LoadSamples)
        rmSync(job.outFile, { force: true })
      }
    })
    child.once('exit', (code, signal) => {
      reject(new Error(failure ?? `load generator exited (${signal ?? code}) before it was done`))
    })
  })
  child.send({ type: 'start', job })
  return {
    nice,
    started,
    result,
    stop: () => {
      if (child.connected) child.send({ type: 'stop' })
    },
  }
}
