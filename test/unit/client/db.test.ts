import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import { UUID_RE, uuidv7 } from '../../../shared/ids'
import { canLogout, customerWords, dbNameFor, deviceKeyFor, getMeta, openUserDb, queryWords, searchCustomers, wipeDevice } from '../../../client/src/db'
import { createCustomer } from '../../../client/src/mutators'
import { MemoryStorage } from './fake-server'

describe('openUserDb', () => {
  it('creates the per-user database with its tables and a client id that survives reopening', async () => {
    const userId = uuidv7()
    const storage = new MemoryStorage()
    const db = await openUserDb(userId, { storage })
    expect(db.name).toBe(`feldakte-${userId}`)
    expect(db.tables.map((t) => t.name).sort()).toEqual(['consents', 'customers', 'meta', 'notes', 'outbox', 'quarantine', 'relationTypes', 'relations', 'tombstones'])
    expect(db.customers.schema.indexes.map((i) => i.name).sort()).toEqual(['lastName', 'nameKey', 'ownerRepId', 'words'])
    expect(db.notes.schema.indexes.map((i) => i.name).sort()).toEqual(['customerId', 'followUpOn'])
    expect(db.relations.schema.indexes.map((i) => i.name).sort()).toEqual(['customerId', 'relatedCustomerId'])
    expect(db.customers.schema.idxByName.words?.multi).toBe(true)
    const clientId = await getMeta(db, 'clientId')
    expect(clientId).toMatch(UUID_RE)
    expect(await getMeta(db, 'nextSeq')).toBe(1)
    expect(await getMeta(db, 'cookie')).toBeNull()
    expect(await getMeta(db, 'initialSyncComplete')).toBe(false)
    expect(db.device).toEqual({ clientId, created: true, evicted: false })
    expect(storage.getItem(deviceKeyFor(userId))).toBe(clientId)
    db.close()

    const again = await openUserDb(userId, { storage })
    expect(await getMeta(again, 'clientId')).toBe(clientId)
    expect(again.device).toEqual({ clientId, created: false, evicted: false })
    again.close()
  })

  it('detects an evicted database: new client id, empty cookie, reported (T15)', async () => {
    const userId = uuidv7()
    const storage = new MemoryStorage()
    const db = await openUserDb(userId, { storage })
    const oldClientId = db.device!.clientId
    db.close()
    // The browser drops IndexedDB under storage pressure; localStorage still remembers the device.
    await Dexie.delete(dbNameFor(userId))

    const reopened = await openUserDb(userId, { storage })
    expect(reopened.device?.evicted).toBe(true)
    expect(reopened.device?.clientId).not.toBe(oldClientId)
    expect(await getMeta(reopened, 'cookie')).toBeNull()
    expect(await getMeta(reopened, 'initialSyncComplete')).toBe(false)
    expect(storage.getItem(deviceKeyFor(userId))).toBe(reopened.device?.clientId)
    reopened.close()
  })

  it('does not call a first start on this browser an eviction', async () => {
    const db = await openUserDb(uuidv7(), { storage: new MemoryStorage() })
    expect(db.device?.evicted).toBe(false)
    db.close()
  })
})

describe('logout helpers', () => {
  it('refuse logout while the outbox holds entries, and wipe the database and the eviction hint', async () => {
    const userId = uuidv7()
    const storage = new MemoryStorage()
    const db = await openUserDb(userId, { storage })
    expect(await canLogout(db)).toBe(true)
    await createCustomer(db, { firstName: 'Erika', lastName: 'Mustermann' })
    expect(await canLogout(db)).toBe(false)

    await wipeDevice(userId, { storage })
    expect(await Dexie.exists(dbNameFor(userId))).toBe(false)
    expect(storage.getItem(deviceKeyFor(userId))).toBeNull()
    // Signing in again later is a fresh start, not an eviction.
    const fresh = await openUserDb(userId, { storage })
    expect(fresh.device?.evicted).toBe(false)
    expect(await fresh.customers.count()).toBe(0)
    fresh.close()
  })
})

describe('search words', () => {
  it('folds umlauts both ways and splits names, keeps phone digits and e-mail parts', () => {
    const words = customerWords({
      firstName: 'Jürgen',
      lastName: 'Müller-Lüdenscheidt',
      birthName: 'Schäfer',
      customerNo: 'K-000042',
      addresses: [
        { type: 'home', street: 'Domstr. 1', zip: '50667', city: 'Köln', country: 'DE' },
        { type: 'work', street: '', zip: '', city: 'Düsseldorf', country: 'DE' },
      ],
      phones: [
        { type: 'mobile', number: '+49 171 234-56' },
        { type: 'work', number: '0221 99 88' },
      ],
      emails: [{ type: 'private', address: 'J.Mueller@Example.de' }],
      tags: ['Gewerbe'],
    })
    expect(words).toEqual(
      expect.arrayContaining([
        ...['juergen', 'jurgen', 'mueller', 'muller', 'luedenscheidt', 'schaefer', 'schafer', 'koeln', 'koln', 'duesseldorf', 'gewerbe', 'k-000042', '000042'],
        ...['4917123456', '017123456', '02219988', 'j.mueller@example.de', 'example'],
      ]),
    )
    expect(words.every((w) => w === w.toLowerCase())).toBe(true)
  })

  it('turns a number-like query into one phone word', () => {
    expect(queryWords('0171 234 56')).toEqual(['017123456'])
    expect(queryWords('+49 171 23')).toEqual(['017123'])
    expect(queryWords('  Müller  köln ')).toEqual(['mueller', 'koeln'])
  })

  it('finds customers on the device by any word prefix, all query words required', async () => {
    const db = await openUserDb(uuidv7(), { storage: null })
    const city = (name: string) => [{ type: 'home' as const, city: name }]
    await createCustomer(db, { firstName: 'Jürgen', lastName: 'Müller', addresses: city('Köln'), phones: [{ type: 'mobile', number: '0171 1234567' }] })
    await createCustomer(db, { firstName: 'Anna', lastName: 'Muster', addresses: city('Bonn'), emails: [{ type: 'private', address: 'anna@beispiel.de' }] })
    await createCustomer(db, { firstName: 'Özlem', lastName: 'Schäfer', addresses: [{ type: 'postal', city: 'Berlin' }, ...city('Köln')] })
    const names = async (q: string) => (await searchCustomers(db, q)).map((c) => c.lastName)
    expect(await names('mül')).toEqual(['Müller'])
    expect(await names('mueller')).toEqual(['Müller'])
    expect(await names('muller')).toEqual(['Müller'])
    expect(await names('mu')).toEqual(['Müller', 'Muster']) // German collation: ü sorts with u
    expect(await names('köln')).toEqual(['Müller', 'Schäfer'])
    expect(await names('koln ozl')).toEqual(['Schäfer'])
    expect(await names('0171 123')).toEqual(['Müller'])
    expect(await names('anna@beis')).toEqual(['Muster'])
    expect(await names('beispiel')).toEqual(['Muster'])
    expect(await names('')).toEqual([])
    db.close()
  })
})
