import { describe, expect, it } from 'vitest'
import {
  bankAccountErrors,
  customerFormOf,
  duplicateCheckKey,
  duplicateCheckOf,
  emptyCustomerForm,
  formToValues,
  validateCustomerForm,
  withBlankEntries,
  type CustomerFormValues,
} from '../../../client/src/lib/customerForm'
import { addressLines, displayValue, fieldLabel, formatIban, historyLabel, phoneHref } from '../../../client/src/lib/customerFields'
import { countryName, countryOptions } from '../../../client/src/lib/countries'

const form = (patch: Partial<CustomerFormValues>): CustomerFormValues => ({ ...withBlankEntries(emptyCustomerForm()), ...patch })

describe('customer form values', () => {
  it('drops empty list entries and turns empty texts into "no value"', () => {
    const f = form({
      firstName: 'Erika',
      lastName: 'Mustermann',
      title: ' ',
      phones: [
        { type: 'mobile', number: '' },
        { type: 'home', number: '0221 123456' },
      ],
      bankAccounts: [{ iban: 'DE89 3704 0044 0532 0130 00', bic: '', holder: '', label: '' }],
      tags: [' VIP ', ''],
    })
    const { values, positions } = formToValues(f)
    expect(values).toMatchObject({
      title: null,
      addresses: [],
      emails: [],
      phones: [{ type: 'home', number: '0221 123456' }],
      bankAccounts: [{ iban: 'DE89 3704 0044 0532 0130 00', bic: null, holder: null, label: null }],
      tags: ['VIP'],
      remarks: null,
    })
    expect(positions.phones).toEqual([1])
  })

  it('saves a company without the person fields, whatever was typed before switching', () => {
    const { values } = formToValues(form({ kind: 'company', firstName: 'Erika', lastName: 'Muster GmbH', birthDate: '1964-08-12', maritalStatus: 'married', salutation: 'ms' }))
    expect(values).toMatchObject({ kind: 'company', firstName: '', lastName: 'Muster GmbH', birthDate: null, maritalStatus: null, salutation: null })
    expect(validateCustomerForm(form({ kind: 'company', lastName: ' ' }))).toEqual([{ path: 'lastName', message: 'Bitte den Firmennamen angeben.' }])
  })

  it('round-trips a stored customer (null becomes "")', () => {
    const row = {
      kind: 'person',
      status: 'customer',
      salutation: null,
      title: 'Dr.',
      firstName: 'Erika',
      lastName: 'Mustermann',
      birthName: null,
      birthDate: '1964-08-12',
      nationality: 'AT',
      maritalStatus: null,
      occupation: null,
      employer: null,
      addresses: [{ type: 'home', street: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'DE' }],
      phones: [],
      emails: [],
      bankAccounts: [{ iban: 'DE89370400440532013000', bic: null, holder: 'Erika Mustermann', label: null }],
      tags: ['VIP'],
      remarks: null,
    }
    const f = customerFormOf(row)
    expect(f).toMatchObject({ salutation: '', title: 'Dr.', birthName: '', nationality: 'AT', bankAccounts: [{ iban: 'DE89370400440532013000', bic: '', holder: 'Erika Mustermann', label: '' }] })
    expect(formToValues(f).values).toMatchObject({ ...row, salutation: null })
  })
})

describe('customer form validation (shared rules, German messages, form positions)', () => {
  it.each([
    ['a person without first name', { firstName: ' ', lastName: 'M' }, 'firstName', 'Bitte den Vornamen angeben.'],
    ['no last name', { firstName: 'Erika', lastName: '' }, 'lastName', 'Bitte den Nachnamen angeben.'],
    ['an impossible date', { firstName: 'E', lastName: 'M', birthDate: '2026-02-30' }, 'birthDate', 'Bitte ein gültiges Datum im Format JJJJ-MM-TT angeben.'],
    ['a birth date in the future', { firstName: 'E', lastName: 'M', birthDate: '2999-01-01' }, 'birthDate', 'Das Geburtsdatum liegt in der Zukunft.'],
    ['a bad e-mail in the second entry', { firstName: 'E', lastName: 'M', emails: [{ type: 'private', address: '' }, { type: 'work', address: 'kein' }] }, 'emails.1.address', 'Bitte eine gültige E-Mail-Adresse angeben.'],
    ['a German zip with four digits', { firstName: 'E', lastName: 'M', addresses: [{ type: 'home', street: '', zip: '5000', city: 'Köln', country: 'DE' }] }, 'addresses.0.zip', 'Bitte eine fünfstellige Postleitzahl angeben.'],
    ['a phone number with letters', { firstName: 'E', lastName: 'M', phones: [{ type: 'mobile', number: '0171 abc' }] }, 'phones.0.number', 'Bitte eine Telefonnummer aus Ziffern angeben (z. B. 0171 2345678).'],
    ['an IBAN with a wrong check digit', { firstName: 'E', lastName: 'M', bankAccounts: [{ iban: 'DE88370400440532013000', bic: '', holder: '', label: '' }] }, 'bankAccounts.0.iban', 'Die IBAN ist ungültig (Länge oder Prüfziffer stimmt nicht).'],
    ['a malformed BIC', { firstName: 'E', lastName: 'M', bankAccounts: [{ iban: 'DE89370400440532013000', bic: 'COBA', holder: '', label: '' }] }, 'bankAccounts.0.bic', 'Die BIC ist ungültig (8 oder 11 Zeichen, z. B. COBADEFFXXX).'],
  ] as const)('reports %s next to the field', (_what, patch, path, message) => {
    expect(validateCustomerForm(form(patch as Partial<CustomerFormValues>))).toEqual([{ path, message }])
  })

  it('accepts a complete person with lists', () => {
    const f = form({
      firstName: 'Erika',
      lastName: 'Mustermann',
      birthDate: '1964-08-12',
      addresses: [{ type: 'home', street: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'DE' }],
      phones: [{ type: 'mobile', number: '+49 171 2345678' }],
      emails: [{ type: 'private', address: 'Erika@Example.de' }],
      bankAccounts: [{ iban: 'de89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX', holder: '', label: '' }],
    })
    expect(validateCustomerForm(f)).toEqual([])
  })

  it('checks a bank account live: IBAN and BIC messages, or a missing IBAN', () => {
    expect(bankAccountErrors({ iban: 'DE89 3704 0044 0532 0130 00', bic: '', holder: '', label: '' })).toEqual({ iban: null, bic: null })
    expect(bankAccountErrors({ iban: 'DE89 3704 0044 0532 0130 01', bic: 'XX', holder: '', label: '' })).toEqual({
      iban: 'Die IBAN ist ungültig (Länge oder Prüfziffer stimmt nicht).',
      bic: 'Die BIC ist ungültig (8 oder 11 Zeichen, z. B. COBADEFFXXX).',
    })
    expect(bankAccountErrors({ iban: '', bic: '', holder: 'Erika', label: '' }).iban).toBe('Bitte die IBAN angeben.')
    expect(bankAccountErrors({ iban: '', bic: '', holder: '', label: '' })).toEqual({ iban: null, bic: null })
  })
})

describe('duplicate check input', () => {
  it('takes name, birth date and the non-empty contact details; the key ignores case of names', () => {
    const f = form({
      firstName: 'Erika',
      lastName: 'Meyer',
      birthDate: '1964-08-12',
      phones: [{ type: 'mobile', number: ' 0171 1 ' }, { type: 'home', number: '' }],
      bankAccounts: [{ iban: 'DE89370400440532013000', bic: '', holder: '', label: '' }],
    })
    expect(duplicateCheckOf(f, 'x')).toEqual({ id: 'x', kind: 'person', firstName: 'Erika', lastName: 'Meyer', birthDate: '1964-08-12', emails: [], phones: ['0171 1'], ibans: ['DE89370400440532013000'] })
    expect(duplicateCheckKey(duplicateCheckOf(f))).toBe(duplicateCheckKey(duplicateCheckOf({ ...f, lastName: 'MEYER' })))
    expect(duplicateCheckKey(duplicateCheckOf(f))).not.toBe(duplicateCheckKey(duplicateCheckOf({ ...f, birthDate: '1964-08-13' })))
    // Formatting does not count as a change: the IBAN in groups, the phone with separators.
    const formatted = { ...f, phones: [{ type: 'mobile' as const, number: '0171-1' }], bankAccounts: [{ iban: 'DE89 3704 0044 0532 0130 00', bic: '', holder: '', label: '' }] }
    expect(duplicateCheckKey(duplicateCheckOf(formatted))).toBe(duplicateCheckKey(duplicateCheckOf(f)))
  })
})

describe('showing customer fields', () => {
  it('formats lists, codes and the IBAN for people', () => {
    expect(formatIban('de89370400440532013000')).toBe('DE89 3704 0044 0532 0130 00')
    expect(displayValue('addresses', [{ type: 'home', street: 'Heidestraße 17', zip: '51147', city: 'Köln', country: 'DE' }])).toBe('Wohnanschrift: Heidestraße 17, 51147 Köln')
    expect(displayValue('addresses', [{ type: 'postal', street: 'Ring 1', zip: '1010', city: 'Wien', country: 'AT' }])).toBe('Postanschrift: Ring 1, 1010 Wien, Österreich')
    expect(displayValue('emails', [])).toBe('–')
    expect(displayValue('status', 'former')).toBe('ehemaliger Kunde')
    expect(displayValue('nationality', 'DE')).toBe('Deutschland')
    expect(displayValue('birthDate', '1964-08-12')).toBe('12.08.1964')
    expect(displayValue('tags', ['VIP', 'Bau'])).toBe('VIP; Bau')
    expect(displayValue('mergedFrom', { id: 'x', customerNo: 'K-000042', name: 'Erika Meyer' })).toBe('Erika Meyer (K-000042)')
    expect(fieldLabel('lastName', 'company')).toBe('Firmenname')
    expect(historyLabel('consent', 'givenOn')).toBe('Einwilligung: givenOn')
    expect(historyLabel('customer', 'phones')).toBe('Telefonnummern')
    expect(addressLines({ street: '', zip: '', city: 'Köln', country: 'DE' })).toEqual(['Köln'])
    expect(phoneHref('+49 (171) 234-567')).toBe('tel:+49171234567')
  })

  it('offers countries by German name with Germany first', () => {
    const options = countryOptions()
    expect(options[0]).toEqual({ value: 'DE', label: 'Deutschland' })
    expect(options.length).toBeGreaterThan(240)
    expect(options.findIndex((o) => o.value === 'AT')).toBeLessThan(options.findIndex((o) => o.value === 'CH'))
    expect(countryName('TR')).toBe('Türkei')
  })
})
