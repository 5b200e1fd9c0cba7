import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import { getMeta, LocalWriteError, onLocalWrite, openUserDb, type FeldakteDb } from '../../../client/src/db'
import { createCustomer, mutate, MutationArgsError, reassignCustomer, updateCustomer } from '../../../client/src/mutators'

let db: FeldakteDb
const open = async () => (db = await openUserDb(uuidv7(), { storage: null }))
afterEach(() => db?.close())

const stored = async () => ({ customers: await db.customers.count(), outbox: await db.outbox.toArray(), nextSeq: await getMeta(db, 'nextSeq') })

describe('mutate', () => {
  it('stores the optimistic row and the outbox entry with consecutive seqs', async () => {
    await open()
    const a = await createCustomer(db, { firstName: ' Erika ', lastName: 'Mustermann', email: 'Erika@Example.DE' })
    const b = await mutate(db, 'createCustomer', { id: uuidv7(), firstName: 'Max', lastName: 'Muster' })
    expect([a.seq, b.seq]).toEqual([1, 2])
    const row = await db.customers.get(a.id)
    expect(row).toMatchObject({ firstName: 'Erika', email: 'erika@example.de', ownerRepId: db.userId, branchId: null, pending: { base: null } })
    expect(row?.words).toContain('mustermann')
    const outbox = await db.outbox.toArray()
    expect(outbox.map((e) => [e.seq, e.name, e.v])).toEqual([
      [1, 'createCustomer', 1],
      [2, 'createCustomer', 1],
    ])
    expect(outbox[0]).toMatchObject({ id: a.mutationId, args: { id: a.id, firstName: 'Erika', lastName: 'Mustermann', email: 'erika@example.de' } })
    expect(outbox[0]!.args).not.toHaveProperty('ownerRepId')
    expect(await getMeta(db, 'nextSeq')).toBe(3)
  })

  it('rejects invalid input with field issues and stores nothing', async () => {
    await open()
    const error = await createCustomer(db, { firstName: '', lastName: 'Ohne', zip: '123' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MutationArgsError)
    expect((error as MutationArgsError).issues.map((i) => i.path).sort()).toEqual(['firstName', 'zip'])
    expect((error as MutationArgsError).issues.find((i) => i.path === 'firstName')?.message).toBe('Bitte den Vornamen angeben.')
    expect(await stored()).toEqual({ customers: 0, outbox: [], nextSeq: 1 })
  })

  it('notifies the sync loop only after a write committed', async () => {
    await open()
    let writes = 0
    const stop = onLocalWrite(db, () => writes++)
    await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann' })
    await createCustomer(db, { firstName: '', lastName: 'x' }).catch(() => undefined)
    stop()
    await createCustomer(db, { firstName: 'Max', lastName: 'Muster' })
    expect(writes).toBe(1)
  })
})

describe('updateCustomer', () => {
  it('takes the base values from the device and sends only changed fields', async () => {
    await open()
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann', phone: '0171 111', city: 'Köln' })
    const receipt = await updateCustomer(db, id, { phone: ' 0171 222 ', city: 'Köln', street: '' })
    expect(receipt?.seq).toBe(2)
    const entry = await db.outbox.get(2)
    expect(entry).toMatchObject({ name: 'updateCustomer', v: 1, args: { id, changes: { phone: { from: '0171 111', to: '0171 222' } } } })
    expect(Object.keys((entry!.args as { changes: object }).changes)).toEqual(['phone'])
    expect(await db.customers.get(id)).toMatchObject({ phone: '0171 222', city: 'Köln' })
    expect((await db.customers.get(id))?.words).toContain('0171222')
  })

  it('resolves to null when nothing changed, storing nothing', async () => {
    await open()
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann', city: 'Köln' })
    expect(await updateCustomer(db, id, { city: ' Köln ', phone: '' })).toBeNull()
    expect((await stored()).outbox).toHaveLength(1)
  })

  it('validates new values like the server and names the field', async () => {
    await open()
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann' })
    const error = await updateCustomer(db, id, { zip: '5000', lastName: '' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MutationArgsError)
    expect((error as MutationArgsError).issues).toEqual([
      { path: 'lastName', message: 'Bitte den Nachnamen angeben.' },
      { path: 'zip', message: 'Bitte eine fünfstellige Postleitzahl angeben.' },
    ])
    expect((await stored()).outbox).toHaveLength(1)
  })

  it('refuses a customer the device does not hold', async () => {
    await open()
    const error = await updateCustomer(db, uuidv7(), { city: 'Bonn' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LocalWriteError)
    expect((error as LocalWriteError).reason).toBe('not-found')
  })

  it('queues an edit or reassignment of a customer the device does not hold (back office) without a local row', async () => {
    await open()
    const id = uuidv7()
    const owner = uuidv7()
    await mutate(db, 'updateCustomer', { id, changes: { city: { from: 'Köln', to: 'Bonn' } } })
    await reassignCustomer(db, id, owner)
    expect(await db.customers.count()).toBe(0)
    expect((await db.outbox.toArray()).map((e) => [e.name, e.args])).toEqual([
      ['updateCustomer', { id, changes: { city: { from: 'Köln', to: 'Bonn' } } }],
      ['reassignCustomer', { id, ownerRepId: owner }],
    ])
  })

  it('reassigns locally and queues the intent', async () => {
    await open()
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann' })
    const other = uuidv7()
    await reassignCustomer(db, id, other)
    expect((await db.customers.get(id))?.ownerRepId).toBe(other)
    expect((await db.outbox.get(2))?.args).toEqual({ id, ownerRepId: other })
  })
})

describe('durable before visible (T5, T15)', () => {
  it('leaves neither row nor outbox entry when the transaction is aborted mid-write (page killed)', async () => {
    await open()
    const kill = (_key: unknown, _obj: unknown, tx: { abort(): void }) => tx.abort()
    db.outbox.hook('creating', kill)
    const error = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LocalWriteError)
    expect(await stored()).toEqual({ customers: 0, outbox: [], nextSeq: 1 })
    db.outbox.hook('creating').unsubscribe(kill)
    // The next write takes seq 1: no seq was burnt.
    expect((await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann' })).seq).toBe(1)
  })

  it('rejects with a quota error and stores nothing when the device is full', async () => {
    await open()
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann', city: 'Köln' })
    const hook = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    }
    db.outbox.hook('creating', hook)
    const error = await updateCustomer(db, id, { city: 'Bonn' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LocalWriteError)
    expect((error as LocalWriteError).reason).toBe('quota')
    expect((error as LocalWriteError).message).toContain('nicht gespeichert')
    expect((await db.customers.get(id))?.city).toBe('Köln')
    expect((await stored()).outbox).toHaveLength(1)
    expect(await getMeta(db, 'nextSeq')).toBe(2)
  })

  it('rejects while the database is closed and works again after reopening', async () => {
    await open()
    db.close()
    const error = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LocalWriteError)
    expect((error as LocalWriteError).reason).toBe('closed')
    await db.open()
    expect((await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann' })).seq).toBe(1)
    expect(await db.customers.count()).toBe(1)
  })
})
