import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import Dexie, { type EntityTable } from 'dexie'
import { idSchema } from '../../shared/schemas/common'
import { uuidv7 } from '../../shared/ids'
import { dbNameFor, FeldakteDb } from '../../client/src/db/database'
import { deviceKeyFor, ensureDeviceState } from '../../client/src/db/device'
import { getMeta } from '../../client/src/db/meta'
import { openUserDb } from '../../client/src/db/session'
import { createCustomer, customerRowOf, updateCustomer } from '../../client/src/mutators'
import { SyncEngine } from '../../client/src/sync/engine'
import { createFetchTransport, type SyncTransport } from '../../client/src/sync/transport'
import { customers, quarantine, syncMutations } from '../../server/src/db/schema'
import { createCustomer as createCustomerHandler } from '../../server/src/modules/customers/customers.mutations'
import { customerRow } from '../../server/src/modules/customers/customers.service'
import { createTestApp, ORIGIN, type TestApp } from '../support/app'
import { makeBranch, makeSignedIn } from '../support/factories'
import { MemoryStorage, writeRawMutation } from '../support/simulation'
import { customer, TestDevice } from '../support/sync'

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
    declare documents: EntityTable<{ id: string; customerId: string; fileName: string }, 'id'>
    constructor(userId: string) {
      super(userId)
      this.version(currentVersion + 1).stores({ documents: 'id, customerId' })
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
    await updateCustomer(before, created.id, { addresses: [{ type: 'home', zip: '50667', city: 'Köln' }], phones: [{ type: 'mobile', number: '0171 1234567' }] })
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
    await db.documents.put({ id: uuidv7(), customerId: created.id, fileName: 'neue-tabelle.pdf' })

    const engine = new SyncEngine({ db, transport: appTransport(t, rep.cookie), storage, locks: null })
    const report = await engine.syncOnce()
    expect(report).toMatchObject({ ok: true, applied: 2, quarantined: 0, complete: true, error: null })
    expect(await db.outbox.count()).toBe(0)
    const server = t.db.select().from(customers).where(eq(customers.id, created.id)).get()
    expect(server).toMatchObject({ firstName: 'Erika', addresses: [{ city: 'Köln' }], phones: [{ number: '0171 1234567' }], ownerRepId: rep.id })
    expect(t.db.select({ seq: syncMutations.seq, v: syncMutations.v, status: syncMutations.status }).from(syncMutations).where(eq(syncMutations.clientId, clientId)).all()).toEqual([
      { seq: 1, v: 2, status: 'applied' },
      { seq: 2, v: 2, status: 'applied' },
    ])
    const row = await db.customers.get(created.id)
    expect(row?.pending).toBeUndefined()
    expect(customerRowOf(row!)).toEqual(customerRow(server!))
    expect(await db.documents.count()).toBe(1)
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
  it('accepts older mutation versions the server still registers, and quarantines one it does not know', async () => {
    const { t, rep, storage } = await world()
    // A later server release changes createCustomer's arguments again (v3) and keeps v1 and v2 for devices that still send them.
    t.deps.mutations.register({
      name: 'createCustomer',
      v: 3,
      args: z.object({ id: idSchema, name: z.object({ first: z.string().min(1), last: z.string().min(1) }) }),
      apply: (tx, ctx, args: { id: string; name: { first: string; last: string } }) =>
        createCustomerHandler.apply(tx, ctx, { id: args.id, firstName: args.name.first, lastName: args.name.last, kind: 'person', status: 'prospect', addresses: [], phones: [], emails: [], bankAccounts: [], tags: [] }),
    })
    // A device that was not updated yet: its outbox holds v2 entries, a v1 entry of the version before, and one of a mutation the server never had.
    const db = await openUserDb(rep.id, { storage })
    const current = await createCustomer(db, { firstName: 'Version', lastName: 'Zwei' })
    const v1Id = uuidv7()
    await writeRawMutation(db, 'createCustomer', 1, { id: v1Id, firstName: 'Version', lastName: 'Eins', phone: '0171 1234567' })
    const unknown = await writeRawMutation(db, 'archiveCustomer', 1, { id: current.id })
    const after = await createCustomer(db, { firstName: 'Danach', lastName: 'Zwei' })
    const report = await new SyncEngine({ db, transport: appTransport(t, rep.cookie), storage, locks: null }).syncOnce()
    expect(report).toMatchObject({ ok: true, applied: 3, quarantined: 1 })
    expect(t.db.select({ id: customers.id }).from(customers).all().map((c) => c.id).sort()).toEqual([current.id, v1Id, after.id].sort())
    expect(t.db.select({ v: syncMutations.v, name: syncMutations.name, status: syncMutations.status }).from(syncMutations).all()).toEqual([
      { v: 2, name: 'createCustomer', status: 'applied' },
      { v: 1, name: 'createCustomer', status: 'applied' },
      { v: 1, name: 'archiveCustomer', status: 'rejected' },
      { v: 2, name: 'createCustomer', status: 'applied' },
    ])
    expect((await db.customers.get(v1Id))?.phones).toEqual([{ type: 'mobile', number: '0171 1234567' }])
    // Not lost: the unknown one is kept with its payload on both sides.
    expect(t.db.select().from(quarantine).where(eq(quarantine.id, unknown.mutationId)).get()).toMatchObject({ code: 'UNKNOWN_MUTATION', args: { id: current.id } })
    expect(await db.quarantine.get(unknown.mutationId)).toMatchObject({ code: 'UNKNOWN_MUTATION', args: { id: current.id } })
    // An updated device sends v3 and is served by the new handler.
    const res = await t.req('POST', '/api/sync/push', {
      cookie: rep.cookie,
      body: { clientId: uuidv7(), schemaVersion: 1, mutations: [{ seq: 1, id: uuidv7(), name: 'createCustomer', v: 3, args: { id: uuidv7(), name: { first: 'Version', last: 'Drei' } } }] },
    })
    expect(await res.json()).toMatchObject({ lastSeq: 1, results: [{ seq: 1, status: 'applied' }] })
    expect(t.db.select().from(customers).all().map((c) => c.lastName).sort()).toEqual(['Drei', 'Eins', 'Zwei', 'Zwei'])
  })
})

/**
 * The database as app versions before the customer file left it (Dexie version 2): customers in
 * the old shape (one phone, e-mail, address), the outbox with version-1 entries.
 */
class CustomerFileBeforeDb extends Dexie {
  constructor(userId: string) {
    super(dbNameFor(userId))
    this.version(1).stores({ customers: 'id, lastName, ownerRepId, *words', outbox: 'seq', meta: 'key', quarantine: 'id, seq, rejectedAt' })
    this.version(2).stores({ customers: 'id, lastName, ownerRepId, *words, nameKey' })
  }
}

describe('the customer file update (Dexie version 2 → 3) with a non-empty outbox (T14)', () => {
  it('keeps the outbox and the device identity, drops the old-shape cache, and syncs the version-1 entries into the new shape', async () => {
    const { t, rep, storage } = await world()
    // Another device of the rep synced a customer before the update; this device holds it in the old shape.
    const other = new TestDevice(t, rep.cookie)
    const known = customer({ lastName: 'Bekannt', phone: '0171 111', city: 'Köln' })
    await other.push([other.mutation('createCustomer', known, 1)])

    const clientId = uuidv7()
    const old = new CustomerFileBeforeDb(rep.id)
    await old.open()
    const at = '2026-03-11T08:00:00.000Z'
    const oldRow = (id: string, lastName: string, extra: object) => ({ id, firstName: 'Erika', lastName, birthDate: null, phone: null, email: null, street: null, zip: null, city: null, ownerRepId: rep.id, branchId: null, createdAt: at, updatedAt: at, words: [lastName.toLowerCase()], nameKey: lastName.toLowerCase(), ...extra })
    const offline = uuidv7()
    const outbox = [
      { seq: 1, id: uuidv7(), name: 'createCustomer', v: 1, args: { id: offline, firstName: 'Erika', lastName: 'Offline', phone: '0171 222', email: 'erika@example.de', zip: '50667', city: 'Köln' }, createdAt: at },
      { seq: 2, id: uuidv7(), name: 'updateCustomer', v: 1, args: { id: known.id, changes: { phone: { from: '0171 111', to: '0171 333' } } }, createdAt: at },
    ]
    await old.table('customers').bulkPut([oldRow(known.id, 'Bekannt', { phone: '0171 333', city: 'Köln', pending: { base: { phone: '0171 111' } } }), oldRow(offline, 'Offline', { phone: '0171 222', pending: { base: null } })])
    await old.table('outbox').bulkPut(outbox)
    await old.table('meta').bulkPut([
      { key: 'clientId', value: clientId },
      { key: 'nextSeq', value: 3 },
      { key: 'cookie', value: 'v1.1' },
      { key: 'initialSyncComplete', value: true },
      { key: 'lastSyncAt', value: at },
      { key: 'evictionMarker', value: { clientId, createdAt: at } },
    ])
    storage.setItem(deviceKeyFor(rep.id), clientId)
    old.close()

    // The new app version opens the database: the upgrade drops the cache and asks for a full pull.
    const db = await openUserDb(rep.id, { storage })
    expect(db.verno).toBeGreaterThanOrEqual(3)
    expect(db.device).toEqual({ clientId, created: false, evicted: false })
    expect(await db.outbox.orderBy('seq').toArray()).toEqual(outbox)
    expect((await db.customers.toArray()).filter((r) => !r.pending)).toEqual([])
    expect(await getMeta(db, 'cookie')).toBeNull()
    expect(await getMeta(db, 'initialSyncComplete')).toBe(false)
    expect(await getMeta(db, 'nextSeq')).toBe(3)

    const report = await new SyncEngine({ db, transport: appTransport(t, rep.cookie), storage, locks: null }).syncOnce()
    expect(report).toMatchObject({ ok: true, applied: 2, quarantined: 0, complete: true, error: null })
    expect(await db.outbox.count()).toBe(0)
    const server = new Map(t.db.select().from(customers).all().map((c) => [c.id, customerRow(c)]))
    expect(server.get(offline)).toMatchObject({
      phones: [{ type: 'mobile', number: '0171 222' }],
      emails: [{ type: 'private', address: 'erika@example.de' }],
      addresses: [{ type: 'home', street: '', zip: '50667', city: 'Köln', country: 'DE' }],
    })
    expect(server.get(known.id)?.phones).toEqual([{ type: 'mobile', number: '0171 333' }])
    // The device holds exactly the server's rows in the new shape, numbers included.
    const held = (await db.customers.toArray()).map((r) => customerRowOf(r)).sort((a, b) => a.id.localeCompare(b.id))
    expect(held).toEqual([...server.values()].sort((a, b) => a.id.localeCompare(b.id)))
    expect(held.every((r) => /^K-\d{6}$/.test(r.customerNo ?? ''))).toBe(true)
    expect(await getMeta(db, 'initialSyncComplete')).toBe(true)
    db.close()
  })
})
