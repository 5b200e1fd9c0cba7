import { beforeEach, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { uuidv7 } from '../../shared/ids'
import type { CustomerFile, FollowUpItem } from '../../shared/schemas'
import { customerFieldHistory, notes } from '../../server/src/db/schema'
import { deviceOf, getJson, makeWorld, newCustomer, ok, rejected, type Person, type World } from '../support/customer-file'

let w: World
beforeEach(async () => {
  w = await makeWorld()
})

const phoneNote = (customerId: string, extra: Record<string, unknown> = {}) => ({
  id: uuidv7(),
  customerId,
  kind: 'phone',
  direction: 'outbound',
  occurredAt: '2026-03-12T10:15:00+01:00',
  durationMinutes: 12,
  subject: 'Rückruf Hausrat',
  text: 'Kunde wünscht ein Angebot für die Hausratversicherung.',
  ...extra,
})
const noteRow = (id: string) => w.t.db.select().from(notes).where(eq(notes.id, id)).get()!

async function followUps(who: Person, query = ''): Promise<FollowUpItem[]> {
  const res = await getJson<{ items: FollowUpItem[] }>(w.t, who, `/api/follow-ups${query}`)
  expect(res.status).toBe(200)
  return res.body.items
}

describe('createNote', () => {
  it('stores a phone note with direction and duration for the customer’s rep, on the device too', async () => {
    const c = await newCustomer(w.t, w.rep)
    const args = phoneNote(c, { followUpOn: '2026-03-20' })
    await ok(w.t, w.rep, 'createNote', args)
    expect(noteRow(args.id)).toMatchObject({
      kind: 'phone',
      direction: 'outbound',
      occurredAt: '2026-03-12T09:15:00.000Z',
      durationMinutes: 12,
      followUpOn: '2026-03-20',
      assigneeId: null,
      authorId: w.rep.id,
      ownerRepId: w.rep.id,
    })
    const device = deviceOf(w.t, w.rep)
    await device.pullAll()
    expect(device.table('notes').get(args.id)).toMatchObject({ subject: 'Rückruf Hausrat', authorName: 'Rainer Vermittler' })
  })

  it('rejects a direction on a memo, an empty text, an id taken before, and an assignee who cannot see the customer', async () => {
    const c = await newCustomer(w.t, w.rep)
    await rejected(w.t, w.rep, 'createNote', phoneNote(c, { kind: 'memo' }), 'VALIDATION')
    await rejected(w.t, w.rep, 'createNote', phoneNote(c, { text: '  ' }), 'VALIDATION')
    const first = phoneNote(c)
    await ok(w.t, w.rep, 'createNote', first)
    await rejected(w.t, w.rep, 'createNote', { ...first, text: 'anders' }, 'ID_TAKEN')
    await rejected(w.t, w.rep, 'createNote', phoneNote(c, { followUpOn: '2026-03-20', assigneeId: w.stranger.id }), 'INVALID_ASSIGNEE')
    await rejected(w.t, w.rep, 'createNote', phoneNote(c, { followUpOn: '2026-03-20', assigneeId: w.otherOffice.id }), 'INVALID_ASSIGNEE')
    expect(w.t.db.select().from(notes).all()).toHaveLength(1)
  })

  it('accepts as assignee the upline (read access), the branch’s back office and an admin', async () => {
    const c = await newCustomer(w.t, w.rep)
    for (const who of [w.manager, w.office, w.admin]) await ok(w.t, w.rep, 'createNote', phoneNote(c, { followUpOn: '2026-03-20', assigneeId: who.id }))
    expect(w.t.db.select().from(notes).all()).toHaveLength(3)
  })

  it('is quarantined NOT_FOUND for a rep of another structure and for the upline with read access only', async () => {
    const c = await newCustomer(w.t, w.rep)
    await rejected(w.t, w.stranger, 'createNote', phoneNote(c), 'NOT_FOUND')
    await rejected(w.t, w.manager, 'createNote', phoneNote(c), 'NOT_FOUND')
    expect(w.t.db.select().from(notes).all()).toHaveLength(0)
  })
})

describe('updateNote and deleteNote', () => {
  it('let only the author edit and delete: back office of the branch gets NOT_AUTHOR, others NOT_FOUND', async () => {
    const c = await newCustomer(w.t, w.rep)
    const n = phoneNote(c)
    await ok(w.t, w.rep, 'createNote', n)
    const change = { id: n.id, changes: { text: { from: n.text, to: 'Überschrieben' } } }
    await rejected(w.t, w.office, 'updateNote', change, 'NOT_AUTHOR')
    await rejected(w.t, w.office, 'deleteNote', { id: n.id }, 'NOT_AUTHOR')
    await rejected(w.t, w.manager, 'updateNote', change, 'NOT_FOUND')
    await rejected(w.t, w.stranger, 'deleteNote', { id: n.id }, 'NOT_FOUND')
    expect(noteRow(n.id)).toMatchObject({ text: n.text, deletedAt: null })

    // Back office writes its own note; the rep cannot change it either.
    const memo = { id: uuidv7(), customerId: c, kind: 'memo', occurredAt: '2026-03-12T11:00:00Z', text: 'Unterlagen angefordert' }
    await ok(w.t, w.office, 'createNote', memo)
    await rejected(w.t, w.rep, 'updateNote', { id: memo.id, changes: { text: { from: memo.text, to: 'x' } } }, 'NOT_AUTHOR')
    await rejected(w.t, w.rep, 'deleteNote', { id: memo.id }, 'NOT_AUTHOR')
  })

  it('applies the author’s field patches, last arrival wins, the losing value stays in the history', async () => {
    const c = await newCustomer(w.t, w.rep)
    const n = phoneNote(c)
    await ok(w.t, w.rep, 'createNote', n)
    await ok(w.t, w.rep, 'updateNote', { id: n.id, changes: { subject: { from: n.subject, to: 'Hausrat und Haftpflicht' }, durationMinutes: { from: 12, to: 20 } } })
    // A second device of the author edited the subject from the original value while offline.
    const second = deviceOf(w.t, { ...w.rep, cookie: w.rep.cookie + '; x=1' })
    await second.push([second.mutation('updateNote', { id: n.id, changes: { subject: { from: n.subject, to: 'Nur Hausrat' } } })])
    expect(noteRow(n.id)).toMatchObject({ subject: 'Nur Hausrat', durationMinutes: 20 })
    const subjectHistory = w.t.db
      .select()
      .from(customerFieldHistory)
      .where(and(eq(customerFieldHistory.entityId, n.id), eq(customerFieldHistory.field, 'subject')))
      .all()
    expect(subjectHistory.map((h) => [h.entity, h.oldValue, h.newValue, h.overwritten])).toEqual([
      ['note', 'Rückruf Hausrat', 'Hausrat und Haftpflicht', false],
      ['note', 'Hausrat und Haftpflicht', 'Nur Hausrat', true],
    ])
  })

  it('lets a delete win over a later edit (NOTE_DELETED) and keeps the content server-side', async () => {
    const c = await newCustomer(w.t, w.rep)
    const n = phoneNote(c)
    await ok(w.t, w.rep, 'createNote', n)
    await ok(w.t, w.rep, 'deleteNote', { id: n.id })
    await rejected(w.t, w.rep, 'updateNote', { id: n.id, changes: { text: { from: n.text, to: 'Später bearbeitet' } } }, 'NOTE_DELETED')
    expect(noteRow(n.id)).toMatchObject({ text: n.text, deletedAt: expect.any(String) })
    const device = deviceOf(w.t, w.rep)
    await device.pullAll()
    expect(device.table('notes').has(n.id)).toBe(false)
    expect((await getJson<CustomerFile>(w.t, w.office, `/api/customers/${c}/file`)).body.notes).toEqual([])
  })

  it('clears the call direction when a phone note becomes a memo, and rejects a direction on a memo', async () => {
    const c = await newCustomer(w.t, w.rep)
    const n = phoneNote(c)
    await ok(w.t, w.rep, 'createNote', n)
    await ok(w.t, w.rep, 'updateNote', { id: n.id, changes: { kind: { from: 'phone', to: 'memo' } } })
    expect(noteRow(n.id)).toMatchObject({ kind: 'memo', direction: null })
    await rejected(w.t, w.rep, 'updateNote', { id: n.id, changes: { direction: { from: null, to: 'inbound' } } }, 'VALIDATION')
  })
})

describe('completeFollowUp', () => {
  it('may be done by the assignee (an upline with read access), the author, or back office with write access', async () => {
    const c = await newCustomer(w.t, w.rep)
    const n = phoneNote(c, { followUpOn: '2026-03-12', assigneeId: w.manager.id })
    await ok(w.t, w.rep, 'createNote', n)
    await ok(w.t, w.manager, 'completeFollowUp', { id: n.id, done: true })
    expect(noteRow(n.id).followUpDoneAt).toBe('2026-03-12T09:00:00.000Z')
    await ok(w.t, w.rep, 'completeFollowUp', { id: n.id, done: false })
    expect(noteRow(n.id).followUpDoneAt).toBeNull()
    await ok(w.t, w.office, 'completeFollowUp', { id: n.id, done: true })
    expect(noteRow(n.id).followUpDoneAt).not.toBeNull()
  })

  it('is refused to a reader who is neither author nor assignee (FORBIDDEN) and outside the scope (NOT_FOUND)', async () => {
    const c = await newCustomer(w.t, w.rep)
    const n = phoneNote(c, { followUpOn: '2026-03-12' })
    await ok(w.t, w.rep, 'createNote', n)
    await rejected(w.t, w.manager, 'completeFollowUp', { id: n.id, done: true }, 'FORBIDDEN')
    await rejected(w.t, w.stranger, 'completeFollowUp', { id: n.id, done: true }, 'NOT_FOUND')
    await rejected(w.t, w.otherOffice, 'completeFollowUp', { id: n.id, done: true }, 'NOT_FOUND')
    expect(noteRow(n.id).followUpDoneAt).toBeNull()
  })
})

describe('GET /api/follow-ups', () => {
  async function seedFollowUps() {
    const c = await newCustomer(w.t, w.rep, { firstName: 'Frieda', lastName: 'Folge' })
    const dates = { overdue: '2026-03-10', today: '2026-03-12', upcoming: '2026-03-13', done: '2026-03-11' }
    const ids: Record<string, string> = {}
    for (const [key, followUpOn] of Object.entries(dates)) {
      const n = phoneNote(c, { followUpOn, subject: key })
      ids[key] = n.id
      await ok(w.t, w.rep, 'createNote', n)
    }
    await ok(w.t, w.rep, 'completeFollowUp', { id: ids.done, done: true })
    // Not the rep's: assigned to back office.
    await ok(w.t, w.rep, 'createNote', phoneNote(c, { followUpOn: '2026-03-12', subject: 'office', assigneeId: w.office.id }))
    // Without follow-up.
    await ok(w.t, w.rep, 'createNote', phoneNote(c, { subject: 'plain' }))
    return { c, ids }
  }

  it('lists the caller’s open follow-ups, overdue first, with buckets from the Berlin business date', async () => {
    await seedFollowUps()
    const items = await followUps(w.rep)
    expect(items.map((i) => [i.subject, i.bucket])).toEqual([
      ['overdue', 'overdue'],
      ['today', 'today'],
      ['upcoming', 'upcoming'],
    ])
    expect(items[0]).toMatchObject({ customerName: 'Frieda Folge', customerNo: expect.stringMatching(/^K-/) })
    expect((await followUps(w.rep, '?bucket=today')).map((i) => i.subject)).toEqual(['today'])
    expect((await followUps(w.office)).map((i) => i.subject)).toEqual(['office'])

    // 23:30 UTC on the 12th is already the 13th in Berlin: "today" moves to overdue.
    w.t.clock.set('2026-03-12T23:30:00Z')
    expect((await followUps(w.rep)).map((i) => [i.subject, i.bucket])).toEqual([
      ['overdue', 'overdue'],
      ['today', 'overdue'],
      ['upcoming', 'today'],
    ])
  })

  it('shows back office all open follow-ups of its branches with assignee=all, and refuses that to reps', async () => {
    await seedFollowUps()
    expect((await followUps(w.office, '?assignee=all')).map((i) => i.subject)).toEqual(['overdue', 'today', 'office', 'upcoming'])
    expect(await followUps(w.otherOffice, '?assignee=all')).toEqual([])
    expect((await getJson(w.t, w.rep, '/api/follow-ups?assignee=all')).status).toBe(403)
    expect((await getJson(w.t, w.rep, '/api/follow-ups?bucket=someday')).status).toBe(400)
  })

  it('never lists a customer outside the caller’s scope, even the caller’s own note after a reassignment', async () => {
    const { c } = await seedFollowUps()
    const memo = { id: uuidv7(), customerId: c, kind: 'memo', occurredAt: '2026-03-12T08:00:00Z', text: 'Rückfrage Innendienst', followUpOn: '2026-03-12' }
    await ok(w.t, w.office, 'createNote', memo)
    expect((await followUps(w.office)).map((i) => i.id)).toContain(memo.id)
    await ok(w.t, w.admin, 'reassignCustomer', { id: c, ownerRepId: w.stranger.id })
    expect(await followUps(w.office)).toEqual([])
    expect(await followUps(w.rep)).toEqual([])
    expect(await followUps(w.office, '?assignee=all')).toEqual([])
  })

  it('answers 401 to anonymous callers', async () => {
    expect((await getJson(w.t, null, '/api/follow-ups')).status).toBe(401)
  })
})
