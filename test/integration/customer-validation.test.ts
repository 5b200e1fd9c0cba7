import { beforeEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { customerValuesSchema } from '../../shared/schemas'
import { customers, quarantine } from '../../server/src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { customerArgs, makeBranch, makeSignedIn } from '../support/factories'
import { TestDevice } from '../support/sync'

const IBAN_OK = 'DE89370400440532013000'
const IBAN_MSG = 'Die IBAN ist ungültig (Länge oder Prüfziffer stimmt nicht).'
const BIC_MSG = 'Die BIC ist ungültig (8 oder 11 Zeichen, z. B. COBADEFFXXX).'
const account = (iban: string, bic: string | null = null) => ({ bankAccounts: [{ iban, bic, holder: null, label: null }] })
const home = (zip: string, country = 'DE') => ({ addresses: [{ type: 'home', street: 'Hauptstr. 1', zip, city: 'Köln', country }] })

/** [what, changes to a valid person, German message or null when valid]. */
const CASES: [string, Record<string, unknown>, string | null][] = [
  ['a valid IBAN (with spaces)', account('DE89 3704 0044 0532 0130 00'), null],
  ['an IBAN with a wrong check digit', account('DE89370400440532013001'), IBAN_MSG],
  ['an IBAN of the wrong length', account('DE8937040044053201300'), IBAN_MSG],
  ['a valid BIC', account(IBAN_OK, 'COBADEFFXXX'), null],
  ['an invalid BIC', account(IBAN_OK, 'COBADE1'), BIC_MSG],
  ['an invalid e-mail address', { emails: [{ type: 'private', address: 'erika@' }] }, 'Bitte eine gültige E-Mail-Adresse angeben.'],
  ['a valid e-mail address', { emails: [{ type: 'private', address: 'Erika@Example.de' }] }, null],
  ['a birth date that does not exist', { birthDate: '1980-02-30' }, 'Bitte ein gültiges Datum im Format JJJJ-MM-TT angeben.'],
  ['a birth date in the future', { birthDate: '2999-01-01' }, 'Das Geburtsdatum liegt in der Zukunft.'],
  ['a German zip code with four digits', home('5067'), 'Bitte eine fünfstellige Postleitzahl angeben.'],
  ['a British postcode abroad', home('SW1A 1AA', 'GB'), null],
  ['a missing last name', { lastName: '' }, 'Bitte den Nachnamen angeben.'],
  ['a person without first name', { firstName: '' }, 'Bitte den Vornamen angeben.'],
  ['a company without first name', { kind: 'company', firstName: '', lastName: 'Muster GmbH' }, null],
]

describe('customer validation through the shared schema', () => {
  it.each(CASES)('%s', (_what, changes, message) => {
    const parsed = customerValuesSchema.safeParse({ ...customerArgs(), ...changes })
    if (message === null) expect(parsed.error?.issues).toBeUndefined()
    else expect(parsed.error?.issues.map((i) => i.message)).toContain(message)
  })
})

describe('customer validation through pushed mutations', () => {
  let t: TestApp
  let device: TestDevice

  beforeEach(async () => {
    t = createTestApp()
    const rep = await makeSignedIn(t, { branchIds: [makeBranch(t)] })
    device = new TestDevice(t, rep.cookie)
  })

  it.each(CASES)('createCustomer with %s', async (_what, changes, message) => {
    const args = customerArgs(changes)
    const res = await device.push([device.mutation('createCustomer', args, 2)])
    const stored = t.db.select().from(customers).where(eq(customers.id, args.id)).get()
    if (message === null) {
      expect(res.body.results[0]).toEqual({ seq: 1, status: 'applied' })
      expect(stored).toBeDefined()
      return
    }
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', code: 'VALIDATION' })
    expect(res.body.results[0]!.message).toContain(message)
    expect(stored).toBeUndefined()
    expect(t.db.select().from(quarantine).all()).toEqual([expect.objectContaining({ code: 'VALIDATION', args })])
  })

  it.each(CASES.filter(([, changes]) => !('kind' in changes)))('updateCustomer with %s', async (_what, changes, message) => {
    const args = customerArgs()
    await device.push([device.mutation('createCustomer', args, 2)])
    const patch = Object.fromEntries(Object.entries(changes).map(([field, to]) => [field, { from: (args as Record<string, unknown>)[field] ?? null, to }]))
    const res = await device.push([device.mutation('updateCustomer', { id: args.id, changes: patch }, 2)])
    if (message === null) {
      expect(res.body.results[0]).toEqual({ seq: 2, status: 'applied' })
      return
    }
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', code: 'VALIDATION' })
    expect(res.body.results[0]!.message).toContain(message)
    const row = t.db.select().from(customers).where(eq(customers.id, args.id)).get()!
    expect({ lastName: row.lastName, firstName: row.firstName, birthDate: row.birthDate, bankAccounts: row.bankAccounts }).toEqual({
      lastName: 'Mustermann',
      firstName: 'Erika',
      birthDate: null,
      bankAccounts: [],
    })
    expect(t.db.select().from(quarantine).all()).toHaveLength(1)
  })

  it('stores an IBAN in electronic format and an e-mail address in lower case', async () => {
    const args = customerArgs({ ...account('de89 3704 0044 0532 0130 00', 'cobadeffxxx'), emails: [{ type: 'work', address: ' Erika@Example.DE ' }] })
    await device.push([device.mutation('createCustomer', args, 2)])
    const row = t.db.select().from(customers).where(eq(customers.id, args.id)).get()!
    expect(row.bankAccounts).toEqual([{ iban: IBAN_OK, bic: 'COBADEFFXXX', holder: null, label: null }])
    expect(row.emails).toEqual([{ type: 'work', address: 'erika@example.de' }])
  })

  it('keeps a company’s first name empty even when one is sent', async () => {
    const args = customerArgs({ kind: 'company', firstName: 'Hans', lastName: 'Muster GmbH' })
    await device.push([device.mutation('createCustomer', args, 2)])
    expect(t.db.select().from(customers).where(eq(customers.id, args.id)).get()!.firstName).toBe('')
    await device.push([device.mutation('updateCustomer', { id: args.id, changes: { firstName: { from: '', to: 'Hans' } } }, 2)])
    expect(t.db.select().from(customers).where(eq(customers.id, args.id)).get()!.firstName).toBe('')
  })
})
