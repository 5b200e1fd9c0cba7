import 'fake-indexeddb/auto'
import Dexie from 'dexie'
import { describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import { customerNameKey, dbNameFor, openUserDb, searchCustomers } from '../../../client/src/db'
import { createCustomer } from '../../../client/src/mutators'

const FIRST = ['Anna', 'Ömer', 'Jürgen', 'sabine', 'Stefan']
const LAST = ['Müller', 'Özdemir', 'Schmidt', 'von Berg', 'Ahrens', 'Zander', 'Schäfer', 'Muster']

describe('name order and on-device search', () => {
  it('sorts names as German lists do: case and umlauts with their base letter', () => {
    const keys = ['Zander', 'von Berg', 'Özdemir', 'Ahrens', 'Müller', 'Muster', 'Oberle'].map((lastName) => ({ lastName, key: customerNameKey({ firstName: 'A', lastName }) }))
    expect(keys.sort((x, y) => (x.key < y.key ? -1 : 1)).map((k) => k.lastName)).toEqual(['Ahrens', 'Müller', 'Muster', 'Oberle', 'Özdemir', 'von Berg', 'Zander'])
  })

  it('returns the same first matches in name order for broad and selective queries', async () => {
    const db = await openUserDb(uuidv7(), { storage: null })
    // Enough customers that a one-letter query takes the name-index walk.
    for (let i = 0; i < 1000; i++) {
      await createCustomer(db, { firstName: FIRST[i % FIRST.length]!, lastName: `${LAST[i % LAST.length]!}`, city: i % 3 ? 'Köln' : 'Bonn', phone: `0171 ${1000 + i}` })
    }
    const all = await db.customers.toArray()
    const candidates = async (word: string) => new Set(await db.customers.where('words').startsWith(word).primaryKeys()).size
    expect(await candidates('s')).toBeGreaterThan(400)
    expect(await candidates('koeln')).toBeGreaterThan(400)
    const expected = (words: string[], limit: number) =>
      all
        .filter((c) => words.every((w) => c.words.some((cw) => cw.startsWith(w))))
        .sort((a, b) => (a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : a.id < b.id ? -1 : 1))
        .slice(0, limit)
        .map((c) => c.id)
    for (const [query, words] of [
      ['s', ['s']],
      ['m köln', ['m', 'koeln']],
      ['schmidt', ['schmidt']],
      ['0171 1012', ['01711012']],
      ['z bonn', ['z', 'bonn']],
    ] as const) {
      const found = await searchCustomers(db, query, 50)
      expect(found.map((c) => c.id), query).toEqual(expected([...words], 50))
    }
    db.close()
  })

  it('gives customers stored by an older app version their name key when the database is upgraded', async () => {
    const userId = uuidv7()
    const old = new Dexie(dbNameFor(userId))
    old.version(1).stores({ customers: 'id, lastName, ownerRepId, *words', outbox: 'seq', meta: 'key', quarantine: 'id, seq, rejectedAt' })
    const id = uuidv7()
    const clientId = uuidv7()
    await old.table('meta').bulkPut([
      { key: 'clientId', value: clientId },
      { key: 'nextSeq', value: 1 },
      { key: 'evictionMarker', value: { clientId, createdAt: '2026-01-01T00:00:00.000Z' } },
    ])
    await old.table('customers').put({ id, firstName: 'Ömer', lastName: 'Özdemir', words: ['oezdemir', 'ozdemir'] })
    old.close()
    const db = await openUserDb(userId, { storage: null })
    expect(db.device).toMatchObject({ clientId, created: false })
    expect((await db.customers.get(id))?.nameKey).toBe('ozdemir\u0000omer')
    expect((await searchCustomers(db, 'özd')).map((c) => c.id)).toEqual([id])
    db.close()
  })
})
