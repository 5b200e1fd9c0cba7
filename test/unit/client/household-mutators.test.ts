import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import type { RelationRow, RelationTypeRow } from '../../../shared/schemas/household'
import { openUserDb, type FeldakteDb } from '../../../client/src/db'
import { keysOf, localCustomer, MutationArgsError, mutate, replay, settlePushed, toLocal } from '../../../client/src/mutators'
import { addRelation, removeRelation, updateRelation } from '../../../client/src/mutators/household'
import { serverCustomerRow } from './fake-server'

let db: FeldakteDb
afterEach(() => db?.close())

const TYPES: RelationTypeRow[] = [
  { code: 'spouse', name: 'Ehepartner', reverseCode: 'spouse', household: true, sort: 10 },
  { code: 'partner', name: 'Lebensgefährte', reverseCode: 'partner', household: true, sort: 30 },
  { code: 'child', name: 'Kind', reverseCode: 'parent', household: true, sort: 40 },
  { code: 'parent', name: 'Elternteil', reverseCode: 'child', household: true, sort: 50 },
]

/** A rep's device with two customers from the server (one of them owned by a downline rep) and the relation types. */
async function device() {
  db = await openUserDb(uuidv7(), { storage: null })
  const downline = uuidv7()
  const anna = serverCustomerRow({ firstName: 'Anna', lastName: 'Alt', ownerRepId: db.userId })
  const ben = serverCustomerRow({ firstName: 'Ben', lastName: 'Alt', ownerRepId: downline })
  await db.customers.bulkPut([localCustomer(anna), localCustomer(ben)])
  await db.relationTypes.bulkPut(TYPES)
  return { anna, ben, downline }
}

const outbox = () => db.outbox.orderBy('seq').toArray()
const all = () => db.relations.toArray()

describe('addRelation on the device', () => {
  it('writes the forward row and, for a customer on the device, the reverse row with the reverse type', async () => {
    const { anna, ben, downline } = await device()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'child', relatedCustomerId: ben.id, validFrom: '2010-05-01' })

    const [entry] = await outbox()
    const reverseId = (entry!.args as { reverseId: string }).reverseId
    expect(entry).toMatchObject({ name: 'addRelation', v: 1, args: { id, customerId: anna.id, type: 'child', relatedCustomerId: ben.id, person: null, validFrom: '2010-05-01', validTo: null } })
    expect(reverseId).not.toBe(id)
    expect(keysOf(entry!)).toEqual([
      { table: 'relations', id },
      { table: 'relations', id: reverseId },
    ])
    // "Ben ist Kind von Anna" on Anna, "Anna ist Elternteil von Ben" on Ben (owned by Ben's rep).
    expect(await db.relations.get(id)).toMatchObject({ pairId: id, customerId: anna.id, type: 'child', relatedCustomerId: ben.id, ownerRepId: db.userId, pending: { base: null } })
    expect(await db.relations.get(reverseId)).toMatchObject({
      pairId: id,
      customerId: ben.id,
      type: 'parent',
      relatedCustomerId: anna.id,
      person: null,
      validFrom: '2010-05-01',
      ownerRepId: downline,
      pending: { base: null },
    })
  })

  it('keeps a person on the forward row only, with names trimmed', async () => {
    const { anna } = await device()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'child', person: { firstName: ' Lina ', lastName: 'Alt', birthDate: '2015-03-01', occupation: '' } })
    expect(await all()).toEqual([expect.objectContaining({ id, relatedCustomerId: null, person: { firstName: 'Lina', lastName: 'Alt', birthDate: '2015-03-01', occupation: null } })])
    expect((await outbox())[0]!.args).toMatchObject({ reverseId: null })
  })

  it('writes only the forward row when the related customer is not on the device', async () => {
    const { anna } = await device()
    const elsewhere = uuidv7()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'spouse', relatedCustomerId: elsewhere })
    expect((await all()).map((r) => r.id)).toEqual([id])
  })

  it('refuses invalid input with German messages and stores nothing', async () => {
    const { anna } = await device()
    const missingName = await addRelation(db, { customerId: anna.id, type: 'child', person: { firstName: '', lastName: 'Alt' } }).catch((e: unknown) => e)
    expect(missingName).toBeInstanceOf(MutationArgsError)
    expect((missingName as MutationArgsError).issues).toContainEqual({ path: 'person.firstName', message: 'Bitte den Vornamen angeben.' })
    const backwards = await addRelation(db, { customerId: anna.id, type: 'child', person: { firstName: 'Lina', lastName: 'Alt' }, validFrom: '2020-01-01', validTo: '2019-01-01' }).catch((e: unknown) => e)
    expect((backwards as MutationArgsError).issues).toContainEqual({ path: 'validTo', message: '„Gültig bis“ muss nach „Gültig ab“ liegen.' })
    const unknownType = await addRelation(db, { customerId: anna.id, type: 'cousin', person: { firstName: 'Lina', lastName: 'Alt' } }).catch((e: unknown) => e)
    expect((unknownType as MutationArgsError).issues).toEqual([{ path: 'type', message: 'Bitte eine Beziehungsart wählen.' }])
    expect(await all()).toEqual([])
    expect(await outbox()).toEqual([])
  })

  it('queues the intent without rows on a device that does not hold the customer (back office)', async () => {
    db = await openUserDb(uuidv7(), { storage: null })
    await addRelation(db, { customerId: uuidv7(), type: 'child', person: { firstName: 'Lina', lastName: 'Alt' } })
    expect(await all()).toEqual([])
    expect(await outbox()).toHaveLength(1)
  })

  it('removes both optimistic rows when the server refuses the relationship', async () => {
    const { anna, ben } = await device()
    await addRelation(db, { customerId: anna.id, type: 'spouse', relatedCustomerId: ben.id })
    const [entry] = await outbox()
    await db.transaction('rw', [db.outbox, ...db.syncedTables()], async () => {
      await db.outbox.delete(entry!.seq)
      await settlePushed(db, [{ entry: entry!, status: 'rejected' }], [])
    })
    expect(await all()).toEqual([])
  })

  it('replays without throwing once the rows exist (rebase)', async () => {
    const { anna, ben } = await device()
    await addRelation(db, { customerId: anna.id, type: 'spouse', relatedCustomerId: ben.id })
    await replay(db, await outbox())
    expect(await all()).toHaveLength(2)
  })
})

describe('updateRelation on the device', () => {
  it('changes the row and mirrors validity and the reverse type onto the partner', async () => {
    const { anna, ben } = await device()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'spouse', relatedCustomerId: ben.id, validFrom: '2001-06-01' })
    await updateRelation(db, id, { type: 'partner', validTo: '2024-12-31', validFrom: '2001-06-01' })

    const entry = (await outbox())[1]!
    expect(entry.args).toEqual({ id, changes: { type: { from: 'spouse', to: 'partner' }, validTo: { from: null, to: '2024-12-31' } } })
    const rows = await all()
    expect(rows.find((r) => r.customerId === anna.id)).toMatchObject({ type: 'partner', validTo: '2024-12-31' })
    expect(rows.find((r) => r.customerId === ben.id)).toMatchObject({ type: 'partner', validFrom: '2001-06-01', validTo: '2024-12-31' })
  })

  it('gives the partner the reverse of a changed type (Kind ↔ Elternteil)', async () => {
    const { anna, ben } = await device()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'spouse', relatedCustomerId: ben.id })
    await updateRelation(db, id, { type: 'parent' })
    expect((await all()).find((r) => r.customerId === ben.id)?.type).toBe('child')
  })

  it('validates like the server, stores nothing on an error and nothing when nothing changed', async () => {
    const { anna } = await device()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'child', person: { firstName: 'Lina', lastName: 'Alt' }, validFrom: '2015-03-01' })
    const error = await updateRelation(db, id, { validTo: '2014-01-01' }).catch((e: unknown) => e)
    expect((error as MutationArgsError).issues).toEqual([{ path: 'validTo', message: '„Gültig bis“ muss nach „Gültig ab“ liegen.' }])
    expect(await updateRelation(db, id, { validFrom: '2015-03-01', validTo: '' })).toBeNull()
    expect(await outbox()).toHaveLength(1)
    expect((await db.relations.get(id))?.validTo).toBeNull()
  })

  it('restores the server’s row when the server refuses the change', async () => {
    const { anna } = await device()
    const server: RelationRow = { id: uuidv7(), pairId: '', customerId: anna.id, type: 'child', relatedCustomerId: null, person: { firstName: 'Lina', lastName: 'Alt', birthDate: null, occupation: null }, validFrom: null, validTo: null, ownerRepId: db.userId, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' }
    server.pairId = server.id
    await db.relations.put(toLocal('relations', { ...server }) as never)
    await mutate(db, 'updateRelation', { id: server.id, changes: { validTo: { from: null, to: '2030-01-01' } } })
    expect((await db.relations.get(server.id))?.validTo).toBe('2030-01-01')
    const [entry] = await outbox()
    await db.transaction('rw', [db.outbox, ...db.syncedTables()], async () => {
      await db.outbox.delete(entry!.seq)
      await settlePushed(db, [{ entry: entry!, status: 'rejected' }], [])
    })
    expect(await db.relations.get(server.id)).toEqual(server)
  })
})

describe('removeRelation on the device', () => {
  it('removes both rows of the pair, from either side', async () => {
    const { anna, ben } = await device()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'child', relatedCustomerId: ben.id })
    const reverse = (await all()).find((r) => r.id !== id)!
    await removeRelation(db, reverse.id)
    expect(await all()).toEqual([])
    expect((await outbox())[1]).toMatchObject({ name: 'removeRelation', args: { id: reverse.id } })
  })

  it('removes the row again when a pull brought it back before the server saw the removal', async () => {
    const { anna } = await device()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'child', person: { firstName: 'Lina', lastName: 'Alt' } })
    const row = (await db.relations.get(id))!
    await removeRelation(db, id)
    // The pull puts the server's row; the pending removal goes on top again.
    await db.relations.put(toLocal('relations', { ...row }) as never)
    await replay(db, (await outbox()).filter((e) => e.name === 'removeRelation'))
    expect(await all()).toEqual([])
  })
})
