import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { uuidv7 } from '../../shared/ids'
import { ApiSession, axeSerious, browserAvailable, DESKTOP, E2E_ADMIN, launchBrowser, PHONE, signInUi, startServer, type RunningServer } from '../support/browser'

const available = browserAvailable()

const START_PASSWORD = 'start-passwort-1'
const PASSWORD = 'sync-e2e-passwort'
const REP = { email: 'rita@sync-e2e.de', name: 'Rita Reisende' }
const OTHER_REP = { email: 'otto@sync-e2e.de', name: 'Otto Ortmann' }
const OFFICE = { email: 'ines@sync-e2e.de', name: 'Ines Innendienst' }


/** Pushes mutations like a device of the session's user would (own client id and seq). */
class ApiDevice {
  private readonly clientId = uuidv7()
  private seq = 0
  constructor(private readonly session: ApiSession) {}

  async push(name: string, args: Record<string, unknown>): Promise<void> {
    const res = await this.session.post<{ results: { status: string; code?: string }[] }>('/sync/push', {
      clientId: this.clientId,
      schemaVersion: 1,
      mutations: [{ seq: ++this.seq, id: uuidv7(), name, v: 1, args }],
    })
    if (res.results[0]?.status !== 'applied') throw new Error(`${name} refused: ${res.results[0]?.code}`)
  }
}

async function createUser(admin: ApiSession, url: string, user: { email: string; name: string }, role: string, branchId: string): Promise<string> {
  const { id } = await admin.post<{ id: string }>('/users', { ...user, role, password: START_PASSWORD, branchIds: [branchId] })
  const own = await ApiSession.login(url, user.email, START_PASSWORD)
  await own.post('/auth/password', { currentPassword: START_PASSWORD, newPassword: PASSWORD })
  return id
}

/** Waits until the element shows the text (its state changes asynchronously). */
const shows = (page: Page, testId: string, text: string, timeout = 10_000) => page.getByTestId(testId).filter({ hasText: text }).first().waitFor({ timeout })
const row = (page: Page, text: string) => page.getByTestId('customer-row').filter({ hasText: text })
const waitPending = (page: Page, n: number, timeout = 20_000) =>
  page.waitForFunction((count) => document.querySelector('[data-testid="sync-pending"]')?.getAttribute('data-pending') === String(count), n, { timeout })

async function openCustomers(page: Page): Promise<void> {
  // A client-side navigation: it works offline without the service worker, too.
  await page.getByTestId('app-shell').waitFor()
  const nav = (await page.getByTestId('nav-bottom').isVisible()) ? page.getByTestId('nav-bottom') : page.getByTestId('nav-side')
  await nav.getByRole('link', { name: 'Kunden' }).click()
  await page.getByTestId('customer-list').waitFor({ state: 'attached' })
}

describe.skipIf(!available)('offline sync in Chromium: rep phone and back office desktop', () => {
  let server: RunningServer
  let browser: Browser
  let repContext: BrowserContext
  let officeContext: BrowserContext
  let rep: Page
  let office: Page
  let repDevice: ApiDevice
  let officeDevice: ApiDevice
  let otherRepId: string
  let repId: string
  let admin: ApiSession

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    admin = await ApiSession.login(server.url, E2E_ADMIN.email, E2E_ADMIN.password)
    const branch = await admin.post<{ id: string }>('/branches', { name: 'Filiale Sync' })
    repId = await createUser(admin, server.url, REP, 'rep', branch.id)
    otherRepId = await createUser(admin, server.url, OTHER_REP, 'rep', branch.id)
    await createUser(admin, server.url, OFFICE, 'backoffice', branch.id)
    repDevice = new ApiDevice(await ApiSession.login(server.url, REP.email, PASSWORD))
    officeDevice = new ApiDevice(await ApiSession.login(server.url, OFFICE.email, PASSWORD))
    await repDevice.push('createCustomer', { id: uuidv7(), firstName: 'Anna', lastName: 'Alt', city: 'Köln', zip: '50667' })
    await repDevice.push('createCustomer', { id: uuidv7(), firstName: 'Bernd', lastName: 'Beispiel', city: 'Bonn' })
    repContext = await browser.newContext(PHONE)
    officeContext = await browser.newContext(DESKTOP)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('keeps offline changes across a reload, uploads them by itself, and back office sees them within 2 s without reloading', async () => {
    rep = await signInUi(repContext, server.url, REP.email, PASSWORD)
    // The service worker takes over the page once installed (no reload): offline screens and reloads work.
    await rep.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 })
    await openCustomers(rep)
    await rep.getByTestId('sync-complete').waitFor()
    await expect(rep.getByTestId('sync-complete').textContent()).resolves.toContain('2 Kunden auf diesem Gerät')
    expect(await rep.getByTestId('customer-row').allTextContents()).toEqual([expect.stringContaining('Alt, Anna'), expect.stringContaining('Beispiel, Bernd')])

    expect(await axeSerious(rep)).toEqual([])

    office = await signInUi(officeContext, server.url, OFFICE.email, PASSWORD)
    await openCustomers(office)
    await row(office, 'Beispiel').waitFor()
    expect(await axeSerious(office)).toEqual([])
    await office.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true))

    await repContext.setOffline(true)
    await rep.getByTestId('customer-new').click()
    await rep.getByTestId('customer-first-name').fill('Erika')
    await rep.getByTestId('customer-last-name').fill('Mustermann')
    await rep.getByTestId('customer-birth-date').fill('1964-08-12')
    await rep.getByTestId('customer-phone').fill('0171 1234567')
    await rep.getByTestId('customer-email').fill('erika@example.de')
    await rep.getByTestId('customer-street').fill('Heidestraße 17')
    await rep.getByTestId('customer-zip').fill('51147')
    await rep.getByTestId('customer-city').fill('Köln')
    await rep.getByTestId('customer-save').click()
    await expect(rep.getByTestId('customer-name').textContent()).resolves.toContain('Erika Mustermann')
    await shows(rep, 'save-status', 'Auf dem Gerät gespeichert')
    await waitPending(rep, 1)

    await openCustomers(rep)
    await row(rep, 'Alt, Anna').getByRole('link').click()
    await rep.getByTestId('customer-edit').click()
    await rep.getByTestId('customer-phone').fill('0221 987654')
    await rep.getByTestId('customer-zip').fill('50321')
    await rep.getByTestId('customer-city').fill('Brühl')
    await rep.getByTestId('customer-save').click()
    await shows(rep, 'save-status', 'Auf dem Gerät gespeichert')
    await waitPending(rep, 2)
    await expect(rep.getByTestId('sync-pending').textContent()).resolves.toContain('2 Änderungen warten')

    // Reload with the network off: served by the service worker, data from IndexedDB.
    await rep.reload()
    await rep.getByTestId('customer-facts').waitFor()
    await expect(rep.getByTestId('customer-facts').textContent()).resolves.toContain('Brühl')
    await waitPending(rep, 2)
    await openCustomers(rep)
    await row(rep, 'Mustermann, Erika').waitFor()
    await expect(row(rep, 'Mustermann, Erika').textContent()).resolves.toContain('Nicht synchronisiert')
    expect(await rep.getByTestId('customer-row').count()).toBe(3)
    // Searching works offline on the device, keystroke by keystroke, keeping the focus in the box.
    await rep.getByTestId('customer-search').click()
    await rep.keyboard.type('brühl', { delay: 30 })
    await rep.waitForFunction(() => document.querySelector('[data-testid="customer-list"]')?.getAttribute('data-query') === 'brühl')
    expect(await rep.getByTestId('customer-row').allTextContents()).toEqual([expect.stringContaining('Alt, Anna')])
    expect(await rep.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('customer-search')
    await rep.getByTestId('customer-search').fill('')
    await rep.waitForFunction(() => document.querySelectorAll('[data-testid="customer-row"]').length === 3)
    expect(await row(office, 'Mustermann').count()).toBe(0)

    await repContext.setOffline(false)
    await waitPending(rep, 0)
    const uploaded = Date.now()
    await row(office, 'Mustermann, Erika').waitFor({ timeout: 2_000 })
    expect(Date.now() - uploaded).toBeLessThanOrEqual(2_000)
    await office.waitForFunction(() => document.querySelector('[data-testid="customer-list"]')?.textContent?.includes('Brühl'), undefined, { timeout: 2_000 })
    expect(await office.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    await expect(row(rep, 'Mustermann, Erika').textContent()).resolves.not.toContain('Nicht synchronisiert')
  })

  it('removes a customer from the rep’s phone without a reload when back office reassigns it', async () => {
    await row(rep, 'Beispiel, Bernd').waitFor()
    await rep.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true))

    await row(office, 'Beispiel, Bernd').getByRole('link').click()
    // Back office edits through its own engine, too (its device holds no customer rows).
    await office.getByTestId('customer-edit').click()
    await office.getByTestId('customer-phone').fill('0228 112233')
    await office.getByTestId('customer-save').click()
    await shows(office, 'save-status', 'Synchronisiert')
    await shows(office, 'customer-facts', '0228 112233')
    await shows(office, 'customer-history', '0228 112233')
    await office.getByTestId('reassign-open').click()
    await office.getByTestId('reassign-rep').selectOption({ label: OTHER_REP.name })
    await office.getByTestId('reassign-submit').click()
    await expect(office.getByTestId('customer-notice').textContent()).resolves.toContain(`wird jetzt von ${OTHER_REP.name} betreut`)
    await expect(office.getByTestId('customer-facts').textContent()).resolves.toContain(OTHER_REP.name)
    await expect(office.getByTestId('customer-history').textContent()).resolves.toContain(OTHER_REP.name)
    expect(await axeSerious(office)).toEqual([])

    await row(rep, 'Beispiel, Bernd').waitFor({ state: 'detached', timeout: 10_000 })
    expect(await rep.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    expect(await rep.getByTestId('customer-row').count()).toBe(2)
  })

  it('shows a change the server refused under "Benötigt Aufmerksamkeit" with its full content', async () => {
    const claraId = uuidv7()
    await repDevice.push('createCustomer', { id: claraId, firstName: 'Clara', lastName: 'Konflikt', city: 'Bonn' })
    // Arrives through the poke, without a reload.
    await row(rep, 'Konflikt, Clara').waitFor({ timeout: 10_000 })

    await repContext.setOffline(true)
    await row(rep, 'Konflikt, Clara').getByRole('link').click()
    await rep.getByTestId('customer-edit').click()
    await rep.getByTestId('customer-phone').fill('0170 5550100')
    await rep.getByTestId('customer-save').click()
    await shows(rep, 'save-status', 'Auf dem Gerät gespeichert')
    await waitPending(rep, 1)

    // Meanwhile back office hands Clara to a rep outside the first rep's downline.
    await officeDevice.push('reassignCustomer', { id: claraId, ownerRepId: otherRepId })

    await repContext.setOffline(false)
    await waitPending(rep, 0)
    await rep.getByTestId('sync-pending').click()
    const attention = rep.getByTestId('attention-row')
    await attention.first().waitFor()
    expect(await attention.count()).toBe(1)
    const text = await attention.textContent()
    expect(text).toContain('Kunde ändern')
    expect(text).toContain('Telefon')
    expect(text).toContain('0170 5550100')
    expect(text).toContain('nicht mehr sichtbar')
    expect(await axeSerious(rep)).toEqual([])
    // Last successful sync in German date and time; "Jetzt synchronisieren" moves it on.
    const last = rep.getByTestId('sync-last')
    expect(await last.textContent()).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}:\d{2}$/)
    const before = await last.getAttribute('data-at')
    await rep.getByTestId('sync-now').click()
    await rep.waitForFunction((at) => document.querySelector('[data-testid="sync-last"]')?.getAttribute('data-at') !== at, before)
    const payload = JSON.parse((await rep.getByTestId('attention-payload').textContent())!) as { name: string; args: { id: string; changes: Record<string, { to: unknown }> } }
    expect(payload).toMatchObject({ name: 'updateCustomer', args: { id: claraId, changes: { phones: { to: [{ type: 'mobile', number: '0170 5550100' }] } } } })

    // The customer left the device; repeating the change starts a new customer with its content.
    await rep.getByTestId('attention-repeat').click()
    await rep.waitForURL(/\/kunden\/neu\?aus=/)
    await expect(rep.getByTestId('customer-phone').inputValue()).resolves.toBe('0170 5550100')

    await rep.goto(`${server.url}/synchronisation`)
    await rep.getByTestId('attention-dismiss').click()
    await rep.getByTestId('attention-dismiss-confirm').click()
    await rep.getByTestId('attention-row').waitFor({ state: 'detached' })
  })

  it('never claims a save when the device database is gone, then notices the eviction and loads everything again', async () => {
    await openCustomers(rep)
    await rep.getByTestId('sync-complete').waitFor()
    // The list renders after the sync state: count once the rows are there.
    await row(rep, 'Alt, Anna').waitFor()
    const before = await rep.getByTestId('customer-row').count()
    await rep.getByTestId('customer-new').click()
    await rep.getByTestId('customer-first-name').fill('Gerda')
    await rep.getByTestId('customer-last-name').fill('Gelöscht')
    // The browser drops the database under the open app (storage pressure), here from a second tab.
    const other = await repContext.newPage()
    await other.goto(`${server.url}/api/health`)
    await other.evaluate(
      (name) =>
        new Promise((resolve) => {
          const req = indexedDB.deleteDatabase(name)
          req.onsuccess = req.onerror = req.onblocked = () => resolve(null)
        }),
      `feldakte-${repId}`,
    )
    await other.close()
    await rep.getByTestId('customer-save').click()
    await shows(rep, 'form-error', 'Nicht gespeichert')
    // The form stays open with what was typed; no "gespeichert" anywhere.
    expect(rep.url()).toContain('/kunden/neu')
    await expect(rep.getByTestId('customer-last-name').inputValue()).resolves.toBe('Gelöscht')
    expect(await rep.getByText('Auf dem Gerät gespeichert').count()).toBe(0)

    await rep.reload()
    await openCustomers(rep)
    await rep.getByText('Der Browser hatte die Daten auf diesem Gerät gelöscht').waitFor()
    await rep.getByTestId('sync-complete').waitFor({ timeout: 15_000 })
    await rep.waitForFunction((n) => document.querySelectorAll('[data-testid="customer-row"]').length === n, before)
    expect(await row(rep, 'Gelöscht').count()).toBe(0)
  })

  it('refuses to sign out while a change waits for upload, and deletes the device data after signing out', async () => {
    await repContext.setOffline(true)
    await openCustomers(rep)
    await rep.getByTestId('customer-new').click()
    await rep.getByTestId('customer-first-name').fill('Dora')
    await rep.getByTestId('customer-last-name').fill('Draußen')
    await rep.getByTestId('customer-save').click()
    await shows(rep, 'save-status', 'Auf dem Gerät gespeichert')

    await rep.getByTestId('logout').click()
    await rep.getByTestId('logout-confirm').waitFor()
    await expect(rep.getByTestId('logout-confirm').textContent()).resolves.toContain('Es gibt 1 nicht synchronisierte Änderung')
    expect(await axeSerious(rep)).toEqual([])
    await rep.getByTestId('logout-cancel').click()
    expect(rep.url()).not.toContain('/anmelden')

    await repContext.setOffline(false)
    await waitPending(rep, 0)
    await shows(rep, 'save-status', 'Synchronisiert')
    await rep.getByTestId('logout').click()
    await rep.waitForURL(/\/anmelden/)
    const databases = await rep.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))
    expect(databases.filter((name) => name?.startsWith('feldakte-'))).toEqual([])
  })

  it('uploads a deactivated rep’s waiting change into quarantine, wipes the phone and says why', async () => {
    rep = await signInUi(repContext, server.url, REP.email, PASSWORD)
    await openCustomers(rep)
    await rep.getByTestId('sync-complete').waitFor()
    await repContext.setOffline(true)
    await rep.getByTestId('customer-new').click()
    await rep.getByTestId('customer-first-name').fill('Eva')
    await rep.getByTestId('customer-last-name').fill('Ende')
    await rep.getByTestId('customer-save').click()
    await shows(rep, 'save-status', 'Auf dem Gerät gespeichert')

    await admin.post(`/users/${repId}/deactivate`, {})
    await repContext.setOffline(false)
    await rep.waitForURL(/\/anmelden/, { timeout: 20_000 })
    await shows(rep, 'login-notice', 'Ihr Zugang wurde deaktiviert')
    await rep.waitForFunction(async () => !(await indexedDB.databases()).some((d) => d.name?.startsWith('feldakte-')))

    // Nothing lost: the change waits in the server's quarantine with its full content.
    const db = new Database(path.join(server.dataDir, 'feldakte.db'), { readonly: true })
    try {
      const rows = db.prepare("SELECT name, code, args FROM quarantine WHERE user_id = ? AND name = 'createCustomer' AND code = 'USER_INACTIVE'").all(repId) as { name: string; code: string; args: string }[]
      expect(rows.map((r) => ({ ...r, args: JSON.parse(r.args) as unknown }))).toEqual([
        { name: 'createCustomer', code: 'USER_INACTIVE', args: expect.objectContaining({ firstName: 'Eva', lastName: 'Ende' }) },
      ])
    } finally {
      db.close()
    }
  })
})
