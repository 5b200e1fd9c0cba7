import { beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app'
import { makeBranch, makeSignedIn } from '../support/factories'
import { customer, TestDevice } from '../support/sync'
import { buildMatch } from '../../server/src/modules/customers/customer-search.service'

let t: TestApp
let rep: { id: string; cookie: string }
let office: { cookie: string }

beforeEach(async () => {
  t = createTestApp()
  const branch = makeBranch(t)
  rep = await makeSignedIn(t, { branchIds: [branch] })
  office = await makeSignedIn(t, { role: 'backoffice', branchIds: [branch] })
  const device = new TestDevice(t, rep.cookie)
  const people = [
    ['Anna', 'Meier', 'München', '0171 2345678'],
    ['Bernd', 'Meyer', 'Köln', null],
    ['Carla', 'Mayr', 'Bonn', null],
    ['Dieter', 'Schmidt', 'Köln', null],
    ['Emil', 'Schmitt', 'Hamburg', null],
    ['Frieda', 'Müller', 'Leipzig', null],
    ['Gustav', 'Mueller', 'Kiel', null],
    ['Hanna', 'Schneider', 'Köln', null],
  ]
  await device.push(people.map(([firstName, lastName, city, phone]) => device.mutation('createCustomer', customer({ firstName, lastName, city, phone }))))
})

async function search(q: string, cookie = office.cookie): Promise<string[]> {
  const res = await t.req('GET', `/api/customers?q=${encodeURIComponent(q)}`, { cookie })
  expect(res.status).toBe(200)
  return ((await res.json()).items as { lastName: string }[]).map((c) => c.lastName)
}

describe('customer search on the server', () => {
  it.each([
    ['Maier', ['Meier', 'Meyer', 'Mayr']],
    ['Meyer', ['Meier', 'Meyer', 'Mayr']],
    ['Schmitt', ['Schmidt', 'Schmitt']],
    ['Müller', ['Müller', 'Mueller']],
    ['Mueller', ['Müller', 'Mueller']],
  ])('finds spelling variants of %s', async (q, expected) => {
    expect((await search(q)).sort()).toEqual([...expected].sort())
  })

  it('matches word prefixes, city and phone digits, every token required', async () => {
    expect(await search('schn')).toEqual(['Schneider'])
    expect((await search('köln')).sort()).toEqual(['Meyer', 'Schmidt', 'Schneider'])
    expect(await search('köln schmi')).toEqual(['Schmidt'])
    expect(await search('01712345')).toEqual(['Meier'])
    expect(await search('0171 2345')).toEqual(['Meier'])
  })

  it('ranks the exact spelling before phonetic variants', async () => {
    expect((await search('Meyer'))[0]).toBe('Meyer')
  })

  it('keeps the index current when a name changes', async () => {
    const device = new TestDevice(t, rep.cookie)
    const c = customer({ firstName: 'Ida', lastName: 'Alt' })
    await device.push([device.mutation('createCustomer', c), device.mutation('updateCustomer', { id: c.id, changes: { lastName: { from: 'Alt', to: 'Neumann' } } })])
    expect(await search('Alt')).toEqual([])
    expect(await search('Neumann')).toEqual(['Neumann'])
  })

  it('searches only within the caller’s scope', async () => {
    const outsider = await makeSignedIn(t, { branchIds: [makeBranch(t)] })
    expect(await search('Meier', outsider.cookie)).toEqual([])
  })

  it('ignores FTS syntax in the input instead of failing', async () => {
    expect(buildMatch('"Meier" OR *')).not.toContain('""')
    expect(await search('"Meier* ( :')).toEqual(expect.arrayContaining(['Meier']))
    expect(await search('NOT(')).toEqual([])
    expect(buildMatch('  ')).toBeNull()
  })
})
