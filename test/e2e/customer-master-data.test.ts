import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { uuidv7 } from '../../shared/ids'
import { axeSerious, browserAvailable, DESKTOP, E2E_ADMIN, launchBrowser, PHONE, signInUi, startServer, type RunningServer } from '../support/browser'

const available = browserAvailable()

const START_PASSWORD = 'start-passwort-1'
const PASSWORD = 'stamm-e2e-passwort'
const REP = { email: 'rosa@stamm-e2e.de', name: 'Rosa Rechts' }
const OFFICE = { email: 'ida@stamm-e2e.de', name: 'Ida Innen' }

/** A signed-in API session (cookie + Origin for the CSRF check), used to build the test's data. */
async function login(url: string, email: string, password: string) {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email, password }) })
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`)
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  return async <T>(path: string, body: unknown): Promise<T> => {
    const r = await fetch(`${url}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url, cookie }, body: JSON.stringify(body) })
    if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`)
    return (await r.json()) as T
  }
}

async function createUser(admin: Awaited<ReturnType<typeof login>>, url: string, user: { email: string; name: string }, role: string, branchId: string): Promise<string> {
  const { id } = await admin<{ id: string }>('/users', { ...user, role, password: START_PASSWORD, branchIds: [branchId] })
  const own = await login(url, user.email, START_PASSWORD)
  await own('/auth/password', { currentPassword: START_PASSWORD, newPassword: PASSWORD })
  return id
}

const row = (page: Page, text: string) => page.getByTestId('customer-row').filter({ hasText: text })
const waitPending = (page: Page, n: number, timeout = 20_000) =>
  page.waitForFunction((count) => document.querySelector('[data-testid="sync-pending"]')?.getAttribute('data-pending') === String(count), n, { timeout })

async function openCustomers(page: Page): Promise<void> {
  await page.getByTestId('app-shell').waitFor()
  const nav = (await page.getByTestId('nav-bottom').isVisible()) ? page.getByTestId('nav-bottom') : page.getByTestId('nav-side')
  await nav.getByRole('link', { name: 'Kunden' }).click()
  await page.getByTestId('customer-list').waitFor({ state: 'attached' })
}

describe.skipIf(!available)('customer master data in Chromium: rep on the phone, back office merges', () => {
  let server: RunningServer
  let browser: Browser
  let rep: Page
  let office: Page

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const admin = await login(server.url, E2E_ADMIN.email, E2E_ADMIN.password)
    const branch = await admin<{ id: string }>('/branches', { name: 'Filiale Stammdaten' })
    await createUser(admin, server.url, REP, 'rep', branch.id)
    await createUser(admin, server.url, OFFICE, 'backoffice', branch.id)
    // The customer who already exists: the rep entered her months ago from another phone.
    const repApi = await login(server.url, REP.email, PASSWORD)
    const res = await repApi<{ results: { status: string }[] }>('/sync/push', {
      clientId: uuidv7(),
      schemaVersion: 1,
      mutations: [{ seq: 1, id: uuidv7(), name: 'createCustomer', v: 2, args: { id: uuidv7(), firstName: 'Erika', lastName: 'Mustermann', emails: [{ type: 'private', address: 'erika@example.de' }] } }],
    })
    expect(res.results[0]?.status).toBe('applied')
    rep = await signInUi(await browser.newContext(PHONE), server.url, REP.email, PASSWORD)
    office = await signInUi(await browser.newContext(DESKTOP), server.url, OFFICE.email, PASSWORD)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('lets a rep enter a full person on the phone, with the German IBAN error first and a duplicate warning to confirm', async () => {
    await openCustomers(rep)
    await rep.getByTestId('sync-complete').waitFor()
    await rep.getByTestId('customer-new').click()

    await rep.getByTestId('customer-salutation').selectOption({ label: 'Frau' })
    await rep.getByTestId('customer-first-name').fill('Erika')
    await rep.getByTestId('customer-last-name').fill('Musterfrau')
    await rep.getByTestId('customer-birth-date').fill('1964-08-12')
    await rep.getByTestId('customer-nationality').selectOption('DE')
    await rep.getByTestId('customer-street').fill('Heidestraße 17')
    await rep.getByTestId('customer-zip').fill('51147')
    await rep.getByTestId('customer-city').fill('Köln')
    await rep.getByTestId('customer-phone').fill('0171 2345678')
    await rep.getByTestId('customer-phone-add').click()
    await rep.getByTestId('customer-phone').nth(1).fill('0221 987654')

    await rep.getByTestId('customer-bank-account-add').click()
    await rep.getByTestId('customer-iban').fill('DE89 3704 0044 0532 0130 01')
    await rep.getByTestId('customer-bic').focus()
    const ibanField = rep.locator('.field').filter({ has: rep.getByTestId('customer-iban') })
    await ibanField.getByText('Die IBAN ist ungültig (Länge oder Prüfziffer stimmt nicht).').waitFor()
    expect(await rep.getByTestId('customer-iban').getAttribute('aria-invalid')).toBe('true')
    await rep.getByTestId('customer-iban').fill('de89370400440532013000')
    await rep.getByTestId('customer-bic').focus()
    await rep.waitForFunction(() => document.querySelector('[data-testid="customer-iban"]')?.getAttribute('aria-invalid') === null)
    // Left the field: shown in groups of four.
    await expect(rep.getByTestId('customer-iban').inputValue()).resolves.toBe('DE89 3704 0044 0532 0130 00')
    await rep.getByTestId('customer-account-holder').fill('Erika Musterfrau')

    // The existing customer's e-mail: the warning appears while typing, before saving.
    await rep.getByTestId('customer-email').fill('Erika@Example.de')
    const warning = rep.getByTestId('duplicate-warning')
    await warning.waitFor({ timeout: 5_000 })
    expect(await warning.getByTestId('duplicate-candidate').count()).toBe(1)
    await expect(warning.textContent()).resolves.toMatch(/Erika Mustermann[\s\S]*gleiche E-Mail-Adresse/)
    expect(await axeSerious(rep)).toEqual([])

    // Saving stops at the warning; only "Trotzdem speichern" saves.
    await rep.getByTestId('customer-save').click()
    await rep.getByTestId('duplicate-confirm').waitFor()
    expect(rep.url()).toContain('/kunden/neu')
    await rep.getByTestId('duplicate-confirm').click()

    await rep.waitForURL(/\/kunden\/(?!neu)[0-9a-f-]+$/)
    await expect(rep.getByTestId('customer-name').textContent()).resolves.toBe('Erika Musterfrau')
    const facts = rep.getByTestId('customer-facts')
    await expect(facts.textContent()).resolves.toContain('0221 987654')
    await expect(facts.textContent()).resolves.toContain('DE89 3704 0044 0532 0130 00')
    await expect(facts.textContent()).resolves.toContain('51147 Köln')
    expect(await rep.getByTestId('customer-phone-list').getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      'tel:01712345678',
      'tel:0221987654',
    ])
    // The number comes from the server once the customer has synced.
    await waitPending(rep, 0)
    await rep.waitForFunction(() => /^K-/.test(document.querySelector('[data-testid="customer-number"]')?.textContent ?? ''), undefined, { timeout: 10_000 })
    expect(await axeSerious(rep)).toEqual([])
  })

  it('lets back office merge the duplicates; the rep’s phone drops the merged customer', async () => {
    await openCustomers(rep)
    await row(rep, 'Mustermann, Erika').waitFor()
    await row(rep, 'Musterfrau, Erika').waitFor()

    await openCustomers(office)
    await row(office, 'Musterfrau, Erika').getByRole('link').click()
    await office.getByTestId('customer-name').filter({ hasText: 'Erika Musterfrau' }).waitFor()
    await office.getByTestId('merge-open').click()
    const candidate = office.getByTestId('merge-candidate').filter({ hasText: 'Erika Mustermann' })
    await candidate.waitFor()
    await expect(candidate.textContent()).resolves.toContain('gleiche E-Mail-Adresse')
    await candidate.click()
    await office.getByTestId('merge-explanation').waitFor()
    await expect(office.getByTestId('merge-explanation').textContent()).resolves.toContain('kann nicht rückgängig gemacht werden')
    await expect(office.getByTestId('merge-survivor').textContent()).resolves.toContain('Erika Musterfrau')
    expect(await axeSerious(office)).toEqual([])
    await office.getByTestId('merge-submit').click()
    await expect(office.getByTestId('customer-notice').textContent()).resolves.toContain('Erika Mustermann wurde in Erika Musterfrau zusammengeführt')
    await office.getByTestId('customer-history').filter({ hasText: 'Zusammengeführt aus' }).waitFor({ timeout: 10_000 })

    await row(rep, 'Mustermann, Erika').waitFor({ state: 'detached', timeout: 10_000 })
    expect(await rep.getByTestId('customer-row').count()).toBe(1)
  })
})
