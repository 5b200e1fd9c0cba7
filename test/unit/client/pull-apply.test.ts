import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import type { CustomerRow } from '../../../shared/schemas/customers'
import type { NoteRow } from '../../../shared/schemas/notes'
import type { RelationTypeRow } from '../../../shared/schemas/household'
import type { PatchOp, PullResponse } from '../../../shared/schemas/sync'
import { getMeta, openUserDb } from '../../../client/src/db'
import { SyncEngine, type SyncTransport } from '../../../client/src/sync'
import { TransientError } from '../../../client/src/sync/errors'
import { serverCustomerRow } from './fake-server'

const row = (id: string, lastName: string, more: Partial<CustomerRow> = {}): CustomerRow =>
  serverCustomerRow({ id, firstName: 'Test', lastName, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...more })
const [AUTHOR, OWNER] = [uuidv7(), uuidv7()]
const note = (id: string, customerId: string, text: string): NoteRow => ({
  id,
  customerId,
  kind: 'phone',
  direction: 'outbound',
  occurredAt: '2026-01-02T10:00:00.000Z',
  durationMinutes: 5,
  subject: 'Rückruf',
  text,
  followUpOn: '2026-01-09',
  assigneeId: null,
  followUpDoneAt: null,
  authorId: AUTHOR,
  authorName: 'Rita Rep',
  ownerRepId: OWNER,
  createdAt: '2026-01-02T10:00:00.000Z',
  updatedAt: '2026-01-02T10:00:00.000Z',
})
const relationType = (code: string, name: string, reverseCode: string): RelationTypeRow => ({ code, name, reverseCode, household: true, sort: 1 })

const put = (r: CustomerRow): PatchOp => ({ op: 'put', table: 'customers', id: r.id, row: { ...r } })
const putIn = (table: string, id: string, r: object): PatchOp => ({ op: 'put', table, id, row: { ...r } })
const del = (id: string, table = 'customers'): PatchOp => ({ op: 'del', table, id })

/** A server that answers each pull with the next prepared patch. */
function scripted(patches: PatchOp[][]): SyncTransport {
  let cookie = 0
  return {
    push: async () => ({ lastSeq: 0, results: [] }),
    pull: async (): Promise<PullResponse> => ({ cookie: `c${++cookie}`, lastSeq: 0, more: cookie < patches.length, patch: patches[cookie - 1] ?? [] }),
  }
}

describe('applying a pull page', () => {
  it('applies puts and deletes in patch order, in bulk, with search words and name key', async () => {
    const db = await openUserDb(uuidv7(), { storage: null })
    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()]
    const many = Array.from({ length: 300 }, (_, i) => row(uuidv7(), `Massen ${i}`))
    const engine = new SyncEngine({
      db,
      storage: null,
      locks: null,
      transport: scripted([
        [{ op: 'clear' }, put(row(a, 'Alt')), put(row(b, 'Bleibt', { customerNo: 'K-000042', addresses: [{ type: 'home', street: 'Hauptstr. 1', zip: '50667', city: 'Köln', country: 'DE' }] })), del(a), put(row(c, 'Kurz')), ...many.map(put), del(c), put(row(a, 'Neu'))],
        [del(many[0]!.id)],
      ]),
    })
    const report = await engine.syncOnce()
    expect(report).toMatchObject({ ok: true, complete: true, pulledPages: 2 })
    expect((await db.customers.get(a))?.lastName).toBe('Neu')
    expect(await db.customers.get(c)).toBeUndefined()
    expect(await db.customers.get(many[0]!.id)).toBeUndefined()
    expect(await db.customers.count()).toBe(2 + 299)
    const stored = await db.customers.get(b)
    expect(stored?.words).toEqual(expect.arrayContaining(['bleibt', 'koeln', 'k-000042']))
    expect(stored?.nameKey).toBe('bleibt\u0000test')
    expect(stored?.addresses).toEqual([{ type: 'home', street: 'Hauptstr. 1', zip: '50667', city: 'Köln', country: 'DE' }])
    db.close()
  })

  it('applies one patch over several tables (customers, notes, relation types) and ignores tables it does not know', async () => {
    const db = await openUserDb(uuidv7(), { storage: null })
    const [c1, c2, n1, n2] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()]
    const engine = new SyncEngine({
      db,
      storage: null,
      locks: null,
      transport: scripted([
        [
          { op: 'clear' },
          putIn('relationTypes', 'spouse', relationType('spouse', 'Ehepartner', 'spouse')),
          putIn('relationTypes', 'child', relationType('child', 'Kind', 'parent')),
          put(row(c1, 'Eins')),
          put(row(c2, 'Zwei')),
          putIn('notes', n1, note(n1, c1, 'Erste Notiz')),
          putIn('notes', n2, note(n2, c2, 'Zweite Notiz')),
          putIn('contracts', 'v1', { id: 'v1', customerId: c1 }),
        ],
        [del(n2, 'notes'), del(c2), putIn('notes', n1, note(n1, c1, 'Geändert')), putIn('relationTypes', 'child', relationType('child', 'Kind (leiblich)', 'parent')), del('spouse', 'relationTypes')],
      ]),
    })
    expect(await engine.syncOnce()).toMatchObject({ ok: true, complete: true, pulledPages: 2 })
    expect((await db.customers.toArray()).map((c) => c.id)).toEqual([c1])
    expect(await db.notes.toArray()).toEqual([note(n1, c1, 'Geändert')])
    expect(await db.relationTypes.toArray()).toEqual([relationType('child', 'Kind (leiblich)', 'parent')])
    expect(db.tables.map((t) => t.name)).not.toContain('contracts')
    db.close()
  })

  it('empties every synced table on a clear, and calls the device complete only after the last page', async () => {
    const db = await openUserDb(uuidv7(), { storage: null })
    const [c1, c2, n1, n2] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()]
    let page = 0
    const pages: PatchOp[][] = [
      [{ op: 'clear' }, putIn('relationTypes', 'spouse', relationType('spouse', 'Ehepartner', 'spouse')), put(row(c1, 'Alt')), putIn('notes', n1, note(n1, c1, 'Alt'))],
      // Later the server no longer knows the cookie: it starts over; the old rows of every table go.
      [{ op: 'clear' }, putIn('relationTypes', 'child', relationType('child', 'Kind', 'parent')), put(row(c2, 'Neu'))],
      [putIn('notes', n2, note(n2, c2, 'Neu'))],
    ]
    const transport: SyncTransport = {
      push: async () => ({ lastSeq: 0, results: [] }),
      pull: async (): Promise<PullResponse> => {
        const patch = pages[page++] ?? []
        return { cookie: `c${page}`, lastSeq: 0, more: page === 2, patch }
      },
    }
    const engine = new SyncEngine({ db, storage: null, locks: null, transport })
    expect(await engine.syncOnce()).toMatchObject({ ok: true, complete: true, pulledPages: 1 })
    expect(await db.notes.count()).toBe(1)
    expect(await getMeta(db, 'initialSyncComplete')).toBe(true)

    // The resync's first page arrives, the second is lost: the device is not complete and holds nothing old.
    let lost = false
    const failing: SyncTransport = {
      push: transport.push,
      pull: async (req) => {
        if (page === 2 && !lost) {
          lost = true
          throw new TransientError('offline')
        }
        return transport.pull(req)
      },
    }
    const cut = new SyncEngine({ db, storage: null, locks: null, transport: failing })
    const first = await cut.syncOnce()
    expect(first).toMatchObject({ ok: false, complete: false, pulledPages: 1 })
    expect(await getMeta(db, 'initialSyncComplete')).toBe(false)
    expect((await db.customers.toArray()).map((c) => c.id)).toEqual([c2])
    expect(await db.notes.count()).toBe(0)
    expect((await db.relationTypes.toArray()).map((t) => t.code)).toEqual(['child'])

    expect(await cut.syncOnce()).toMatchObject({ ok: true, complete: true })
    expect((await db.notes.toArray()).map((n) => n.id)).toEqual([n2])
    expect(await getMeta(db, 'initialSyncComplete')).toBe(true)
    db.close()
  })
})
