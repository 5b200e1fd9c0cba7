import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import type { NoteRow } from '../../../shared/schemas/notes'
import { openUserDb, type FeldakteDb } from '../../../client/src/db'
import { localCustomer, MutationArgsError, mutate, replay, settlePushed, toLocal } from '../../../client/src/mutators'
import { completeFollowUp, createNote, deleteNote, updateNote } from '../../../client/src/mutators/notes'
import { serverCustomerRow } from './fake-server'

let db: FeldakteDb
afterEach(() => db?.close())

async function device() {
  db = await openUserDb(uuidv7(), { storage: null })
  const customer = serverCustomerRow({ firstName: 'Anna', lastName: 'Alt', ownerRepId: db.userId })
  await db.customers.put(localCustomer(customer))
  return customer
}

const outbox = () => db.outbox.orderBy('seq').toArray()

/** A note from the server, written by someone else (e.g. the back office). */
function othersNote(customerId: string, more: Partial<NoteRow> = {}): NoteRow {
  return {
    id: uuidv7(),
    customerId,
    kind: 'memo',
    direction: null,
    occurredAt: '2026-01-02T10:00:00.000Z',
    durationMinutes: null,
    subject: null,
    text: 'Vom Innendienst',
    followUpOn: '2026-01-09',
    assigneeId: null,
    followUpDoneAt: null,
    authorId: uuidv7(),
    authorName: 'Olga Innendienst',
    ownerRepId: db.userId,
    createdAt: '2026-01-02T10:00:00.000Z',
    updatedAt: '2026-01-02T10:00:00.000Z',
    ...more,
  }
}

async function reject(entrySeq: number): Promise<void> {
  const entry = (await db.outbox.get(entrySeq))!
  await db.transaction('rw', [db.outbox, ...db.syncedTables()], async () => {
    await db.outbox.delete(entry.seq)
    await settlePushed(db, [{ entry, status: 'rejected' }], [])
  })
}

describe('createNote on the device', () => {
  it('stores a phone note by the signed-in user, the time as UTC, the author’s name for the device only', async () => {
    const customer = await device()
    const { id } = await createNote(db, {
      customerId: customer.id,
      kind: 'phone',
      direction: 'outbound',
      occurredAt: '2026-03-12T14:05:00+01:00',
      durationMinutes: 12,
      subject: ' Rückruf ',
      text: 'Angebot besprochen',
      followUpOn: '2026-03-19',
      authorName: 'Rita Reisende',
    })
    expect(await db.notes.get(id)).toMatchObject({
      kind: 'phone',
      direction: 'outbound',
      occurredAt: '2026-03-12T13:05:00.000Z',
      durationMinutes: 12,
      subject: 'Rückruf',
      followUpOn: '2026-03-19',
      assigneeId: null,
      followUpDoneAt: null,
      authorId: db.userId,
      authorName: 'Rita Reisende',
      ownerRepId: customer.ownerRepId,
      pending: { base: null },
    })
    expect((await outbox())[0]).toMatchObject({ name: 'createNote', v: 1, args: { id, customerId: customer.id, kind: 'phone', text: 'Angebot besprochen' } })
  })

  it('refuses invalid input with German messages and stores nothing', async () => {
    const customer = await device()
    const empty = await createNote(db, { customerId: customer.id, kind: 'memo', occurredAt: '2026-03-12T14:05:00Z', text: '  ' }).catch((e: unknown) => e)
    expect((empty as MutationArgsError).issues).toEqual([{ path: 'text', message: 'Bitte einen Text eingeben.' }])
    const memoWithDirection = await createNote(db, { customerId: customer.id, kind: 'memo', direction: 'inbound', occurredAt: '2026-03-12T14:05:00Z', text: 'x' }).catch((e: unknown) => e)
    expect((memoWithDirection as MutationArgsError).issues).toEqual([{ path: 'direction', message: 'Nur Telefonnotizen haben eine Richtung.' }])
    const negative = await createNote(db, { customerId: customer.id, kind: 'phone', occurredAt: '2026-03-12T14:05:00Z', durationMinutes: -1, text: 'x' }).catch((e: unknown) => e)
    expect((negative as MutationArgsError).issues).toEqual([{ path: 'durationMinutes', message: 'Die Dauer kann nicht negativ sein.' }])
    expect(await db.notes.count()).toBe(0)
    expect(await outbox()).toEqual([])
  })
})

describe('author rules on the device', () => {
  it('lets the author edit with base values; a new follow-up date opens a done follow-up again', async () => {
    const customer = await device()
    const { id } = await createNote(db, { customerId: customer.id, kind: 'phone', direction: 'inbound', occurredAt: '2026-03-12T14:05:00Z', text: 'Erst', followUpOn: '2026-03-19' })
    await completeFollowUp(db, id, true)
    expect((await db.notes.get(id))?.followUpDoneAt).not.toBeNull()

    await updateNote(db, id, { kind: 'memo', direction: null, text: 'Dann', followUpOn: '2026-04-01' })
    expect((await outbox())[2]!.args).toEqual({
      id,
      changes: {
        kind: { from: 'phone', to: 'memo' },
        direction: { from: 'inbound', to: null },
        text: { from: 'Erst', to: 'Dann' },
        followUpOn: { from: '2026-03-19', to: '2026-04-01' },
      },
    })
    expect(await db.notes.get(id)).toMatchObject({ kind: 'memo', direction: null, text: 'Dann', followUpOn: '2026-04-01', followUpDoneAt: null })
    expect(await updateNote(db, id, { text: ' Dann ' })).toBeNull()
  })

  it('keeps other people’s notes read-only: no edit, no delete, nothing stored', async () => {
    const customer = await device()
    const note = othersNote(customer.id)
    await db.notes.put(toLocal('notes', { ...note }) as never)
    const edit = await updateNote(db, note.id, { text: 'Überschrieben' }).catch((e: unknown) => e)
    expect(edit).toBeInstanceOf(MutationArgsError)
    expect((edit as MutationArgsError).message).toContain('Nur die Verfasserin oder der Verfasser')
    const del = await deleteNote(db, note.id).catch((e: unknown) => e)
    expect(del).toBeInstanceOf(MutationArgsError)
    expect(await db.notes.get(note.id)).toEqual(note)
    expect(await outbox()).toEqual([])
  })

  it('lets the author delete; a pending edit replayed afterwards changes nothing (delete wins)', async () => {
    const customer = await device()
    const { id } = await createNote(db, { customerId: customer.id, kind: 'memo', occurredAt: '2026-03-12T14:05:00Z', text: 'Weg damit' })
    await updateNote(db, id, { text: 'Geändert' })
    await deleteNote(db, id)
    expect(await db.notes.get(id)).toBeUndefined()
    await expect(replay(db, (await outbox()).filter((e) => e.name !== 'createNote'))).resolves.toBeUndefined()
    expect(await db.notes.get(id)).toBeUndefined()
  })
})

describe('completeFollowUp on the device', () => {
  it('marks done and open again, keeping the first completion time', async () => {
    const customer = await device()
    const note = othersNote(customer.id, { assigneeId: db.userId })
    await db.notes.put(toLocal('notes', { ...note }) as never)
    await completeFollowUp(db, note.id, true)
    const doneAt = (await db.notes.get(note.id))?.followUpDoneAt
    expect(doneAt).toEqual(expect.any(String))
    await mutate(db, 'completeFollowUp', { id: note.id, done: true })
    expect((await db.notes.get(note.id))?.followUpDoneAt).toBe(doneAt)
    await completeFollowUp(db, note.id, false)
    expect((await db.notes.get(note.id))?.followUpDoneAt).toBeNull()
  })

  it('refuses a note without follow-up and restores the server’s row when the server refuses', async () => {
    const customer = await device()
    const plain = othersNote(customer.id, { followUpOn: null })
    const followUp = othersNote(customer.id)
    await db.notes.bulkPut([toLocal('notes', { ...plain }), toLocal('notes', { ...followUp })] as never)
    const error = await completeFollowUp(db, plain.id, true).catch((e: unknown) => e)
    expect((error as MutationArgsError).issues).toEqual([{ path: 'id', message: 'Diese Notiz hat keine Wiedervorlage.' }])

    const { seq } = await completeFollowUp(db, followUp.id, true)
    expect((await db.notes.get(followUp.id))?.followUpDoneAt).not.toBeNull()
    await reject(seq)
    expect(await db.notes.get(followUp.id)).toEqual(followUp)
  })
})
