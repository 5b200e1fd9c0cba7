import { beforeEach, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import type { CustomerDetail } from '../../shared/schemas'
import { consents, counters, customerContactKeys, customerFieldHistory, customerRelations, customers, notes } from '../../server/src/db/schema'
import { ensureContactKeys } from '../../server/src/modules/customers/contact-keys.service'
import { updateSettings } from '../../server/src/modules/settings/settings.service'
import { nextRev } from '../../server/src/modules/sync/sync.service'
import { uuidv7 } from '../../shared/ids'
import { createTestApp, type TestApp } from '../support/app'
import { customerArgs, makeBranch, makeCustomer, makeSignedIn } from '../support/factories'
import { attachChildRows, TestDevice } from '../support/sync'

const SYSTEM = { id: '00000000-0000-7000-8000-000000000000', role: 'admin' as const, branchIds: [] }

type User = { id: string; email: string; cookie: string }
let t: TestApp
let branch: string
let manager: User
let rep: User
let office: User
let outsider: User

beforeEach(async () => {
  t = createTestApp()
  branch = makeBranch(t)
  manager = await makeSignedIn(t, { branchIds: [branch], name: 'Monika Manager' })
  rep = await makeSignedIn(t, { branchIds: [branch], uplineId: manager.id, name: 'Rainer Rep' })
  office = await makeSignedIn(t, { role: 'backoffice', branchIds: [branch], name: 'Olga Office' })
  outsider = await makeSignedIn(t, { branchIds: [makeBranch(t)], name: 'Xaver Fremd' })
})

const row = (id: string) => t.db.select().from(customers).where(eq(customers.id, id)).get()!
const history = (id: string) => t.db.select().from(customerFieldHistory).where(eq(customerFieldHistory.customerId, id)).orderBy(sql`rowid`).all()
const detail = async (id: string, cookie: string) => {
  const res = await t.req('GET', `/api/customers/${id}`, { cookie })
  return { status: res.status, body: (await res.json()) as CustomerDetail }
}

describe('customer numbers', () => {
  it('are assigned on the server, unique and increasing, for version 1 and 2 creates alike', async () => {
    const device = new TestDevice(t, rep.cookie)
    const created = [customerArgs(), customerArgs(), { id: uuidv7(), firstName: 'Alt', lastName: 'Version' }, customerArgs()]
    await device.push(created.map((c, i) => device.mutation('createCustomer', c, i === 2 ? 1 : 2)))
    expect(created.map((c) => row(c.id).customerNo)).toEqual(['K-000001', 'K-000002', 'K-000003', 'K-000004'])
  })

  it('continue from the counter the migration set for existing customers', () => {
    t.db.update(counters).set({ value: 41 }).where(eq(counters.name, 'customerNo')).run()
    expect(row(makeCustomer(t, rep.id)).customerNo).toBe('K-000042')
    expect(row(makeCustomer(t, rep.id)).customerNo).toBe('K-000043')
  })

  it('take the branch from the owner', () => {
    expect(row(makeCustomer(t, rep.id)).branchId).toBe(branch)
  })
})

describe('version 1 mutations from old outboxes', () => {
  it('create a customer whose phone, e-mail and address become the first list entries', async () => {
    const device = new TestDevice(t, rep.cookie)
    const id = uuidv7()
    const res = await device.push([
      device.mutation('createCustomer', { id, firstName: 'Erika', lastName: 'Alt', phone: '0171 1234567', email: 'Erika@Example.de', street: 'Hauptstr. 1', zip: '50667', city: 'Köln' }),
    ])
    expect(res.body.results).toEqual([{ seq: 1, status: 'applied' }])
    expect(row(id)).toMatchObject({
      kind: 'person',
      status: 'prospect',
      phones: [{ type: 'mobile', number: '0171 1234567' }],
      emails: [{ type: 'private', address: 'erika@example.de' }],
      addresses: [{ type: 'home', street: 'Hauptstr. 1', zip: '50667', city: 'Köln', country: 'DE' }],
    })
  })

  it('update the first phone and the city, keep the other entries and record the change per list', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customerArgs({
      phones: [
        { type: 'home', number: '0221 111111' },
        { type: 'work', number: '0221 222222' },
      ],
      addresses: [{ type: 'home', street: 'Hauptstr. 1', zip: '50667', city: 'Köln', country: 'DE' }],
    })
    await device.push([device.mutation('createCustomer', c, 2)])
    const res = await device.push([device.mutation('updateCustomer', { id: c.id, changes: { phone: { from: '0221 111111', to: '0171 999999' }, city: { from: 'Köln', to: 'Bonn' } } })])
    expect(res.body.results).toEqual([{ seq: 2, status: 'applied' }])
    expect(row(c.id).phones).toEqual([
      { type: 'home', number: '0171 999999' },
      { type: 'work', number: '0221 222222' },
    ])
    expect(row(c.id).addresses).toEqual([{ type: 'home', street: 'Hauptstr. 1', zip: '50667', city: 'Bonn', country: 'DE' }])
    const h = history(c.id)
    expect(h.map((e) => [e.field, e.overwritten])).toEqual([
      ['phones', false],
      ['addresses', false],
    ])
    expect(h[0]).toMatchObject({ entity: 'customer', entityId: c.id, oldValue: c.phones, clientId: device.clientId })
  })

  it('mark the list value overwritten when the version-1 base was stale', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customerArgs({ phones: [{ type: 'mobile', number: '0171 000000' }] })
    await device.push([device.mutation('createCustomer', c, 2)])
    await device.push([device.mutation('updateCustomer', { id: c.id, changes: { phone: { from: '0171 555555', to: '0171 999999' } } })])
    expect(history(c.id)).toEqual([expect.objectContaining({ field: 'phones', overwritten: true, oldValue: [{ type: 'mobile', number: '0171 000000' }] })])
  })

  it('clearing the only e-mail empties the list', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customerArgs({ emails: [{ type: 'private', address: 'a@example.de' }] })
    await device.push([device.mutation('createCustomer', c, 2), device.mutation('updateCustomer', { id: c.id, changes: { email: { from: 'a@example.de', to: '' } } })])
    expect(row(c.id).emails).toEqual([])
  })
})

describe('updateCustomer', () => {
  it('applies concurrent edits of one field in arrival order and keeps the loser in the history (T10)', async () => {
    const phone = new TestDevice(t, rep.cookie)
    const desk = new TestDevice(t, office.cookie)
    const c = customerArgs({ lastName: 'Mustermann' })
    await phone.push([phone.mutation('createCustomer', c, 2)])
    await phone.push([phone.mutation('updateCustomer', { id: c.id, changes: { lastName: { from: 'Mustermann', to: 'Musterfrau' }, title: { from: null, to: 'Dr.' } } }, 2)])
    const late = desk.mutation('updateCustomer', { id: c.id, changes: { lastName: { from: 'Mustermann', to: 'Meier' } } }, 2)
    await desk.push([late])
    expect(row(c.id)).toMatchObject({ lastName: 'Meier', title: 'Dr.' })

    const { status, body } = await detail(c.id, office.cookie)
    expect(status).toBe(200)
    expect(body.history.map((e) => [e.field, e.oldValue, e.newValue, e.overwritten])).toEqual([
      ['lastName', 'Musterfrau', 'Meier', true],
      ['title', null, 'Dr.', false],
      ['lastName', 'Mustermann', 'Musterfrau', false],
    ])
    expect(body.history[0]).toMatchObject({ entity: 'customer', entityId: c.id, userName: 'Olga Office', clientId: desk.clientId, mutationId: late.id })
    expect(body.ownerName).toBe('Rainer Rep')
  })

  it('keeps the values and writes no history when the new value is the current one, but sends the row again', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customerArgs({ tags: ['VIP'] })
    await device.push([device.mutation('createCustomer', c, 2)])
    const before = row(c.id)
    await device.push([device.mutation('updateCustomer', { id: c.id, changes: { tags: { from: [], to: ['VIP', 'VIP'] }, remarks: { from: null, to: '' } } }, 2)])
    const after = row(c.id)
    // The device showed its own optimistic row; a new rev makes the next pull replace it.
    expect(after.rev).toBeGreaterThan(before.rev)
    expect({ ...after, rev: 0 }).toEqual({ ...before, rev: 0 })
    expect(history(c.id)).toEqual([])
  })

  it('turning a person into a company clears the first name', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customerArgs({ firstName: 'Hans', lastName: 'Muster' })
    await device.push([device.mutation('createCustomer', c, 2), device.mutation('updateCustomer', { id: c.id, changes: { kind: { from: 'person', to: 'company' }, lastName: { from: 'Muster', to: 'Muster GmbH' } } }, 2)])
    expect(row(c.id)).toMatchObject({ kind: 'company', firstName: '', lastName: 'Muster GmbH' })
    expect(history(c.id).map((e) => e.field).sort()).toEqual(['firstName', 'kind', 'lastName'])
  })

  it('maintains the contact keys of the duplicate check', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customerArgs({ emails: [{ type: 'private', address: 'alt@example.de' }], phones: [{ type: 'mobile', number: '+49 171 1234567' }] })
    await device.push([device.mutation('createCustomer', c, 2)])
    const keys = () => t.db.select({ kind: customerContactKeys.kind, value: customerContactKeys.value }).from(customerContactKeys).where(eq(customerContactKeys.customerId, c.id)).all().sort((a, b) => a.kind.localeCompare(b.kind))
    expect(keys()).toEqual([
      { kind: 'email', value: 'alt@example.de' },
      { kind: 'phone', value: '01711234567' },
    ])
    await device.push([device.mutation('updateCustomer', { id: c.id, changes: { emails: { from: c.emails, to: [{ type: 'work', address: 'neu@example.de' }] } } }, 2)])
    expect(keys()).toEqual([
      { kind: 'email', value: 'neu@example.de' },
      { kind: 'phone', value: '01711234567' },
    ])
    t.db.delete(customerContactKeys).run()
    expect(ensureContactKeys(t.db)).toBe(1)
    expect(keys()).toHaveLength(2)
    expect(ensureContactKeys(t.db)).toBe(0)
  })
})

describe('reassignCustomer', () => {
  it('moves the customer’s notes, consents and relations to the new rep: the old device drops them, the new one receives them', async () => {
    const other = await makeSignedIn(t, { branchIds: [branch] })
    const c = makeCustomer(t, rep.id)
    const ids = attachChildRows(t, c)
    // A third customer's relation that points at c stays with the third customer.
    const third = makeCustomer(t, rep.id, { lastName: 'Dritter' })
    const pointing = uuidv7()
    t.db.transaction((tx) => {
      const at = t.clock.now().toISOString()
      tx.insert(customerRelations)
        .values({ id: pointing, pairId: pointing, customerId: third, type: 'sibling', relatedCustomerId: c, ownerRepId: rep.id, createdBy: rep.id, createdAt: at, updatedAt: at, rev: nextRev(tx) })
        .run()
    })
    const oldPhone = new TestDevice(t, rep.cookie)
    const newPhone = new TestDevice(t, other.cookie)
    await oldPhone.pullAll()
    await newPhone.pullAll()
    expect(oldPhone.table('notes').has(ids.noteId)).toBe(true)

    const desk = new TestDevice(t, office.cookie)
    const res = await desk.push([desk.mutation('reassignCustomer', { id: c, ownerRepId: other.id })])
    expect(res.body.results).toEqual([{ seq: 1, status: 'applied' }])
    for (const [table, schema, id] of [
      ['notes', notes, ids.noteId],
      ['consents', consents, ids.consentId],
      ['relations', customerRelations, ids.relationId],
    ] as const) {
      expect(t.db.select({ owner: schema.ownerRepId }).from(schema).where(eq(schema.id, id)).get()?.owner, table).toBe(other.id)
    }
    expect(t.db.select().from(customerRelations).where(eq(customerRelations.id, pointing)).get()?.ownerRepId).toBe(rep.id)

    await oldPhone.pullAll()
    await newPhone.pullAll()
    expect(oldPhone.rows.has(c)).toBe(false)
    expect([oldPhone.table('notes').has(ids.noteId), oldPhone.table('consents').has(ids.consentId), oldPhone.table('relations').has(ids.relationId)]).toEqual([false, false, false])
    expect(oldPhone.table('relations').has(pointing)).toBe(true)
    expect(newPhone.rows.get(c)).toMatchObject({ ownerRepId: other.id })
    expect([newPhone.table('notes').has(ids.noteId), newPhone.table('consents').has(ids.consentId), newPhone.table('relations').has(ids.relationId)]).toEqual([true, true, true])
    expect(history(c).find((e) => e.field === 'ownerRepId')).toMatchObject({ oldValue: rep.id, newValue: other.id })
  })

  it('is refused to a rep', async () => {
    const c = makeCustomer(t, rep.id)
    const device = new TestDevice(t, rep.cookie)
    const res = await device.push([device.mutation('reassignCustomer', { id: c, ownerRepId: manager.id })])
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' })
    expect(row(c).ownerRepId).toBe(rep.id)
  })
})

describe('scope of customer reads and writes', () => {
  it('GET /api/customers/:id needs a session', async () => {
    expect((await t.req('GET', `/api/customers/${makeCustomer(t, rep.id)}`)).status).toBe(401)
  })

  it('a rep of another structure cannot read, search or edit the customer (404 / NOT_FOUND)', async () => {
    const c = makeCustomer(t, rep.id, { lastName: 'Geheimrat' })
    expect((await detail(c, outsider.cookie)).status).toBe(404)
    const found = await (await t.req('GET', '/api/customers?q=Geheimrat', { cookie: outsider.cookie })).json()
    expect(found.items).toEqual([])
    const listed = await (await t.req('GET', '/api/customers', { cookie: outsider.cookie })).json()
    expect(listed.items).toEqual([])
    const device = new TestDevice(t, outsider.cookie)
    const res = await device.push([device.mutation('updateCustomer', { id: c, changes: { lastName: { from: 'Geheimrat', to: 'Offen' } } }, 2)])
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' })
    expect(row(c).lastName).toBe('Geheimrat')
    // The owner and back office of the branch do see it.
    expect((await detail(c, rep.cookie)).status).toBe(200)
    expect((await detail(c, office.cookie)).status).toBe(200)
  })

  it('with downline read access the upline reads a downline customer but cannot change it', async () => {
    const c = makeCustomer(t, rep.id, { lastName: 'Unten' })
    expect((await detail(c, manager.cookie)).status).toBe(200)
    const found = await (await t.req('GET', '/api/customers?q=Unten', { cookie: manager.cookie })).json()
    expect(found.items.map((i: { id: string }) => i.id)).toEqual([c])
    const device = new TestDevice(t, manager.cookie)
    const res = await device.push([device.mutation('updateCustomer', { id: c, changes: { lastName: { from: 'Unten', to: 'Oben' } } }, 2)])
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' })
    expect(row(c).lastName).toBe('Unten')
  })

  it('without downline read access the upline does not see the downline customer', async () => {
    const c = makeCustomer(t, rep.id)
    updateSettings(t.db, SYSTEM, t.clock, { downlineReadAccess: false })
    expect((await detail(c, manager.cookie)).status).toBe(404)
  })

  it('a deleted (merged) customer is not found', async () => {
    const c = makeCustomer(t, rep.id)
    t.db.update(customers).set({ deletedAt: t.clock.now().toISOString() }).where(eq(customers.id, c)).run()
    expect((await detail(c, office.cookie)).status).toBe(404)
  })

  it('the detail lists at most 500 history entries, newest first', async () => {
    const c = makeCustomer(t, rep.id)
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()
    t.db.insert(customerFieldHistory)
      .values(Array.from({ length: 510 }, (_, i) => ({ id: uuidv7(), customerId: c, field: 'remarks', oldValue: null, newValue: `v${i}`, userId: rep.id, at: at(i) })))
      .run()
    const { body } = await detail(c, office.cookie)
    expect(body.history).toHaveLength(500)
    expect(body.history[0]!.newValue).toBe('v509')
    expect(t.db.select({ n: sql<number>`count(*)` }).from(customerFieldHistory).get()!.n).toBe(510)
  })
})
