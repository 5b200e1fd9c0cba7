import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import { openUserDb, type FeldakteDb } from '../../../client/src/db'
import { findLocalDuplicates } from '../../../client/src/db/duplicates'
import { createCustomer } from '../../../client/src/mutators'

let db: FeldakteDb
afterEach(() => db?.close())

async function seed() {
  db = await openUserDb(uuidv7(), { storage: null })
  const meyer = await createCustomer(db, { firstName: 'Erika', lastName: 'Meyer', birthDate: '1964-08-12' })
  const schmidt = await createCustomer(db, {
    firstName: 'Hans',
    lastName: 'Schmidt',
    phones: [{ type: 'mobile', number: '+49 171 2345678' }],
    emails: [{ type: 'private', address: 'hans@schmidt.de' }],
    bankAccounts: [{ iban: 'DE89370400440532013000' }],
  })
  const company = await createCustomer(db, { kind: 'company', firstName: '', lastName: 'Müller Bau GmbH' })
  // Noise: other names and numbers, so a match is not just "everyone".
  for (const [first, last] of [['Anna', 'Alt'], ['Bernd', 'Beispiel'], ['Erika', 'Neumann'], ['Otto', 'Mayer-Lüdenscheidt']]) {
    await createCustomer(db, { firstName: first!, lastName: last!, phones: [{ type: 'home', number: '0221 999' }] })
  }
  return { meyer: meyer.id, schmidt: schmidt.id, company: company.id }
}
const check = (patch: Record<string, unknown>) => ({ kind: 'person' as const, firstName: '', lastName: '', birthDate: null, emails: [], phones: [], ibans: [], ...patch })

describe('duplicate check on the device', () => {
  it('finds Meyer when Maier is entered (same sound, same first name), with the reason', async () => {
    const ids = await seed()
    const found = await findLocalDuplicates(db, check({ firstName: 'Erika', lastName: 'Maier' }))
    expect(found.map((d) => [d.customer.id, d.reasons])).toEqual([[ids.meyer, ['phonetic_name']]])
    // A different birth date contradicts the sound-alike name.
    expect(await findLocalDuplicates(db, check({ firstName: 'Erika', lastName: 'Maier', birthDate: '1970-01-01' }))).toEqual([])
    // The same name and birth date is the strongest reason.
    expect((await findLocalDuplicates(db, check({ firstName: 'erika', lastName: 'MEYER', birthDate: '1964-08-12' })))[0]?.reasons).toEqual(['name_birthdate'])
  })

  it('finds the same phone in another format, the same e-mail and the same IBAN', async () => {
    const ids = await seed()
    const byPhone = await findLocalDuplicates(db, check({ lastName: 'Schmitz', firstName: 'Heinz', phones: ['0171 / 234 56 78'] }))
    expect(byPhone.map((d) => [d.customer.id, d.reasons])).toEqual([[ids.schmidt, ['phone']]])
    const byMail = await findLocalDuplicates(db, check({ lastName: 'X', emails: ['Hans@Schmidt.DE'] }))
    expect(byMail.map((d) => [d.customer.id, d.reasons])).toEqual([[ids.schmidt, ['email']]])
    const byIban = await findLocalDuplicates(db, check({ lastName: 'X', ibans: ['de89 3704 0044 0532 0130 00'] }))
    expect(byIban.map((d) => [d.customer.id, d.reasons])).toEqual([[ids.schmidt, ['iban']]])
  })

  it('lists the candidate with the most reasons first and never the customer being edited', async () => {
    const ids = await seed()
    const all = check({ firstName: 'Hans', lastName: 'Schmitt', phones: ['01712345678'], emails: ['hans@schmidt.de'] })
    expect((await findLocalDuplicates(db, all))[0]).toMatchObject({ customer: { id: ids.schmidt }, reasons: ['email', 'phone', 'phonetic_name'] })
    expect(await findLocalDuplicates(db, { ...all, id: ids.schmidt })).toEqual([])
  })

  it('matches company names by sound without a first name', async () => {
    const ids = await seed()
    const found = await findLocalDuplicates(db, check({ kind: 'company', lastName: 'Mueller Bau GmbH' }))
    expect(found.map((d) => d.customer.id)).toEqual([ids.company])
  })

  it('reads candidates from indexes: without an IBAN it never loads all customers', async () => {
    await seed()
    const toArray = vi.spyOn(db.customers, 'toArray')
    await findLocalDuplicates(db, check({ firstName: 'Erika', lastName: 'Maier', phones: ['0171 1'], emails: ['a@b.de'] }))
    expect(toArray).not.toHaveBeenCalled()
    await findLocalDuplicates(db, check({ lastName: 'X', ibans: ['DE89370400440532013000'] }))
    expect(toArray).toHaveBeenCalledTimes(1)
  })
})
