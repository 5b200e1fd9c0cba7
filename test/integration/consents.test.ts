import { beforeEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import type { OrgSettings } from '../../shared/constants'
import { uuidv7 } from '../../shared/ids'
import type { ConsentRow, CustomerFile } from '../../shared/schemas'
import { consents, customerFieldHistory } from '../../server/src/db/schema'
import { deviceOf, getJson, makeWorld, newCustomer, ok, rejected, type World } from '../support/customer-file'

let w: World
beforeEach(async () => {
  w = await makeWorld()
})

const fileOf = async (customerId: string, who = w.office) => (await getJson<CustomerFile>(w.t, who, `/api/customers/${customerId}/file`)).body
const consentRow = (id: string) => w.t.db.select().from(consents).where(eq(consents.id, id)).get()

async function setRequired(requiredConsents: string[]) {
  const res = await w.t.req('PATCH', '/api/settings', { cookie: w.admin.cookie, body: { requiredConsents } })
  expect(res.status).toBe(200)
  return (await res.json()) as OrgSettings
}

describe('recordConsent and withdrawConsent', () => {
  it('records a consent for the customer’s rep and sets its withdrawal date once, on the device too', async () => {
    const c = await newCustomer(w.t, w.rep)
    const id = uuidv7()
    await ok(w.t, w.office, 'recordConsent', { id, customerId: c, type: 'marketing_email', givenOn: '2026-01-15', note: 'Formular unterschrieben' })
    expect(consentRow(id)).toMatchObject({ customerId: c, type: 'marketing_email', givenOn: '2026-01-15', withdrawnOn: null, note: 'Formular unterschrieben', ownerRepId: w.rep.id, createdBy: w.office.id })

    await ok(w.t, w.rep, 'withdrawConsent', { id, withdrawnOn: '2026-03-01' })
    const device = deviceOf(w.t, w.rep)
    await device.pullAll()
    expect(device.table('consents').get(id)).toMatchObject({ type: 'marketing_email', givenOn: '2026-01-15', withdrawnOn: '2026-03-01' })
    const history = w.t.db.select().from(customerFieldHistory).where(eq(customerFieldHistory.entityId, id)).all()
    expect(history).toEqual([expect.objectContaining({ entity: 'consent', field: 'withdrawnOn', newValue: '2026-03-01', userId: w.rep.id })])
  })

  it('refuses a second withdrawal, a withdrawal before the consent, and keeps the record unchanged', async () => {
    const c = await newCustomer(w.t, w.rep)
    const id = uuidv7()
    await ok(w.t, w.rep, 'recordConsent', { id, customerId: c, type: 'privacy', givenOn: '2026-02-01' })
    await rejected(w.t, w.rep, 'withdrawConsent', { id, withdrawnOn: '2026-01-31' }, 'VALIDATION')
    await ok(w.t, w.rep, 'withdrawConsent', { id, withdrawnOn: '2026-02-10' })
    await rejected(w.t, w.rep, 'withdrawConsent', { id, withdrawnOn: '2026-03-01' }, 'CONSENT_ALREADY_WITHDRAWN')
    expect(consentRow(id)).toMatchObject({ givenOn: '2026-02-01', withdrawnOn: '2026-02-10' })
  })

  it('rejects an unknown consent type and a replayed id', async () => {
    const c = await newCustomer(w.t, w.rep)
    await rejected(w.t, w.rep, 'recordConsent', { id: uuidv7(), customerId: c, type: 'newsletter', givenOn: '2026-02-01' }, 'VALIDATION')
    const id = uuidv7()
    await ok(w.t, w.rep, 'recordConsent', { id, customerId: c, type: 'privacy', givenOn: '2026-02-01' })
    await rejected(w.t, w.rep, 'recordConsent', { id, customerId: c, type: 'health_data', givenOn: '2026-02-01' }, 'ID_TAKEN')
    expect(w.t.db.select().from(consents).all()).toHaveLength(1)
  })

  it('is quarantined NOT_FOUND outside the write scope: another structure, and the upline with read access only', async () => {
    const c = await newCustomer(w.t, w.rep)
    await rejected(w.t, w.stranger, 'recordConsent', { id: uuidv7(), customerId: c, type: 'privacy', givenOn: '2026-02-01' }, 'NOT_FOUND')
    await rejected(w.t, w.manager, 'recordConsent', { id: uuidv7(), customerId: c, type: 'privacy', givenOn: '2026-02-01' }, 'NOT_FOUND')
    const id = uuidv7()
    await ok(w.t, w.rep, 'recordConsent', { id, customerId: c, type: 'privacy', givenOn: '2026-02-01' })
    await rejected(w.t, w.stranger, 'withdrawConsent', { id, withdrawnOn: '2026-03-01' }, 'NOT_FOUND')
    await rejected(w.t, w.manager, 'withdrawConsent', { id, withdrawnOn: '2026-03-01' }, 'NOT_FOUND')
    expect(consentRow(id)!.withdrawnOn).toBeNull()
  })
})

describe('consent warnings', () => {
  it('warn about the required consents (setting) that are missing or withdrawn', async () => {
    const c = await newCustomer(w.t, w.rep)
    // Default: the data-protection consent is required.
    expect((await fileOf(c)).consentWarnings).toEqual([{ type: 'privacy', state: 'missing' }])
    const privacy = uuidv7()
    await ok(w.t, w.rep, 'recordConsent', { id: privacy, customerId: c, type: 'privacy', givenOn: '2026-02-01' })
    expect((await fileOf(c)).consentWarnings).toEqual([])

    expect((await setRequired(['broker_mandate', 'privacy', 'privacy'])).requiredConsents).toEqual(['privacy', 'broker_mandate'])
    expect((await fileOf(c)).consentWarnings).toEqual([{ type: 'broker_mandate', state: 'missing' }])
    await ok(w.t, w.rep, 'withdrawConsent', { id: privacy, withdrawnOn: '2026-03-01' })
    expect((await fileOf(c)).consentWarnings).toEqual([
      { type: 'privacy', state: 'withdrawn' },
      { type: 'broker_mandate', state: 'missing' },
    ])
    // Given again after the withdrawal: a new record, the old one stays as evidence.
    await ok(w.t, w.rep, 'recordConsent', { id: uuidv7(), customerId: c, type: 'privacy', givenOn: '2026-03-05' })
    const file = await fileOf(c)
    expect(file.consentWarnings).toEqual([{ type: 'broker_mandate', state: 'missing' }])
    expect(file.consents.map((x: ConsentRow) => [x.givenOn, x.withdrawnOn])).toEqual([
      ['2026-03-05', null],
      ['2026-02-01', '2026-03-01'],
    ])

    await setRequired([])
    expect((await fileOf(c)).consentWarnings).toEqual([])
  })
})

describe('requiredConsents setting', () => {
  it('is readable by every signed-in user, changeable by admins only, and checked', async () => {
    expect((await getJson<OrgSettings>(w.t, w.rep, '/api/settings')).body.requiredConsents).toEqual(['privacy'])
    expect((await getJson(w.t, null, '/api/settings')).status).toBe(401)
    const byRep = await w.t.req('PATCH', '/api/settings', { cookie: w.rep.cookie, body: { requiredConsents: [] } })
    expect(byRep.status).toBe(403)
    const bad = await w.t.req('PATCH', '/api/settings', { cookie: w.admin.cookie, body: { requiredConsents: ['newsletter'] } })
    expect(bad.status).toBe(400)
    await setRequired(['health_data'])
    expect((await getJson<OrgSettings>(w.t, w.stranger, '/api/settings')).body).toMatchObject({ requiredConsents: ['health_data'], downlineReadAccess: true })
  })
})
