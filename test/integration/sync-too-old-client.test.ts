import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { ERROR_MESSAGES } from '../../shared/errors'
import { SYNC_SCHEMA_VERSION } from '../../shared/schemas/sync'
import type * as SyncSchemas from '../../shared/schemas/sync'
import { openUserDb } from '../../client/src/db/session'
import { createCustomer, updateCustomer } from '../../client/src/mutators'
import { SyncEngine } from '../../client/src/sync/engine'
import { createFetchTransport, type SyncTransport } from '../../client/src/sync/transport'
import { customers, syncClients } from '../../server/src/db/schema'
import { MIN_SCHEMA_VERSION } from '../../server/src/modules/sync/sync.service'
import { createTestApp, ORIGIN, type TestApp } from '../support/app'
import { makeBranch, makeSignedIn } from '../support/factories'
import { MemoryStorage } from '../support/simulation'

/**
 * T14 "too-old client": this file's app is built at sync schema version 0, one below the server's
 * MIN_SCHEMA_VERSION (1). Versions start at 1, so the wire schema would refuse a 0 before the
 * version check; here it lets every version through, as it does for 1 once the minimum is raised.
 */
vi.mock('../../shared/schemas/sync', async (importOriginal) => {
  const actual = await importOriginal<typeof SyncSchemas>()
  const anyVersion = { schemaVersion: z.number().int().min(0) }
  return {
    ...actual,
    SYNC_SCHEMA_VERSION: 0,
    pushRequestSchema: actual.pushRequestSchema.extend(anyVersion),
    pullRequestSchema: actual.pullRequestSchema.extend(anyVersion),
  }
})

function appTransport(t: TestApp, cookie: string, schemaVersion?: number): SyncTransport {
  const transport = createFetchTransport({
    baseUrl: `${ORIGIN}/api/sync`,
    fetch: async (input, init) =>
      t.app.request(String(input), { method: 'POST', headers: { origin: ORIGIN, cookie, 'content-type': 'application/json' }, body: String(init?.body) }),
  })
  if (schemaVersion === undefined) return transport
  // The updated app speaks the server's schema version.
  return { push: (req) => transport.push({ ...req, schemaVersion }), pull: (req) => transport.pull({ ...req, schemaVersion }) }
}

describe('too-old client (T14)', () => {
  it('is answered 400 CLIENT_TOO_OLD; the engine says "reload" and keeps the outbox until the update', async () => {
    expect(SYNC_SCHEMA_VERSION).toBeLessThan(MIN_SCHEMA_VERSION)
    const t = createTestApp()
    const branch = makeBranch(t)
    const rep = await makeSignedIn(t, { branchIds: [branch] })
    const storage = new MemoryStorage()
    const db = await openUserDb(rep.id, { storage })
    const created = await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann' })
    await updateCustomer(db, created.id, { addresses: [{ type: 'home', zip: '50667', city: 'Köln' }] })
    const queued = await db.outbox.orderBy('seq').toArray()

    for (const path of ['/api/sync/push', '/api/sync/pull']) {
      const res = await t.req('POST', path, { cookie: rep.cookie, body: { clientId: db.device!.clientId, schemaVersion: SYNC_SCHEMA_VERSION, mutations: [], cookie: null } })
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'CLIENT_TOO_OLD' })
    }

    const engine = new SyncEngine({ db, transport: appTransport(t, rep.cookie), storage, locks: null })
    const report = await engine.syncOnce()
    const failure = { kind: 'protocol', code: 'CLIENT_TOO_OLD', message: ERROR_MESSAGES.CLIENT_TOO_OLD }
    expect(report).toMatchObject({ ok: false, applied: 0, pulledPages: 0, error: failure })
    expect(engine.state.lastError).toMatchObject(failure)
    expect((await engine.pull()).error).toMatchObject(failure)
    // Nothing reached the server, nothing left the device.
    expect(await db.outbox.orderBy('seq').toArray()).toEqual(queued)
    expect((await db.customers.get(created.id))?.pending).toBeDefined()
    expect(t.db.select().from(syncClients).all()).toEqual([])

    // After the update (same database, current schema version) the outbox goes through.
    const updated = new SyncEngine({ db, transport: appTransport(t, rep.cookie, MIN_SCHEMA_VERSION), storage, locks: null })
    expect(await updated.syncOnce()).toMatchObject({ ok: true, applied: 2, complete: true })
    expect(await db.outbox.count()).toBe(0)
    expect(t.db.select().from(customers).where(eq(customers.id, created.id)).get()).toMatchObject({ addresses: [{ type: 'home', street: '', zip: '50667', city: 'Köln', country: 'DE' }] })
  })
})
