import { beforeEach, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import type { CustomerListItem, GdprExport } from '../../shared/schemas'
import { auditLog, consents, customerContactKeys, customerFieldHistory, customerRelations, customers, notes, quarantine } from '../../server/src/db/schema'
import type { SessionUser } from '../../server/src/lib/context'
import { pdfText } from '../../server/src/modules/gdpr/gdpr.pdf'
import { createTestApp, type TestApp } from '../support/app'
import { applyMutation, makeBranch, makeCustomer, makeSignedIn } from '../support/factories'
import { errorBody } from '../support/http'
import { attachChildRows, TestDevice } from '../support/sync'

type User = { id: string; email: string; cookie: string }
let t: TestApp
let branch: string
let manager: User
let rep: User
let office: User
let otherOffice: User
let outsider: User
let admin: User

const FULL = {
  salutation: 'ms' as const,
  title: 'Dr.',
  firstName: 'Erika',
  lastName: 'Mustermann',
  birthName: 'Gablerin',
  birthDate: '1964-08-12',
  nationality: 'DE',
  maritalStatus: 'married' as const,
  occupation: 'Ärztin',
  employer: 'Klinikum Nordstadt',
  addresses: [{ type: 'home' as const, street: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'DE' }],
  phones: [{ type: 'mobile' as const, number: '0171 2345678' }],
  emails: [{ type: 'private' as const, address: 'erika.mustermann@example.de' }],
  bankAccounts: [{ iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', holder: 'Erika Mustermann', label: null }],
  tags: ['Zahnzusatz-Interesse'],
  remarks: 'Ruft abends an, Tochter Mia studiert in Bonn.',
}

beforeEach(async () => {
  t = createTestApp()
  branch = makeBranch(t)
  manager = await makeSignedIn(t, { branchIds: [branch], name: 'Monika Manager' })
  rep = await makeSignedIn(t, { branchIds: [branch], uplineId: manager.id, name: 'Rainer Rep' })
  office = await makeSignedIn(t, { role: 'backoffice', branchIds: [branch], name: 'Olga Office' })
  const otherBranch = makeBranch(t)
  otherOffice = await makeSignedIn(t, { role: 'backoffice', branchIds: [otherBranch], name: 'Fritz Fremdfiliale' })
  outsider = await makeSignedIn(t, { branchIds: [otherBranch], name: 'Xaver Fremd' })
  admin = await makeSignedIn(t, { role: 'admin', name: 'Anna Admin' })
})

const row = (id: string) => t.db.select().from(customers).where(eq(customers.id, id)).get()!
const audits = (id: string, action: string) => t.db.select().from(auditLog).where(sql`${auditLog.entityId} = ${id} AND ${auditLog.action} = ${action}`).all()
const actor = (u: User, role: 'rep' | 'backoffice' | 'admin' = 'rep') => ({ id: u.id, role, branchIds: role === 'admin' ? [] : [branch] })

/** A customer with every kind of data: master data, a note, a consent, a child, and a changed field. */
function richCustomer(): { id: string; noteId: string; consentId: string; relationId: string } {
  const id = makeCustomer(t, rep.id, FULL)
  const ids = attachChildRows(t, id)
  applyMutation(t, actor(rep), 'updateCustomer', 2, { id, changes: { lastName: { from: 'Mustermann', to: 'Musterfrau' } } })
  applyMutation(t, actor(rep), 'updateCustomer', 2, { id, changes: { lastName: { from: 'Musterfrau', to: 'Mustermann' } } })
  return { id, ...ids }
}

/** Counts pokes a connected screen of `user` would get. */
function listen(user: User, role: SessionUser['role'] = 'rep'): { count: number } {
  const seen = { count: 0 }
  t.deps.pokes.add({
    user: { id: user.id, email: user.email, name: '', role, branchIds: [branch], mustChangePassword: false, sessionTokenHash: '', active: true },
    poke: () => seen.count++,
    close: () => undefined,
  })
  return seen
}

describe('vCard', () => {
  it('answers text/vcard with an attachment named after the customer', async () => {
    const id = makeCustomer(t, rep.id, FULL)
    const res = await t.req('GET', `/api/customers/${id}/vcard`, { cookie: rep.cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/vcard; charset=utf-8')
    expect(res.headers.get('content-disposition')).toContain('filename="Erika_Mustermann.vcf"')
    const text = await res.text()
    expect(text).toMatch(/^BEGIN:VCARD\r\nVERSION:4\.0\r\n/)
    expect(text).toContain('FN:Dr. Erika Mustermann\r\n')
    expect(text).toContain('TEL;TYPE=cell:0171 2345678\r\n')
  })

  it('is refused for a restricted customer (processing is restricted)', async () => {
    const id = makeCustomer(t, rep.id, FULL)
    await t.req('POST', `/api/customers/${id}/restrict`, { cookie: rep.cookie, body: { reason: 'Kundin bestreitet Richtigkeit' } })
    const res = await t.req('GET', `/api/customers/${id}/vcard`, { cookie: rep.cookie })
    expect(res.status).toBe(409)
    expect((await errorBody(res)).code).toBe('CUSTOMER_RESTRICTED')
  })
})

describe('GDPR export (Art. 15/20)', () => {
  it('JSON holds every data group and the export is audit-logged', async () => {
    const c = richCustomer()
    deleteChildRows(attachChildRows(t, c.id))
    const res = await t.req('GET', `/api/customers/${c.id}/export.json`, { cookie: office.cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="DSGVO-Auskunft_K-\d{6}_2026-03-12\.json"/)
    const data = (await res.json()) as GdprExport
    expect(data.format).toBe('feldakte-dsgvo-auskunft')
    expect(data.customer).toMatchObject({ id: c.id, firstName: 'Erika', lastName: 'Mustermann', birthDate: '1964-08-12', ownerName: 'Rainer Rep' })
    expect(data.customer.bankAccounts[0]!.iban).toBe('DE89370400440532013000')
    expect(data.relations.map((r) => [r.typeName, r.person?.firstName])).toEqual([['Kind', 'Mia']])
    expect(data.consents.map((k) => [k.type, k.typeName, k.givenOn])).toEqual([['privacy', 'Datenschutz-Einwilligung', '2026-03-01']])
    // Deleted rows stay out; the remarks say their content is kept server-side.
    expect(data.notes.map((n) => n.id)).toEqual([c.noteId])
    expect(data.remarks.join(' ')).toContain('Gelöschte Notizen')
    expect(data.history.filter((h) => h.field === 'lastName').map((h) => [h.oldValue, h.newValue])).toEqual([
      ['Mustermann', 'Musterfrau'],
      ['Musterfrau', 'Mustermann'],
    ])
    expect(data.audit.map((a) => a.action)).toContain('gdpr.export')

    const logged = audits(c.id, 'gdpr.export')
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatchObject({ actorId: office.id, entity: 'customer', after: { format: 'json' } })
  })

  it('PDF is a PDF with the customer number and page numbers, and is audit-logged', async () => {
    const c = richCustomer()
    const res = await t.req('GET', `/api/customers/${c.id}/export.pdf`, { cookie: rep.cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/pdf')
    const bytes = Buffer.from(await res.arrayBuffer())
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const text = bytes.toString('latin1')
    expect(text).toContain(row(c.id).customerNo!)
    expect(text).toMatch(/Seite 1 von \d+/)
    expect(text).toContain('Stammdaten')
    expect(text).toContain('Einwilligungen')
    expect(audits(c.id, 'gdpr.export').map((a) => [a.actorId, a.after])).toEqual([[rep.id, { format: 'pdf' }]])
  })

  it('reps export their own customers only; an upline who can read the downline customer gets 403', async () => {
    const c = richCustomer()
    const res = await t.req('GET', `/api/customers/${c.id}/export.json`, { cookie: manager.cookie })
    expect(res.status).toBe(403)
    expect((await errorBody(res)).code).toBe('GDPR_EXPORT_FORBIDDEN')
    expect((await t.req('GET', `/api/customers/${c.id}/export.json`, { cookie: admin.cookie })).status).toBe(200)
    expect(audits(c.id, 'gdpr.export')).toHaveLength(1)
  })
})

/** Deleted rows: their content stays server-side, but the export leaves them out. */
function deleteChildRows(ids: { noteId: string; consentId: string; relationId: string }): void {
  const deletedAt = t.clock.now().toISOString()
  t.db.update(notes).set({ deletedAt }).where(eq(notes.id, ids.noteId)).run()
  t.db.update(consents).set({ deletedAt }).where(eq(consents.id, ids.consentId)).run()
  t.db.update(customerRelations).set({ deletedAt }).where(eq(customerRelations.id, ids.relationId)).run()
}

describe('restriction (Art. 18)', () => {
  it('makes the file read-only: device mutations are quarantined with CUSTOMER_RESTRICTED until back office lifts it', async () => {
    const id = makeCustomer(t, rep.id, FULL)
    const device = new TestDevice(t, rep.cookie)
    await device.pullAll()
    const revBefore = row(id).rev
    const poked = listen(rep)

    const res = await t.req('POST', `/api/customers/${id}/restrict`, { cookie: rep.cookie, body: { reason: 'Kundin bestreitet die Richtigkeit der Daten' } })
    expect(res.status).toBe(200)
    const { customer } = (await res.json()) as { customer: CustomerListItem }
    expect(customer.restrictedAt).toBe('2026-03-12T09:00:00.000Z')
    expect(row(id).rev).toBeGreaterThan(revBefore)
    expect(poked.count).toBe(1)
    expect(audits(id, 'gdpr.restrict')[0]).toMatchObject({ actorId: rep.id, after: { reason: 'Kundin bestreitet die Richtigkeit der Daten' } })
    await device.pullAll()
    expect(device.rows.get(id)?.restrictedAt).toBe('2026-03-12T09:00:00.000Z')

    const edit = device.mutation('updateCustomer', { id, changes: { remarks: { from: FULL.remarks, to: 'neu' } } }, 2)
    const pushed = await device.push([edit])
    expect(pushed.body.results[0]).toMatchObject({ status: 'rejected', code: 'CUSTOMER_RESTRICTED' })
    expect(t.db.select().from(quarantine).where(eq(quarantine.id, edit.id)).get()?.code).toBe('CUSTOMER_RESTRICTED')
    expect(row(id).remarks).toBe(FULL.remarks)

    const again = await t.req('POST', `/api/customers/${id}/restrict`, { cookie: office.cookie, body: { reason: 'noch einmal' } })
    expect((await errorBody(again)).code).toBe('CUSTOMER_ALREADY_RESTRICTED')
    const byRep = await t.req('POST', `/api/customers/${id}/unrestrict`, { cookie: rep.cookie })
    expect(byRep.status).toBe(403)

    const lifted = await t.req('POST', `/api/customers/${id}/unrestrict`, { cookie: office.cookie })
    expect(lifted.status).toBe(200)
    expect(row(id).restrictedAt).toBeNull()
    expect(audits(id, 'gdpr.unrestrict')).toHaveLength(1)
    const retry = await device.push([device.mutation('updateCustomer', { id, changes: { remarks: { from: FULL.remarks, to: 'neu' } } }, 2)])
    expect(retry.body.results[0]!.status).toBe('applied')
    expect(row(id).remarks).toBe('neu')
  })

  it('needs a reason', async () => {
    const id = makeCustomer(t, rep.id)
    const res = await t.req('POST', `/api/customers/${id}/restrict`, { cookie: office.cookie, body: { reason: '' } })
    expect(res.status).toBe(400)
    expect(row(id).restrictedAt).toBeNull()
  })
})

describe('pseudonymisation (Art. 17 within retention duties)', () => {
  it('removes personal data everywhere, keeps number and consent evidence, and devices converge', async () => {
    const c = richCustomer()
    const before = row(c.id)
    const device = new TestDevice(t, rep.cookie)
    await device.pullAll()
    expect(device.table('notes').has(c.noteId)).toBe(true)
    const poked = listen(rep)

    const wrong = await t.req('POST', `/api/customers/${c.id}/pseudonymise`, { cookie: office.cookie, body: { confirm: 'K-999999' } })
    expect(wrong.status).toBe(400)
    expect((await errorBody(wrong)).code).toBe('PSEUDONYMISE_CONFIRM_MISMATCH')
    expect(row(c.id).lastName).toBe('Mustermann')

    const res = await t.req('POST', `/api/customers/${c.id}/pseudonymise`, { cookie: office.cookie, body: { confirm: before.customerNo!.toLowerCase() } })
    expect(res.status).toBe(200)
    expect(poked.count).toBe(1)

    const after = row(c.id)
    expect(after).toMatchObject({
      id: c.id,
      customerNo: before.customerNo,
      ownerRepId: rep.id,
      branchId: branch,
      firstName: '',
      lastName: 'Pseudonymisiert',
      salutation: null,
      title: null,
      birthName: null,
      birthDate: null,
      nationality: null,
      maritalStatus: null,
      occupation: null,
      employer: null,
      addresses: [],
      phones: [],
      emails: [],
      bankAccounts: [],
      tags: [],
      remarks: null,
      pseudonymisedAt: '2026-03-12T09:00:00.000Z',
    })
    expect(after.rev).toBeGreaterThan(before.rev)

    const note = t.db.select().from(notes).where(eq(notes.id, c.noteId)).get()!
    expect(note).toMatchObject({ text: '', subject: null })
    expect(note.deletedAt).not.toBeNull()
    const relation = t.db.select().from(customerRelations).where(eq(customerRelations.id, c.relationId)).get()!
    expect(relation.person).toBeNull()
    expect(relation.deletedAt).not.toBeNull()
    const consent = t.db.select().from(consents).where(eq(consents.id, c.consentId)).get()!
    expect(consent).toMatchObject({ type: 'privacy', givenOn: '2026-03-01', deletedAt: null })

    const history = JSON.stringify(t.db.select().from(customerFieldHistory).where(eq(customerFieldHistory.customerId, c.id)).all())
    for (const personal of ['Mustermann', 'Musterfrau', 'Erika', 'Mia', 'Rückruf']) expect(history).not.toContain(personal)
    expect(t.db.select().from(customerContactKeys).where(eq(customerContactKeys.customerId, c.id)).all()).toEqual([])
    const audit = JSON.stringify(t.db.select().from(auditLog).all())
    expect(audit).not.toContain('Mustermann')
    expect(audits(c.id, 'gdpr.pseudonymise')).toHaveLength(1)

    for (const q of ['Mustermann', 'Erika', '0171 2345678', 'erika.mustermann']) {
      const found = await t.req('GET', `/api/customers?q=${encodeURIComponent(q)}`, { cookie: office.cookie })
      expect(((await found.json()) as { items: unknown[] }).items, q).toEqual([])
    }

    await device.pullAll()
    expect(device.rows.get(c.id)).toMatchObject({ lastName: 'Pseudonymisiert', birthDate: null, phones: [], pseudonymisedAt: '2026-03-12T09:00:00.000Z', customerNo: before.customerNo })
    expect(device.table('notes').has(c.noteId)).toBe(false)
    expect(device.table('relations').has(c.relationId)).toBe(false)
    expect(device.table('consents').get(c.consentId)).toMatchObject({ type: 'privacy', givenOn: '2026-03-01' })

    const edit = await device.push([device.mutation('updateCustomer', { id: c.id, changes: { firstName: { from: '', to: 'Erika' } } }, 2)])
    expect(edit.body.results[0]).toMatchObject({ status: 'rejected', code: 'CUSTOMER_PSEUDONYMISED' })
    const again = await t.req('POST', `/api/customers/${c.id}/pseudonymise`, { cookie: office.cookie, body: { confirm: before.customerNo } })
    expect((await errorBody(again)).code).toBe('CUSTOMER_PSEUDONYMISED')
    const exported = await t.req('GET', `/api/customers/${c.id}/export.json`, { cookie: office.cookie })
    expect(await exported.text()).not.toContain('Mustermann')
  })

  it('clears the relationship on the other customer too (the reverse row of a customer-to-customer pair)', async () => {
    const a = makeCustomer(t, rep.id, FULL)
    const b = makeCustomer(t, rep.id, { firstName: 'Max', lastName: 'Mustermann' })
    const forward = crypto.randomUUID()
    const reverse = crypto.randomUUID()
    applyMutation(t, actor(rep), 'addRelation', 1, { id: forward, customerId: b, type: 'spouse', relatedCustomerId: a, reverseId: reverse })
    await t.req('POST', `/api/customers/${a}/pseudonymise`, { cookie: admin.cookie, body: { confirm: row(a).customerNo } })
    const rows = t.db.select().from(customerRelations).where(eq(customerRelations.pairId, forward)).all()
    expect(rows).toHaveLength(2)
    for (const r of rows) expect(r.deletedAt).not.toBeNull()
    expect(row(b).lastName).toBe('Mustermann')
  })

  it('is for back office and admin only', async () => {
    const id = makeCustomer(t, rep.id)
    const res = await t.req('POST', `/api/customers/${id}/pseudonymise`, { cookie: rep.cookie, body: { confirm: row(id).customerNo } })
    expect(res.status).toBe(403)
    expect(row(id).pseudonymisedAt).toBeNull()
  })
})

describe('scope of every GDPR endpoint', () => {
  const endpoints = (id: string, no: string): [string, string, unknown][] => [
    ['GET', `/api/customers/${id}/vcard`, undefined],
    ['GET', `/api/customers/${id}/export.json`, undefined],
    ['GET', `/api/customers/${id}/export.pdf`, undefined],
    ['POST', `/api/customers/${id}/restrict`, { reason: 'Widerspruch des Kunden' }],
    ['POST', `/api/customers/${id}/unrestrict`, undefined],
    ['POST', `/api/customers/${id}/pseudonymise`, { confirm: no }],
  ]

  it('a rep of another structure and back office of another branch get 404; anonymous 401; nothing changes', async () => {
    const id = makeCustomer(t, rep.id, FULL)
    const no = row(id).customerNo!
    for (const [method, path, body] of endpoints(id, no)) {
      for (const u of [outsider, otherOffice]) expect((await t.req(method, path, { cookie: u.cookie, body })).status, `${method} ${path}`).toBe(404)
      expect((await t.req(method, path, { body })).status, `${method} ${path}`).toBe(401)
    }
    expect(row(id)).toMatchObject({ lastName: 'Mustermann', restrictedAt: null, pseudonymisedAt: null })
    expect(t.db.select().from(auditLog).where(eq(auditLog.entityId, id)).all()).toEqual([])
  })
})

describe('PDF text (standard font, Latin-1)', () => {
  it.each([
    ['Jürgen Groß', 'Jürgen Groß'],
    ['„Zitat“ – 10 €', '"Zitat" - 10 EUR'],
    ['Łukasz Dąbrowski', 'Lukasz Dabrowski'],
    ['Yılmaz Şahin', 'Yilmaz Sahin'],
    ['Zeile 1\nZeile 2', 'Zeile 1\nZeile 2'],
    ['王小明', '???'],
  ])('%s → %s', (input, expected) => {
    expect(pdfText(input)).toBe(expected)
  })
})

describe('OpenAPI', () => {
  it('documents the GDPR and import endpoints', async () => {
    const doc = (await (await t.req('GET', '/api/openapi.json')).json()) as { paths: Record<string, unknown> }
    for (const path of ['/customers/{id}/vcard', '/customers/{id}/export.json', '/customers/{id}/export.pdf', '/customers/{id}/restrict', '/customers/{id}/unrestrict', '/customers/{id}/pseudonymise', '/customer-imports', '/customer-imports/{id}/commit', '/customer-imports/{id}/errors.csv']) {
      expect(doc.paths, path).toHaveProperty([path])
    }
  })
})

describe('what the review found', () => {
  it('keeps a related customer of another structure anonymous in the export', async () => {
    const mine = makeCustomer(t, rep.id, { firstName: 'Erika', lastName: 'Mustermann' })
    const stranger = makeCustomer(t, outsider.id, { firstName: 'Geheim', lastName: 'Fremdkunde' })
    // Only an admin sees both sides and can link them.
    applyMutation(t, { id: admin.id, role: 'admin', branchIds: [] }, 'addRelation', 1, {
      id: '01a21c20-0000-7000-8000-000000000001',
      reverseId: '01a21c20-0000-7000-8000-000000000002',
      customerId: mine,
      type: 'spouse',
      relatedCustomerId: stranger,
    })
    for (const who of [rep, office]) {
      const res = await t.req('GET', `/api/customers/${mine}/export.json`, { cookie: who.cookie })
      expect(res.status).toBe(200)
      const text = await res.text()
      expect(text).toContain('Mustermann')
      expect(text).not.toContain('Fremdkunde')
    }
    const adminView = await t.req('GET', `/api/customers/${mine}/export.json`, { cookie: admin.cookie })
    expect(await adminView.text()).toContain('Fremdkunde')
  })

  it('stores no payload in the quarantine for a change that arrives after pseudonymisation', async () => {
    const id = makeCustomer(t, rep.id, FULL)
    const device = new TestDevice(t, rep.cookie)
    const customerNo = row(id).customerNo!
    expect((await t.req('POST', `/api/customers/${id}/pseudonymise`, { cookie: office.cookie, body: { confirm: customerNo } })).status).toBe(200)
    const note = { id: '01a21c20-0000-7000-8000-0000000000aa', customerId: id, kind: 'memo', occurredAt: '2026-03-12T10:00:00.000Z', text: 'Erika ruft wegen der Tochter an' }
    await device.push([device.mutation('createNote', note, 1)])
    const q = t.db.select().from(quarantine).all()
    expect(q).toHaveLength(1)
    expect(q[0]).toMatchObject({ code: 'CUSTOMER_PSEUDONYMISED', args: null })
    expect(JSON.stringify(t.db.select().from(notes).all())).not.toContain('Tochter')
  })
})

describe('nothing of a pseudonymised name stays in the database file', () => {
  it('removes the old words from the search index segments at once', async () => {
    const id = makeCustomer(t, rep.id, { ...FULL, lastName: 'Quastenflosser' })
    const raw = () => t.db.all<{ block: Buffer }>(sql`SELECT block FROM customer_search_data`).map((r) => Buffer.from(r.block).toString('latin1')).join('')
    expect(raw()).toContain('quastenflosser')
    const res = await t.req('POST', `/api/customers/${id}/pseudonymise`, { cookie: office.cookie, body: { confirm: row(id).customerNo! } })
    expect(res.status).toBe(200)
    expect(raw()).not.toContain('quastenflosser')
  })
})
