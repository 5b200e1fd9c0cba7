import { describe, expect, it } from 'vitest'
import { describeMutation, draftForm, draftOf, rejectionReason } from '../../../client/src/lib/mutationText'
import { emptyCustomerForm } from '../../../client/src/lib/customerForm'

const id = '0190f2d4-1111-7aaa-8bbb-123456789abc'
const other = '0190f2d4-2222-7aaa-8bbb-123456789abc'

describe('describing recorded changes', () => {
  it('names a version-1 customer creation with the customer and lists its content', () => {
    const d = describeMutation({ id: 'm1', name: 'createCustomer', v: 1, args: { id, firstName: 'Erika', lastName: 'Mustermann', birthDate: '1964-08-12', phone: null, zip: '', city: 'Köln' } })
    expect(d.title).toBe('Kunde anlegen: Erika Mustermann')
    expect(d.details).toEqual([
      { label: 'Vorname', value: 'Erika' },
      { label: 'Nachname', value: 'Mustermann' },
      { label: 'Geburtsdatum', value: '12.08.1964' },
      { label: 'Ort', value: 'Köln' },
    ])
  })

  it('describes a version-2 creation with lists, labels and a company name, leaving out defaults', () => {
    const d = describeMutation({
      id: 'm1',
      name: 'createCustomer',
      v: 2,
      args: {
        id,
        kind: 'company',
        status: 'customer',
        firstName: '',
        lastName: 'Muster GmbH',
        phones: [{ type: 'work', number: '0221 12345' }],
        bankAccounts: [{ iban: 'DE89370400440532013000', bic: null, holder: null, label: 'Beiträge' }],
        tags: [],
      },
    })
    expect(d.title).toBe('Kunde anlegen: Muster GmbH')
    expect(d.details).toEqual([
      { label: 'Art', value: 'Firma' },
      { label: 'Status', value: 'Kunde' },
      { label: 'Firmenname', value: 'Muster GmbH' },
      { label: 'Telefonnummern', value: 'Geschäftlich: 0221 12345' },
      { label: 'Bankverbindungen', value: 'DE89 3704 0044 0532 0130 00, Beiträge' },
    ])
  })

  it('names the changed fields of an edit (both versions) with old and new values, and the customer when known', () => {
    const v1 = { id: 'm2', name: 'updateCustomer', v: 1, args: { id, changes: { phone: { from: null, to: '0170 1' }, city: { from: 'Köln', to: 'Bonn' } } } }
    expect(describeMutation(v1).title).toBe('Kunde ändern: Telefon, Ort')
    expect(describeMutation(v1, () => 'Clara Konflikt').title).toBe('Kunde ändern: Clara Konflikt – Telefon, Ort')
    expect(describeMutation(v1).details).toEqual([
      { label: 'Telefon', value: '0170 1 (vorher: –)' },
      { label: 'Ort', value: 'Bonn (vorher: Köln)' },
    ])
    const v2 = {
      id: 'm3',
      name: 'updateCustomer',
      v: 2,
      args: { id, changes: { phones: { from: [], to: [{ type: 'mobile', number: '0170 5550100' }] }, maritalStatus: { from: 'single', to: 'married' } } },
    }
    expect(describeMutation(v2).title).toBe('Kunde ändern: Telefonnummern, Familienstand')
    expect(describeMutation(v2).details).toEqual([
      { label: 'Telefonnummern', value: 'Mobil: 0170 5550100 (vorher: –)' },
      { label: 'Familienstand', value: 'verheiratet (vorher: ledig)' },
    ])
  })

  it('describes a merge with both customers', () => {
    const names: Record<string, string> = { [id]: 'Erika Mustermann', [other]: 'Erika Musterman' }
    const d = describeMutation({ id: 'm', name: 'mergeCustomers', v: 1, args: { survivorId: id, mergedId: other } }, (x) => names[x])
    expect(d.title).toBe('Kunden zusammenführen: Erika Musterman in Erika Mustermann')
    expect(d.details).toEqual([
      { label: 'Bleibt erhalten', value: 'Erika Mustermann' },
      { label: 'Wird entfernt', value: 'Erika Musterman' },
    ])
    expect(describeMutation({ id: 'm', name: 'mergeCustomers', args: { survivorId: id, mergedId: other } }).title).toBe('Kunden zusammenführen')
  })

  it('explains refusals in German, specific to what was refused', () => {
    expect(rejectionReason({ id: 'm', name: 'updateCustomer', args: {}, code: 'NOT_FOUND', message: 'Nicht gefunden.' })).toContain('nicht mehr sichtbar')
    expect(rejectionReason({ id: 'm', name: 'mergeCustomers', args: {}, code: 'NOT_FOUND', message: 'Nicht gefunden.' })).toContain('Es wurde nichts zusammengeführt')
    expect(rejectionReason({ id: 'm', name: 'mergeCustomers', args: {}, code: 'MERGE_NOT_ALLOWED', message: 'x' })).toBe('Diese Kunden können nicht zusammengeführt werden.')
    expect(rejectionReason({ id: 'm', name: 'createCustomer', args: {}, code: 'VALIDATION', message: 'phones: 0.number: Die Telefonnummer ist zu kurz.' })).toBe(
      'Die Eingaben sind ungültig: phones: 0.number: Die Telefonnummer ist zu kurz.',
    )
    expect(rejectionReason({ id: 'm', name: 'createCustomer', args: {}, code: 'USER_INACTIVE', message: 'x' })).toBe('Dieser Benutzer ist deaktiviert.')
    expect(rejectionReason({ id: 'm', name: 'x', args: {}, code: 'SOMETHING_NEW', message: 'Neuer Grund.' })).toBe('Neuer Grund.')
  })
})

describe('repeating a refused change', () => {
  it('turns a refused version-1 creation into a new-customer form with its contact data in the lists', () => {
    const draft = draftOf({ id: 'm', name: 'createCustomer', v: 1, args: { id, firstName: 'Erika', lastName: 'Mustermann', phone: '0171 1', email: null, city: 'Köln', zip: '50667' } })
    expect(draft).toEqual({
      kind: 'create',
      values: {
        ...emptyCustomerForm(),
        firstName: 'Erika',
        lastName: 'Mustermann',
        phones: [{ type: 'mobile', number: '0171 1' }],
        addresses: [{ type: 'home', street: '', zip: '50667', city: 'Köln', country: 'DE' }],
      },
    })
  })

  it('turns a refused version-2 creation into the same form values', () => {
    const args = { id, kind: 'person', status: 'customer', firstName: 'Erika', lastName: 'Mustermann', emails: [{ type: 'work', address: 'e@firma.de' }], tags: ['VIP'] }
    expect(draftOf({ id: 'm', name: 'createCustomer', v: 2, args })).toEqual({
      kind: 'create',
      values: { ...emptyCustomerForm(), status: 'customer', firstName: 'Erika', lastName: 'Mustermann', emails: [{ type: 'work', address: 'e@firma.de' }], tags: ['VIP'] },
    })
  })

  it('applies a refused edit to the current customer, or to an empty one when the customer is gone', () => {
    const row = { ...emptyCustomerForm(), firstName: 'Clara', lastName: 'Konflikt', phones: [{ type: 'home' as const, number: '0228 1' }], addresses: [], emails: [] }
    const v2 = draftOf({ id: 'm', name: 'updateCustomer', v: 2, args: { id, changes: { phones: { from: [], to: [{ type: 'mobile', number: '0170 5550100' }] } } } })!
    expect(v2.kind).toBe('edit')
    expect(draftForm(v2, row)).toMatchObject({ firstName: 'Clara', phones: [{ type: 'mobile', number: '0170 5550100' }] })
    expect(draftForm(v2, null)).toMatchObject({ firstName: '', phones: [{ type: 'mobile', number: '0170 5550100' }] })
    // Version 1 changed the first phone only: the second stays.
    const v1 = draftOf({ id: 'm', name: 'updateCustomer', v: 1, args: { id, changes: { phone: { from: '0228 1', to: '0170 2' } } } })!
    const two = { ...row, phones: [{ type: 'home' as const, number: '0228 1' }, { type: 'work' as const, number: '0228 9' }] }
    expect(draftForm(v1, two).phones).toEqual([
      { type: 'home', number: '0170 2' },
      { type: 'work', number: '0228 9' },
    ])
    expect(draftOf({ id: 'm', name: 'reassignCustomer', args: { id, ownerRepId: id } })).toBeNull()
    expect(draftOf({ id: 'm', name: 'mergeCustomers', args: { survivorId: id, mergedId: other } })).toBeNull()
  })
})
