import { beforeEach, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { uuidv7 } from '../../shared/ids'
import type { CustomerFile, RelationRow, RelationTypeRow } from '../../shared/schemas'
import { customerFieldHistory, customerRelations, customers } from '../../server/src/db/schema'
import type { TestDevice } from '../support/sync'
import { deviceOf, getJson, makeWorld, newCustomer, ok, rejected, type World } from '../support/customer-file'

let w: World
beforeEach(async () => {
  w = await makeWorld()
})

const child = { firstName: 'Mia', lastName: 'Mustermann', birthDate: '2015-04-01' }
const relationRows = (customerId: string) => w.t.db.select().from(customerRelations).where(eq(customerRelations.customerId, customerId)).all()
const deviceRelations = (device: TestDevice) => [...device.table('relations').values()] as unknown as RelationRow[]

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

  it('writes the reverse row onto the related customer, so both customers’ devices hold their side', async () => {
    // The manager relates their own customer to a customer of their downline rep (readable for them).
    const a = await newCustomer(w.t, w.manager, { firstName: 'Anton', lastName: 'Adler' })
    const b = await newCustomer(w.t, w.rep, { firstName: 'Berta', lastName: 'Adler' })
    const id = uuidv7()
    const reverseId = uuidv7()
    await ok(w.t, w.manager, 'addRelation', { id, reverseId, customerId: a, type: 'spouse', relatedCustomerId: b, validFrom: '2010-06-12' })

    expect(relationRows(a)).toEqual([expect.objectContaining({ id, pairId: id, type: 'spouse', relatedCustomerId: b, ownerRepId: w.manager.id, validFrom: '2010-06-12' })])
    expect(relationRows(b)).toEqual([expect.objectContaining({ id: reverseId, pairId: id, type: 'spouse', relatedCustomerId: a, ownerRepId: w.rep.id, validFrom: '2010-06-12' })])

    const managerDevice = deviceOf(w.t, w.manager)
    const repDevice = deviceOf(w.t, w.rep)
    await managerDevice.pullAll()
    await repDevice.pullAll()
    expect(deviceRelations(managerDevice).map((r) => r.id).sort()).toEqual([id, reverseId].sort())
    // The rep may not see the manager's customer: only the reverse row (their side) arrives.
    expect(deviceRelations(repDevice).map((r) => r.id)).toEqual([reverseId])
    expect(repDevice.rows.has(a)).toBe(false)

    const repView = await getJson<CustomerFile>(w.t, w.rep, `/api/customers/${b}/file`)
    expect(repView.body.relations).toEqual([expect.objectContaining({ id: reverseId, relatedVisible: false, relatedName: 'Kunde einer anderen Struktur', relatedCustomerNo: null })])
    const managerView = await getJson<CustomerFile>(w.t, w.manager, `/api/customers/${a}/file`)
    expect(managerView.body.relations).toEqual([expect.objectContaining({ id, relatedVisible: true, relatedName: 'Berta Adler', relatedCustomerNo: expect.stringMatching(/^K-\d{6}$/) })])
  })

  it('gives the reverse row the reverse type: the parent of a child', async () => {
    const parent = await newCustomer(w.t, w.rep, { firstName: 'Paula' })
    const kid = await newCustomer(w.t, w.rep, { firstName: 'Kai', birthDate: '2001-02-03' })
    await ok(w.t, w.rep, 'addRelation', { id: uuidv7(), reverseId: uuidv7(), customerId: parent, type: 'child', relatedCustomerId: kid })
    expect(relationRows(parent).map((r) => r.type)).toEqual(['child'])
    expect(relationRows(kid).map((r) => r.type)).toEqual(['parent'])
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
  it('changes both rows of the pair, the partner to the reverse type, with field history on both customers', async () => {
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
})

describe('removeRelation', () => {
  it('deletes both rows (content stays) and both devices drop them', async () => {
    const a = await newCustomer(w.t, w.manager)
    const b = await newCustomer(w.t, w.rep)
    const id = uuidv7()
    const reverseId = uuidv7()
    await ok(w.t, w.manager, 'addRelation', { id, reverseId, customerId: a, type: 'spouse', relatedCustomerId: b })
    const managerDevice = deviceOf(w.t, w.manager)
    const repDevice = deviceOf(w.t, w.rep)
    await managerDevice.pullAll()
    await repDevice.pullAll()
    expect(repDevice.table('relations').has(reverseId)).toBe(true)

    // Removed from the other side: the rep removes their (reverse) row, the pair goes.
    await ok(w.t, w.rep, 'removeRelation', { id: reverseId })
    const patchManager = await managerDevice.pullAll()
    const patchRep = await repDevice.pullAll()
    expect(patchManager.filter((p) => p.op === 'del').map((p) => (p as { id: string }).id).sort()).toEqual([id, reverseId].sort())
    expect(patchRep).toContainEqual({ op: 'del', table: 'relations', id: reverseId })
    expect(deviceRelations(managerDevice)).toEqual([])
    expect(deviceRelations(repDevice)).toEqual([])

    const stored = [...relationRows(a), ...relationRows(b)]
    expect(stored).toHaveLength(2)
    for (const r of stored) expect(r).toMatchObject({ deletedAt: expect.any(String), type: 'spouse' })
    // Removing again changes nothing; the manager's side stays out of the rep's write scope.
    await ok(w.t, w.rep, 'removeRelation', { id: reverseId })
    await rejected(w.t, w.rep, 'removeRelation', { id }, 'NOT_FOUND')
    expect((await getJson<CustomerFile>(w.t, w.manager, `/api/customers/${a}/file`)).body.relations).toEqual([])
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
