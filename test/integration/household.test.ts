import { beforeEach, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { uuidv7 } from '../../shared/ids'
import type { CustomerFile, PatchOp, RelationRow, RelationTypeRow } from '../../shared/schemas'
import { customerFieldHistory, customerRelations, customers } from '../../server/src/db/schema'
import type { TestDevice } from '../support/sync'
import { makeSignedIn } from '../support/factories'
import { deviceOf, getJson, makeWorld, newCustomer, ok, rejected, type Person, type World } from '../support/customer-file'

let w: World
beforeEach(async () => {
  w = await makeWorld()
})

const child = { firstName: 'Mia', lastName: 'Mustermann', birthDate: '2015-04-01' }
const relationRows = (customerId: string) => w.t.db.select().from(customerRelations).where(eq(customerRelations.customerId, customerId)).all()
const deviceRelations = (device: TestDevice) => [...device.table('relations').values()] as unknown as RelationRow[]
const relationRow = (id: string) => w.t.db.select().from(customerRelations).where(eq(customerRelations.id, id)).get()
const relationHistory = (customerId: string) =>
  w.t.db
    .select()
    .from(customerFieldHistory)
    .where(and(eq(customerFieldHistory.customerId, customerId), eq(customerFieldHistory.entity, 'relation')))
    .all()
const relationOps = (patch: PatchOp[]) => patch.filter((p) => p.op !== 'clear' && p.table === 'relations')
/** What a device holds of customers and relations, to compare before and after a pull. */
const holdings = (device: TestDevice) => ({ customers: new Map(device.rows), relations: new Map(device.table('relations')) })

/**
 * Pulls and checks the device got nothing new: no row put, its holdings unchanged. (A changed row
 * outside the user's scope arrives as a delete, a no-op for a device that never held it.)
 */
async function expectNothingNew(device: TestDevice): Promise<void> {
  const before = holdings(device)
  const patch = await device.pullAll()
  expect(patch.filter((p) => p.op !== 'del')).toEqual([])
  expect(holdings(device)).toEqual(before)
}

/** A rep of the branch outside the manager's structure (no upline, no downline). */
const peerRep = () => makeSignedIn(w.t, { branchIds: [w.branch], name: 'Paul Partnerfiliale' })

/**
 * A pair between the manager's customer `a` and the downline rep's customer `b`, linked by back
 * office (who may write both), so both rows exist; the rep's device is synced afterwards.
 */
async function officePair(): Promise<{ a: string; b: string; id: string; reverseId: string; repDevice: TestDevice }> {
  const a = await newCustomer(w.t, w.manager, { firstName: 'Anton', lastName: 'Adler' })
  const b = await newCustomer(w.t, w.rep, { firstName: 'Berta', lastName: 'Adler' })
  const id = uuidv7()
  const reverseId = uuidv7()
  await ok(w.t, w.office, 'addRelation', { id, reverseId, customerId: a, type: 'spouse', relatedCustomerId: b })
  expect(relationRow(reverseId)).toMatchObject({ customerId: b, deletedAt: null })
  const repDevice = deviceOf(w.t, w.rep)
  await repDevice.pullAll()
  expect(repDevice.table('relations').has(reverseId)).toBe(true)
  return { a, b, id, reverseId, repDevice }
}

const fileOf = async (who: Person, customerId: string) => (await getJson<CustomerFile>(w.t, who, `/api/customers/${customerId}/file`)).body

describe('addRelation', () => {
  it('attaches a child as a person record to the customer, on the rep device and in the file', async () => {
    const a = await newCustomer(w.t, w.rep)
    const id = uuidv7()
    await ok(w.t, w.rep, 'addRelation', { id, customerId: a, type: 'child', person: child })
    const device = deviceOf(w.t, w.rep)
    await device.pullAll()
    expect(device.table('relations').get(id)).toMatchObject({ customerId: a, type: 'child', relatedCustomerId: null, pairId: id, person: { ...child, occupation: null }, ownerRepId: w.rep.id })
    const file = await getJson<CustomerFile>(w.t, w.office, `/api/customers/${a}/file`)
    expect(file.body.relations).toEqual([expect.objectContaining({ id, typeName: 'Kind', household: true, relatedName: 'Mia Mustermann', relatedVisible: false })])
  })

  it('relates two of a rep’s own customers with both rows, the reverse with the reverse type, both on the rep’s device', async () => {
    const parent = await newCustomer(w.t, w.rep, { firstName: 'Paula', lastName: 'Kern' })
    const kid = await newCustomer(w.t, w.rep, { firstName: 'Kai', lastName: 'Kern', birthDate: '2001-02-03' })
    const id = uuidv7()
    const reverseId = uuidv7()
    await ok(w.t, w.rep, 'addRelation', { id, reverseId, customerId: parent, type: 'child', relatedCustomerId: kid, validFrom: '2001-02-03' })

    expect(relationRows(parent)).toEqual([expect.objectContaining({ id, pairId: id, type: 'child', relatedCustomerId: kid, ownerRepId: w.rep.id, validFrom: '2001-02-03' })])
    expect(relationRows(kid)).toEqual([expect.objectContaining({ id: reverseId, pairId: id, type: 'parent', relatedCustomerId: parent, ownerRepId: w.rep.id, validFrom: '2001-02-03' })])

    const device = deviceOf(w.t, w.rep)
    await device.pullAll()
    expect(deviceRelations(device).map((r) => r.id).sort()).toEqual([id, reverseId].sort())
    expect(device.table('relations').get(reverseId)).toMatchObject({ customerId: kid, type: 'parent', relatedCustomerId: parent })
    expect((await fileOf(w.rep, kid)).relations).toEqual([expect.objectContaining({ id: reverseId, relatedVisible: true, relatedName: 'Paula Kern' })])
  })

  it('gives a manager relating their own customer to a downline customer only the forward row; the downline side stays as it was', async () => {
    const a = await newCustomer(w.t, w.manager, { firstName: 'Anton', lastName: 'Adler' })
    const b = await newCustomer(w.t, w.rep, { firstName: 'Berta', lastName: 'Adler' })
    const repDevice = deviceOf(w.t, w.rep)
    await repDevice.pullAll()
    const repFileBefore = await fileOf(w.rep, b)
    const managerFileOfBBefore = await fileOf(w.manager, b)

    const id = uuidv7()
    const reverseId = uuidv7()
    // The manager may read the downline customer (downlineReadAccess is on) but not write it.
    await ok(w.t, w.manager, 'addRelation', { id, reverseId, customerId: a, type: 'spouse', relatedCustomerId: b, validFrom: '2010-06-12' })

    expect(relationRows(a)).toEqual([expect.objectContaining({ id, pairId: id, type: 'spouse', relatedCustomerId: b, ownerRepId: w.manager.id, validFrom: '2010-06-12' })])
    expect(relationRows(b)).toEqual([])
    expect(relationRow(reverseId)).toBeUndefined()

    await expectNothingNew(repDevice)
    expect(deviceRelations(repDevice)).toEqual([])
    expect(await fileOf(w.rep, b)).toEqual(repFileBefore)
    expect(await fileOf(w.manager, b)).toEqual(managerFileOfBBefore)

    const managerDevice = deviceOf(w.t, w.manager)
    await managerDevice.pullAll()
    expect(deviceRelations(managerDevice).map((r) => r.id)).toEqual([id])
    expect((await fileOf(w.manager, a)).relations).toEqual([expect.objectContaining({ id, relatedVisible: true, relatedName: 'Berta Adler', relatedCustomerNo: expect.stringMatching(/^K-\d{6}$/) })])
  })

  it('lets back office relate customers of two reps of its branch: both rows, each rep’s device holds its side', async () => {
    const peer = await peerRep()
    const a = await newCustomer(w.t, w.rep, { firstName: 'Anton', lastName: 'Adler' })
    const c = await newCustomer(w.t, peer, { firstName: 'Clara', lastName: 'Adler' })
    const id = uuidv7()
    const reverseId = uuidv7()
    await ok(w.t, w.office, 'addRelation', { id, reverseId, customerId: a, type: 'child', relatedCustomerId: c })

    expect(relationRows(a)).toEqual([expect.objectContaining({ id, type: 'child', relatedCustomerId: c, ownerRepId: w.rep.id })])
    expect(relationRows(c)).toEqual([expect.objectContaining({ id: reverseId, pairId: id, type: 'parent', relatedCustomerId: a, ownerRepId: peer.id })])

    const repDevice = deviceOf(w.t, w.rep)
    const peerDevice = deviceOf(w.t, peer)
    await repDevice.pullAll()
    await peerDevice.pullAll()
    expect(deviceRelations(repDevice).map((r) => r.id)).toEqual([id])
    expect(deviceRelations(peerDevice).map((r) => r.id)).toEqual([reverseId])
    // Neither rep may see the other's customer: their side names it anonymously.
    expect(peerDevice.rows.has(a)).toBe(false)
    expect((await fileOf(peer, c)).relations).toEqual([expect.objectContaining({ id: reverseId, relatedVisible: false, relatedName: 'Kunde einer anderen Struktur', relatedCustomerNo: null })])
  })

  it('rejects an unknown relation type, a related customer of another structure, and an id taken before', async () => {
    const a = await newCustomer(w.t, w.rep)
    const foreign = await newCustomer(w.t, w.stranger)
    await rejected(w.t, w.rep, 'addRelation', { id: uuidv7(), customerId: a, type: 'cousin', person: child }, 'UNKNOWN_RELATION_TYPE')
    await rejected(w.t, w.rep, 'addRelation', { id: uuidv7(), reverseId: uuidv7(), customerId: a, type: 'spouse', relatedCustomerId: foreign }, 'NOT_FOUND')
    const id = uuidv7()
    await ok(w.t, w.rep, 'addRelation', { id, customerId: a, type: 'child', person: child })
    await rejected(w.t, w.rep, 'addRelation', { id, customerId: a, type: 'child', person: { ...child, firstName: 'Max' } }, 'ID_TAKEN')
    expect(relationRows(a)).toHaveLength(1)
    expect(relationRows(foreign)).toHaveLength(0)
  })

  it('is quarantined NOT_FOUND for a rep of another structure and for an upline with read access only', async () => {
    const a = await newCustomer(w.t, w.rep)
    await rejected(w.t, w.stranger, 'addRelation', { id: uuidv7(), customerId: a, type: 'child', person: child }, 'NOT_FOUND')
    await rejected(w.t, w.manager, 'addRelation', { id: uuidv7(), customerId: a, type: 'child', person: child }, 'NOT_FOUND')
    expect(relationRows(a)).toHaveLength(0)
  })

  it('follows a merge of the related customer to the survivor and refuses a deleted one', async () => {
    const a = await newCustomer(w.t, w.rep, { firstName: 'Anna' })
    const dup = await newCustomer(w.t, w.rep, { firstName: 'Bernd' })
    const survivor = await newCustomer(w.t, w.rep, { firstName: 'Bernd' })
    await ok(w.t, w.office, 'mergeCustomers', { survivorId: survivor, mergedId: dup })
    const reverseId = uuidv7()
    await ok(w.t, w.rep, 'addRelation', { id: uuidv7(), reverseId, customerId: a, type: 'partner', relatedCustomerId: dup })
    expect(relationRows(a)[0]!.relatedCustomerId).toBe(survivor)
    expect(relationRows(survivor).map((r) => r.id)).toEqual([reverseId])

    const gone = await newCustomer(w.t, w.rep, { firstName: 'Gerd' })
    w.t.db.update(customers).set({ deletedAt: '2026-03-01T00:00:00.000Z' }).where(eq(customers.id, gone)).run()
    await rejected(w.t, w.rep, 'addRelation', { id: uuidv7(), reverseId: uuidv7(), customerId: a, type: 'sibling', relatedCustomerId: gone }, 'CUSTOMER_DELETED')
  })
})

describe('updateRelation', () => {
  it('changes both rows of a pair between a rep’s own customers, the partner to the reverse type, with field history on both', async () => {
    const a = await newCustomer(w.t, w.rep)
    const b = await newCustomer(w.t, w.rep)
    const id = uuidv7()
    const reverseId = uuidv7()
    await ok(w.t, w.rep, 'addRelation', { id, reverseId, customerId: a, type: 'child', relatedCustomerId: b })
    await ok(w.t, w.rep, 'updateRelation', { id, changes: { type: { from: 'child', to: 'grandchild' }, validTo: { from: null, to: '2030-01-01' } } })
    expect(relationRows(a)[0]).toMatchObject({ type: 'grandchild', validTo: '2030-01-01' })
    expect(relationRows(b)[0]).toMatchObject({ type: 'grandparent', validTo: '2030-01-01' })
    const history = w.t.db.select().from(customerFieldHistory).where(eq(customerFieldHistory.entity, 'relation')).all()
    expect(history.map((h) => [h.customerId, h.entityId, h.field, h.oldValue, h.newValue]).sort()).toEqual(
      [
        [a, id, 'type', 'child', 'grandchild'],
        [a, id, 'validTo', null, '2030-01-01'],
        [b, reverseId, 'type', 'parent', 'grandparent'],
        [b, reverseId, 'validTo', null, '2030-01-01'],
      ].sort(),
    )
  })

  it('lets the last arrival win and keeps the losing value in the history, flagged overwritten', async () => {
    const a = await newCustomer(w.t, w.rep)
    const id = uuidv7()
    await ok(w.t, w.rep, 'addRelation', { id, customerId: a, type: 'child', person: child })
    await ok(w.t, w.rep, 'updateRelation', { id, changes: { validFrom: { from: null, to: '2015-04-01' } } })
    // A second device edited from the old value (null) while offline.
    await ok(w.t, w.office, 'updateRelation', { id, changes: { validFrom: { from: null, to: '2016-01-01' } } })
    expect(relationRows(a)[0]!.validFrom).toBe('2016-01-01')
    const last = w.t.db
      .select()
      .from(customerFieldHistory)
      .where(and(eq(customerFieldHistory.entityId, id), eq(customerFieldHistory.field, 'validFrom')))
      .all()
      .at(-1)!
    expect(last).toMatchObject({ oldValue: '2015-04-01', newValue: '2016-01-01', baseValue: null, overwritten: true })
  })

  it('rejects an unknown type, a validity that ends before it starts, and person data on a customer relation', async () => {
    const a = await newCustomer(w.t, w.rep)
    const b = await newCustomer(w.t, w.rep)
    const id = uuidv7()
    await ok(w.t, w.rep, 'addRelation', { id, reverseId: uuidv7(), customerId: a, type: 'sibling', relatedCustomerId: b, validFrom: '2020-01-01' })
    await rejected(w.t, w.rep, 'updateRelation', { id, changes: { type: { from: 'sibling', to: 'nope' } } }, 'UNKNOWN_RELATION_TYPE')
    await rejected(w.t, w.rep, 'updateRelation', { id, changes: { validTo: { from: null, to: '2019-12-31' } } }, 'VALIDATION')
    await rejected(w.t, w.rep, 'updateRelation', { id, changes: { person: { from: null, to: child } } }, 'VALIDATION')
    expect(relationRows(a)[0]).toMatchObject({ type: 'sibling', validTo: null })
  })

  it('quarantines an edit of a removed relation (RELATION_DELETED) and one from outside the write scope (NOT_FOUND)', async () => {
    const a = await newCustomer(w.t, w.rep)
    const id = uuidv7()
    await ok(w.t, w.rep, 'addRelation', { id, customerId: a, type: 'child', person: child })
    await rejected(w.t, w.manager, 'updateRelation', { id, changes: { validFrom: { from: null, to: '2015-04-01' } } }, 'NOT_FOUND')
    await rejected(w.t, w.stranger, 'removeRelation', { id }, 'NOT_FOUND')
    await ok(w.t, w.rep, 'removeRelation', { id })
    await rejected(w.t, w.rep, 'updateRelation', { id, changes: { validFrom: { from: null, to: '2015-04-01' } } }, 'RELATION_DELETED')
  })

  it('never changes the downline row when a manager edits a pair with a downline customer, even with its id as partnerId', async () => {
    const { a, b, id, reverseId, repDevice } = await officePair()
    const before = relationRow(reverseId)
    await ok(w.t, w.manager, 'updateRelation', { id, partnerId: reverseId, changes: { type: { from: 'spouse', to: 'partner' }, validTo: { from: null, to: '2030-01-01' } } })

    expect(relationRow(id)).toMatchObject({ customerId: a, type: 'partner', validTo: '2030-01-01' })
    expect(relationRow(reverseId)).toEqual(before)
    expect(relationHistory(b)).toEqual([])
    await expectNothingNew(repDevice)
    expect(repDevice.table('relations').get(reverseId)).toMatchObject({ type: 'spouse', validTo: null })
  })
})

describe('removeRelation', () => {
  it('deletes both rows of a pair between a rep’s own customers (content stays), from either side, and the device drops both', async () => {
    const a = await newCustomer(w.t, w.rep)
    const b = await newCustomer(w.t, w.rep)
    const id = uuidv7()
    const reverseId = uuidv7()
    await ok(w.t, w.rep, 'addRelation', { id, reverseId, customerId: a, type: 'spouse', relatedCustomerId: b })
    const device = deviceOf(w.t, w.rep)
    await device.pullAll()
    expect(deviceRelations(device)).toHaveLength(2)

    // Removed from the reverse side: the pair goes.
    await ok(w.t, w.rep, 'removeRelation', { id: reverseId })
    const patch = await device.pullAll()
    expect(relationOps(patch).sort((x, y) => (x as { id: string }).id.localeCompare((y as { id: string }).id))).toEqual(
      [id, reverseId].sort().map((rid) => ({ op: 'del', table: 'relations', id: rid })),
    )
    expect(deviceRelations(device)).toEqual([])

    const stored = [...relationRows(a), ...relationRows(b)]
    expect(stored).toHaveLength(2)
    for (const r of stored) expect(r).toMatchObject({ deletedAt: expect.any(String), type: 'spouse' })
    expect(relationHistory(a).map((h) => h.field)).toEqual(['removed'])
    expect(relationHistory(b).map((h) => h.field)).toEqual(['removed'])
    // Removing again changes nothing.
    await ok(w.t, w.rep, 'removeRelation', { id })
    expect(await device.pullAll()).toEqual([])
    expect((await fileOf(w.rep, a)).relations).toEqual([])
  })

  it('lets a manager remove only their own side of a pair with a downline customer; the rep’s row, device and file stay', async () => {
    const { a, b, id, reverseId, repDevice } = await officePair()
    const before = relationRow(reverseId)
    const repFileBefore = await fileOf(w.rep, b)
    await ok(w.t, w.manager, 'removeRelation', { id })

    expect(relationRow(id)).toMatchObject({ customerId: a, deletedAt: expect.any(String) })
    expect(relationRow(reverseId)).toEqual(before)
    expect(relationHistory(b)).toEqual([])
    await expectNothingNew(repDevice)
    expect(repDevice.table('relations').has(reverseId)).toBe(true)
    expect(await fileOf(w.rep, b)).toEqual(repFileBefore)
    expect((await fileOf(w.manager, a)).relations).toEqual([])

    // The manager's row is outside the rep's write scope; the rep removes their own side only.
    await rejected(w.t, w.rep, 'removeRelation', { id }, 'NOT_FOUND')
    await ok(w.t, w.rep, 'removeRelation', { id: reverseId })
    expect(relationRow(reverseId)).toMatchObject({ deletedAt: expect.any(String) })
    expect(relationOps(await repDevice.pullAll())).toEqual([{ op: 'del', table: 'relations', id: reverseId }])
  })

  it('leaves the row of a restricted customer untouched when the other side’s relation is edited or removed', async () => {
    const { a, b, id, reverseId, repDevice } = await officePair()
    const res = await w.t.req('POST', `/api/customers/${b}/restrict`, { cookie: w.office.cookie, body: { reason: 'Kundin bestreitet die Richtigkeit der Daten' } })
    expect(res.status).toBe(200)
    await repDevice.pullAll()
    const before = relationRow(reverseId)
    expect(before).toMatchObject({ deletedAt: null, type: 'spouse' })

    // Back office may write both files, but a restricted file is read-only (Art. 18).
    await ok(w.t, w.office, 'updateRelation', { id, changes: { validTo: { from: null, to: '2030-01-01' } } })
    await ok(w.t, w.office, 'removeRelation', { id })
    expect(relationRow(id)).toMatchObject({ customerId: a, validTo: '2030-01-01', deletedAt: expect.any(String) })
    expect(relationRow(reverseId)).toEqual(before)
    expect(relationHistory(b)).toEqual([])
    await rejected(w.t, w.office, 'removeRelation', { id: reverseId }, 'CUSTOMER_RESTRICTED')
    expect(relationRow(reverseId)).toEqual(before)

    await expectNothingNew(repDevice)
    expect(repDevice.table('relations').get(reverseId)).toMatchObject({ type: 'spouse', validTo: null })
  })
})

describe('GET /api/relation-types', () => {
  it('lists the types with their reverse and answers 401 to anonymous callers', async () => {
    const res = await getJson<{ items: RelationTypeRow[] }>(w.t, w.rep, '/api/relation-types')
    expect(res.status).toBe(200)
    expect(res.body.items.find((t) => t.code === 'child')).toEqual({ code: 'child', name: 'Kind', reverseCode: 'parent', household: true, sort: 40 })
    expect(res.body.items[0]!.code).toBe('spouse')
    expect((await getJson(w.t, null, '/api/relation-types')).status).toBe(401)
  })
})
