import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import type { NoteRow } from '../../../shared/schemas/notes'
import type { RelationRow } from '../../../shared/schemas/household'
import { openUserDb, type FeldakteDb } from '../../../client/src/db'
import { localCustomer, settlePushed, toLocal } from '../../../client/src/mutators'
import { removeRelation } from '../../../client/src/mutators/household'
import { deleteNote } from '../../../client/src/mutators/notes'
import { serverCustomerRow } from './fake-server'

let db: FeldakteDb
afterEach(() => db?.close())

const at = '2026-01-02T10:00:00.000Z'

async function device() {
  db = await openUserDb(uuidv7(), { storage: null })
  const a = serverCustomerRow({ firstName: 'Anna', lastName: 'Alt', ownerRepId: db.userId })
  const b = serverCustomerRow({ firstName: 'Bernd', lastName: 'Alt', ownerRepId: db.userId })
  await db.customers.bulkPut([localCustomer(a), localCustomer(b)])
  return { a, b }
}

function serverNote(customerId: string): NoteRow {
  const authorId = db.userId
  return { id: uuidv7(), customerId, kind: 'memo', direction: null, occurredAt: at, durationMinutes: null, subject: null, text: 'Bleibt', followUpOn: null, assigneeId: null, followUpDoneAt: null, authorId, authorName: 'Ich', ownerRepId: db.userId, createdAt: at, updatedAt: at }
}

async function settle(status: 'applied' | 'rejected') {
  const [entry] = await db.outbox.orderBy('seq').toArray()
  await db.transaction('rw', [db.outbox, ...db.syncedTables()], async () => {
    await db.outbox.delete(entry!.seq)
    await settlePushed(db, [{ entry: entry!, status }], [])
  })
}

describe('deletes on the device wait for the server', () => {
  it('brings a deleted note back exactly as the server has it when the server refuses the delete', async () => {
    const { a } = await device()
    const note = serverNote(a.id)
    await db.notes.put(toLocal('notes', { ...note }) as never)
    await deleteNote(db, note.id)
    expect(await db.notes.get(note.id)).toBeUndefined()
    expect(await db.tombstones.count()).toBe(1)
    await settle('rejected')
    expect(await db.notes.get(note.id)).toEqual(note)
    expect(await db.tombstones.count()).toBe(0)
  })

  it('forgets the tombstone once the server applied the delete', async () => {
    const { a } = await device()
    const note = serverNote(a.id)
    await db.notes.put(toLocal('notes', { ...note }) as never)
    await deleteNote(db, note.id)
    await settle('applied')
    expect(await db.notes.get(note.id)).toBeUndefined()
    expect(await db.tombstones.count()).toBe(0)
  })

  it('restores both rows of a household pair after a refused removal, although only one id was sent', async () => {
    const { a, b } = await device()
    const forward: RelationRow = { id: uuidv7(), pairId: '', customerId: a.id, type: 'spouse', relatedCustomerId: b.id, person: null, validFrom: null, validTo: null, ownerRepId: db.userId, createdAt: at, updatedAt: at }
    forward.pairId = forward.id
    const reverse: RelationRow = { ...forward, id: uuidv7(), customerId: b.id, relatedCustomerId: a.id }
    await db.relations.bulkPut([toLocal('relations', { ...forward }), toLocal('relations', { ...reverse })] as never)
    await removeRelation(db, forward.id)
    expect(await db.relations.count()).toBe(0)
    await settle('rejected')
    expect(await db.relations.get(forward.id)).toEqual(forward)
    expect(await db.relations.get(reverse.id)).toEqual(reverse)
  })
})
