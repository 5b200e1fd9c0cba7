import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import { openUserDb, setMeta, type FeldakteDb } from '../../../client/src/db'
import { createCustomer } from '../../../client/src/mutators'
import { SyncEngine, type SyncTransport } from '../../../client/src/sync'

let db: FeldakteDb
afterEach(() => db?.close())

const offline: SyncTransport = {
  push: () => Promise.reject(new TypeError('offline')),
  pull: () => Promise.reject(new TypeError('offline')),
}

describe('a dropped cache with a full outbox', () => {
  it('shows the customers captured offline again before any pull', async () => {
    db = await openUserDb(uuidv7(), { storage: null })
    const { id } = await createCustomer(db, { firstName: 'Olga', lastName: 'Offline' })
    // What the Dexie 2 → 3 upgrade does: the cache goes, the outbox and identity stay.
    await db.customers.clear()
    await setMeta(db, 'cookie', null)
    const engine = new SyncEngine({ db, transport: offline, storage: null, locks: null })
    await engine.showPendingChanges()
    expect((await db.customers.get(id))?.lastName).toBe('Offline')
    expect(await db.outbox.count()).toBe(1)
  })

  it('leaves a synced device alone', async () => {
    db = await openUserDb(uuidv7(), { storage: null })
    const { id } = await createCustomer(db, { firstName: 'Sven', lastName: 'Synced' })
    await db.customers.clear()
    await setMeta(db, 'cookie', 'v1.4')
    await new SyncEngine({ db, transport: offline, storage: null, locks: null }).showPendingChanges()
    expect(await db.customers.get(id)).toBeUndefined()
  })
})
