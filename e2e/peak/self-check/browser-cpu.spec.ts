/**
 * The browsers' CPU group (browser/browser-cpu.ts) on this machine's real cgroup file system:
 * whatever the wrapper starts, and everything that starts, lands in the low-weight group; the
 * group is gone afterwards. Where the machine refuses a group, the drill says so and runs
 * Chromium itself.
 */
import { expect, test } from '@playwright/test'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { once } from 'node:events'
import { BROWSER_CPU_SHARES, BROWSER_CPU_WEIGHT, isolateBrowsers } from '../browser/browser-cpu'

test('a process the wrapper starts, and its children, run in the browsers\' low-weight CPU group, which is removed afterwards', async () => {
  // /bin/sh stands in for Chromium: it starts a child, as Chromium starts its renderers.
  const cpu = isolateBrowsers('/bin/sh')
  if (cpu.group === null) {
    expect(cpu.isolation).toMatch(/^not isolated: /)
    expect(cpu.executablePath, 'without a group the drill launches the browser itself').toBe('/bin/sh')
    return
  }
  expect(cpu.isolation).toMatch(new RegExp(`cpu\\.(shares ${BROWSER_CPU_SHARES}|weight ${BROWSER_CPU_WEIGHT})`))
  const shell = spawn(cpu.executablePath, ['-c', 'sleep 30 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [line] = (await once(shell.stdout!, 'data')) as [Buffer]
  const child = Number(line.toString().trim())
  const name = cpu.group.split('/').pop()!
  const groupOf = (pid: number) => readFileSync(`/proc/${pid}/cgroup`, 'utf8')
  expect(groupOf(shell.pid!)).toContain(`/${name}\n`)
  expect(groupOf(child), 'a process the browser starts inherits the group').toContain(`/${name}\n`)
  process.kill(child, 'SIGKILL')
  await once(shell, 'exit')
  const dir = cpu.group!
  expect(existsSync(dir)).toBe(true)
  expect(await cpu.cleanup()).toBeNull()
  expect(existsSync(dir), 'the group is removed once its processes have exited').toBe(false)
})
