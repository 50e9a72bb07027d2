/**
 * `npm run drill -- [--quick | --ci] [--faults] [options]`: resolves the drill's options,
 * prints them, and runs the peak Playwright config with them (DRILL_OPTIONS). Exits with
 * Playwright's code, so a failed invariant or threshold fails the command.
 *
 *   --quick                 the compressed profile (≤ 3 min), judged by the declared SLOs
 *   --ci                    quick shape at B = 4/s, two browsers, thresholds tolerant of CI noise (npm test)
 *   --faults                SIGKILL the worker, restart Redis, slow Redis — during the hold
 *   --fleet                 against the fleet (`npm run fleet`): the edge, 1 web, 1 API, 1 worker,
 *                           a primary with a streaming read replica; shoppers connect from
 *                           loopback addresses of their own (the edge sees the TCP peer)
 *   --no-replica            with --fleet: one database, no replica (to compare catalog reads)
 *   --web N  --api M        with --fleet: N web and M API processes behind the edge (default 1 and 1)
 *   --waiting-room          the waiting room in automatic mode (the default of --ci), admitting
 *                           75 % of the hold's expected checkout arrivals per second; queued shoppers
 *                           poll, are admitted and check out, and a few abandon
 *   --no-waiting-room       the room off (the default of quick and full): saturation is shed as before
 *   --admission-rate N      with the room: admissions per second instead of the derived rate
 *   --baseline-rps N  --multiplier N  --warmup-s N  --baseline-s N  --ramp-up-s N
 *   --hold-s N  --ramp-down-s N  --recovery-s N          the load shape
 *   --contexts N  --sessions N  --worker-concurrency N  --port N|auto  --seed N
 *   --threshold key=value   override one threshold (repeatable; keys in drill-options.ts)
 *   --ops-screenshot PATH   a full-page PNG of /ops, kept open by an admin from before the step, taken 20 s into the hold
 *   --keep-db               keep the drill database afterwards
 *   --help                  this text
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { CHROMIUM_PATH } from '../chromium'
import { isolateBrowsers } from './browser/browser-cpu'
import { resolveOptions, thresholdsSchema, type DrillOverrides, type LoadShape, type Thresholds } from './drill-options'

const require = createRequire(import.meta.url)

const num = { type: 'string' } as const
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    ci: { type: 'boolean', default: false },
    faults: { type: 'boolean', default: false },
    fleet: { type: 'boolean', default: false },
    'no-replica': { type: 'boolean', default: false },
    web: num,
    api: num,
    'waiting-room': { type: 'boolean' },
    'no-waiting-room': { type: 'boolean' },
    'admission-rate': num,
    'baseline-rps': num,
    multiplier: num,
    'warmup-s': num,
    'baseline-s': num,
    'ramp-up-s': num,
    'hold-s': num,
    'ramp-down-s': num,
    'recovery-s': num,
    contexts: num,
    sessions: num,
    'worker-concurrency': num,
    port: num,
    seed: num,
    threshold: { type: 'string', multiple: true },
    'keep-db': { type: 'boolean', default: false },
    'ops-screenshot': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})

if (values.help) {
  // The usage is this file's own header comment.
  const header = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(new URL(import.meta.url), 'utf8'))?.[1] ?? ''
  console.log(header.replace(/^ \* ?/gm, '').trim())
  process.exit(0)
}

function number(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${raw}"`)
  return n
}

const shapeFlags: Record<string, keyof LoadShape> = {
  'baseline-rps': 'baselineRps',
  multiplier: 'multiplier',
  'warmup-s': 'warmupS',
  'baseline-s': 'baselineS',
  'ramp-up-s': 'rampUpS',
  'hold-s': 'holdS',
  'ramp-down-s': 'rampDownS',
  'recovery-s': 'recoveryS',
}

function overrides(): DrillOverrides {
  const shape: Partial<LoadShape> = {}
  for (const [flag, key] of Object.entries(shapeFlags)) {
    const n = number(flag, values[flag as keyof typeof values] as string | undefined)
    if (n !== undefined) shape[key] = n
  }
  const thresholds: Partial<Thresholds> = {}
  const keys = Object.keys(thresholdsSchema.shape) as Array<keyof Thresholds>
  for (const item of values.threshold ?? []) {
    const [key, raw] = item.split('=')
    if (!keys.includes(key as keyof Thresholds)) throw new Error(`--threshold ${item}: unknown key (one of ${keys.join(', ')})`)
    thresholds[key as keyof Thresholds] = number(`threshold ${key}`, raw)!
  }
  const port = values.port === 'auto' ? 'auto' : number('port', values.port)
  if (values['waiting-room'] && values['no-waiting-room']) throw new Error('--waiting-room and --no-waiting-room contradict each other')
  const waitingRoom = values['waiting-room'] ? true : values['no-waiting-room'] ? false : undefined
  return {
    profile: values.ci ? 'ci' : values.quick ? 'quick' : 'full',
    faults: values.faults,
    shape,
    thresholds,
    browserContexts: number('contexts', values.contexts),
    sessions: number('sessions', values.sessions),
    workerConcurrency: number('worker-concurrency', values['worker-concurrency']),
    port,
    seed: number('seed', values.seed),
    keepDatabase: values['keep-db'],
    ...(values['ops-screenshot'] !== undefined && { opsScreenshot: resolve(values['ops-screenshot']) }),
    fleet: values.fleet,
    replica: !values['no-replica'],
    fleetShape: {
      ...(values.web !== undefined && { web: number('web', values.web) }),
      ...(values.api !== undefined && { api: number('api', values.api) }),
    },
    ...(waitingRoom !== undefined && { waitingRoom }),
    admissionRate: number('admission-rate', values['admission-rate']),
  }
}

try {
  const o = overrides()
  const resolved = resolveOptions(o) // validate now, with a readable error, before Playwright starts
  const against = resolved.fleet ? `, against the fleet${resolved.replica ? ' with a read replica' : ' without a replica'}` : ''
  const room = resolved.waitingRoom ? `, waiting room ${resolved.waitingRoom.mode} at ${resolved.waitingRoom.admissionRatePerSecond}/s` : ', waiting room off'
  console.log(`peak drill: ${resolved.profile} profile${resolved.faults ? ' with faults' : ''}${against}${room}`)
  // The shoppers' Chromium runs in a low-weight CPU group of its own (browser/browser-cpu.ts).
  const browserCpu = isolateBrowsers(CHROMIUM_PATH)
  console.log(`browsers: ${browserCpu.isolation}`)
  const child = spawn(process.execPath, [require.resolve('@playwright/test/cli'), 'test', '--config', 'e2e/peak/playwright.peak.config.ts'], {
    stdio: 'inherit',
    env: { ...process.env, CHROMIUM_PATH: browserCpu.executablePath, DRILL_OPTIONS: JSON.stringify({ ...o, browserCpu: browserCpu.isolation } satisfies DrillOverrides) },
  })
  child.on('exit', (code, signal) => {
    void browserCpu.cleanup().then((left) => {
      if (left) console.error(`drill: could not remove ${left}`)
      process.exit(code ?? (signal ? 1 : 0))
    })
  })
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(2)
}
