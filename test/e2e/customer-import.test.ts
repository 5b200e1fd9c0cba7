import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { axeSerious, browserAvailable, E2E_ADMIN, launchBrowser, PHONE, signInUi, startServer, type RunningServer } from '../support/browser'

const available = browserAvailable()

const START_PASSWORD = 'start-passwort-1'
const PASSWORD = 'import-e2e-passwort'
const REP = { email: 'rita@import-e2e.de', name: 'Rita Reisende' }
const OFFICE = { email: 'ines@import-e2e.de', name: 'Ines Innendienst' }

/** A signed-in API session (cookie + Origin for the CSRF check), used to build the test's data. */
async function login(url: string, email: string, password: string): Promise<(path: string, body: unknown) => Promise<unknown>> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email, password }) })
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`)
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  return async (path, body) => {
    const r = await fetch(`${url}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url, cookie }, body: JSON.stringify(body) })
    if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`)
    return r.json()
  }
}

async function createUser(admin: Awaited<ReturnType<typeof login>>, url: string, user: { email: string; name: string }, role: string, branchId: string): Promise<void> {
  await admin('/users', { ...user, role, password: START_PASSWORD, branchIds: [branchId] })
  const own = await login(url, user.email, START_PASSWORD)
  await own('/auth/password', { currentPassword: START_PASSWORD, newPassword: PASSWORD })
}

// Windows-1252 bytes, as German Excel saves "CSV (Trennzeichen-getrennt)": umlauts are single bytes.
const CSV = Buffer.from(
  [
    'Anrede;Vorname;Nachname;Geburtsdatum;PLZ;Ort;E-Mail;IBAN',
    'Frau;Jördis;Jürgensen;12.03.1981;20095;Hamburg;joerdis@example.de;DE89 3704 0044 0532 0130 00',
    'Herr;Kai;Kaufmann;01.01.1970;;Kiel;;DE00 1111 2222 3333 4444 55',
    'Herr;Lutz;Lüdemann;1965-07-30;24103;Kiel;;',
  ].join('\r\n'),
  'latin1',
)

describe.skipIf(!available)('CSV import in Chromium (back office, phone width)', () => {
  let server: RunningServer
  let browser: Browser
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const admin = await login(server.url, E2E_ADMIN.email, E2E_ADMIN.password)
    const branch = (await admin('/branches', { name: 'Filiale Import' })) as { id: string }
    await createUser(admin, server.url, REP, 'rep', branch.id)
    await createUser(admin, server.url, OFFICE, 'backoffice', branch.id)
    context = await browser.newContext(PHONE)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('shows the bad row, refuses "Alle importieren", imports the valid rows, and the customers are in the list', async () => {
    page = await signInUi(context, server.url, OFFICE.email, PASSWORD)
    const nav = (await page.getByTestId('nav-bottom').isVisible()) ? page.getByTestId('nav-bottom') : page.getByTestId('nav-side')
    await nav.getByRole('link', { name: 'Kunden' }).click()
    await page.getByTestId('customer-import-link').click()

    await page.getByTestId('import-upload').waitFor()
    await page.getByTestId('import-file').setInputFiles({ name: 'altbestand.csv', mimeType: 'text/csv', buffer: CSV })
    await page.getByTestId('import-owner').selectOption({ label: REP.name })
    await page.getByTestId('import-check').click()

    await page.getByTestId('import-preview').waitFor()
    expect(await page.getByTestId('import-total').textContent()).toBe('3')
    expect(await page.getByTestId('import-valid').textContent()).toBe('2')
    expect(await page.getByTestId('import-invalid').textContent()).toBe('1')
    const problem = page.getByTestId('import-problems').locator('[data-testid="import-row"][data-line="3"]')
    await expect(problem.textContent()).resolves.toContain('Die IBAN ist ungültig')
    await expect(page.getByTestId('import-rows').textContent()).resolves.toContain('Jördis Jürgensen')
    // Usable at 360 px: tables scroll inside their region, the page itself does not.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    expect(await axeSerious(page)).toEqual([])

    await page.getByTestId('import-commit-all').click()
    await expect(page.getByTestId('import-commit-error').textContent()).resolves.toContain('es wurde nichts importiert')

    await page.getByTestId('import-commit-valid').click()
    await page.getByTestId('import-result').waitFor()
    expect(await page.getByTestId('import-imported').textContent()).toBe('2 Kunden')
    expect(await axeSerious(page)).toEqual([])

    await page.getByTestId('import-to-list').click()
    await page.getByTestId('customer-search').fill('Jürgensen')
    const hit = page.getByTestId('customer-row').filter({ hasText: 'Jürgensen' })
    await hit.first().waitFor()
    expect(await page.getByTestId('customer-row').filter({ hasText: 'Kaufmann' }).count()).toBe(0)
    await page.getByTestId('customer-search').fill('Lüdemann')
    await page.getByTestId('customer-row').filter({ hasText: 'Lüdemann' }).first().waitFor()
  })
})
