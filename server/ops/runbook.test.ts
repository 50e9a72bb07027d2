/**
 * The runbook and the dashboard agree: every section /ops links to (alerts and levers) is a
 * heading of docs/RUNBOOK.md, and every in-page link of the runbook points at one of its headings.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { anchorOf, RUNBOOK_SECTIONS } from './runbook-sections'

const markdown = readFileSync(join(process.cwd(), 'docs', 'RUNBOOK.md'), 'utf8')
const anchors = new Set(
  markdown
    .split('\n')
    .filter((line) => /^#{1,4} /.test(line))
    .map((line) => anchorOf(line.replace(/^#+ /, ''))),
)

describe('docs/RUNBOOK.md', () => {
  it('has a section for every alert and lever on /ops', () => {
    const missing = Object.values(RUNBOOK_SECTIONS).filter((section) => !anchors.has(section))
    expect(missing).toEqual([])
  })

  it('links only to its own sections', () => {
    const links = [...markdown.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!)
    expect(links.length).toBeGreaterThan(5)
    expect(links.filter((l) => !anchors.has(l))).toEqual([])
  })

  it('names only levers that exist on /ops, by the titles the dashboard shows', () => {
    const dir = join(process.cwd(), 'app', 'ops', '_components')
    const components = readdirSync(dir)
      .filter((f) => f.endsWith('.tsx'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n')
    const named = [...markdown.matchAll(/Levers → ([^*.]+)/g)].map((m) => m[1]!.trim())
    expect(new Set(named).size).toBeGreaterThanOrEqual(4)
    expect(named.filter((title) => !components.includes(`title="${title}`))).toEqual([])
  })
})
