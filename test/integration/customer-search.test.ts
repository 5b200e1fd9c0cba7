import { sql } from 'drizzle-orm'
import { beforeEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../shared/ids'
import { createTestApp, type TestApp } from '../support/app'
import { applyMutation, makeBranch, makeCustomer, makeSignedIn, makeUser } from '../support/factories'
import { buildMatch, ensureCustomerSearch, indexCustomer, rebuildCustomerSearch, SEARCH_COUNT_CAP } from '../../server/src/modules/customers/customer-search.service'

const ADMIN = { id: '00000000-0000-7000-8000-000000000000', role: 'admin' as const, branchIds: [] }

let t: TestApp
let branch: string
let rep: { id: string; cookie: string }
let office: { cookie: string }

const home = (city: string) => [{ type: 'home' as const, street: '', zip: '', city, country: 'DE' }]

beforeEach(async () => {
  t = createTestApp()
  branch = makeBranch(t)
  rep = await makeSignedIn(t, { branchIds: [branch] })
  office = await makeSignedIn(t, { role: 'backoffice', branchIds: [branch] })
  const people: [string, string, string, string | null][] = [
    ['Anna', 'Meier', 'München', '+49 171 2345678'],
    ['Bernd', 'Meyer', 'Köln', null],
    ['Carla', 'Mayr', 'Bonn', null],
    ['Dieter', 'Maier', 'Kiel', null],
    ['Dieter', 'Schmidt', 'Köln', null],
    ['Emil', 'Schmitt', 'Hamburg', null],
    ['Frieda', 'Müller', 'Leipzig', null],
    ['Gustav', 'Mueller', 'Kiel', null],
    ['Hanna', 'Schneider', 'Köln', null],
  ]
  for (const [firstName, lastName, city, phone] of people) {
    makeCustomer(t, rep.id, { firstName, lastName, addresses: home(city), phones: phone ? [{ type: 'mobile', number: phone }] : [] })
  }
})

async function searchBody(q: string, cookie = office.cookie): Promise<{ items: { id: string; firstName: string; lastName: string; customerNo: string }[]; total: number; totalCapped?: boolean }> {
  const res = await t.req('GET', `/api/customers?q=${encodeURIComponent(q)}`, { cookie })
  expect(res.status).toBe(200)
  return res.json()
}
const search = async (q: string, cookie?: string) => (await searchBody(q, cookie)).items.map((c) => c.lastName)

describe('customer search on the server', () => {
  it.each([
    ['Maier', ['Maier', 'Mayr', 'Meier', 'Meyer']],
    ['Meyer', ['Meyer', 'Maier', 'Mayr', 'Meier']],
    ['Meier', ['Meier', 'Maier', 'Mayr', 'Meyer']],
    ['Mayr', ['Mayr', 'Maier', 'Meier', 'Meyer']],
    ['Schmitt', ['Schmitt', 'Schmidt']],
    ['Schmidt', ['Schmidt', 'Schmitt']],
    ['Müller', ['Mueller', 'Müller']],
    ['Mueller', ['Mueller', 'Müller']],
    ['Muller', ['Müller', 'Mueller']],
  ])('finds the spelling variants of %s, the spelling typed first', async (q, expected) => {
    expect(await search(q)).toEqual(expected)
  })

  it('ranks every exact spelling before the phonetic-only matches, each part in name order', async () => {
    makeCustomer(t, rep.id, { firstName: 'Zoe', lastName: 'Meier' })
    makeCustomer(t, rep.id, { firstName: 'Ada', lastName: 'Meierhof' })
    const found = (await searchBody('meier')).items.map((c) => `${c.firstName} ${c.lastName}`)
    expect(found).toEqual(['Anna Meier', 'Zoe Meier', 'Ada Meierhof', 'Dieter Maier', 'Carla Mayr', 'Bernd Meyer'])
    // Every word must match, by spelling or by sound.
    expect(await search('maier zoe')).toEqual(['Meier'])
    expect(await search('dieter schmitt')).toEqual(['Schmidt'])
  })

  it('matches word prefixes, city, phone digits and customer number, every word required', async () => {
    expect(await search('schn')).toEqual(['Schneider'])
    expect(await search('köln')).toEqual(['Meyer', 'Schmidt', 'Schneider'])
    expect(await search('koeln schmi')).toEqual(['Schmidt'])
    expect(await search('491712345')).toEqual(['Meier'])
    expect(await search('01712345678')).toEqual(['Meier'])
    expect(await search('0171 2345')).toEqual(['Meier'])
    const [meier] = (await searchBody('Anna Meier')).items
    expect(meier!.customerNo).toMatch(/^K-0*\d+$/)
    expect(await search(meier!.customerNo)).toEqual(['Meier'])
    expect(await search(meier!.customerNo.replace(/^K-0*/, ''))).toContain('Meier')
  })

  it('keeps the index current when a name changes, and drops deleted customers', async () => {
    const id = makeCustomer(t, rep.id, { firstName: 'Ida', lastName: 'Alt' })
    expect(await search('Alt')).toEqual(['Alt'])
    applyMutation(t, ADMIN, 'updateCustomer', 1, { id, changes: { lastName: { from: 'Alt', to: 'Neumann' } } })
    expect(await search('Alt')).toEqual([])
    expect(await search('Neumann')).toEqual(['Neumann'])
    // A write path that only marks the customer deleted is caught by the trigger on customers.
    t.db.run(sql`UPDATE customers SET deleted_at = '2026-03-12T09:00:00.000Z' WHERE id = ${id}`)
    expect(await search('Neumann')).toEqual([])
  })

  it('finds the rep their own customers and never another structure’s', async () => {
    expect(await search('Meier', rep.cookie)).toEqual(['Meier', 'Maier', 'Mayr', 'Meyer'])
    const other = makeBranch(t)
    const outsider = await makeSignedIn(t, { branchIds: [other] })
    const otherOffice = await makeSignedIn(t, { role: 'backoffice', branchIds: [other] })
    makeCustomer(t, outsider.id, { firstName: 'Olga', lastName: 'Meier' })
    expect(await search('Meier', outsider.cookie)).toEqual(['Meier'])
    expect((await searchBody('Meier', outsider.cookie)).total).toBe(1)
    expect(await search('Meier', otherOffice.cookie)).toEqual(['Meier'])
    expect((await searchBody('Olga', rep.cookie)).items).toEqual([])
    expect((await searchBody('Olga', office.cookie)).total).toBe(0)
  })

  it('follows a reassignment: the new owner’s scope finds the customer, the old one no longer does', async () => {
    const other = makeBranch(t)
    const newRep = await makeSignedIn(t, { branchIds: [other] })
    const [anna] = (await searchBody('Anna Meier')).items
    applyMutation(t, ADMIN, 'reassignCustomer', 1, { id: anna!.id, ownerRepId: newRep.id })
    expect(await search('Anna Meier', newRep.cookie)).toEqual(['Meier'])
    expect(await search('Anna Meier', rep.cookie)).toEqual([])
    expect(await search('Anna Meier', office.cookie)).toEqual([])
  })

  it('searches a wide scope (many reps) exactly like a narrow one', async () => {
    // Over a hundred reps: the scope is checked per match instead of inside FTS5.
    for (let i = 0; i < 101; i++) await makeUser(t, { branchIds: [branch] })
    const outsider = await makeUser(t, { branchIds: [makeBranch(t)] })
    makeCustomer(t, outsider.id, { firstName: 'Olga', lastName: 'Meier' })
    expect(await search('Meier', office.cookie)).toEqual(['Meier', 'Maier', 'Mayr', 'Meyer'])
    expect((await searchBody('Meier', office.cookie)).total).toBe(4)
    expect((await searchBody('Olga', office.cookie)).items).toEqual([])
  })

  it('counts up to 1,000 matches and says when there are more; later pages continue in order', async () => {
    const client = t.db.$client
    const insert = client.prepare(
      `INSERT INTO customers (id, first_name, last_name, owner_rep_id, created_by, created_at, updated_at, rev) VALUES (?, ?, 'Meier', ?, ?, '2026-01-01', '2026-01-01', 1)`,
    )
    client.transaction(() => {
      for (let i = 0; i < SEARCH_COUNT_CAP + 5; i++) insert.run(uuidv7(), `Vorname${String(i).padStart(4, '0')}`, rep.id, rep.id)
    })()
    rebuildCustomerSearch(t.db)
    const first = await searchBody('Meier')
    expect(first.total).toBe(SEARCH_COUNT_CAP)
    expect(first.totalCapped).toBe(true)
    expect(first.items).toHaveLength(50)
    const second = await t.req('GET', `/api/customers?q=Meier&page=2`, { cookie: office.cookie }).then((r) => r.json())
    const names = [...first.items, ...second.items].map((c: { firstName: string; lastName: string }) => `${c.lastName}, ${c.firstName}`)
    expect(names.slice(0, 2)).toEqual(['Meier, Anna', 'Meier, Vorname0000'])
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'de')))
    expect((await searchBody('Schneider')).totalCapped).toBe(false)
  })

  it('keeps search rows in name order when many customers land in one gap', () => {
    // The same name over and over: each new one sorts right after the last, halving the same gap.
    makeCustomer(t, rep.id, { firstName: 'Anna', lastName: 'Zander' })
    for (let i = 0; i < 150; i++) makeCustomer(t, rep.id, { firstName: 'Anna', lastName: 'Meier' })
    const rows = t.db.all<{ id: string; key: string }>(sql`SELECT customer_id AS id, sort_key AS key FROM customer_search_rows ORDER BY search_rowid`)
    const byName = [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : 1))
    expect(rows.map((r) => r.id)).toEqual(byName.map((r) => r.id))
    expect(t.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM customer_search WHERE customer_search MATCH 'words:"meier"*'`).n).toBe(151)
    // Re-indexing an unchanged customer keeps it where it is.
    const before = t.db.all(sql`SELECT customer_id, CAST(search_rowid AS TEXT) FROM customer_search_rows ORDER BY search_rowid`)
    for (const r of rows.slice(0, 20)) indexCustomer(t.db, r.id)
    expect(t.db.all(sql`SELECT customer_id, CAST(search_rowid AS TEXT) FROM customer_search_rows ORDER BY search_rowid`)).toEqual(before)
  })

  it('builds the index at start for customers that have none, and refuses to start without its triggers', async () => {
    t.db.run(sql`DELETE FROM customer_search_rows`)
    t.db.run(sql`INSERT INTO customer_search (customer_search) VALUES ('rebuild')`)
    expect(await search('Meier')).toEqual([])
    expect(ensureCustomerSearch(t.db)).toBe(9)
    expect(await search('Meier')).toEqual(['Meier', 'Maier', 'Mayr', 'Meyer'])
    expect(ensureCustomerSearch(t.db)).toBe(0)
    t.db.run(sql`DROP TRIGGER customers_search_owner`)
    expect(() => ensureCustomerSearch(t.db)).toThrow(/customers_search_owner/)
  })

  it('ignores FTS syntax in the input instead of failing', async () => {
    expect(buildMatch('"Meier" OR *')?.any).not.toContain('""')
    expect(await search('"Meier* ( :')).toEqual(expect.arrayContaining(['Meier']))
    expect(await search('NOT(')).toEqual([])
    // Nothing searchable left: the plain list.
    expect(await search('- ^')).toHaveLength(9)
    expect(buildMatch('  ')).toBeNull()
  })

  it('requires a session', async () => {
    expect((await t.req('GET', '/api/customers?q=Meier')).status).toBe(401)
  })
})

