/**
 * The Prometheus alerting rules in deploy/prometheus/ are real, checked by Prometheus's own
 * tool: `promtool check rules` (they parse and are valid PromQL) and `promtool test rules`
 * (each alert fires on input past its threshold and stays quiet inside it). Their thresholds
 * and runbook links are the dashboard's (alerts.ts, runbook-sections.ts), so /ops and the
 * pager never disagree. promtool comes from Debian's `prometheus` package (.ci/run installs it).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { MIN_REQUESTS, THRESHOLDS } from './alerts'
import { RUNBOOK_SECTIONS } from './runbook-sections'
import { WAITING_ROOM_THRESHOLDS } from './waiting-room-alerts'

const RULES = fileURLToPath(new URL('../../deploy/prometheus/alerts.yml', import.meta.url))
const RULE_TESTS = fileURLToPath(new URL('../../deploy/prometheus/alerts.test.yml', import.meta.url))
const PROMTOOL = 'promtool'
const MISSING = `promtool not found on PATH: install Debian's "prometheus" package (apt-get install -y prometheus), which .ci/run does on a fresh machine`

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { encoding: 'utf8', timeout: 60_000 })
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(MISSING)
  if (run.error) throw run.error
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

const rules = readFileSync(RULES, 'utf8')
const ruleTests = readFileSync(RULE_TESTS, 'utf8')
/** alert name → its block of YAML (expr, for, labels, annotations). */
const alerts = new Map(
  rules
    .split(/\n(?=[ \t]+- alert: )/)
    .slice(1)
    .map((block) => [/- alert: (\S+)/.exec(block)![1]!, block] as const),
)

describe('Prometheus alerting rules (deploy/prometheus/alerts.yml)', () => {
  it('pass `promtool check rules`', () => {
    const { status, output } = promtool('check', 'rules', RULES)
    expect(output).toMatch(new RegExp(`SUCCESS: ${alerts.size} rules found`))
    expect(status, output).toBe(0)
  })

  it('pass `promtool test rules`: every alert fires past its threshold and stays quiet inside it', () => {
    const { status, output } = promtool('test', 'rules', RULE_TESTS)
    expect(status, output).toBe(0)
    expect(output).toMatch(/SUCCESS/)
    for (const name of alerts.keys()) {
      expect(ruleTests, `${name} has a case where it fires`).toMatch(new RegExp(`alertname: ${name}\\n\\s+exp_alerts:\\n\\s+- exp_labels:`))
      expect(ruleTests, `${name} has a case where it stays quiet`).toMatch(new RegExp(`alertname: ${name}\\n\\s+exp_alerts: \\[\\]`))
    }
  })

  it('cover the leading indicators with the dashboard’s thresholds and runbook sections', () => {
    const expr = (name: string) => alerts.get(name) ?? ''
    expect(expr('StorefrontEndpointP99High')).toContain(`> ${THRESHOLDS.p99Ms}\n`)
    expect(expr('StorefrontEndpointP99High')).toContain(`>= ${MIN_REQUESTS}`)
    expect(expr('StorefrontServerErrorRate')).toContain(`> ${THRESHOLDS.serverErrorRate}\n`)
    expect(expr('StorefrontShedRate')).toContain(`> ${THRESHOLDS.shedRate}\n`)
    expect(expr('StorefrontQueueDepth')).toContain(`> ${THRESHOLDS.queueReady}\n`)
    expect(expr('StorefrontQueueAge')).toContain(`> ${THRESHOLDS.queueAgeSeconds}\n`)
    expect(expr('StorefrontCacheHitRatioLow')).toContain(`< ${THRESHOLDS.redisHitRatio}\n`)
    expect(expr('StorefrontEventLoopLag')).toContain(`> ${THRESHOLDS.eventLoopP99Ms / 1000}\n`)
    expect(alerts.has('StorefrontSaleSignalsNotSampled')).toBe(true)
    expect(expr('ReplicaLagHigh')).toContain(`> ${THRESHOLDS.replicaLagMs / 1000}\n`)
    expect(expr('CatalogReadsOnPrimaryFallback')).toContain('storefront_catalog_fallback_reads_total')
    expect(expr('WaitingRoomLineStalled')).toContain('max(storefront_fleet_waiting_room_line_length) > 0\n')
    expect(expr('WaitingRoomLineStalled')).toContain('max(storefront_fleet_waiting_room_admitted_per_second) == 0\n')
    expect(expr('WaitingRoomLineStalled')).toContain(`for: ${WAITING_ROOM_THRESHOLDS.stalledForSeconds / 60}m\n`)
    expect(expr('WaitingRoomAbandonHigh')).toContain(`max(storefront_fleet_waiting_room_abandon_rate) > ${WAITING_ROOM_THRESHOLDS.abandonRate}\n`)
    expect(expr('WaitingRoomAbandonHigh')).toContain(`max(storefront_fleet_waiting_room_abandoned) >= ${WAITING_ROOM_THRESHOLDS.minAbandoned}\n`)
    const sections = new Set<string>(Object.values(RUNBOOK_SECTIONS))
    for (const [name, block] of alerts) {
      const section = /runbook_url: \/ops\/runbook#(\S+)/.exec(block)?.[1]
      expect(section && sections.has(section), `${name} links a runbook section`).toBe(true)
    }
  })
})
