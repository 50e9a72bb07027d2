import { expect, test } from '@playwright/test'
import type { WaitingRoomMode } from '../../server/waiting-room/waiting-room.schema'
import { adminContext, adminMutation, loginThroughForm } from './ops-helpers'

/**
 * The waiting-room panel on /ops in a browser: the mode is a radio group an admin drives with
 * the keyboard alone, a bad admission rate is refused inline (and never sent), a good one is
 * applied and credited to the admin, and the live figures are on the panel. The store's
 * settings are put back afterwards (the e2e suite shares one store).
 */
test('the waiting-room lever works from the keyboard and refuses a bad admission rate inline', async ({ browser }) => {
  const ctx = await adminContext(browser)
  const page = await ctx.newPage()
  let before: { mode: WaitingRoomMode; admissionRatePerSecond: number } | null = null
  try {
    await loginThroughForm(page)
    const panel = page.getByTestId('panel-waiting-room')
    await expect(panel.getByTestId('waiting-room-figures')).toBeVisible()
    before = await page.evaluate(async () => {
      const res = await fetch('/api/trpc/ops.waitingRoom')
      const body = (await res.json()) as { result: { data: { json: { settings: { mode: WaitingRoomMode; admissionRatePerSecond: number } } } } }
      return body.result.data.json.settings
    })

    // Keyboard only: focus the group's checked radio, then the arrow keys choose.
    const group = panel.getByRole('group', { name: 'Mode' })
    await expect(group.getByRole('radio')).toHaveCount(3)
    await adminMutation(page, 'ops.setWaitingRoom', { mode: 'auto' })
    await expect(group.getByRole('radio', { name: 'Automatic' })).toBeChecked()
    await group.getByRole('radio', { name: 'Automatic' }).focus()
    await page.keyboard.press('ArrowRight')
    // The focused choice shows a focus ring (the radio itself is visually hidden inside its label).
    await expect(group.locator('label', { has: page.getByRole('radio', { name: 'Always on' }) })).toHaveCSS('outline-style', 'solid')
    await expect(group.getByRole('radio', { name: 'Always on' })).toBeChecked()
    await expect(group.getByRole('radio', { name: 'Always on' })).toBeFocused()
    await expect(panel.getByTestId('waiting-room-mode-effect')).toContainText('every checkout goes through the line')
    await expect(panel.getByTestId('waiting-room-changed-by')).toContainText('changed by admin')
    await page.keyboard.press('ArrowLeft')
    await expect(group.getByRole('radio', { name: 'Automatic' })).toBeChecked()

    // A rate below the contract's bound: an inline error tied to the field, and nothing sent.
    const rate = panel.getByRole('spinbutton', { name: /Admission rate/ })
    const sent: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('ops.setWaitingRoom')) sent.push(r.url())
    })
    await rate.fill('0')
    await rate.press('Enter')
    await expect(panel.getByTestId('waiting-room-error')).toHaveText('admission rate is at least 0.1 per second')
    await expect(rate).toHaveAttribute('aria-invalid', 'true')
    await expect(rate).toHaveAccessibleDescription('admission rate is at least 0.1 per second')
    expect(sent).toEqual([])

    // A good one: applied, the error gone, the figures say so.
    await rate.fill('40')
    await rate.press('Enter')
    await expect(panel.getByTestId('waiting-room-error')).toHaveCount(0)
    await expect(panel).toContainText('now 40/s')
    await expect(panel.getByTestId('waiting-room-admitted')).toContainText('rate set 40/s')
    expect(sent).toHaveLength(1)
  } finally {
    if (before) await adminMutation(page, 'ops.setWaitingRoom', before)
    await ctx.close()
  }
})
