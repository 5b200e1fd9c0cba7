import { beforeEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import type { DuplicateCandidate, DuplicateCheck } from '../../shared/schemas'
import { customers } from '../../server/src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { makeBranch, makeCustomer, makeSignedIn } from '../support/factories'
import { TestDevice } from '../support/sync'

type User = { id: string; email: string; cookie: string }
let t: TestApp
let rep: User
let office: User
let outsider: User
let anna: string
let foreignAnna: string

const IBAN = 'DE89370400440532013000'
const annaData = {
  firstName: 'Anna',
  lastName: 'Meier',
  birthDate: '1980-05-01',
  emails: [{ type: 'private' as const, address: 'anna@example.de' }],
  phones: [{ type: 'mobile' as const, number: '0171 1234567' }],
  bankAccounts: [{ iban: IBAN, bic: null, holder: null, label: null }],
  addresses: [{ type: 'home' as const, street: 'Ringstr. 3', zip: '50667', city: 'Köln', country: 'DE' }],
}

beforeEach(async () => {
  t = createTestApp()
  const branch = makeBranch(t)
  rep = await makeSignedIn(t, { branchIds: [branch], name: 'Rainer Rep' })
  office = await makeSignedIn(t, { role: 'backoffice', branchIds: [branch] })
  outsider = await makeSignedIn(t, { branchIds: [makeBranch(t)] })
  anna = makeCustomer(t, rep.id, annaData)
  makeCustomer(t, rep.id, { firstName: 'Bernd', lastName: 'Schmidt', birthDate: '1975-01-01' })
  foreignAnna = makeCustomer(t, outsider.id, annaData)
})

async function check(input: DuplicateCheck, cookie = rep.cookie): Promise<DuplicateCandidate[]> {
  const res = await t.req('POST', '/api/customers/duplicates', { cookie, body: input })
  expect(res.status).toBe(200)
  return (await res.json()).items
}

describe('POST /api/customers/duplicates', () => {
  it.each<[string, DuplicateCheck, string]>([
    ['same name and birth date (any case)', { firstName: 'anna', lastName: 'MEIER', birthDate: '1980-05-01' }, 'name_birthdate'],
    ['the same e-mail address', { firstName: 'Zoe', lastName: 'Zett', emails: ['Anna@Example.DE'] }, 'email'],
    ['the same phone number in another notation', { firstName: 'Zoe', lastName: 'Zett', phones: ['+49 171 123 45 67'] }, 'phone'],
    ['the same IBAN with spaces', { firstName: 'Zoe', lastName: 'Zett', ibans: ['DE89 3704 0044 0532 0130 00'] }, 'iban'],
    ['a name that sounds alike', { firstName: 'Anna', lastName: 'Mayr' }, 'phonetic_name'],
  ])('finds a customer by %s', async (_what, input, reason) => {
    const items = await check(input)
    expect(items).toEqual([
      {
        id: anna,
        customerNo: expect.stringMatching(/^K-\d{6}$/),
        firstName: 'Anna',
        lastName: 'Meier',
        birthDate: '1980-05-01',
        city: 'Köln',
        ownerName: 'Rainer Rep',
        reasons: [reason],
      },
    ])
  })

  it('lists every reason that applies, strongest candidate first', async () => {
    const items = await check({ firstName: 'Anna', lastName: 'Meier', birthDate: '1980-05-01', emails: ['anna@example.de'], phones: ['01711234567'], ibans: [IBAN] })
    expect(items.map((i) => [i.id, i.reasons])).toEqual([[anna, ['name_birthdate', 'email', 'phone', 'iban']]])
  })

  it('finds nothing for a different person', async () => {
    expect(await check({ firstName: 'Carla', lastName: 'Neumann', birthDate: '1990-01-01', emails: ['carla@example.de'] })).toEqual([])
  })

  it('never names the customer being edited, nor deleted customers', async () => {
    expect(await check({ id: anna, ...{ firstName: 'Anna', lastName: 'Meier', birthDate: '1980-05-01', emails: ['anna@example.de'] } })).toEqual([])
    t.db.update(customers).set({ deletedAt: t.clock.now().toISOString() }).where(eq(customers.id, anna)).run()
    expect(await check({ firstName: 'Anna', lastName: 'Meier', birthDate: '1980-05-01', emails: ['anna@example.de'] })).toEqual([])
  })

  it('answers only with customers in the caller’s read scope', async () => {
    const input = { firstName: 'Anna', lastName: 'Meier', birthDate: '1980-05-01', emails: ['anna@example.de'], phones: ['0171 1234567'], ibans: [IBAN] }
    expect((await check(input, rep.cookie)).map((i) => i.id)).toEqual([anna])
    expect((await check(input, office.cookie)).map((i) => i.id)).toEqual([anna])
    expect((await check(input, outsider.cookie)).map((i) => i.id)).toEqual([foreignAnna])
    const stranger = await makeSignedIn(t, { branchIds: [makeBranch(t)] })
    expect(await check(input, stranger.cookie)).toEqual([])
  })

  it('returns at most 10 candidates', async () => {
    for (let i = 0; i < 12; i++) makeCustomer(t, rep.id, { firstName: 'Jan', lastName: 'Müller' })
    expect(await check({ firstName: 'Jan', lastName: 'Mueller' })).toHaveLength(10)
  })

  it('sees contact data changed after creation', async () => {
    const device = new TestDevice(t, rep.cookie)
    await device.push([device.mutation('updateCustomer', { id: anna, changes: { emails: { from: annaData.emails, to: [{ type: 'work', address: 'neu@example.de' }] } } }, 2)])
    expect(await check({ firstName: 'Zoe', lastName: 'Zett', emails: ['anna@example.de'] })).toEqual([])
    expect((await check({ firstName: 'Zoe', lastName: 'Zett', emails: ['neu@example.de'] })).map((i) => i.id)).toEqual([anna])
  })

  it('needs a session (401) and a well-formed body (400)', async () => {
    expect((await t.req('POST', '/api/customers/duplicates', { body: { lastName: 'Meier' } })).status).toBe(401)
    const bad = await t.req('POST', '/api/customers/duplicates', { cookie: rep.cookie, body: { lastName: 'Meier', emails: 'anna@example.de' } })
    expect(bad.status).toBe(400)
    expect((await bad.json()).code).toBe('VALIDATION')
  })
})
