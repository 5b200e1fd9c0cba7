import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { browserAvailable, DESKTOP, E2E_ADMIN, launchBrowser, PHONE, signInUi, startServer, type RunningServer } from '../support/browser'

const available = browserAvailable()

async function createUserUi(page: Page, url: string, u: { email: string; name: string; role: string; branch: string; upline?: string; level?: string }) {
  await page.goto(`${url}/verwaltung/benutzer`)
  await page.getByTestId('user-create').click()
  await page.getByTestId('user-email').fill(u.email)
  await page.getByTestId('user-name').fill(u.name)
  await page.getByTestId('user-role').selectOption(u.role)
  await page.getByTestId('user-password').fill('start-passwort-1')
  const branch = page.getByTestId('user-branch')
  if ((await branch.evaluate((el) => el.tagName)) === 'SELECT') await branch.selectOption({ label: u.branch })
  else await branch.getByLabel(u.branch).check()
  if (u.upline) await page.getByTestId('user-upline').selectOption({ label: u.upline })
  if (u.level) await page.getByTestId('user-level').selectOption({ label: u.level })
  await page.getByTestId('user-submit').click()
  await page.getByTestId('user-row').filter({ hasText: u.name }).first().waitFor()
}

describe.skipIf(!available)('administration in Chromium', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('lets an admin build an organisation that a new rep then signs into', async () => {
    const admin = await browser.newContext(DESKTOP)
    const page = await signInUi(admin, server.url, E2E_ADMIN.email, E2E_ADMIN.password)

    await page.goto(`${server.url}/verwaltung/filialen`)
    await page.getByTestId('branch-name').fill('Filiale Leipzig')
    await page.getByTestId('branch-submit').click()
    await page.getByTestId('branch-row').filter({ hasText: 'Filiale Leipzig' }).waitFor()

    await page.goto(`${server.url}/verwaltung/stufen`)
    for (const [name, rank, euros] of [['Berater', '1', '20,00'], ['Direktor', '2', '36,50']] as const) {
      await page.getByTestId('level-name').fill(name)
      await page.getByTestId('level-rank').fill(rank)
      await page.getByTestId('level-cents').fill(euros)
      await page.getByTestId('level-submit').click()
      await page.getByTestId('level-row').filter({ hasText: name }).waitFor()
    }
    await expect(page.getByTestId('level-row').filter({ hasText: 'Direktor' }).textContent()).resolves.toContain('36,50')

    await createUserUi(page, server.url, { email: 'chefin@e2e.de', name: 'Clara Chefin', role: 'rep', branch: 'Filiale Leipzig', level: 'Direktor' })
    await createUserUi(page, server.url, { email: 'berater@e2e.de', name: 'Bernd Berater', role: 'rep', branch: 'Filiale Leipzig', upline: 'Clara Chefin', level: 'Berater' })

    // The structure shows Bernd below Clara.
    await page.goto(`${server.url}/struktur`)
    await page.getByTestId('structure-node').filter({ hasText: 'Bernd Berater' }).waitFor()
    const nodes = await page.getByTestId('structure-node').allTextContents()
    expect(nodes.join(' ')).toContain('Clara Chefin')

    // The new rep must replace the start password, then reaches the shell.
    const rep = await browser.newContext(PHONE)
    const repPage = await rep.newPage()
    await repPage.goto(`${server.url}/anmelden`)
    await repPage.getByTestId('login-email').fill('berater@e2e.de')
    await repPage.getByTestId('login-password').fill('start-passwort-1')
    await repPage.getByTestId('login-submit').click()
    await repPage.waitForURL(/\/passwort/)
    await repPage.getByLabel('Aktuelles Passwort').fill('start-passwort-1')
    await repPage.getByLabel('Neues Passwort', { exact: true }).fill('mein-neues-passwort')
    const confirm = repPage.getByLabel(/wiederholen|bestätigen/i)
    if (await confirm.count()) await confirm.fill('mein-neues-passwort')
    await repPage.getByRole('button', { name: /Passwort ändern|Speichern/ }).click()
    await repPage.getByTestId('app-shell').waitFor()
    await repPage.waitForURL((u) => !u.pathname.startsWith('/passwort'))
    // A rep has no administration.
    await repPage.goto(`${server.url}/verwaltung/benutzer`)
    await expect(repPage.getByTestId('user-list').count()).resolves.toBe(0)
    await rep.close()
    await admin.close()
  })
})
