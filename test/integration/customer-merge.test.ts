import { beforeEach, describe, expect, it } from 'vitest'
import { and, eq, isNull, or } from 'drizzle-orm'
import { uuidv7 } from '../../shared/ids'
import { auditLog, consents, customerContactKeys, customerFieldHistory, customerRelations, customers, notes, quarantine } from '../../server/src/db/schema'
import { nextRev } from '../../server/src/modules/sync/sync.service'
import { createTestApp, type TestApp } from '../support/app'
import { makeBranch, makeCustomer, makeSignedIn } from '../support/factories'
import { attachChildRows, TestDevice } from '../support/sync'

type User = { id: string; email: string; cookie: string }
let t: TestApp
let rep: User
let rep2: User
let office: User
let device: TestDevice
let device2: TestDevice
let desk: TestDevice

const IBAN = 'DE89370400440532013000'

beforeEach(async () => {
  t = createTestApp()
  const branch = makeBranch(t)
  rep = await makeSignedIn(t, { branchIds: [branch] })
  rep2 = await makeSignedIn(t, { branchIds: [branch] })
  office = await makeSignedIn(t, { role: 'backoffice', branchIds: [branch] })
  device = new TestDevice(t, rep.cookie)
  device2 = new TestDevice(t, rep2.cookie)
  desk = new TestDevice(t, office.cookie)
})

/** A customer-to-customer relationship as the household mutations write it: a forward row on `a` and a reverse row on `b`. */
function relate(a: string, type: string, b: string, reverseType: string): { forward: string; reverse: string } {
  const forward = uuidv7()
  const reverse = uuidv7()
  t.db.transaction((tx) => {
    const rev = nextRev(tx)
    const at = t.clock.now().toISOString()
    const owner = (id: string) => tx.select({ o: customers.ownerRepId }).from(customers).where(eq(customers.id, id)).get()!.o
    const common = { pairId: forward, createdAt: at, updatedAt: at, rev, createdBy: rep.id }
    tx.insert(customerRelations).values({ ...common, id: forward, customerId: a, type, relatedCustomerId: b, ownerRepId: owner(a) }).run()
    tx.insert(customerRelations).values({ ...common, id: reverse, customerId: b, type: reverseType, relatedCustomerId: a, ownerRepId: owner(b) }).run()
  })
  return { forward, reverse }
}

const merge = async (survivorId: string, mergedId: string, by = desk) => (await by.push([by.mutation('mergeCustomers', { survivorId, mergedId })])).body.results[0]!
const liveRelations = () => t.db.select().from(customerRelations).where(isNull(customerRelations.deletedAt)).all()
const row = (id: string) => t.db.select().from(customers).where(eq(customers.id, id)).get()!

describe('mergeCustomers', () => {
  it('keeps every note, consent and relationship exactly once on the survivor and removes the merged customer from devices', async () => {
    const survivor = makeCustomer(t, rep.id, { firstName: 'Anna', lastName: 'Meier', phones: [{ type: 'mobile', number: '0171 1111111' }], tags: ['VIP'] })
    const merged = makeCustomer(t, rep2.id, {
      firstName: 'Anna',
      lastName: 'Meyer',
      birthName: 'Schulz',
      birthDate: '1980-05-01',
      phones: [
        { type: 'mobile', number: '+49 171 1111111' },
        { type: 'home', number: '0221 123456' },
      ],
      emails: [{ type: 'private', address: 'anna@example.de' }],
      bankAccounts: [{ iban: IBAN, bic: null, holder: null, label: null }],
      tags: ['vip', 'Golf'],
    })
    const third = makeCustomer(t, rep.id, { firstName: 'Tom', lastName: 'Dritt' })
    const onSurvivor = attachChildRows(t, survivor)
    const onMerged = attachChildRows(t, merged) // its child "Mia Muster" repeats the survivor's
    const spouse = relate(merged, 'spouse', third, 'spouse') // the third customer points at the merged one
    const siblings = relate(survivor, 'sibling', merged, 'sibling') // would relate the survivor to itself
    await device.pullAll()
    await device2.pullAll()
    expect(device2.rows.has(merged)).toBe(true)

    expect(await merge(survivor, merged)).toEqual({ seq: 1, status: 'applied' })

    // Notes and consents: both sets, once each, on the survivor and its rep.
    const notesNow = t.db.select().from(notes).where(isNull(notes.deletedAt)).all()
    expect(notesNow.map((n) => n.id).sort()).toEqual([onSurvivor.noteId, onMerged.noteId].sort())
    expect(notesNow.every((n) => n.customerId === survivor && n.ownerRepId === rep.id)).toBe(true)
    const consentsNow = t.db.select().from(consents).where(isNull(consents.deletedAt)).all()
    expect(consentsNow.map((c) => c.id).sort()).toEqual([onSurvivor.consentId, onMerged.consentId].sort())
    expect(consentsNow.every((c) => c.customerId === survivor && c.ownerRepId === rep.id)).toBe(true)

    // Relationships: the child once, the spouse moved with its reverse row repointed, no self-relation, nothing on the merged customer.
    const live = liveRelations()
    expect(live.map((r) => [r.id, r.customerId, r.type, r.relatedCustomerId]).sort()).toEqual(
      [
        [onSurvivor.relationId, survivor, 'child', null],
        [spouse.forward, survivor, 'spouse', third],
        [spouse.reverse, third, 'spouse', survivor],
      ].sort(),
    )
    expect(live.find((r) => r.id === spouse.forward)?.ownerRepId).toBe(rep.id)
    const gone = t.db.select().from(customerRelations).where(or(eq(customerRelations.id, siblings.forward), eq(customerRelations.id, siblings.reverse), eq(customerRelations.id, onMerged.relationId))).all()
    expect(gone.every((r) => r.deletedAt !== null && r.customerId === survivor)).toBe(true)

    // Master data: the survivor's values stay, gaps and lists are filled from the merged customer.
    expect(row(survivor)).toMatchObject({
      firstName: 'Anna',
      lastName: 'Meier',
      birthName: 'Schulz',
      birthDate: '1980-05-01',
      phones: [
        { type: 'mobile', number: '0171 1111111' },
        { type: 'home', number: '0221 123456' },
      ],
      emails: [{ type: 'private', address: 'anna@example.de' }],
      bankAccounts: [{ iban: IBAN, bic: null, holder: null, label: null }],
      tags: ['VIP', 'Golf'],
    })
    expect(row(merged)).toMatchObject({ mergedIntoId: survivor, deletedAt: expect.any(String) })
    expect(t.db.select().from(customerContactKeys).where(eq(customerContactKeys.customerId, merged)).all()).toEqual([])
    expect(t.db.select({ kind: customerContactKeys.kind }).from(customerContactKeys).where(eq(customerContactKeys.customerId, survivor)).all().map((k) => k.kind).sort()).toEqual([
      'email',
      'iban',
      'phone',
      'phone',
    ])

    // Trail: history on the survivor and an audit record of what moved.
    const trail = t.db.select().from(customerFieldHistory).where(and(eq(customerFieldHistory.customerId, survivor), eq(customerFieldHistory.field, 'mergedFrom'))).all()
    expect(trail).toEqual([expect.objectContaining({ entity: 'customer', entityId: survivor, newValue: expect.objectContaining({ id: merged }), userId: office.id })])
    const audit = t.db.select().from(auditLog).where(eq(auditLog.action, 'customer.merge')).all()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorId: office.id, entityId: survivor, after: { survivorId: survivor, mergedId: merged, moved: { notes: 1, consents: 1, relationsRemoved: 3 } } })

    // Devices converge: the merged customer's rep loses it and its rows; the survivor's rep gets them.
    await device.pullAll()
    await device2.pullAll()
    expect(device2.rows.has(merged)).toBe(false)
    expect(device2.table('notes').size + device2.table('consents').size + device2.table('relations').size).toBe(0)
    expect(device.rows.has(merged)).toBe(false)
    expect(device.rows.get(survivor)).toMatchObject({ birthName: 'Schulz' })
    expect([...device.table('notes').keys()].sort()).toEqual([onSurvivor.noteId, onMerged.noteId].sort())
    expect([...device.table('relations').keys()].sort()).toEqual([onSurvivor.relationId, spouse.forward, spouse.reverse].sort())

    // Search and reads know only the survivor.
    const found = await (await t.req('GET', '/api/customers?q=Meyer', { cookie: office.cookie })).json()
    expect(found.items.map((i: { id: string }) => i.id)).toEqual([survivor])
    expect((await t.req('GET', `/api/customers/${merged}`, { cookie: office.cookie })).status).toBe(404)
  })

  it('removes a relationship that both customers had to the same third customer once, with both of its rows', async () => {
    const survivor = makeCustomer(t, rep.id)
    const merged = makeCustomer(t, rep.id)
    const third = makeCustomer(t, rep.id)
    const kept = relate(survivor, 'parent', third, 'child')
    const twin = relate(merged, 'parent', third, 'child')
    expect(await merge(survivor, merged)).toMatchObject({ status: 'applied' })
    expect(liveRelations().map((r) => r.id).sort()).toEqual([kept.forward, kept.reverse].sort())
    const removed = t.db.select().from(customerRelations).where(or(eq(customerRelations.id, twin.forward), eq(customerRelations.id, twin.reverse))).all()
    expect(removed.map((r) => [r.customerId, r.relatedCustomerId, r.deletedAt !== null])).toEqual(
      expect.arrayContaining([
        [survivor, third, true],
        [third, survivor, true],
      ]),
    )
  })

  it('sends a later write addressed to the merged customer to the survivor', async () => {
    const survivor = makeCustomer(t, rep.id, { lastName: 'Bleibt' })
    const merged = makeCustomer(t, rep.id, { lastName: 'Geht' })
    await merge(survivor, merged)
    // Written offline before the device learnt of the merge.
    const res = await device.push([device.mutation('updateCustomer', { id: merged, changes: { remarks: { from: null, to: 'Rückruf erbeten' } } }, 2)])
    expect(res.body.results[0]).toMatchObject({ status: 'applied' })
    expect(row(survivor).remarks).toBe('Rückruf erbeten')
    expect(row(merged).remarks).toBeNull()
  })

  it('puts a note pushed later to the merged customer on the survivor', async () => {
    const survivor = makeCustomer(t, rep.id)
    const merged = makeCustomer(t, rep.id)
    await merge(survivor, merged)
    const id = uuidv7()
    const res = await device.push([device.mutation('createNote', { id, customerId: merged, kind: 'memo', occurredAt: t.clock.now().toISOString(), text: 'Offline notiert' })])
    expect(res.body.results[0]).toMatchObject({ status: 'applied' })
    expect(t.db.select().from(notes).where(eq(notes.id, id)).get()).toMatchObject({ customerId: survivor, ownerRepId: rep.id })
  })

  it('is rejected for a rep (FORBIDDEN, quarantined) and changes nothing', async () => {
    const survivor = makeCustomer(t, rep.id)
    const merged = makeCustomer(t, rep.id)
    expect(await merge(survivor, merged, device)).toMatchObject({ status: 'rejected', code: 'FORBIDDEN' })
    expect(t.db.select().from(quarantine).all()).toEqual([expect.objectContaining({ name: 'mergeCustomers', code: 'FORBIDDEN' })])
    expect(row(merged).deletedAt).toBeNull()
  })

  it('treats customers outside the back office’s branches as not existing (NOT_FOUND)', async () => {
    const foreignRep = await makeSignedIn(t, { branchIds: [makeBranch(t)] })
    const survivor = makeCustomer(t, rep.id)
    const foreign = makeCustomer(t, foreignRep.id)
    expect(await merge(survivor, foreign)).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' })
    expect(await merge(foreign, survivor)).toMatchObject({ status: 'rejected', code: 'NOT_FOUND' })
    expect(row(foreign).deletedAt).toBeNull()
    expect(row(survivor).deletedAt).toBeNull()
  })

  it('refuses to merge a customer twice or into itself', async () => {
    const survivor = makeCustomer(t, rep.id)
    const merged = makeCustomer(t, rep.id)
    expect(await merge(survivor, merged)).toMatchObject({ status: 'applied' })
    expect(await merge(survivor, merged)).toMatchObject({ status: 'rejected', code: 'MERGE_NOT_ALLOWED' })
    expect(await merge(merged, survivor)).toMatchObject({ status: 'rejected', code: 'MERGE_NOT_ALLOWED' })
    expect(await merge(survivor, survivor)).toMatchObject({ status: 'rejected', code: 'VALIDATION' })
  })
})
