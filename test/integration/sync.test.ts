import { beforeEach, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { consents, customerFieldHistory, customerRelations, customers, notes, quarantine, syncClients } from '../../server/src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { makeBranch, makeSignedIn, makeUser, signIn } from '../support/factories'
import { attachChildRows, CHILD_TABLES, customer, TestDevice } from '../support/sync'
import { customerMutations } from '../../server/src/modules/customers/customers.mutations'
import { PULL_PAGE_SIZE } from '../../server/src/modules/sync/sync.service'
import * as org from '../../server/src/modules/org/org.service'
import { sessionUser } from '../../server/src/modules/auth/auth.service'

const SYSTEM = { id: '00000000-0000-7000-8000-000000000000', role: 'admin' as const, branchIds: [] }

let t: TestApp
let branch: string
let manager: { id: string; email: string; cookie: string }
let rep: { id: string; email: string; cookie: string }
let office: { id: string; email: string; cookie: string }

beforeEach(async () => {
  t = createTestApp()
  branch = makeBranch(t)
  manager = await makeSignedIn(t, { branchIds: [branch] })
  rep = await makeSignedIn(t, { branchIds: [branch], uplineId: manager.id })
  office = await makeSignedIn(t, { role: 'backoffice', branchIds: [branch] })
})

const count = () => t.db.select({ n: sql<number>`count(*)` }).from(customers).get()!.n

describe('sync endpoints', () => {
  it('refuse anonymous callers with 401', async () => {
    for (const path of ['/api/sync/push', '/api/sync/pull']) {
      expect((await t.req('POST', path, { body: { clientId: '01a21af4-5ada-7d7b-aa2b-b287b8050fe2', schemaVersion: 1, mutations: [], cookie: null } })).status).toBe(401)
    }
    expect((await t.req('GET', '/api/sync/events')).status).toBe(401)
    expect((await t.req('GET', '/api/sync/quarantine')).status).toBe(401)
  })

  it('refuse a client id bound to another user with 403', async () => {
    const device = new TestDevice(t, rep.cookie)
    expect((await device.push([device.mutation('createCustomer', customer())])).status).toBe(200)
    const thief = new TestDevice(t, manager.cookie)
    const push = await t.req('POST', '/api/sync/push', { cookie: manager.cookie, body: { clientId: device.clientId, schemaVersion: 1, mutations: [] } })
    expect(push.status).toBe(403)
    const pull = await t.req('POST', '/api/sync/pull', { cookie: manager.cookie, body: { clientId: device.clientId, schemaVersion: 1, cookie: null } })
    expect(pull.status).toBe(403)
    expect(thief.rows.size).toBe(0)
  })
})

describe('push', () => {
  it('applies a resent mutation once and answers with the stored result (T1, T2, T3)', async () => {
    const device = new TestDevice(t, rep.cookie)
    const m = device.mutation('createCustomer', customer())
    const first = await device.push([m])
    const again = await device.push([m])
    const both = await Promise.all([device.push([m]), device.push([m])])
    expect(first.body).toEqual({ lastSeq: 1, results: [{ seq: 1, status: 'applied' }] })
    expect(again.body).toEqual(first.body)
    for (const r of both) expect(r.body).toEqual(first.body)
    expect(count()).toBe(1)
  })

  it('answers a sequence gap with 409 SEQ_GAP and applies nothing (T4)', async () => {
    const device = new TestDevice(t, rep.cookie)
    device.seq = 1 // seq 1 "lost"
    const res = await device.push([device.mutation('createCustomer', customer())])
    expect(res.status).toBe(409)
    expect(res.body).toMatchObject({ code: 'SEQ_GAP', lastSeq: 0 })
    expect(count()).toBe(0)
  })

  it('quarantines a poison mutation with its payload and applies the valid ones after it (T7)', async () => {
    const device = new TestDevice(t, rep.cookie)
    const poisonArgs = { id: customer().id, firstName: '', lastName: 'Ohne Vorname' }
    const res = await device.push([
      device.mutation('createCustomer', customer({ lastName: 'Vorher' })),
      device.mutation('createCustomer', poisonArgs),
      device.mutation('noSuchMutation', { x: 1 }),
      device.mutation('createCustomer', customer({ lastName: 'Nachher' })),
    ])
    expect(res.body.lastSeq).toBe(4)
    expect(res.body.results.map((r) => r.status)).toEqual(['applied', 'rejected', 'rejected', 'applied'])
    expect(res.body.results[1]).toMatchObject({ code: 'VALIDATION' })
    expect(res.body.results[2]).toMatchObject({ code: 'UNKNOWN_MUTATION' })
    const q = t.db.select().from(quarantine).all()
    expect(q.map((r) => r.args)).toEqual([poisonArgs, { x: 1 }])
    const listed = await (await t.req('GET', '/api/sync/quarantine', { cookie: rep.cookie })).json()
    expect(listed.items).toHaveLength(2)
    expect(count()).toBe(2)
  })

  it('rolls back a mutation that throws after writing half its rows and keeps last_seq (T19)', async () => {
    const device = new TestDevice(t, rep.cookie)
    const handler = customerMutations.find((m) => m.name === 'createCustomer' && m.v === 2)!
    const original = handler.apply
    handler.apply = (tx, ctx, args) => {
      original(tx, ctx, args)
      throw new Error('disk on fire')
    }
    try {
      const res = await device.push([device.mutation('createCustomer', customer({ phones: [{ type: 'mobile', number: '0171 1234567' }] }), 2)])
      expect(res.status).toBe(500)
    } finally {
      handler.apply = original
    }
    expect(count()).toBe(0)
    expect(t.db.$client.prepare('SELECT count(*) AS n FROM customer_contact_keys').get()).toEqual({ n: 0 })
    expect(t.db.select().from(syncClients).get()?.lastSeq).toBe(0)
    device.seq = 0
    expect((await device.push([device.mutation('createCustomer', customer(), 2)])).body.lastSeq).toBe(1)
  })

  it('creates a customer from version 2 with its lists and a customer number the server assigns', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customer({
      kind: 'person',
      status: 'customer',
      salutation: 'ms',
      addresses: [{ type: 'home', street: 'Domstr. 1', zip: '50667', city: 'Köln' }],
      phones: [{ type: 'mobile', number: '0171 1234567' }],
      emails: [{ type: 'private', address: 'Erika@Example.de' }],
      bankAccounts: [{ iban: 'DE89 3704 0044 0532 0130 00' }],
      tags: ['VIP', 'VIP', 'Kfz'],
    })
    const second = customer({ lastName: 'Zweite' })
    const res = await device.push([device.mutation('createCustomer', c, 2), device.mutation('createCustomer', second, 2)])
    expect(res.body.results.map((r) => r.status)).toEqual(['applied', 'applied'])
    await device.pullAll()
    expect(device.rows.get(c.id)).toEqual({
      id: c.id,
      customerNo: 'K-000001',
      kind: 'person',
      status: 'customer',
      salutation: 'ms',
      title: null,
      firstName: 'Erika',
      lastName: 'Mustermann',
      birthName: null,
      birthDate: null,
      nationality: null,
      maritalStatus: null,
      occupation: null,
      employer: null,
      addresses: [{ type: 'home', street: 'Domstr. 1', zip: '50667', city: 'Köln', country: 'DE' }],
      phones: [{ type: 'mobile', number: '0171 1234567' }],
      emails: [{ type: 'private', address: 'erika@example.de' }],
      bankAccounts: [{ iban: 'DE89370400440532013000', bic: null, holder: null, label: null }],
      tags: ['VIP', 'Kfz'],
      remarks: null,
      ownerRepId: rep.id,
      branchId: branch,
      restrictedAt: null,
      pseudonymisedAt: null,
      createdAt: '2026-03-12T09:00:00.000Z',
      updatedAt: '2026-03-12T09:00:00.000Z',
    })
    expect(device.rows.get(second.id)?.customerNo).toBe('K-000002')
  })

  it('maps a version-1 create (plain phone, e-mail, address) onto the first entry of each list (T14)', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customer({ phone: '0171 1234567', email: 'Erika@Example.de', street: 'Domstr. 1', zip: '50667', city: 'Köln', birthDate: '1980-05-04' })
    const bare = customer({ lastName: 'Ohne Kontakt', phone: '', city: null })
    expect((await device.push([device.mutation('createCustomer', c, 1), device.mutation('createCustomer', bare, 1)])).body.results.map((r) => r.status)).toEqual(['applied', 'applied'])
    await device.pullAll()
    expect(device.rows.get(c.id)).toMatchObject({
      kind: 'person',
      status: 'prospect',
      birthDate: '1980-05-04',
      phones: [{ type: 'mobile', number: '0171 1234567' }],
      emails: [{ type: 'private', address: 'erika@example.de' }],
      addresses: [{ type: 'home', street: 'Domstr. 1', zip: '50667', city: 'Köln', country: 'DE' }],
      bankAccounts: [],
      tags: [],
      customerNo: 'K-000001',
    })
    expect(device.rows.get(bare.id)).toMatchObject({ phones: [], emails: [], addresses: [] })
  })

  it('rejects a version-2 create with an invalid IBAN or postcode into quarantine, with the field named', async () => {
    const device = new TestDevice(t, rep.cookie)
    const res = await device.push([
      device.mutation('createCustomer', customer({ bankAccounts: [{ iban: 'DE00 1234' }] }), 2),
      device.mutation('createCustomer', customer({ addresses: [{ type: 'home', zip: '123', city: 'Köln' }] }), 2),
    ])
    expect(res.body.results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 'VALIDATION'],
      ['rejected', 'VALIDATION'],
    ])
    expect(res.body.results[0]!.message).toContain('iban')
    expect(res.body.results[1]!.message).toContain('zip')
    expect(count()).toBe(0)
  })

  it('refuses a rep creating customers for another rep', async () => {
    const device = new TestDevice(t, rep.cookie)
    const res = await device.push([device.mutation('createCustomer', customer({ ownerRepId: manager.id }))])
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' })
    expect(count()).toBe(0)
  })

  it('merges concurrent field edits; the same field goes by arrival and the loser stays in history (T10)', async () => {
    const phone = new TestDevice(t, rep.cookie)
    const c = customer({ phones: [{ type: 'mobile', number: '0171 111' }], addresses: [{ type: 'home', zip: '50667', city: 'Köln' }], tags: ['A'] })
    await phone.push([phone.mutation('createCustomer', c, 2)])
    const tablet = new TestDevice(t, await signIn(t, rep.email))
    const cologne = [{ type: 'home', street: '', zip: '50667', city: 'Köln', country: 'DE' }]
    await phone.push([phone.mutation('updateCustomer', { id: c.id, changes: { phones: { from: [{ type: 'mobile', number: '0171 111' }], to: [{ type: 'mobile', number: '0171 222' }] } } }, 2)])
    const res = await tablet.push([
      tablet.mutation(
        'updateCustomer',
        {
          id: c.id,
          changes: {
            phones: { from: [{ type: 'mobile', number: '0171 111' }], to: [{ type: 'work', number: '0221 333' }] },
            addresses: { from: cologne, to: [{ ...cologne[0], zip: '53111', city: 'Bonn' }] },
          },
        },
        2,
      ),
    ])
    expect(res.body.results[0]!.status).toBe('applied')
    const row = t.db.select().from(customers).where(eq(customers.id, c.id)).get()!
    expect(row).toMatchObject({ phones: [{ type: 'work', number: '0221 333' }], addresses: [{ city: 'Bonn', zip: '53111' }], tags: ['A'] })
    const lost = t.db.select().from(customerFieldHistory).where(eq(customerFieldHistory.overwritten, true)).all()
    expect(lost).toHaveLength(1)
    expect(lost[0]).toMatchObject({
      field: 'phones',
      oldValue: [{ type: 'mobile', number: '0171 222' }],
      newValue: [{ type: 'work', number: '0221 333' }],
      baseValue: [{ type: 'mobile', number: '0171 111' }],
    })
    const history = t.db.select().from(customerFieldHistory).where(eq(customerFieldHistory.customerId, c.id)).all()
    expect(history.map((h) => [h.field, h.overwritten]).sort()).toEqual([
      ['addresses', false],
      ['phones', false],
      ['phones', true],
    ])
  })

  it('accepts version-1 edits from old outboxes on the first list entry; a conflict there keeps the loser too (T10, T14)', async () => {
    const phone = new TestDevice(t, rep.cookie)
    const c = customer({ phone: '0171 111', city: 'Köln', email: 'Erika@Example.de' })
    await phone.push([phone.mutation('createCustomer', c, 1)])
    const tablet = new TestDevice(t, await signIn(t, rep.email))
    // Meanwhile an updated device added a second phone number (v2): v1 edits must keep it.
    await tablet.push([
      tablet.mutation('updateCustomer', { id: c.id, changes: { phones: { from: [{ type: 'mobile', number: '0171 111' }], to: [{ type: 'mobile', number: '0171 111' }, { type: 'home', number: '0221 999' }] } } }, 2),
    ])
    await phone.push([phone.mutation('updateCustomer', { id: c.id, changes: { phone: { from: '0171 111', to: '0171 222' } } }, 1)])
    await tablet.push([tablet.mutation('updateCustomer', { id: c.id, changes: { phone: { from: '0171 111', to: '0171 333' }, city: { from: 'Köln', to: 'Bonn' } } }, 1)])
    const row = t.db.select().from(customers).where(eq(customers.id, c.id)).get()!
    expect(row).toMatchObject({
      phones: [
        { type: 'mobile', number: '0171 333' },
        { type: 'home', number: '0221 999' },
      ],
      emails: [{ type: 'private', address: 'erika@example.de' }],
      addresses: [{ type: 'home', street: '', zip: '', city: 'Bonn', country: 'DE' }],
    })
    const lost = t.db.select().from(customerFieldHistory).where(eq(customerFieldHistory.overwritten, true)).all()
    expect(lost).toHaveLength(1)
    expect(lost[0]).toMatchObject({
      field: 'phones',
      oldValue: [{ type: 'mobile', number: '0171 222' }, { type: 'home', number: '0221 999' }],
      newValue: [{ type: 'mobile', number: '0171 333' }, { type: 'home', number: '0221 999' }],
    })
  })

  it('takes a deactivated user’s outbox into quarantine instead of losing it', async () => {
    const device = new TestDevice(t, rep.cookie)
    org.deactivateUser({ db: t.db, clock: t.clock, passwordLogN: 10 }, SYSTEM, rep.id, undefined)
    const res = await device.push([device.mutation('createCustomer', customer({ lastName: 'Offline erfasst' }))])
    expect(res.status).toBe(200)
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', code: 'USER_INACTIVE' })
    expect(t.db.select().from(quarantine).get()?.args).toMatchObject({ lastName: 'Offline erfasst' })
    const pull = await t.req('POST', '/api/sync/pull', { cookie: rep.cookie, body: { clientId: device.clientId, schemaVersion: 1, cookie: null } })
    expect(pull.status).toBe(403)
    expect((await pull.json()).code).toBe('USER_INACTIVE')
    expect((await t.req('GET', '/api/customers', { cookie: rep.cookie })).status).toBe(401)
  })
})

describe('pull', () => {
  it('sends a rep their own and downline customers, never others', async () => {
    const outsider = await makeSignedIn(t, { branchIds: [branch] })
    for (const [who, name] of [[rep, 'Rep'], [manager, 'Manager'], [outsider, 'Fremd']] as const) {
      const d = new TestDevice(t, who.cookie)
      await d.push([d.mutation('createCustomer', customer({ lastName: name }))])
    }
    const repDevice = new TestDevice(t, rep.cookie)
    await repDevice.pullAll()
    expect([...repDevice.rows.values()].map((r) => r.lastName)).toEqual(['Rep'])
    const managerDevice = new TestDevice(t, manager.cookie)
    await managerDevice.pullAll()
    expect([...managerDevice.rows.values()].map((r) => r.lastName).sort()).toEqual(['Manager', 'Rep'])
  })

  it('pages a large initial sync and only reports completion at the end (T17)', async () => {
    const device = new TestDevice(t, rep.cookie)
    const n = PULL_PAGE_SIZE + 20
    for (let i = 0; i < n; i += 200) {
      await device.push(Array.from({ length: Math.min(200, n - i) }, (_, k) => device.mutation('createCustomer', customer({ lastName: `K${i + k}` }))))
    }
    const reader = new TestDevice(t, rep.cookie)
    const first = await reader.pullOnce()
    expect(first.more).toBe(true)
    expect(reader.rows.size).toBe(PULL_PAGE_SIZE)
    // The device "crashes" here and resumes later with the stored cookie.
    await reader.pullAll()
    expect(reader.rows.size).toBe(n)
    // 1,020 creates through the whole mutation path (numbers, contact keys, search): slow on a busy CI machine.
  }, 60_000)

  it('sends nothing when nothing changed, then only the change', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customer()
    await device.push([device.mutation('createCustomer', c)])
    await device.pullAll()
    expect((await device.pullOnce()).patch).toEqual([])
    await device.push([device.mutation('updateCustomer', { id: c.id, changes: { addresses: { from: [], to: [{ type: 'home', city: 'Leipzig' }] } } }, 2)])
    const patch = await device.pullAll()
    expect(patch).toEqual([
      { op: 'put', table: 'customers', id: c.id, row: expect.objectContaining({ addresses: [{ type: 'home', street: '', zip: '', city: 'Leipzig', country: 'DE' }] }) },
    ])
  })

  it('deletes a reassigned customer from the old rep’s device (T11)', async () => {
    const other = await makeUser(t, { branchIds: [branch] })
    const device = new TestDevice(t, rep.cookie)
    const c = customer()
    await device.push([device.mutation('createCustomer', c)])
    await device.pullAll()
    expect(device.rows.has(c.id)).toBe(true)
    const officeDevice = new TestDevice(t, office.cookie)
    const res = await officeDevice.push([officeDevice.mutation('reassignCustomer', { id: c.id, ownerRepId: other.id })])
    expect(res.body.results[0]!.status).toBe('applied')
    await device.pullAll()
    expect(device.rows.has(c.id)).toBe(false)
    // A note-like edit queued offline for the lost customer is quarantined, not applied.
    const late = await device.push([device.mutation('updateCustomer', { id: c.id, changes: { city: { from: null, to: 'Nirgendwo' } } }, 1)])
    expect(late.body.results[0]).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' })
  })

  it('moves a reassigned customer’s notes, consents and relations to the new rep’s device and deletes them from the old one (T11)', async () => {
    const other = await makeSignedIn(t, { branchIds: [branch] })
    const device = new TestDevice(t, rep.cookie)
    const c = customer()
    const stays = customer({ lastName: 'Bleibt' })
    await device.push([device.mutation('createCustomer', c, 2), device.mutation('createCustomer', stays, 2)])
    const moved = attachChildRows(t, c.id)
    const kept = attachChildRows(t, stays.id)
    await device.pullAll()
    expect([...device.table('notes').keys()].sort()).toEqual([moved.noteId, kept.noteId].sort())
    expect([...device.table('consents').keys()].sort()).toEqual([moved.consentId, kept.consentId].sort())
    expect([...device.table('relations').keys()].sort()).toEqual([moved.relationId, kept.relationId].sort())
    const otherDevice = new TestDevice(t, other.cookie)
    await otherDevice.pullAll()
    expect(otherDevice.rows.size).toBe(0)

    const officeDevice = new TestDevice(t, office.cookie)
    expect((await officeDevice.push([officeDevice.mutation('reassignCustomer', { id: c.id, ownerRepId: other.id })])).body.results[0]!.status).toBe('applied')
    // Server side every attached row follows the customer, so pull by extent can send it.
    for (const [table, id] of [[notes, moved.noteId], [consents, moved.consentId], [customerRelations, moved.relationId]] as const) {
      expect(t.db.select({ owner: table.ownerRepId }).from(table).where(eq(table.id, id)).get()?.owner).toBe(other.id)
    }
    await device.pullAll()
    await otherDevice.pullAll()
    expect([...device.rows.keys()]).toEqual([stays.id])
    expect([...device.table('notes').keys()]).toEqual([kept.noteId])
    expect([...device.table('consents').keys()]).toEqual([kept.consentId])
    expect([...device.table('relations').keys()]).toEqual([kept.relationId])
    expect([...otherDevice.rows.keys()]).toEqual([c.id])
    expect([...otherDevice.table('notes').keys()]).toEqual([moved.noteId])
    expect(otherDevice.table('notes').get(moved.noteId)).toMatchObject({ customerId: c.id, ownerRepId: other.id, text: 'Rückruf wegen Hausrat' })
    expect([...otherDevice.table('consents').keys()]).toEqual([moved.consentId])
    expect([...otherDevice.table('relations').keys()]).toEqual([moved.relationId])
  })

  it('sends the rows of every synced table and the relation types on the first pull', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customer()
    await device.push([device.mutation('createCustomer', c, 2)])
    const ids = attachChildRows(t, c.id)
    const patch = await device.pullAll()
    expect(patch[0]).toEqual({ op: 'clear' })
    expect(device.table('relationTypes').get('child')).toEqual({ code: 'child', name: 'Kind', reverseCode: 'parent', household: true, sort: 40 })
    // Customers come before the rows attached to them (a device stopped mid-fill never holds an orphan).
    const order = patch.filter((op) => op.op === 'put' && op.table !== 'relationTypes').map((op) => (op as { table: string }).table)
    expect(order).toEqual(['customers', 'relations', 'consents', 'notes'])
    expect(device.table('notes').get(ids.noteId)).toMatchObject({ customerId: c.id, kind: 'phone', authorId: rep.id, authorName: expect.any(String) })
    expect(device.table('consents').get(ids.consentId)).toMatchObject({ customerId: c.id, type: 'privacy', givenOn: '2026-03-01', withdrawnOn: null })
    expect(device.table('relations').get(ids.relationId)).toMatchObject({ customerId: c.id, type: 'child', relatedCustomerId: null, person: { firstName: 'Mia' } })
    for (const table of CHILD_TABLES) for (const row of device.table(table).values()) expect(row).not.toHaveProperty('rev')
  })

  it('drops the downline’s customers when the rep moves to another manager (T11)', async () => {
    const device = new TestDevice(t, rep.cookie)
    await device.push([device.mutation('createCustomer', customer())])
    const managerDevice = new TestDevice(t, manager.cookie)
    await managerDevice.pullAll()
    expect(managerDevice.rows.size).toBe(1)
    const newBoss = await makeUser(t, { branchIds: [branch] })
    org.moveRep({ db: t.db, clock: t.clock, passwordLogN: 10 }, SYSTEM, rep.id, { uplineId: newBoss.id, validFrom: '2026-03-12' })
    await managerDevice.pullAll()
    expect(managerDevice.rows.size).toBe(0)
    const bossDevice = new TestDevice(t, await signIn(t, newBoss.email))
    await bossDevice.pullAll()
    expect(bossDevice.rows.size).toBe(1)
    // Moving back fills the manager's device again.
    org.moveRep({ db: t.db, clock: t.clock, passwordLogN: 10 }, SYSTEM, rep.id, { uplineId: manager.id, validFrom: '2026-03-12' })
    await managerDevice.pullAll()
    expect(managerDevice.rows.size).toBe(1)
  })

  it('answers an unknown or stale cookie with a full resync that starts with clear (T13)', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customer()
    await device.push([device.mutation('createCustomer', c)])
    await device.pullAll()
    device.rows.set('ghost', { id: 'ghost' })
    device.cookie = 'v1.9999'
    const patch = await device.pullAll()
    expect(patch[0]).toEqual({ op: 'clear' })
    expect([...device.rows.keys()]).toEqual([c.id])
  })

  it('tells the device its last acknowledged seq, so an ack lost before cleanup is not resent blindly (T6)', async () => {
    const device = new TestDevice(t, rep.cookie)
    await device.push([device.mutation('createCustomer', customer())])
    expect((await device.pullOnce()).lastSeq).toBe(1)
  })
})

describe('customer reads', () => {
  it('list and detail follow the scope; outside it a customer is 404', async () => {
    const outsider = await makeSignedIn(t, { branchIds: [makeBranch(t)] })
    const device = new TestDevice(t, rep.cookie)
    const c = customer({ lastName: 'Sichtbar' })
    await device.push([device.mutation('createCustomer', c)])
    expect((await (await t.req('GET', '/api/customers', { cookie: office.cookie })).json()).total).toBe(1)
    expect((await (await t.req('GET', '/api/customers?q=sicht', { cookie: manager.cookie })).json()).items[0].lastName).toBe('Sichtbar')
    expect((await (await t.req('GET', '/api/customers', { cookie: outsider.cookie })).json()).total).toBe(0)
    expect((await t.req('GET', `/api/customers/${c.id}`, { cookie: outsider.cookie })).status).toBe(404)
    expect((await t.req('GET', `/api/customers/${c.id}`, { cookie: manager.cookie })).status).toBe(200)
    expect((await t.req('GET', '/api/customers')).status).toBe(401)
  })
})

describe('access to customer and sync routes', () => {
  const COVERED = ['POST /api/sync/push', 'POST /api/sync/pull', 'GET /api/sync/events', 'GET /api/sync/quarantine']

  it('covers every sync route in these tests (the customer file routes have their own scope tests)', () => {
    const routes = new Set(t.app.routes.filter((r) => /^\/api\/sync(\/|$)/.test(r.path) && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))
    expect([...routes].sort()).toEqual([...COVERED].sort())
    const customerRoutes = t.app.routes.map((r) => `${r.method} ${r.path}`)
    expect(customerRoutes).toEqual(expect.arrayContaining(['GET /api/customers', 'GET /api/customers/:id']))
  })

  it('shows each user only their own quarantined mutations', async () => {
    const device = new TestDevice(t, rep.cookie)
    await device.push([device.mutation('createCustomer', { id: customer().id, firstName: '', lastName: 'X' })])
    expect((await (await t.req('GET', '/api/sync/quarantine', { cookie: rep.cookie })).json()).items).toHaveLength(1)
    expect((await (await t.req('GET', '/api/sync/quarantine', { cookie: manager.cookie })).json()).items).toHaveLength(0)
    expect((await (await t.req('GET', '/api/sync/quarantine', { cookie: office.cookie })).json()).items).toHaveLength(0)
  })

  it('pokes only the listeners who may see the changed customer', async () => {
    const outsider = await makeSignedIn(t, { branchIds: [makeBranch(t)] })
    const poked: string[] = []
    for (const u of [rep, manager, office, outsider]) {
      const user = sessionUser(t.deps, u.cookie.split('=')[1])!
      t.deps.pokes.add({ user, poke: () => poked.push(u.id), close: () => {} })
    }
    const device = new TestDevice(t, rep.cookie)
    await device.push([device.mutation('createCustomer', customer())])
    expect(poked.sort()).toEqual([rep.id, manager.id, office.id].sort())
  })
})
