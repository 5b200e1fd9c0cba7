import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { berlinDate } from '../../shared/dates'
import { uuidv7 } from '../../shared/ids'
import { ApiSession, axeSerious, browserAvailable, DESKTOP, E2E_ADMIN, launchBrowser, PHONE, signInUi, startServer, type RunningServer } from '../support/browser'

const available = browserAvailable()

const START_PASSWORD = 'start-passwort-1'
const PASSWORD = 'akte-e2e-passwort'
const REP = { email: 'rita@akte-e2e.de', name: 'Rita Reisende' }
const OFFICE = { email: 'ines@akte-e2e.de', name: 'Ines Innendienst' }


async function createUser(admin: ApiSession, url: string, user: { email: string; name: string }, role: string, branchId: string): Promise<void> {
  await admin.post('/users', { ...user, role, password: START_PASSWORD, branchIds: [branchId] })
  const own = await ApiSession.login(url, user.email, START_PASSWORD)
  await own.post('/auth/password', { currentPassword: START_PASSWORD, newPassword: PASSWORD })
}

/** Creates a customer owned by the session's user, as that user's device would. */
async function createCustomer(session: ApiSession, firstName: string, lastName: string): Promise<string> {
  const id = uuidv7()
  const res = await session.post<{ results: { status: string; code?: string }[] }>('/sync/push', {
    clientId: uuidv7(),
    schemaVersion: 1,
    mutations: [{ seq: 1, id: uuidv7(), name: 'createCustomer', v: 2, args: { id, firstName, lastName, addresses: [{ type: 'home', street: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'DE' }] } }],
  })
  if (res.results[0]?.status !== 'applied') throw new Error(`createCustomer refused: ${res.results[0]?.code}`)
  return id
}

const waitPending = (page: Page, n: number, timeout = 20_000) =>
  page.waitForFunction((count) => document.querySelector('[data-testid="sync-pending"]')?.getAttribute('data-pending') === String(count), n, { timeout })
const members = (page: Page) => page.getByTestId('household-member')
const member = (page: Page, text: string) => members(page).filter({ hasText: text })
const consentLine = (page: Page, type: string) => page.locator(`[data-testid="consent-line"][data-type="${type}"]`)

async function navTo(page: Page, label: string): Promise<void> {
  await page.getByTestId('app-shell').waitFor()
  const nav = (await page.getByTestId('nav-bottom').isVisible()) ? page.getByTestId('nav-bottom') : page.getByTestId('nav-side')
  await nav.getByRole('link', { name: label }).click()
}

/** "Person hinzufügen" as a new person record (first the type, then the person's data). */
async function addPerson(page: Page, type: string, firstName: string, lastName: string, birthDate: string): Promise<void> {
  await page.getByTestId('household-add').click()
  await page.getByTestId('household-type').selectOption({ label: type })
  await page.getByTestId('household-mode-person').check()
  await page.getByTestId('household-first-name').fill(firstName)
  await page.getByTestId('household-last-name').fill(lastName)
  await page.getByTestId('household-birth-date').fill(birthDate)
  await page.getByTestId('household-submit').click()
  await member(page, `${firstName} ${lastName}`).waitFor()
}

describe.skipIf(!available)('customer file in Chromium: the rep’s offline meeting, back office and "Wiedervorlagen"', () => {
  let server: RunningServer
  let browser: Browser
  let repContext: BrowserContext
  let officeContext: BrowserContext
  let maxId: string

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const admin = await ApiSession.login(server.url, E2E_ADMIN.email, E2E_ADMIN.password)
    const branch = await admin.post<{ id: string }>('/branches', { name: 'Filiale Kundenakte' })
    await createUser(admin, server.url, REP, 'rep', branch.id)
    await createUser(admin, server.url, OFFICE, 'backoffice', branch.id)
    const repApi = await ApiSession.login(server.url, REP.email, PASSWORD)
    maxId = await createCustomer(repApi, 'Max', 'Mustermann')
    await createCustomer(repApi, 'Petra', 'Mustermann')
    repContext = await browser.newContext(PHONE)
    officeContext = await browser.newContext(DESKTOP)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('records household, consent and a phone note with a follow-up offline; after reconnecting back office sees them and the follow-up is due today', async () => {
    const today = berlinDate()
    const rep = await signInUi(repContext, server.url, REP.email, PASSWORD)
    await rep.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 })
    await navTo(rep, 'Kunden')
    await rep.getByTestId('sync-complete').waitFor()
    await rep.getByTestId('customer-row').filter({ hasText: 'Mustermann, Max' }).getByRole('link').click()
    await rep.getByTestId('customer-household').waitFor()
    // No privacy consent yet: the page warns at the top.
    await expect(rep.getByTestId('consent-warning').textContent()).resolves.toContain('Datenschutz-Einwilligung: fehlt')
    await expect(consentLine(rep, 'broker_mandate').textContent()).resolves.toContain('Ohne Maklervollmacht')

    // The client meeting, without network.
    await repContext.setOffline(true)

    // The partner is a customer of her own: found on the device, linked both ways.
    await rep.getByTestId('household-add').click()
    await rep.getByTestId('household-type').selectOption({ label: 'Ehepartner' })
    await rep.getByTestId('household-mode-customer').check()
    await rep.getByTestId('household-search').fill('Petra')
    await rep.getByTestId('household-candidate').filter({ hasText: 'Petra Mustermann' }).click()
    await rep.getByTestId('household-submit').click()
    await member(rep, 'Petra Mustermann').waitFor()
    // Validation from the shared schema, in German, next to the field.
    await rep.getByTestId('household-add').click()
    await rep.getByTestId('household-type').selectOption({ label: 'Kind' })
    await rep.getByTestId('household-last-name').fill('Mustermann')
    await rep.getByTestId('household-submit').click()
    await rep.getByTestId('household-form').getByTestId('form-error').filter({ hasText: 'Bitte den Vornamen angeben.' }).waitFor()
    expect(await rep.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('household-first-name')
    await rep.getByTestId('household-first-name').fill('Lina')
    await rep.getByTestId('household-birth-date').fill('2015-03-01')
    await rep.getByTestId('household-submit').click()
    await member(rep, 'Lina Mustermann').waitFor()
    await addPerson(rep, 'Kind', 'Tom', 'Mustermann', '2018-07-20')
    expect(await members(rep).count()).toBe(3)
    await expect(member(rep, 'Petra Mustermann').textContent()).resolves.toContain('Ehepartner')
    await expect(member(rep, 'Lina Mustermann').textContent()).resolves.toMatch(/Kind.*geb\. 01\.03\.2015 \(\d+ Jahre\)/s)
    await expect(rep.getByTestId('customer-household').getByTestId('save-status').textContent()).resolves.toContain('Auf dem Gerät gespeichert')

    await consentLine(rep, 'privacy').getByTestId('consent-record').click()
    await expect(rep.getByTestId('consent-given-on').inputValue()).resolves.toBe(today)
    await rep.getByTestId('consent-submit').click()
    await rep.locator('[data-testid="consent-line"][data-type="privacy"][data-state="given"]').waitFor()
    await rep.getByTestId('consent-warning').waitFor({ state: 'detached' })

    await rep.getByTestId('note-add').click()
    await rep.getByTestId('note-kind-phone').click()
    await rep.getByTestId('note-direction').selectOption('inbound')
    await rep.getByTestId('note-duration').fill('15')
    await rep.getByTestId('note-subject').fill('Rückruf Haushalt')
    await rep.getByTestId('note-text').fill('Kunde bittet um Angebot für die Familienhaftpflicht.')
    await rep.getByTestId('note-follow-up-tomorrow').click()
    await rep.getByTestId('note-follow-up').fill(today)
    await rep.getByTestId('note-submit').click()
    const note = rep.getByTestId('note-item').filter({ hasText: 'Rückruf Haushalt' })
    await note.waitFor()
    await expect(note.textContent()).resolves.toMatch(/Telefonnotiz, eingehend.*15 Min\..*Nicht synchronisiert.*von Ihnen.*– heute/s)
    await expect(rep.getByTestId('customer-notes').getByTestId('save-status').textContent()).resolves.toContain('Auf dem Gerät gespeichert')
    await waitPending(rep, 5)
    await expect(rep.getByTestId('customer-timeline').textContent()).resolves.toContain('Einwilligung erteilt: Datenschutz-Einwilligung')
    expect(await axeSerious(rep)).toEqual([])

    // The partner's page shows the reverse relationship, still offline.
    await member(rep, 'Petra Mustermann').getByTestId('household-member-link').click()
    await rep.getByTestId('customer-name').filter({ hasText: 'Petra Mustermann' }).waitFor()
    await member(rep, 'Max Mustermann').waitFor()
    await expect(member(rep, 'Max Mustermann').textContent()).resolves.toContain('Ehepartner')
    await rep.goBack()
    await rep.getByTestId('customer-name').filter({ hasText: 'Max Mustermann' }).waitFor()

    // Back in coverage: everything uploads by itself.
    await repContext.setOffline(false)
    await waitPending(rep, 0)
    await rep.getByTestId('note-item').filter({ hasText: 'Nicht synchronisiert' }).waitFor({ state: 'detached' })

    const office = await signInUi(officeContext, server.url, OFFICE.email, PASSWORD)
    await office.goto(`${server.url}/kunden/${maxId}`)
    await members(office).nth(2).waitFor()
    expect((await members(office).allInnerTexts()).map((t) => t.replace(/\s+/g, ' '))).toEqual([
      expect.stringContaining('Ehepartner Petra Mustermann'),
      expect.stringContaining('Kind Lina Mustermann'),
      expect.stringContaining('Kind Tom Mustermann'),
    ])
    await office.locator('[data-testid="consent-line"][data-type="privacy"][data-state="given"]').waitFor()
    expect(await office.getByTestId('consent-warning').count()).toBe(0)
    await expect(office.getByTestId('note-item').filter({ hasText: 'Rückruf Haushalt' }).textContent()).resolves.toContain(`von ${REP.name}`)
    // Read-only for back office: notes are the author's to change.
    expect(await office.getByTestId('note-edit').count()).toBe(0)
    await office.getByTestId('timeline-entry').filter({ hasText: 'Beziehung hinzugefügt: Tom Mustermann (Kind)' }).waitFor()
    expect(await axeSerious(office)).toEqual([])

    // Monday morning: the follow-up is due today.
    await navTo(rep, 'Wiedervorlagen')
    const due = rep.getByTestId('follow-ups-today').getByTestId('follow-up-item')
    await due.first().waitFor()
    await expect(due.textContent()).resolves.toContain('Max Mustermann')
    await expect(due.textContent()).resolves.toContain('Rückruf Haushalt')
    expect(await rep.getByTestId('follow-ups-overdue').getByTestId('follow-up-item').count()).toBe(0)
    expect(await axeSerious(rep)).toEqual([])

    // Back office sees it among all follow-ups of the branch.
    await navTo(office, 'Wiedervorlagen')
    await office.getByTestId('follow-ups-scope-all').click()
    await office.getByTestId('follow-ups-today').getByTestId('follow-up-item').filter({ hasText: 'Max Mustermann' }).waitFor()

    await due.getByTestId('follow-up-done').click()
    await rep.getByTestId('follow-ups-notice').waitFor()
    expect(await rep.getByTestId('follow-ups-today').getByTestId('follow-up-item').count()).toBe(0)
    await office.getByTestId('follow-ups-today').getByTestId('follow-up-item').waitFor({ state: 'detached', timeout: 10_000 })
  })
})
