import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { EntityTable } from 'dexie'
import { idSchema } from '../../shared/schemas/common'
import { uuidv7 } from '../../shared/ids'
import { FeldakteDb } from '../../client/src/db/database'
import { ensureDeviceState } from '../../client/src/db/device'
import { openUserDb } from '../../client/src/db/session'
import { createCustomer, updateCustomer } from '../../client/src/mutators'
import { SyncEngine } from '../../client/src/sync/engine'
import { createFetchTransport, type SyncTransport } from '../../client/src/sync/transport'
import { customers, quarantine, syncMutations } from '../../server/src/db/schema'
import { createCustomer as createCustomerHandler } from '../../server/src/modules/customers/customers.mutations'
import { createTestApp, ORIGIN, type TestApp } from '../support/app'
import { makeBranch, makeSignedIn } from '../support/factories'
import { MemoryStorage, writeRawMutation } from '../support/simulation'

/** The real fetch transport, talking to the in-process app with the user's session. */
function appTransport(t: TestApp, cookie: string): SyncTransport {
  return createFetchTransport({
    baseUrl: `${ORIGIN}/api/sync`,
    fetch: async (input, init) =>
      t.app.request(String(input), { method: 'POST', headers: { origin: ORIGIN, cookie, 'content-type': 'application/json' }, body: String(init?.body) }),
  })
}

async function world() {
  const t = createTestApp()
  const branch = makeBranch(t)
  const rep = await makeSignedIn(t, { branchIds: [branch] })
  return { t, rep, storage: new MemoryStorage() }
}

/** The database class of the next app version: everything of today plus an additive Dexie version. */
function nextAppVersion(currentVersion: number) {
  return class NextAppDb extends FeldakteDb {
    declare notes: EntityTable<{ id: string; customerId: string; text: string }, 'id'>
    constructor(userId: string) {
      super(userId)
      this.version(currentVersion + 1).stores({ notes: 'id, customerId' })
    }
  }
}

describe('app update with a non-empty outbox (T14)', () => {
  it('keeps the outbox, the pending rows and the device identity through a new Dexie version, then syncs them', async () => {
    const { t, rep, storage } = await world()
    const before = await openUserDb(rep.id, { storage })
    const clientId = before.device!.clientId
    // Offline: recorded on the device only.
    const created = await createCustomer(before, { firstName: 'Erika', lastName: 'Mustermann' })
    await updateCustomer(before, created.id, { city: 'Köln', phone: '0171 1234567' })
    const queued = await before.outbox.orderBy('seq').toArray()
    const pendingRow = await before.customers.get(created.id)
    expect(queued.map((e) => e.seq)).toEqual([1, 2])
    const version = before.verno
    before.close()

    // The service worker activated the new version; the page opens the database through it.
    const NextAppDb = nextAppVersion(version)
    const db = new NextAppDb(rep.id)
    await db.open()
    const device = await ensureDeviceState(db, storage)
    expect(db.verno).toBe(version + 1)
    expect(device).toEqual({ clientId, created: false, evicted: false })
    expect(await db.outbox.orderBy('seq').toArray()).toEqual(queued)
    expect(await db.customers.get(created.id)).toEqual(pendingRow)
    expect(pendingRow?.pending).toEqual({ base: null })
    await db.notes.put({ id: uuidv7(), customerId: created.id, text: 'neue Tabelle' })

    const engine = new SyncEngine({ db, transport: appTransport(t, rep.cookie), storage, locks: null })
    const report = await engine.syncOnce()
    expect(report).toMatchObject({ ok: true, applied: 2, quarantined: 0, complete: true, error: null })
    expect(await db.outbox.count()).toBe(0)
    const server = t.db.select().from(customers).where(eq(customers.id, created.id)).get()
    expect(server).toMatchObject({ firstName: 'Erika', city: 'Köln', phone: '0171 1234567', ownerRepId: rep.id })
    expect(t.db.select({ seq: syncMutations.seq, v: syncMutations.v, status: syncMutations.status }).from(syncMutations).where(eq(syncMutations.clientId, clientId)).all()).toEqual([
      { seq: 1, v: 1, status: 'applied' },
      { seq: 2, v: 1, status: 'applied' },
    ])
    const row = await db.customers.get(created.id)
    expect(row?.pending).toBeUndefined()
    expect(row?.branchId).toBe(server?.branchId)
    expect(await db.notes.count()).toBe(1)
  })

  it('lets a tab still running the old version keep writing into the same outbox after the update', async () => {
    const { t, rep, storage } = await world()
    const oldTab = await openUserDb(rep.id, { storage })
    await createCustomer(oldTab, { firstName: 'Alt', lastName: 'Version' })
    const NextAppDb = nextAppVersion(oldTab.verno)
    const db = new NextAppDb(rep.id)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}) // Dexie reports the upgrade it makes way for
    await db.open() // the old tab's connection is closed for the upgrade
    warn.mockRestore()
    await ensureDeviceState(db, storage)
    // The old page is still open (registerType 'prompt': no forced reload) and the user saves once more.
    const later = await createCustomer(oldTab, { firstName: 'Noch', lastName: 'Gespeichert' })
    expect(later.seq).toBe(2)
    expect((await db.outbox.orderBy('seq').toArray()).map((e) => e.seq)).toEqual([1, 2])

    const report = await new SyncEngine({ db, transport: appTransport(t, rep.cookie), storage, locks: null }).syncOnce()
    expect(report).toMatchObject({ ok: true, applied: 2 })
    expect(t.db.select().from(customers).all().map((c) => c.lastName).sort()).toEqual(['Gespeichert', 'Version'])
  })
})

describe('mutation versions (T14)', () => {
  it('accepts an older mutation version the server still registers, and quarantines one it does not know', async () => {
    const { t, rep, storage } = await world()
    // The next server release changed createCustomer's arguments (v2) and keeps v1 for devices that still send it.
    t.deps.mutations.register({
      name: 'createCustomer',
      v: 2,
      args: z.object({ id: idSchema, name: z.object({ first: z.string().min(1), last: z.string().min(1) }) }),
      apply: (tx, ctx, args: { id: string; name: { first: string; last: string } }) =>
        createCustomerHandler.apply(tx, ctx, { id: args.id, firstName: args.name.first, lastName: args.name.last }),
    })
    // A device that was not updated yet: its outbox holds v1 entries, and one of a mutation the server never had.
    const db = await openUserDb(rep.id, { storage })
    const old = await createCustomer(db, { firstName: 'Version', lastName: 'Eins' })
    const unknown = await writeRawMutation(db, 'archiveCustomer', 1, { id: old.id })
    const after = await createCustomer(db, { firstName: 'Danach', lastName: 'Eins' })
    const report = await new SyncEngine({ db, transport: appTransport(t, rep.cookie), storage, locks: null }).syncOnce()
    expect(report).toMatchObject({ ok: true, applied: 2, quarantined: 1 })
    expect(t.db.select({ id: customers.id }).from(customers).all().map((c) => c.id).sort()).toEqual([old.id, after.id].sort())
    expect(t.db.select({ v: syncMutations.v, name: syncMutations.name, status: syncMutations.status }).from(syncMutations).all()).toEqual([
      { v: 1, name: 'createCustomer', status: 'applied' },
      { v: 1, name: 'archiveCustomer', status: 'rejected' },
      { v: 1, name: 'createCustomer', status: 'applied' },
    ])
    // Not lost: the unknown one is kept with its payload on both sides.
    expect(t.db.select().from(quarantine).where(eq(quarantine.id, unknown.mutationId)).get()).toMatchObject({ code: 'UNKNOWN_MUTATION', args: { id: old.id } })
    expect(await db.quarantine.get(unknown.mutationId)).toMatchObject({ code: 'UNKNOWN_MUTATION', args: { id: old.id } })
    // An updated device sends v2 and is served by the new handler.
    const res = await t.req('POST', '/api/sync/push', {
      cookie: rep.cookie,
      body: { clientId: uuidv7(), schemaVersion: 1, mutations: [{ seq: 1, id: uuidv7(), name: 'createCustomer', v: 2, args: { id: uuidv7(), name: { first: 'Version', last: 'Zwei' } } }] },
    })
    expect(await res.json()).toMatchObject({ lastSeq: 1, results: [{ seq: 1, status: 'applied' }] })
    expect(t.db.select().from(customers).all().map((c) => c.lastName).sort()).toEqual(['Eins', 'Eins', 'Zwei'])
  })
})
