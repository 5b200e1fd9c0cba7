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

/**
 * A manager's device with three customers from the server: Anna and Cora are the user's own,
 * Ben belongs to a downline rep (readable, so on the device, but not the user's to write).
 */
async function device() {
  db = await openUserDb(uuidv7(), { storage: null })
  const downline = uuidv7()
  const anna = serverCustomerRow({ firstName: 'Anna', lastName: 'Alt', ownerRepId: db.userId })
  const cora = serverCustomerRow({ firstName: 'Cora', lastName: 'Alt', ownerRepId: db.userId })
  const ben = serverCustomerRow({ firstName: 'Ben', lastName: 'Alt', ownerRepId: downline })
  await db.customers.bulkPut([localCustomer(anna), localCustomer(cora), localCustomer(ben)])
  await db.relationTypes.bulkPut(TYPES)
  return { anna, cora, ben, downline }
}

const AT = '2026-01-01T00:00:00.000Z'

/**
 * A confirmed pair as a pull brings it: the forward row on `from`, the reverse row on `to`, each
 * owned by its customer's rep (back office may have linked a downline customer this way).
 */
async function serverPair(from: { id: string; ownerRepId: string }, to: { id: string; ownerRepId: string }, type = 'child', reverseType = 'parent'): Promise<{ forward: RelationRow; reverse: RelationRow }> {
  const id = uuidv7()
  const common = { pairId: id, person: null, validFrom: '2010-01-01', validTo: null, createdAt: AT, updatedAt: AT }
  const forward: RelationRow = { ...common, id, customerId: from.id, type, relatedCustomerId: to.id, ownerRepId: from.ownerRepId }
  const reverse: RelationRow = { ...common, id: uuidv7(), customerId: to.id, type: reverseType, relatedCustomerId: from.id, ownerRepId: to.ownerRepId }
  await db.relations.bulkPut([toLocal('relations', { ...forward }), toLocal('relations', { ...reverse })] as never)
  return { forward, reverse }
}

const outbox = () => db.outbox.orderBy('seq').toArray()
const all = () => db.relations.toArray()

/** The server refused the outbox's only entry: the sync engine's settle step. */
async function rejectOnly(): Promise<void> {
  const [entry] = await outbox()
  await db.transaction('rw', [db.outbox, ...db.syncedTables()], async () => {
    await db.outbox.delete(entry!.seq)
    await settlePushed(db, [{ entry: entry!, status: 'rejected' }], [])
  })
}

describe('addRelation on the device', () => {
  it('writes the forward row and, for the user’s own related customer, the reverse row with the reverse type', async () => {
    const { anna, cora } = await device()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'child', relatedCustomerId: cora.id, validFrom: '2010-05-01' })

    const [entry] = await outbox()
    const reverseId = (entry!.args as { reverseId: string }).reverseId
    expect(entry).toMatchObject({ name: 'addRelation', v: 1, args: { id, customerId: anna.id, type: 'child', relatedCustomerId: cora.id, person: null, validFrom: '2010-05-01', validTo: null } })
    expect(reverseId).not.toBe(id)
    expect(keysOf(entry!)).toEqual([
      { table: 'relations', id },
      { table: 'relations', id: reverseId },
    ])
    // "Cora ist Kind von Anna" on Anna, "Anna ist Elternteil von Cora" on Cora.
    expect(await db.relations.get(id)).toMatchObject({ pairId: id, customerId: anna.id, type: 'child', relatedCustomerId: cora.id, ownerRepId: db.userId, pending: { base: null } })
    expect(await db.relations.get(reverseId)).toMatchObject({
      pairId: id,
      customerId: cora.id,
      type: 'parent',
      relatedCustomerId: anna.id,
      person: null,
      validFrom: '2010-05-01',
      ownerRepId: db.userId,
      pending: { base: null },
    })
  })

  it('writes no reverse row onto a related customer of another rep, even one on the device (downline)', async () => {
    const { anna, ben } = await device()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'child', relatedCustomerId: ben.id })
    expect(await all()).toEqual([expect.objectContaining({ id, customerId: anna.id, relatedCustomerId: ben.id, ownerRepId: db.userId })])
    expect(await db.relations.where('customerId').equals(ben.id).toArray()).toEqual([])
    // The intent still names a reverse id: the server decides, and writes none either.
    expect((await outbox())[0]!.args).toMatchObject({ relatedCustomerId: ben.id, reverseId: expect.any(String) })
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
    const { anna, cora } = await device()
    await addRelation(db, { customerId: anna.id, type: 'spouse', relatedCustomerId: cora.id })
    expect(await all()).toHaveLength(2)
    await rejectOnly()
    expect(await all()).toEqual([])
  })

  it('replays without throwing once the rows exist (rebase), and still without a reverse row on another rep’s customer', async () => {
    const { anna, ben, cora } = await device()
    await addRelation(db, { customerId: anna.id, type: 'spouse', relatedCustomerId: cora.id })
    const { id } = await addRelation(db, { customerId: cora.id, type: 'child', relatedCustomerId: ben.id })
    await replay(db, await outbox())
    expect(await all()).toHaveLength(3)
    expect(await db.relations.where('customerId').equals(ben.id).toArray()).toEqual([])
    expect(await db.relations.get(id)).toMatchObject({ customerId: cora.id })
  })
})

describe('updateRelation on the device', () => {
  it('mirrors validity and the reverse type onto the user’s own partner and names it as partnerId', async () => {
    const { anna, cora } = await device()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'spouse', relatedCustomerId: cora.id, validFrom: '2001-06-01' })
    const reverseId = (await all()).find((r) => r.id !== id)!.id
    await updateRelation(db, id, { type: 'partner', validTo: '2024-12-31', validFrom: '2001-06-01' })

    const entry = (await outbox())[1]!
    expect(entry.args).toEqual({ id, partnerId: reverseId, changes: { type: { from: 'spouse', to: 'partner' }, validTo: { from: null, to: '2024-12-31' } } })
    expect(keysOf(entry)).toEqual([
      { table: 'relations', id },
      { table: 'relations', id: reverseId },
    ])
    expect(await db.relations.get(id)).toMatchObject({ customerId: anna.id, type: 'partner', validTo: '2024-12-31' })
    expect(await db.relations.get(reverseId)).toMatchObject({ customerId: cora.id, type: 'partner', validFrom: '2001-06-01', validTo: '2024-12-31' })
  })

  it('gives the own partner the reverse of a changed type (Kind ↔ Elternteil)', async () => {
    const { anna, cora } = await device()
    const { forward, reverse } = await serverPair(anna, cora, 'spouse', 'spouse')
    await updateRelation(db, forward.id, { type: 'parent' })
    expect(await db.relations.get(reverse.id)).toMatchObject({ type: 'child', pending: { base: reverse } })
  })

  it('restores both rows exactly when the server refuses a mirrored change', async () => {
    const { anna, cora } = await device()
    const { forward, reverse } = await serverPair(anna, cora)
    await updateRelation(db, forward.id, { type: 'parent', validTo: '2030-01-01' })
    expect(await db.relations.get(forward.id)).toMatchObject({ type: 'parent', validTo: '2030-01-01' })
    expect(await db.relations.get(reverse.id)).toMatchObject({ type: 'child', validTo: '2030-01-01' })

    await rejectOnly()
    expect(await db.relations.get(forward.id)).toEqual(forward)
    expect(await db.relations.get(reverse.id)).toEqual(reverse)
  })

  it('never changes a partner row of another rep’s customer, not even when the args name it', async () => {
    const { anna, ben } = await device()
    const { forward, reverse } = await serverPair(anna, ben)
    await updateRelation(db, forward.id, { type: 'parent', validTo: '2030-01-01' })
    const entry = (await outbox())[0]!
    expect(entry.args).toEqual({ id: forward.id, changes: { type: { from: 'child', to: 'parent' }, validTo: { from: null, to: '2030-01-01' } } })
    expect(keysOf(entry)).toEqual([{ table: 'relations', id: forward.id }])
    expect(await db.relations.get(forward.id)).toMatchObject({ type: 'parent', validTo: '2030-01-01' })
    expect(await db.relations.get(reverse.id)).toEqual(reverse)

    // An entry that names the foreign partner (an older outbox, a crafted call) changes it neither.
    await mutate(db, 'updateRelation', { id: forward.id, partnerId: reverse.id, changes: { validFrom: { from: '2010-01-01', to: '2011-01-01' } } })
    expect(await db.relations.get(reverse.id)).toEqual(reverse)
    await replay(db, await outbox())
    expect(await db.relations.get(reverse.id)).toEqual(reverse)
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
    const server: RelationRow = { id: uuidv7(), pairId: '', customerId: anna.id, type: 'child', relatedCustomerId: null, person: { firstName: 'Lina', lastName: 'Alt', birthDate: null, occupation: null }, validFrom: null, validTo: null, ownerRepId: db.userId, createdAt: AT, updatedAt: AT }
    server.pairId = server.id
    await db.relations.put(toLocal('relations', { ...server }) as never)
    await mutate(db, 'updateRelation', { id: server.id, changes: { validTo: { from: null, to: '2030-01-01' } } })
    expect((await db.relations.get(server.id))?.validTo).toBe('2030-01-01')
    await rejectOnly()
    expect(await db.relations.get(server.id)).toEqual(server)
  })
})

describe('removeRelation on the device', () => {
  it('removes both rows of a pair between the user’s own customers, from either side', async () => {
    const { anna, cora } = await device()
    const { id } = await addRelation(db, { customerId: anna.id, type: 'child', relatedCustomerId: cora.id })
    const reverse = (await all()).find((r) => r.id !== id)!
    await removeRelation(db, reverse.id)
    expect(await all()).toEqual([])
    expect((await outbox())[1]).toMatchObject({ name: 'removeRelation', args: { id: reverse.id } })
  })

  it('brings both rows back exactly when the server refuses the removal', async () => {
    const { anna, cora } = await device()
    const { forward, reverse } = await serverPair(anna, cora)
    await removeRelation(db, forward.id)
    expect(await all()).toEqual([])
    await rejectOnly()
    expect(await db.relations.get(forward.id)).toEqual(forward)
    expect(await db.relations.get(reverse.id)).toEqual(reverse)
    expect(await db.tombstones.toArray()).toEqual([])
  })

  it('never deletes the partner row of another rep’s customer', async () => {
    const { anna, ben } = await device()
    const { forward, reverse } = await serverPair(anna, ben)
    await removeRelation(db, forward.id)
    expect(await all()).toEqual([reverse])
    expect((await db.tombstones.toArray()).map((t) => t.id)).toEqual([forward.id])
    await replay(db, await outbox())
    expect(await all()).toEqual([reverse])
    await rejectOnly()
    expect(await db.relations.get(forward.id)).toEqual(forward)
    expect(await db.relations.get(reverse.id)).toEqual(reverse)
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
