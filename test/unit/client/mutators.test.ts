import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import { getMeta, LocalWriteError, onLocalWrite, openUserDb, type FeldakteDb } from '../../../client/src/db'
import { createCustomer, mutate, MutationArgsError, reassignCustomer, replay, updateCustomer } from '../../../client/src/mutators'
import { writeRawMutation } from '../../support/simulation'

let db: FeldakteDb
const open = async () => (db = await openUserDb(uuidv7(), { storage: null }))
afterEach(() => db?.close())

const stored = async () => ({ customers: await db.customers.count(), outbox: await db.outbox.toArray(), nextSeq: await getMeta(db, 'nextSeq') })
const cologne = { type: 'home' as const, street: 'Domstr. 1', zip: '50667', city: 'Köln', country: 'DE' }

describe('mutate', () => {
  it('stores the optimistic row and the outbox entry with consecutive seqs', async () => {
    await open()
    const a = await createCustomer(db, { firstName: ' Erika ', lastName: 'Mustermann', emails: [{ type: 'private', address: 'Erika@Example.DE' }], tags: ['VIP', 'VIP'] })
    const b = await mutate(db, 'createCustomer', { id: uuidv7(), firstName: 'Max', lastName: 'Muster' })
    expect([a.seq, b.seq]).toEqual([1, 2])
    const row = await db.customers.get(a.id)
    expect(row).toMatchObject({
      firstName: 'Erika',
      kind: 'person',
      status: 'prospect',
      emails: [{ type: 'private', address: 'erika@example.de' }],
      tags: ['VIP'],
      phones: [],
      ownerRepId: db.userId,
      branchId: null,
      pending: { base: null },
    })
    // The number is the server's to give; the device shows the customer without one until the pull.
    expect(row?.customerNo).toBeNull()
    expect(row?.words).toEqual(expect.arrayContaining(['mustermann', 'erika@example.de']))
    const outbox = await db.outbox.toArray()
    expect(outbox.map((e) => [e.seq, e.name, e.v])).toEqual([
      [1, 'createCustomer', 2],
      [2, 'createCustomer', 2],
    ])
    expect(outbox[0]).toMatchObject({ id: a.mutationId, args: { id: a.id, firstName: 'Erika', lastName: 'Mustermann', emails: [{ type: 'private', address: 'erika@example.de' }] } })
    expect(outbox[0]!.args).not.toHaveProperty('ownerRepId')
    expect(outbox[0]!.args).not.toHaveProperty('customerNo')
    expect(await getMeta(db, 'nextSeq')).toBe(3)
  })

  it('rejects invalid input with field issues (also inside lists) and stores nothing', async () => {
    await open()
    const error = await createCustomer(db, { firstName: 'Erika', lastName: '', addresses: [{ type: 'home', zip: '123', city: 'Köln' }], bankAccounts: [{ iban: 'DE00 1234' }] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MutationArgsError)
    expect((error as MutationArgsError).issues.map((i) => i.path).sort()).toEqual(['addresses.0.zip', 'bankAccounts.0.iban', 'lastName'])
    expect((error as MutationArgsError).issues.find((i) => i.path === 'lastName')?.message).toBe('Bitte den Nachnamen angeben.')
    expect((error as MutationArgsError).issues.find((i) => i.path === 'addresses.0.zip')?.message).toBe('Bitte eine fünfstellige Postleitzahl angeben.')
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
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann', phones: [{ type: 'mobile', number: '0171 111' }], addresses: [cologne] })
    const receipt = await updateCustomer(db, id, { phones: [{ type: 'mobile', number: ' 0171 222 ' }], addresses: [{ ...cologne }], remarks: '' })
    expect(receipt?.seq).toBe(2)
    const entry = await db.outbox.get(2)
    expect(entry).toMatchObject({
      name: 'updateCustomer',
      v: 2,
      args: { id, changes: { phones: { from: [{ type: 'mobile', number: '0171 111' }], to: [{ type: 'mobile', number: '0171 222' }] } } },
    })
    expect(Object.keys((entry!.args as { changes: object }).changes)).toEqual(['phones'])
    expect(await db.customers.get(id)).toMatchObject({ phones: [{ type: 'mobile', number: '0171 222' }], addresses: [cologne] })
    expect((await db.customers.get(id))?.words).toContain('0171222')
  })

  it('resolves to null when nothing changed, storing nothing', async () => {
    await open()
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann', addresses: [cologne] })
    expect(await updateCustomer(db, id, { addresses: [{ ...cologne, city: ' Köln ' }], remarks: '', tags: [] })).toBeNull()
    expect((await stored()).outbox).toHaveLength(1)
  })

  it('validates new values like the server and names the field', async () => {
    await open()
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann' })
    const error = await updateCustomer(db, id, { addresses: [{ type: 'home', zip: '5000', city: 'Köln' }], lastName: '' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MutationArgsError)
    expect((error as MutationArgsError).issues).toEqual([
      { path: 'lastName', message: 'Bitte den Nachnamen angeben.' },
      { path: 'addresses.0.zip', message: 'Bitte eine fünfstellige Postleitzahl angeben.' },
    ])
    expect((await stored()).outbox).toHaveLength(1)
  })

  it('refuses a customer the device does not hold', async () => {
    await open()
    const error = await updateCustomer(db, uuidv7(), { remarks: 'Bonn' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LocalWriteError)
    expect((error as LocalWriteError).reason).toBe('not-found')
  })

  it('queues an edit or reassignment of a customer the device does not hold (back office) without a local row', async () => {
    await open()
    const id = uuidv7()
    const owner = uuidv7()
    await mutate(db, 'updateCustomer', { id, changes: { tags: { from: ['A'], to: ['A', 'B'] } } })
    await reassignCustomer(db, id, owner)
    expect(await db.customers.count()).toBe(0)
    expect((await db.outbox.toArray()).map((e) => [e.name, e.v, e.args])).toEqual([
      ['updateCustomer', 2, { id, changes: { tags: { from: ['A'], to: ['A', 'B'] } } }],
      ['reassignCustomer', 1, { id, ownerRepId: owner }],
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

describe('version-1 entries of an older app version (T14)', () => {
  it('replays a v1 create and a v1 edit onto the first entry of each list, keeping the others', async () => {
    await open()
    const id = uuidv7()
    const create = await writeRawMutation(db, 'createCustomer', 1, { id, firstName: 'Erika', lastName: 'Alt', phone: '0171 111', email: 'Erika@Example.de', city: 'Köln' })
    await replay(db, (await db.outbox.toArray()).filter((e) => e.seq === create.seq))
    expect(await db.customers.get(id)).toMatchObject({
      lastName: 'Alt',
      phones: [{ type: 'mobile', number: '0171 111' }],
      emails: [{ type: 'private', address: 'erika@example.de' }],
      addresses: [{ type: 'home', street: '', zip: '', city: 'Köln', country: 'DE' }],
      customerNo: null,
      pending: { base: null },
    })
    // The updated app added a second number; the old entry edits the first one only.
    await updateCustomer(db, id, { phones: [{ type: 'work', number: '0171 111' }, { type: 'home', number: '0221 999' }] })
    const edit = await writeRawMutation(db, 'updateCustomer', 1, { id, changes: { phone: { from: '0171 111', to: '0171 222' }, zip: { from: null, to: '50667' } } })
    await replay(db, (await db.outbox.toArray()).filter((e) => e.seq === edit.seq))
    expect(await db.customers.get(id)).toMatchObject({
      phones: [
        { type: 'work', number: '0171 222' },
        { type: 'home', number: '0221 999' },
      ],
      addresses: [{ type: 'home', street: '', zip: '50667', city: 'Köln', country: 'DE' }],
    })
    expect((await db.customers.get(id))?.words).toEqual(expect.arrayContaining(['0171222', '0221999', 'koeln']))
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
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann', addresses: [cologne] })
    const hook = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    }
    db.outbox.hook('creating', hook)
    const error = await updateCustomer(db, id, { addresses: [{ ...cologne, zip: '53111', city: 'Bonn' }] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LocalWriteError)
    expect((error as LocalWriteError).reason).toBe('quota')
    expect((error as LocalWriteError).message).toContain('nicht gespeichert')
    expect((await db.customers.get(id))?.addresses).toEqual([cologne])
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
