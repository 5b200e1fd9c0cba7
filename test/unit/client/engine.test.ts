import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import { dbNameFor, getMeta, openUserDb, resetDeviceIdentity, setMeta } from '../../../client/src/db'
import { createCustomer, mutate, updateCustomer } from '../../../client/src/mutators'
import { SyncEngine, type LockManagerLike } from '../../../client/src/sync'
import { writeRawMutation } from '../../support/simulation'
import { FaultyTransport } from './fake-server'
import { setup, tick, until } from './harness'

const allDelivered = (t: FaultyTransport[]) => t.flatMap((x) => x.delivered.flat()).sort((a, b) => a - b)
const effectCounts = (h: { server: { effects: Map<string, number> } }) => [...h.server.effects.values()]
const home = (city: string, zip = '50667') => ({ type: 'home' as const, street: '', zip, city, country: 'DE' })
const mobile = (number: string) => ({ type: 'mobile' as const, number })

describe('push and pull', () => {
  it('uploads offline changes, confirms the rows and marks the device complete', async () => {
    const h = await setup()
    const a = await createCustomer(h.db, { firstName: 'Erika', lastName: 'Mustermann' })
    await updateCustomer(h.db, a.id, { addresses: [home('Köln')] })
    expect((await h.db.customers.get(a.id))?.customerNo).toBeNull()
    const report = await h.engine.syncOnce()
    expect(report).toMatchObject({ ok: true, applied: 2, quarantined: 0, complete: true, error: null })
    expect(await h.db.outbox.count()).toBe(0)
    expect(h.server.customers.get(a.id)?.row).toMatchObject({ lastName: 'Mustermann', addresses: [home('Köln')] })
    // The row is now the server's, including what only the server knows.
    const row = await h.db.customers.get(a.id)
    expect(row).toMatchObject({ addresses: [home('Köln')], branchId: 'filiale-1', customerNo: 'K-000001' })
    expect(row?.words).toContain('k-000001')
    expect(row?.pending).toBeUndefined()
    expect(await getMeta(h.db, 'initialSyncComplete')).toBe(true)
    expect(await getMeta(h.db, 'lastSyncAt')).toEqual(expect.any(String))
    expect(h.engine.state).toMatchObject({ syncing: false, lastError: null, problem: null })
  })

  it('sends the outbox in seq order and in batches', async () => {
    const h = await setup({ batchSize: 2 })
    for (let i = 0; i < 5; i++) await createCustomer(h.db, { firstName: 'K', lastName: `Nr ${i}` })
    await h.engine.syncOnce()
    expect(h.transport.delivered).toEqual([[1, 2], [3, 4], [5]])
    expect(h.server.appliedOrder.get(h.db.device!.clientId)).toEqual([1, 2, 3, 4, 5])
  })

  it('keeps entries the server did not answer and sends them again', async () => {
    const h = await setup()
    h.server.maxPerPush = 2
    for (let i = 0; i < 5; i++) await createCustomer(h.db, { firstName: 'K', lastName: `Nr ${i}` })
    expect((await h.engine.syncOnce()).ok).toBe(true)
    expect(h.transport.delivered).toEqual([
      [1, 2, 3, 4, 5],
      [3, 4, 5],
      [5],
    ])
    expect(h.server.customers.size).toBe(5)
    expect(await h.db.outbox.count()).toBe(0)
  })

  it('pulls rows another device created and deletes rows that left the scope', async () => {
    const h = await setup()
    const [keep, gone] = h.server.seed(2)
    await h.engine.syncOnce()
    expect(await h.db.customers.count()).toBe(2)
    h.server.remove(gone!.id)
    h.server.edit(keep!.id, { addresses: [home('Bonn', '53111')] })
    await h.engine.syncOnce()
    expect(await h.db.customers.get(gone!.id)).toBeUndefined()
    expect((await h.db.customers.get(keep!.id))?.addresses).toEqual([home('Bonn', '53111')])
  })

  it('includes writes made during a round in one follow-up round', async () => {
    const h = await setup()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    h.transport.delay = () => gate
    await createCustomer(h.db, { firstName: 'A', lastName: 'Eins' })
    const first = h.engine.syncOnce()
    await until(() => h.transport.calls.push === 1) // the first round is waiting for its answer
    await createCustomer(h.db, { firstName: 'B', lastName: 'Zwei' })
    const second = h.engine.syncOnce()
    const third = h.engine.syncOnce()
    expect(third).toBe(second)
    release()
    await Promise.all([first, second])
    expect(h.transport.delivered).toEqual([[1], [2]])
    expect(await h.db.outbox.count()).toBe(0)
  })
})

describe('exactly once under faults', () => {
  it.each(['drop-request', 'drop-response'] as const)('converges after %s: one effect, outbox empty (T1, T2)', async (fault) => {
    const h = await setup()
    const a = await createCustomer(h.db, { firstName: 'Erika', lastName: 'Mustermann' })
    h.transport.pushFaults.push(fault)
    const failed = await h.engine.syncOnce()
    expect(failed.ok).toBe(false)
    expect(failed.error?.kind).toBe('offline')
    expect(await h.db.outbox.count()).toBe(1)
    expect(h.server.lastSeq(h.db.device!.clientId)).toBe(fault === 'drop-response' ? 1 : 0)

    const retried = await h.engine.syncOnce()
    expect(retried.ok).toBe(true)
    expect(await h.db.outbox.count()).toBe(0)
    expect(h.server.effects.get(a.mutationId)).toBe(1)
    expect([...h.server.customers.keys()]).toEqual([a.id])
  })

  it('answers a resend after a lost response with the stored result, also for a rejection (T1)', async () => {
    const h = await setup()
    h.server.poison = (m) => ((m.args as { lastName?: string }).lastName === 'Gift' ? 'VALIDATION' : null)
    await createCustomer(h.db, { firstName: 'Erika', lastName: 'Gift' })
    h.transport.pushFaults.push('drop-response')
    await h.engine.syncOnce()
    await h.engine.syncOnce()
    expect(h.server.quarantine).toHaveLength(1)
    expect(await h.db.quarantine.count()).toBe(1)
    expect((await h.db.quarantine.toArray())[0]).toMatchObject({ seq: 1, code: 'VALIDATION' })
  })

  it('applies a duplicated delivery once (T3)', async () => {
    const h = await setup()
    await createCustomer(h.db, { firstName: 'Erika', lastName: 'Mustermann' })
    await createCustomer(h.db, { firstName: 'Max', lastName: 'Muster' })
    h.transport.pushFaults.push('duplicate')
    expect((await h.engine.syncOnce()).ok).toBe(true)
    expect(h.transport.delivered).toEqual([
      [1, 2],
      [1, 2],
    ])
    expect(effectCounts(h)).toEqual([1, 1])
    expect(h.server.customers.size).toBe(2)
  })

  it('never pushes the same entry twice when two tabs sync the same database at once (T3)', async () => {
    const h = await setup()
    const tab2 = await h.secondEngine()
    for (let i = 0; i < 3; i++) await createCustomer(h.db, { firstName: 'K', lastName: `Nr ${i}` })
    for (const t of [h.transport, tab2.transport]) t.delay = () => tick(10)
    const reports = await Promise.all([h.engine.syncOnce(), tab2.engine.syncOnce(), h.engine.syncOnce(), tab2.engine.syncOnce()])
    expect(reports.every((r) => r.ok)).toBe(true)
    expect(allDelivered([h.transport, tab2.transport])).toEqual([1, 2, 3])
    expect(effectCounts(h)).toEqual([1, 1, 1])
    expect(await h.db.outbox.count()).toBe(0)
    tab2.db.close()
  })

  it('holds the Web Lock named after the user while syncing', async () => {
    const requested: string[] = []
    let held = 0
    let maxHeld = 0
    let chain: Promise<unknown> = Promise.resolve()
    const locks: LockManagerLike = {
      request<T>(name: string, callback: (lock: unknown) => Promise<T>): Promise<T> {
        requested.push(name)
        const run = chain.then(async () => {
          held++
          maxHeld = Math.max(maxHeld, held)
          try {
            return await callback({ name })
          } finally {
            held--
          }
        })
        chain = run.catch(() => undefined)
        return run
      },
    }
    const h = await setup({ locks })
    const tab2 = await h.secondEngine({ locks })
    await createCustomer(h.db, { firstName: 'Erika', lastName: 'Mustermann' })
    h.transport.delay = () => tick(5)
    await Promise.all([h.engine.syncOnce(), tab2.engine.syncOnce()])
    expect(requested).toEqual([`feldakte-sync-${h.userId}`, `feldakte-sync-${h.userId}`])
    expect(maxHeld).toBe(1)
    expect(allDelivered([h.transport, tab2.transport])).toEqual([1])
    tab2.db.close()
  })

  it('resends from its oldest entry when the server reports a gap it can close (T4)', async () => {
    const h = await setup()
    for (let i = 0; i < 5; i++) await createCustomer(h.db, { firstName: 'K', lastName: `Nr ${i}` })
    const clientId = h.db.device!.clientId
    // A racing request (an old tab without the lock) already brought seqs 1–3 to the server.
    const early = await h.db.outbox.where('seq').belowOrEqual(3).toArray()
    h.server.push({ clientId, schemaVersion: 1, mutations: early.map(({ seq, id, name, v, args }) => ({ seq, id, name, v, args })) })
    h.transport.pushFaults.push({ gap: 3 })
    const report = await h.engine.syncOnce()
    expect(report.ok).toBe(true)
    expect(h.transport.calls.push).toBe(2)
    expect(h.server.appliedOrder.get(clientId)).toEqual([1, 2, 3, 4, 5])
    expect(effectCounts(h)).toEqual([1, 1, 1, 1, 1])
    expect(await h.db.outbox.count()).toBe(0)
  })

  it('stops with an error instead of looping when the server misses seqs the device no longer has (T4)', async () => {
    const h = await setup()
    for (let i = 0; i < 4; i++) await createCustomer(h.db, { firstName: 'K', lastName: `Nr ${i}` })
    await h.db.outbox.bulkDelete([1, 2]) // lost on the device without the server ever seeing them
    const report = await h.engine.syncOnce()
    expect(report.ok).toBe(false)
    expect(report.error).toMatchObject({ kind: 'outbox-gap' })
    expect(h.engine.state.lastError?.message).toContain('fehlen')
    expect(h.transport.calls.push).toBe(1)
    expect(h.transport.calls.pull).toBe(0)
    expect((await h.db.outbox.toArray()).map((e) => e.seq)).toEqual([3, 4])
    expect(h.server.effects.size).toBe(0)

    // Support action: the remaining entries go out again under a new client id, numbered from 1.
    const oldClientId = h.db.device!.clientId
    const newClientId = await resetDeviceIdentity(h.db, h.storage)
    expect(newClientId).not.toBe(oldClientId)
    expect((await h.db.outbox.toArray()).map((e) => e.seq)).toEqual([1, 2])
    expect(await getMeta(h.db, 'nextSeq')).toBe(3)
    expect((await h.engine.syncOnce()).ok).toBe(true)
    expect(h.server.appliedOrder.get(newClientId)).toEqual([1, 2])
    expect(effectCounts(h)).toEqual([1, 1])
  })

  it('does not apply an already acknowledged mutation twice after cleanup was lost (T6)', async () => {
    const h = await setup()
    const [c] = h.server.seed(1, { phones: [mobile('0171 111')] })
    await h.engine.syncOnce()
    const mine = await updateCustomer(h.db, c!.id, { phones: [mobile('0171 222')] })
    const clientId = h.db.device!.clientId
    // The server applied and acknowledged it; the page died before the outbox cleanup.
    const [entry] = await h.db.outbox.toArray()
    h.server.push({ clientId, schemaVersion: 1, mutations: [{ seq: entry!.seq, id: entry!.id, name: entry!.name, v: entry!.v, args: entry!.args }] })
    // Afterwards another device changed the same field.
    h.server.edit(c!.id, { phones: [mobile('0171 333')] })

    expect((await h.engine.pull()).ok).toBe(true)
    // The server's lastSeq covers our entry: its effect is in the pulled row and is not replayed on top.
    expect((await h.db.customers.get(c!.id))?.phones).toEqual([mobile('0171 333')])
    expect(await h.db.outbox.count()).toBe(1)

    expect((await h.engine.syncOnce()).ok).toBe(true)
    expect(h.server.effects.get(mine!.mutationId)).toBe(1)
    expect(await h.db.outbox.count()).toBe(0)
    expect((await h.db.customers.get(c!.id))?.phones).toEqual([mobile('0171 333')])
  })

  it('quarantines a poison mutation with its payload and applies the valid ones after it (T7)', async () => {
    const h = await setup()
    h.server.poison = (m) => ((m.args as { lastName?: string }).lastName === 'Gift' ? 'FORBIDDEN' : null)
    const before = await createCustomer(h.db, { firstName: 'A', lastName: 'Vorher' })
    const poison = await createCustomer(h.db, { firstName: 'B', lastName: 'Gift', addresses: [{ type: 'home', zip: '50667', city: 'Köln' }] })
    const after = await createCustomer(h.db, { firstName: 'C', lastName: 'Nachher' })
    await updateCustomer(h.db, after.id, { addresses: [home('Bonn', '53111')] })

    const report = await h.engine.syncOnce()
    expect(report).toMatchObject({ ok: true, applied: 3, quarantined: 1 })
    expect(await h.db.outbox.count()).toBe(0)
    const quarantined = await h.db.quarantine.toArray()
    expect(quarantined).toEqual([
      {
        seq: 2,
        id: poison.mutationId,
        name: 'createCustomer',
        v: 2,
        args: { id: poison.id, kind: 'person', status: 'prospect', firstName: 'B', lastName: 'Gift', addresses: [home('Köln')], phones: [], emails: [], bankAccounts: [], tags: [] },
        createdAt: expect.any(String),
        clientId: h.db.device!.clientId,
        code: 'FORBIDDEN',
        message: 'vergiftet: FORBIDDEN',
        rejectedAt: expect.any(String),
      },
    ])
    expect(h.server.customers.has(before.id)).toBe(true)
    expect(h.server.customers.get(after.id)?.row.addresses).toEqual([home('Bonn', '53111')])
    // The rejected create's optimistic row is gone: the device shows what the server has.
    expect(await h.db.customers.get(poison.id)).toBeUndefined()
    expect((await h.db.customers.toArray()).map((c) => c.lastName).sort()).toEqual(['Nachher', 'Vorher'])
  })

  it('undoes a rejected edit but keeps later pending edits of the same row', async () => {
    const h = await setup()
    const [c] = h.server.seed(1, { addresses: [home('Köln')], phones: [mobile('0171 111')] })
    await h.engine.syncOnce()
    h.server.poison = (m) => ((m.args as { changes?: { addresses?: { to?: { city: string }[] } } }).changes?.addresses?.to?.[0]?.city === 'Atlantis' ? 'VALIDATION' : null)
    await updateCustomer(h.db, c!.id, { addresses: [home('Atlantis', '')] })
    await updateCustomer(h.db, c!.id, { phones: [mobile('0171 999')] })
    expect(await h.db.customers.get(c!.id)).toMatchObject({ addresses: [home('Atlantis', '')], phones: [mobile('0171 999')] })
    h.transport.pullFaults.push('drop-request')
    await h.engine.syncOnce() // push settles, the pull fails: the rows show the settled state
    expect(await h.db.customers.get(c!.id)).toMatchObject({ addresses: [home('Köln')], phones: [mobile('0171 999')] })
    expect((await h.db.customers.get(c!.id))?.pending).toBeUndefined()
    expect(await h.db.quarantine.count()).toBe(1)
  })

  it('stops at a transient failure mid-batch and ends exactly once without skipping a seq (T8)', async () => {
    const h = await setup({ batchSize: 3 })
    const ids: string[] = []
    for (let i = 0; i < 7; i++) ids.push((await createCustomer(h.db, { firstName: 'K', lastName: `Nr ${i}` })).mutationId)
    h.server.crashAtSeq = 5 // seqs 1–4 committed, then the server dies in the second batch
    const failed = await h.engine.syncOnce()
    expect(failed).toMatchObject({ ok: false, applied: 3, error: { kind: 'server' } })
    expect((await h.db.outbox.toArray()).map((e) => e.seq)).toEqual([4, 5, 6, 7])
    h.transport.pushFaults.push('drop-response', 'drop-request')
    await h.engine.syncOnce()
    await h.engine.syncOnce()
    const ok = await h.engine.syncOnce()
    expect(ok.ok).toBe(true)
    expect(await h.db.outbox.count()).toBe(0)
    expect(h.server.appliedOrder.get(h.db.device!.clientId)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(ids.map((id) => h.server.effects.get(id))).toEqual([1, 1, 1, 1, 1, 1, 1])
  })
})

describe('pull', () => {
  it('starts over on a clear (stale or unknown cookie): deleted rows gone, pending creations kept (T13)', async () => {
    const h = await setup()
    const [stays, deleted] = h.server.seed(2)
    await h.engine.syncOnce()
    h.server.remove(deleted!.id)
    h.server.forgetCookies()
    const local = await createCustomer(h.db, { firstName: 'Neu', lastName: 'Offline' })
    h.transport.pushFaults.push('drop-request') // the creation stays pending during the resync
    await h.engine.pull()
    expect(h.transport.pullCookies.at(-1)).not.toBeNull()
    expect((await h.db.customers.toArray()).map((c) => c.id).sort()).toEqual([stays!.id, local.id].sort())
    expect((await h.db.customers.get(local.id))?.pending).toEqual({ base: null })
    expect(await getMeta(h.db, 'initialSyncComplete')).toBe(true)
  })

  it('treats an unknown cookie stored on the device as a full resync (T13)', async () => {
    const h = await setup()
    const rows = h.server.seed(2)
    const [ghost] = h.server.seed(1)
    await h.engine.syncOnce()
    h.server.customers.delete(ghost!.id) // gone on the server without a trace (no tombstone)
    await setMeta(h.db, 'cookie', 'v1.9999')
    await h.engine.syncOnce()
    expect((await h.db.customers.toArray()).map((c) => c.id).sort()).toEqual(rows.map((r) => r.id).sort())
  })

  it('resumes an interrupted initial sync from the stored cookie and reports completion only at the end (T17)', async () => {
    const h = await setup()
    h.server.pageSize = 3
    h.server.seed(8)
    h.transport.pullFaults.push('none', 'drop-request') // page 1 arrives, page 2 is lost
    const first = await h.engine.syncOnce()
    expect(first).toMatchObject({ ok: false, complete: false, pulledPages: 1 })
    expect(await h.db.customers.count()).toBe(3)
    expect(await getMeta(h.db, 'initialSyncComplete')).toBe(false)
    const cookie = await getMeta(h.db, 'cookie')
    expect(cookie).not.toBeNull()

    // The app is closed and opened again: a new engine on a new connection.
    h.db.close()
    const db = await openUserDb(h.userId, { storage: h.storage })
    const transport = new FaultyTransport(h.server)
    const engine = new SyncEngine({ db, transport, storage: h.storage, locks: null })
    const report = await engine.syncOnce()
    expect(report).toMatchObject({ ok: true, complete: true })
    expect(transport.pullCookies[0]).toBe(cookie)
    expect(await db.customers.count()).toBe(8)
    expect(await getMeta(db, 'initialSyncComplete')).toBe(true)
    db.close()
  })

  it('keeps a pending local edit visible over an older server version of the row (rebase)', async () => {
    const h = await setup()
    const [c] = h.server.seed(1, { phones: [mobile('0171 111')], addresses: [home('Köln')] })
    await h.engine.syncOnce()
    await updateCustomer(h.db, c!.id, { phones: [mobile('0171 222')] })
    h.server.edit(c!.id, { addresses: [home('Bonn', '53111')] }) // another device; the server does not know our edit yet
    await h.engine.pull()
    const row = await h.db.customers.get(c!.id)
    expect(row).toMatchObject({
      phones: [mobile('0171 222')],
      addresses: [home('Bonn', '53111')],
      pending: { base: expect.objectContaining({ phones: [mobile('0171 111')], addresses: [home('Bonn', '53111')] }) },
    })
    expect(row?.words).toEqual(expect.arrayContaining(['0171222', 'bonn']))

    await h.engine.syncOnce()
    expect(h.server.customers.get(c!.id)?.row).toMatchObject({ phones: [mobile('0171 222')], addresses: [home('Bonn', '53111')] })
    expect((await h.db.customers.get(c!.id))?.pending).toBeUndefined()
  })

  it('drops a row that left the scope even with a pending edit; the edit goes to quarantine (T11)', async () => {
    const h = await setup()
    const [c] = h.server.seed(1)
    await h.engine.syncOnce()
    await updateCustomer(h.db, c!.id, { remarks: 'Umzug nach Bonn' })
    h.server.remove(c!.id)
    await h.engine.pull()
    expect(await h.db.customers.get(c!.id)).toBeUndefined()
    await h.engine.syncOnce()
    expect(await h.db.customers.get(c!.id)).toBeUndefined()
    expect((await h.db.quarantine.toArray()).map((q) => q.code)).toEqual(['CUSTOMER_DELETED'])
    expect(await h.db.outbox.count()).toBe(0)
  })

  it('resyncs in full after the browser evicted the database (T15)', async () => {
    const h = await setup()
    h.server.seed(4)
    await h.engine.syncOnce()
    const oldClientId = h.db.device!.clientId
    h.db.close()
    await Dexie.delete(dbNameFor(h.userId))

    const db = await openUserDb(h.userId, { storage: h.storage })
    const transport = new FaultyTransport(h.server)
    const engine = new SyncEngine({ db, transport, storage: h.storage, locks: null })
    expect(engine.state.evicted).toBe(true)
    const report = await engine.syncOnce()
    expect(report.ok).toBe(true)
    expect(transport.pullCookies[0]).toBeNull()
    expect(db.device?.clientId).not.toBe(oldClientId)
    expect(await db.customers.count()).toBe(4)
    // New writes start a new seq series under the new client id: nothing is mistaken for a resend.
    const c = await createCustomer(db, { firstName: 'Neu', lastName: 'Nach Räumung' })
    expect(c.seq).toBe(1)
    await engine.syncOnce()
    expect(h.server.effects.get(c.mutationId)).toBe(1)
    db.close()
  })
})

describe('several synced tables and old outboxes', () => {
  it('pulls the notes, consents and relations of the user’s customers and drops them when the server deletes them', async () => {
    const h = await setup()
    h.server.pageSize = 2
    const [c] = h.server.seed(1)
    h.server.putRelationType({ code: 'child', name: 'Kind', reverseCode: 'parent', household: true, sort: 40 })
    const note = { id: uuidv7(), customerId: c!.id, kind: 'memo', text: 'Notiz', ownerRepId: h.userId }
    const consent = { id: uuidv7(), customerId: c!.id, type: 'privacy', givenOn: '2026-03-01', ownerRepId: h.userId }
    const relation = { id: uuidv7(), customerId: c!.id, type: 'child', relatedCustomerId: null, ownerRepId: h.userId }
    h.server.putChild('notes', note)
    h.server.putChild('consents', consent)
    h.server.putChild('relations', relation)
    // Filled over several pages (customers first); complete only at the end.
    expect(await h.engine.syncOnce()).toMatchObject({ ok: true, complete: true })
    expect(await h.db.notes.toArray()).toEqual([note])
    expect(await h.db.consents.toArray()).toEqual([consent])
    expect(await h.db.relations.toArray()).toEqual([relation])
    expect((await h.db.relationTypes.toArray()).map((t) => t.code)).toEqual(['child'])

    h.server.removeChild('notes', note.id)
    h.server.putChild('consents', { ...consent, withdrawnOn: '2026-03-10' })
    await h.engine.syncOnce()
    expect(await h.db.notes.count()).toBe(0)
    expect(await h.db.consents.get(consent.id)).toMatchObject({ withdrawnOn: '2026-03-10' })
  })

  it('sends version-1 entries of an older app version as they are; the rows end as the server’s (T14)', async () => {
    const h = await setup()
    const id = uuidv7()
    await writeRawMutation(h.db, 'createCustomer', 1, { id, firstName: 'Erika', lastName: 'Alt', phone: '0171 111', city: 'Köln' })
    await writeRawMutation(h.db, 'updateCustomer', 1, { id, changes: { phone: { from: '0171 111', to: '0171 222' } } })
    const report = await h.engine.syncOnce()
    expect(report).toMatchObject({ ok: true, applied: 2, quarantined: 0, complete: true })
    expect(h.transport.delivered).toEqual([[1, 2]])
    const server = h.server.customers.get(id)!.row
    expect(server).toMatchObject({ phones: [mobile('0171 222')], addresses: [{ type: 'home', street: '', zip: '', city: 'Köln', country: 'DE' }] })
    const row = await h.db.customers.get(id)
    expect(row?.pending).toBeUndefined()
    expect(row).toMatchObject({ ...server, customerNo: 'K-000001' })
  })
})

describe('session problems', () => {
  it('reports a deactivated user after uploading the whole outbox into quarantine', async () => {
    const h = await setup({ batchSize: 2 })
    for (let i = 0; i < 3; i++) await createCustomer(h.db, { firstName: 'K', lastName: `Nr ${i}` })
    h.server.userInactive = true
    const report = await h.engine.syncOnce()
    expect(report.error).toMatchObject({ kind: 'deactivated', code: 'USER_INACTIVE', message: 'Dieser Benutzer ist deaktiviert.' })
    expect(h.engine.state.problem).toBe('deactivated')
    expect(await h.db.outbox.count()).toBe(0)
    expect(h.server.quarantine.map((q) => q.seq)).toEqual([1, 2, 3])
    expect(await h.db.quarantine.count()).toBe(3)
  })

  it('reports 401 and 403 USER_INACTIVE and keeps the outbox', async () => {
    const h = await setup()
    await createCustomer(h.db, { firstName: 'Erika', lastName: 'Mustermann' })
    h.transport.pushFaults.push('unauthorized')
    expect((await h.engine.syncOnce()).error?.kind).toBe('unauthenticated')
    expect(h.engine.state.problem).toBe('unauthenticated')
    h.transport.pushFaults.push('inactive')
    expect((await h.engine.syncOnce()).error?.kind).toBe('deactivated')
    expect(await h.db.outbox.count()).toBe(1)
    expect((await h.engine.syncOnce()).ok).toBe(true)
    expect(h.engine.state.problem).toBeNull()
  })

  it('publishes its state to subscribers', async () => {
    const h = await setup()
    const seen: boolean[] = []
    const stop = h.engine.subscribe((s) => seen.push(s.syncing))
    await h.engine.syncOnce()
    stop()
    await h.engine.syncOnce()
    expect(seen[0]).toBe(false)
    expect(seen).toContain(true)
    expect(seen.at(-1)).toBe(false)
  })
})

describe('mutate while the engine runs', () => {
  it('keeps a mutation written during a pull and its optimistic row', async () => {
    const h = await setup()
    h.server.pageSize = 2
    h.server.seed(5)
    let written: Promise<unknown> | null = null
    h.transport.delay = async () => {
      if (!written) written = mutate(h.db, 'createCustomer', { id: uuidv7(), firstName: 'Zwischen', lastName: 'Durch' })
      await tick(1)
    }
    await h.engine.pull()
    await written
    expect(await h.db.customers.count()).toBe(6)
    expect(await h.db.outbox.count()).toBe(1)
  })
})
