import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import { koelnerPhonetik } from '../../../shared/phonetic'
import { seededRandom } from '../../../server/src/demo/names'
import type { CustomerRow } from '../../../shared/schemas/customers'
import { customerNameKey, customerWords, DeviceCustomerSearch, openUserDb, searchCustomers, type FeldakteDb } from '../../../client/src/db'
import { createCustomer, localCustomer } from '../../../client/src/mutators'

const FIRST = ['Anna', 'Ömer', 'Jürgen', 'sabine', 'Stefan', 'Maike']
const LAST = ['Müller', 'Mueller', 'Özdemir', 'Schmidt', 'Schmitt', 'von Berg', 'Ahrens', 'Zander', 'Schäfer', 'Muster', 'Meier', 'Meyer', 'Mayr', 'Maier']
const CITIES = ['Köln', 'Bonn', 'Mainz']

function row(overrides: Partial<CustomerRow>): CustomerRow {
  return {
    id: uuidv7(),
    customerNo: null,
    kind: 'person',
    status: 'customer',
    salutation: null,
    title: null,
    firstName: 'Erika',
    lastName: 'Mustermann',
    birthName: null,
    birthDate: null,
    nationality: null,
    maritalStatus: null,
    occupation: null,
    employer: null,
    addresses: [],
    phones: [],
    emails: [],
    bankAccounts: [],
    tags: [],
    remarks: null,
    ownerRepId: 'rep',
    branchId: null,
    restrictedAt: null,
    pseudonymisedAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  }
}

/** Both on-device searches: straight from IndexedDB (one-off) and the list's in-memory index. */
async function bothSearches(db: FeldakteDb, query: string, limit = 50): Promise<string[][]> {
  const list = new DeviceCustomerSearch(db)
  await list.ready()
  const names = (rows: { firstName: string; lastName: string }[]) => rows.map((c) => `${c.firstName} ${c.lastName}`)
  return [names(await searchCustomers(db, query, limit)), names(await list.search(query, limit))]
}

describe('name order and on-device search', () => {
  it('sorts names as German lists do: case and umlauts with their base letter', () => {
    const keys = ['Zander', 'von Berg', 'Özdemir', 'Ahrens', 'Müller', 'Muster', 'Oberle'].map((lastName) => ({ lastName, key: customerNameKey({ firstName: 'A', lastName }) }))
    expect(keys.sort((x, y) => (x.key < y.key ? -1 : 1)).map((k) => k.lastName)).toEqual(['Ahrens', 'Müller', 'Muster', 'Oberle', 'Özdemir', 'von Berg', 'Zander'])
  })

  it('indexes the Kölner Phonetik codes of the names as whole words', () => {
    const words = customerWords(row({ firstName: 'Hans-Peter', lastName: 'Meyer', birthName: 'Schmitt' }))
    expect(words).toEqual(expect.arrayContaining(['#67', '#862']))
    expect(words.filter((w) => w.startsWith('#')).sort()).toEqual(['#068', '#127', '#67', '#862'].sort())
  })

  it.each([
    ['Maier', ['Maier', 'Mayr', 'Meier', 'Meyer']],
    ['Meyer', ['Meyer', 'Maier', 'Mayr', 'Meier']],
    ['mayr', ['Mayr', 'Maier', 'Meier', 'Meyer']],
    ['Schmitt', ['Schmitt', 'Schmidt']],
    ['Schmidt', ['Schmidt', 'Schmitt']],
    ['Müller', ['Mueller', 'Müller']],
    ['Mueller', ['Mueller', 'Müller']],
    ['Muller', ['Müller', 'Mueller']],
  ])('finds the spelling variants of %s offline, the spelling typed first', async (query, expected) => {
    const db = await openUserDb(uuidv7(), { storage: null })
    for (const lastName of ['Meier', 'Meyer', 'Mayr', 'Maier', 'Schmidt', 'Schmitt', 'Müller', 'Mueller', 'Schneider', 'Becker']) {
      await createCustomer(db, { firstName: 'Anna', lastName })
    }
    for (const found of await bothSearches(db, query)) expect(found.map((n) => n.replace('Anna ', ''))).toEqual(expected)
    db.close()
  })

  it('ranks every exact spelling before the phonetic-only matches, each part in name order', async () => {
    const db = await openUserDb(uuidv7(), { storage: null })
    await db.customers.bulkPut(
      [
        row({ firstName: 'Zoe', lastName: 'Meier' }),
        row({ firstName: 'Anna', lastName: 'Meyer' }),
        row({ firstName: 'Bernd', lastName: 'Meier' }),
        row({ firstName: 'Carla', lastName: 'Mayr' }),
        row({ firstName: 'Dora', lastName: 'Meierhof' }),
      ].map((r) => localCustomer(r)),
    )
    for (const found of await bothSearches(db, 'meier')) expect(found).toEqual(['Bernd Meier', 'Zoe Meier', 'Dora Meierhof', 'Carla Mayr', 'Anna Meyer'])
    // Every query word must match, by spelling or by sound.
    for (const found of await bothSearches(db, 'maier zoe')) expect(found).toEqual(['Zoe Meier'])
    // Sounds are whole words: a prefix of a name is not a sound of it.
    for (const found of await bothSearches(db, 'mey')) expect(found).toEqual(['Anna Meyer'])
    db.close()
  })

  it('gives the same results from IndexedDB and from the list index as a plain filter would, for broad and selective queries', async () => {
    const db = await openUserDb(uuidv7(), { storage: null })
    const random = seededRandom(4)
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
    const rows = Array.from({ length: 1200 }, (_, i) =>
      row({ firstName: pick(FIRST), lastName: pick(LAST), addresses: [{ type: 'home', street: '', zip: '', city: pick(CITIES), country: 'DE' }], phones: [{ type: 'mobile', number: `0171 ${1000 + i}` }] }),
    )
    await db.customers.bulkPut(rows.map((r) => localCustomer(r)))
    const locals = await db.customers.toArray()
    expect(new Set(await db.customers.where('words').startsWith('m').primaryKeys()).size).toBeGreaterThan(400)
    const byName = (a: { nameKey: string; id: string }, b: { nameKey: string; id: string }) => (a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : a.id < b.id ? -1 : 1)
    const prefix = (c: { words: string[] }, w: string) => c.words.some((cw) => cw.startsWith(w))
    // The reference: every query word the start of a word (exact), or else of the same sound (three letters or more).
    const sound = (w: string) => (/[a-z]{3,}/.test(w) ? `#${koelnerPhonetik(w)}` : null)
    const expected = (words: string[], limit: number) => {
      const exact = locals.filter((c) => words.every((w) => prefix(c, w))).sort(byName)
      const phonetic = locals.filter((c) => !exact.includes(c) && words.every((w) => prefix(c, w) || c.words.includes(sound(w) ?? '-'))).sort(byName)
      return [...exact, ...phonetic].slice(0, limit).map((c) => c.id)
    }
    for (const [query, words] of [
      ['m', ['m']],
      ['s', ['s']],
      ['mai köln', ['mai', 'koeln']],
      ['maier', ['maier']],
      ['schmitt', ['schmitt']],
      ['0171 1012', ['01711012']],
      ['z bonn', ['z', 'bonn']],
      ['mueller anna', ['mueller', 'anna']],
    ] as const) {
      const list = new DeviceCustomerSearch(db)
      await list.ready()
      for (const limit of [10, 51]) {
        const want = expected([...words], limit)
        expect(want.length, query).toBeGreaterThan(0)
        expect((await searchCustomers(db, query, limit)).map((c) => c.id), `${query} (IndexedDB)`).toEqual(want)
        expect((await list.search(query, limit)).map((c) => c.id), `${query} (list index)`).toEqual(want)
      }
    }
    db.close()
  })

  it('finds a customer by number, with or without the prefix and leading zeros', async () => {
    const db = await openUserDb(uuidv7(), { storage: null })
    await db.customers.bulkPut([localCustomer(row({ lastName: 'Nummer', customerNo: 'K-004711' })), localCustomer(row({ lastName: 'Andere', customerNo: 'K-000047' }))])
    for (const found of await bothSearches(db, 'K-004711')) expect(found).toEqual(['Erika Nummer'])
    for (const found of await bothSearches(db, '4711')) expect(found).toEqual(['Erika Nummer'])
    for (const found of await bothSearches(db, '47')) expect(found).toEqual(['Erika Andere', 'Erika Nummer'])
    for (const found of await bothSearches(db, '000047')) expect(found).toEqual(['Erika Andere'])
    db.close()
  })

  it('shows changed customers in the list search: fresh rows at once, the new order once the index is rebuilt', async () => {
    const db = await openUserDb(uuidv7(), { storage: null })
    const { id } = await createCustomer(db, { firstName: 'Ida', lastName: 'Alt' })
    const list = new DeviceCustomerSearch(db)
    await list.ready()
    expect((await list.search('alt', 10)).map((c) => c.id)).toEqual([id])
    const stored = (await db.customers.get(id))!
    await db.customers.put(localCustomer({ ...stored, lastName: 'Neumann' }))
    list.invalidate()
    // Until the index is rebuilt the previous one picks the matches, but no row is shown stale.
    expect((await list.search('alt', 10)).map((c) => c.lastName)).toEqual(['Neumann'])
    await list.ready()
    expect(await list.search('alt', 10)).toEqual([])
    expect((await list.search('naumann', 10)).map((c) => c.lastName)).toEqual(['Neumann'])
    await createCustomer(db, { firstName: 'Berta', lastName: 'Adler' })
    list.invalidate()
    expect((await list.list(10)).map((c) => c.lastName)).toEqual(['Adler', 'Neumann'])
    await list.ready()
    expect((await list.list(10)).map((c) => c.lastName)).toEqual(['Adler', 'Neumann'])
    db.close()
  })
})
