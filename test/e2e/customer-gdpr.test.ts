import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { uuidv7 } from '../../shared/ids'
import { axeSerious, browserAvailable, DESKTOP, E2E_ADMIN, launchBrowser, PHONE, signInUi, startServer, type RunningServer } from '../support/browser'

const available = browserAvailable()

const START_PASSWORD = 'start-passwort-1'
const PASSWORD = 'gdpr-e2e-passwort'
const REP = { email: 'rita@gdpr-e2e.de', name: 'Rita Reisende' }
const OFFICE = { email: 'ines@gdpr-e2e.de', name: 'Ines Innendienst' }

type Post = (path: string, body: unknown) => Promise<unknown>

async function login(url: string, email: string, password: string): Promise<Post> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email, password }) })
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`)
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  return async (path, body) => {
    const r = await fetch(`${url}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url, cookie }, body: JSON.stringify(body) })
    if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`)
    return r.json()
  }
}

async function createUser(admin: Post, url: string, user: { email: string; name: string }, role: string, branchId: string): Promise<void> {
  await admin('/users', { ...user, role, password: START_PASSWORD, branchIds: [branchId] })
  const own = await login(url, user.email, START_PASSWORD)
  await own('/auth/password', { currentPassword: START_PASSWORD, newPassword: PASSWORD })
}

const banner = (page: Page, state: string) => page.locator(`[data-testid="gdpr-banner"][data-state="${state}"]`).waitFor({ timeout: 10_000 })

async function openPanel(page: Page): Promise<void> {
  const panel = page.getByTestId('gdpr-panel')
  if (!(await panel.evaluate((d) => (d as HTMLDetailsElement).open))) await panel.locator('summary').click()
}

describe.skipIf(!available)('vCard and GDPR actions in Chromium', () => {
  let server: RunningServer
  let browser: Browser
  let repContext: BrowserContext
  let officeContext: BrowserContext
  let customerId: string

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const admin = await login(server.url, E2E_ADMIN.email, E2E_ADMIN.password)
    const branch = (await admin('/branches', { name: 'Filiale Datenschutz' })) as { id: string }
    await createUser(admin, server.url, REP, 'rep', branch.id)
    await createUser(admin, server.url, OFFICE, 'backoffice', branch.id)
    customerId = uuidv7()
    const rep = await login(server.url, REP.email, PASSWORD)
    await rep('/sync/push', {
      clientId: uuidv7(),
      schemaVersion: 1,
      mutations: [
        {
          seq: 1,
          id: uuidv7(),
          name: 'createCustomer',
          v: 2,
          args: { id: customerId, firstName: 'Erika', lastName: 'Mustermann', phones: [{ type: 'mobile', number: '0171 2345678' }], emails: [{ type: 'private', address: 'erika@example.de' }] },
        },
      ],
    })
    repContext = await browser.newContext(PHONE)
    officeContext = await browser.newContext(DESKTOP)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('a rep downloads the vCard offline; back office restricts and pseudonymises, and the rep sees the banner', async () => {
    const rep = await signInUi(repContext, server.url, REP.email, PASSWORD)
    await rep.goto(`${server.url}/kunden/${customerId}`)
    await rep.getByTestId('customer-name').filter({ hasText: 'Erika Mustermann' }).waitFor()
    await openPanel(rep)
    await repContext.setOffline(true)
    const [download] = await Promise.all([rep.waitForEvent('download'), rep.getByTestId('customer-vcard').click()])
    expect(download.suggestedFilename()).toBe('Erika_Mustermann.vcf')
    const chunks: Buffer[] = []
    for await (const chunk of (await download.createReadStream())!) chunks.push(chunk as Buffer)
    const card = Buffer.concat(chunks).toString('utf8')
    expect(card).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0\r\n/)
    expect(card).toContain('TEL;TYPE=cell:0171 2345678\r\n')
    await repContext.setOffline(false)

    const office = await signInUi(officeContext, server.url, OFFICE.email, PASSWORD)
    await office.goto(`${server.url}/kunden/${customerId}`)
    await office.getByTestId('customer-name').filter({ hasText: 'Erika Mustermann' }).waitFor()
    await openPanel(office)
    expect(await axeSerious(office)).toEqual([])
    await office.getByTestId('gdpr-restrict').click()
    await office.getByTestId('gdpr-restrict-reason').fill('Kundin bestreitet die Richtigkeit der Anschrift')
    await office.getByTestId('gdpr-restrict-submit').click()
    await banner(office, 'restricted')
    await banner(rep, 'restricted')
    expect(await rep.getByTestId('customer-vcard').count()).toBe(0)

    await openPanel(office)
    await office.getByTestId('gdpr-pseudonymise').click()
    const number = (await office.getByTestId('customer-number').textContent())!.trim()
    await office.getByTestId('gdpr-pseudonymise-confirm').fill(number)
    expect(await axeSerious(office)).toEqual([])
    await office.getByTestId('gdpr-pseudonymise-submit').click()
    await banner(office, 'pseudonymised')
    await office.getByTestId('customer-name').filter({ hasText: 'Pseudonymisiert' }).waitFor()
    await banner(rep, 'pseudonymised')
    await rep.getByTestId('customer-name').filter({ hasText: 'Pseudonymisiert' }).waitFor()
  })
})
