import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import { openUserDb, type FeldakteDb, type OutboxEntry } from '../../../client/src/db'
import { createCustomer, keysOf, mergeCustomers, mutate, MutationArgsError, replay, updateCustomer } from '../../../client/src/mutators'

let db: FeldakteDb
const open = async () => (db = await openUserDb(uuidv7(), { storage: null }))
afterEach(() => db?.close())

const issuesOf = async (p: Promise<unknown>) => {
  const error = await p.catch((e: unknown) => e)
  expect(error).toBeInstanceOf(MutationArgsError)
  return (error as MutationArgsError).issues
}
const entry = (seq: number, name: string, v: number, args: unknown): OutboxEntry => ({ seq, id: uuidv7(), name, v, args, createdAt: '2026-03-01T10:00:00.000Z' })

describe('createCustomer v2', () => {
  it('stores the row with lists, no customer number yet and the user as owner; the outbox holds the parsed args', async () => {
    await open()
    const { id, seq } = await createCustomer(db, {
      firstName: ' Erika ',
      lastName: 'Mustermann',
      phones: [{ type: 'mobile', number: '0171 2345678' }],
      emails: [{ type: 'private', address: 'Erika@Example.DE' }],
      bankAccounts: [{ iban: 'de89 3704 0044 0532 0130 00' }],
      addresses: [{ type: 'home', street: 'Heidestraße 17', zip: '51147', city: 'Köln' }],
    })
    expect(seq).toBe(1)
    const row = await db.customers.get(id)
    expect(row).toMatchObject({
      customerNo: null,
      kind: 'person',
      status: 'prospect',
      firstName: 'Erika',
      ownerRepId: db.userId,
      emails: [{ type: 'private', address: 'erika@example.de' }],
      bankAccounts: [{ iban: 'DE89370400440532013000', bic: null, holder: null, label: null }],
      addresses: [{ type: 'home', street: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'DE' }],
      pending: { base: null },
    })
    expect(row?.words).toEqual(expect.arrayContaining(['mustermann', 'koeln', '01712345678', 'erika@example.de']))
    const [out] = await db.outbox.toArray()
    expect(out).toMatchObject({ name: 'createCustomer', v: 2, args: { id, firstName: 'Erika', bankAccounts: [{ iban: 'DE89370400440532013000' }] } })
    expect(out!.args).not.toHaveProperty('ownerRepId')
  })

  it('refuses invalid input with German messages at the field inside the list, storing nothing', async () => {
    await open()
    const issues = await issuesOf(
      createCustomer(db, {
        firstName: '',
        lastName: 'Ohne',
        phones: [{ type: 'mobile', number: '12' }],
        bankAccounts: [{ iban: 'DE88370400440532013000' }],
      }),
    )
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'phones.0.number', message: 'Die Telefonnummer ist zu kurz.' },
        { path: 'bankAccounts.0.iban', message: 'Die IBAN ist ungültig (Länge oder Prüfziffer stimmt nicht).' },
        { path: 'firstName', message: 'Bitte den Vornamen angeben.' },
      ]),
    )
    expect(await db.customers.count()).toBe(0)
    expect(await db.outbox.count()).toBe(0)
  })

  it('stores a company without a first name', async () => {
    await open()
    const { id } = await createCustomer(db, { kind: 'company', firstName: 'ignoriert', lastName: 'Muster GmbH' })
    expect(await db.customers.get(id)).toMatchObject({ kind: 'company', firstName: '', lastName: 'Muster GmbH' })
  })
})

describe('updateCustomer v2', () => {
  it('sends only changed fields, each with the stored value as base, and updates the row', async () => {
    await open()
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann', phones: [{ type: 'mobile', number: '0171 111' }], tags: ['VIP'] })
    const receipt = await updateCustomer(db, id, {
      firstName: 'Erika',
      lastName: 'Mustermann',
      phones: [{ type: 'mobile', number: '0171 111' }, { type: 'home', number: '0221 222' }],
      tags: ['VIP'],
      remarks: '',
      maritalStatus: 'married',
    })
    expect(receipt?.seq).toBe(2)
    const { args } = (await db.outbox.get(2))!
    expect(args).toEqual({
      id,
      changes: {
        maritalStatus: { from: null, to: 'married' },
        phones: { from: [{ type: 'mobile', number: '0171 111' }], to: [{ type: 'mobile', number: '0171 111' }, { type: 'home', number: '0221 222' }] },
      },
    })
    expect(await db.customers.get(id)).toMatchObject({ maritalStatus: 'married', phones: [{ number: '0171 111' }, { number: '0221 222' }] })
    expect((await db.customers.get(id))?.words).toContain('0221222')
  })

  it('resolves to null when every value equals the stored one after the field rules', async () => {
    await open()
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann', emails: [{ type: 'private', address: 'erika@example.de' }], bankAccounts: [{ iban: 'DE89370400440532013000' }] })
    const unchanged = await updateCustomer(db, id, {
      firstName: ' Erika ',
      emails: [{ type: 'private', address: 'ERIKA@example.de' }],
      bankAccounts: [{ iban: 'DE89 3704 0044 0532 0130 00', bic: null, holder: '' }],
      title: '',
    })
    expect(unchanged).toBeNull()
    expect(await db.outbox.count()).toBe(1)
  })

  it('names invalid values and broken cross-field rules in German, storing nothing', async () => {
    await open()
    const { id } = await createCustomer(db, { kind: 'company', firstName: '', lastName: 'Muster GmbH' })
    expect(await issuesOf(updateCustomer(db, id, { emails: [{ type: 'work', address: 'kaputt' }], lastName: '' }))).toEqual([
      { path: 'lastName', message: 'Bitte den Nachnamen angeben.' },
      { path: 'emails.0.address', message: 'Bitte eine gültige E-Mail-Adresse angeben.' },
    ])
    // Turning the company into a person needs a first name.
    expect(await issuesOf(updateCustomer(db, id, { kind: 'person' }))).toEqual([{ path: 'firstName', message: 'Bitte den Vornamen angeben.' }])
    expect(await db.outbox.count()).toBe(1)
  })

  it('queues an edit of a customer this device does not hold (back office) without a local row', async () => {
    await open()
    const id = uuidv7()
    await mutate(db, 'updateCustomer', { id, changes: { status: { from: 'prospect', to: 'customer' } } })
    expect(await db.customers.count()).toBe(0)
    expect((await db.outbox.toArray()).map((e) => [e.name, e.v, e.args])).toEqual([['updateCustomer', 2, { id, changes: { status: { from: 'prospect', to: 'customer' } } }]])
  })
})

describe('version 1 in old outboxes', () => {
  it('replays a version-1 creation and edit onto the lists (first phone, e-mail and address)', async () => {
    await open()
    const id = uuidv7()
    const create = entry(1, 'createCustomer', 1, { id, firstName: 'Anna', lastName: 'Alt', phone: '0171 1', email: 'anna@alt.de', city: 'Köln', zip: '50667' })
    const edit = entry(2, 'updateCustomer', 1, { id, changes: { phone: { from: '0171 1', to: '0221 9' }, city: { from: 'Köln', to: 'Brühl' }, zip: { from: '50667', to: '50321' } } })
    expect(keysOf(create)).toEqual([{ table: 'customers', id }])
    await db.transaction('rw', db.syncedTables(), async () => {
      await replay(db, [edit, create])
    })
    expect(await db.customers.get(id)).toMatchObject({
      customerNo: null,
      kind: 'person',
      firstName: 'Anna',
      phones: [{ type: 'mobile', number: '0221 9' }],
      emails: [{ type: 'private', address: 'anna@alt.de' }],
      addresses: [{ type: 'home', street: '', zip: '50321', city: 'Brühl', country: 'DE' }],
      ownerRepId: db.userId,
      pending: { base: null },
    })
  })

  it('keeps the other entries of a list when a version-1 edit clears the first one', async () => {
    await open()
    const { id } = await createCustomer(db, { firstName: 'Anna', lastName: 'Alt', phones: [{ type: 'home', number: '0221 1' }, { type: 'work', number: '0221 2' }] })
    await db.transaction('rw', db.syncedTables(), async () => {
      await replay(db, [entry(5, 'updateCustomer', 1, { id, changes: { phone: { from: '0221 1', to: null } } })])
    })
    expect((await db.customers.get(id))?.phones).toEqual([{ type: 'work', number: '0221 2' }])
  })
})

describe('mergeCustomers', () => {
  it('removes the merged customer on the device and moves its notes, consents and relations to the survivor', async () => {
    await open()
    const owner = db.userId
    const { id: survivorId } = await createCustomer(db, { firstName: 'Erika', lastName: 'Meyer' })
    const { id: mergedId } = await createCustomer(db, { firstName: 'Erika', lastName: 'Maier' })
    const { id: childId } = await createCustomer(db, { firstName: 'Paul', lastName: 'Maier' })
    const at = '2026-03-01T10:00:00.000Z'
    const base = { ownerRepId: owner, createdAt: at, updatedAt: at }
    await db.notes.put({ id: uuidv7(), customerId: mergedId, kind: 'memo', direction: null, occurredAt: at, durationMinutes: null, subject: 'Memo', text: 'x', followUpOn: null, followUpDoneAt: null, assigneeId: null, authorId: owner, ...base } as never)
    await db.consents.put({ id: uuidv7(), customerId: mergedId, type: 'privacy', givenOn: '2026-01-01', withdrawnOn: null, documentRef: null, ...base } as never)
    const pair = uuidv7()
    const person = null
    await db.relations.bulkPut([
      { id: pair, pairId: pair, customerId: mergedId, type: 'parent', relatedCustomerId: childId, person, validFrom: null, validTo: null, ...base },
      { id: uuidv7(), pairId: pair, customerId: childId, type: 'child', relatedCustomerId: mergedId, person, validFrom: null, validTo: null, ...base },
      { id: uuidv7(), pairId: uuidv7(), customerId: survivorId, type: 'spouse', relatedCustomerId: mergedId, person, validFrom: null, validTo: null, ...base },
    ])

    const receipt = await mergeCustomers(db, survivorId, mergedId)
    expect((await db.outbox.get(receipt.seq))).toMatchObject({ name: 'mergeCustomers', v: 1, args: { survivorId, mergedId } })
    expect(await db.customers.get(mergedId)).toBeUndefined()
    expect((await db.notes.toArray()).map((n) => n.customerId)).toEqual([survivorId])
    expect((await db.consents.toArray()).map((c) => c.customerId)).toEqual([survivorId])
    const relations = await db.relations.toArray()
    // The spouse link between the two would point at itself: gone. Parent and child now link the survivor.
    expect(relations.map((r) => [r.customerId, r.type, r.relatedCustomerId]).sort()).toEqual(
      [
        [survivorId, 'parent', childId],
        [childId, 'child', survivorId],
      ].sort(),
    )
    expect(relations.every((r) => r.pending)).toBe(true)
  })

  it('changes nothing locally where the merged customer is not on the device, and refuses merging a customer with itself', async () => {
    await open()
    const { id } = await createCustomer(db, { firstName: 'Erika', lastName: 'Meyer' })
    await mergeCustomers(db, id, uuidv7())
    expect(await db.customers.count()).toBe(1)
    expect(await issuesOf(mergeCustomers(db, id, id))).toEqual([{ path: '', message: 'Ein Kunde kann nicht mit sich selbst zusammengeführt werden.' }])
  })
})
