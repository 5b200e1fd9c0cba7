import { describe, expect, it } from 'vitest'
import { describeMutation, draftOf, rejectionReason } from '../../../client/src/lib/mutationText'
import { validateCustomerForm, emptyCustomerForm } from '../../../client/src/lib/customerFields'

const id = '0190f2d4-1111-7aaa-8bbb-123456789abc'

describe('describing recorded changes', () => {
  it('names a customer creation with the customer and lists its content', () => {
    const d = describeMutation({ id: 'm1', name: 'createCustomer', args: { id, firstName: 'Erika', lastName: 'Mustermann', birthDate: '1964-08-12', phone: null, zip: '' } })
    expect(d.title).toBe('Kunde anlegen: Erika Mustermann')
    expect(d.details).toEqual([
      { label: 'Vorname', value: 'Erika' },
      { label: 'Nachname', value: 'Mustermann' },
      { label: 'Geburtsdatum', value: '12.08.1964' },
    ])
  })

  it('names the changed fields of an edit with old and new values, and the customer when known', () => {
    const edit = { id: 'm2', name: 'updateCustomer', args: { id, changes: { phone: { from: null, to: '0170 1' }, city: { from: 'Köln', to: 'Bonn' } } } }
    expect(describeMutation(edit).title).toBe('Kunde ändern: Telefon, Ort')
    expect(describeMutation(edit, () => 'Clara Konflikt').title).toBe('Kunde ändern: Clara Konflikt – Telefon, Ort')
    expect(describeMutation(edit).details).toEqual([
      { label: 'Telefon', value: '0170 1 (vorher: –)' },
      { label: 'Ort', value: 'Bonn (vorher: Köln)' },
    ])
  })

  it('explains refusals in German, specific to what was refused', () => {
    expect(rejectionReason({ id: 'm', name: 'updateCustomer', args: {}, code: 'NOT_FOUND', message: 'Nicht gefunden.' })).toContain('nicht mehr sichtbar')
    expect(rejectionReason({ id: 'm', name: 'createCustomer', args: {}, code: 'VALIDATION', message: 'zip: Bitte eine fünfstellige Postleitzahl angeben.' })).toBe(
      'Die Eingaben sind ungültig: zip: Bitte eine fünfstellige Postleitzahl angeben.',
    )
    expect(rejectionReason({ id: 'm', name: 'createCustomer', args: {}, code: 'USER_INACTIVE', message: 'x' })).toBe('Dieser Benutzer ist deaktiviert.')
    expect(rejectionReason({ id: 'm', name: 'x', args: {}, code: 'SOMETHING_NEW', message: 'Neuer Grund.' })).toBe('Neuer Grund.')
  })

  it('turns a refused creation or edit into a prefilled form, and nothing else', () => {
    expect(draftOf({ id: 'm', name: 'createCustomer', args: { id, firstName: 'Erika', lastName: 'Mustermann', city: null } })).toEqual({
      kind: 'create',
      values: { ...emptyCustomerForm(), firstName: 'Erika', lastName: 'Mustermann' },
    })
    expect(draftOf({ id: 'm', name: 'updateCustomer', args: { id, changes: { phone: { from: null, to: '0170 1' }, email: { from: 'a@b.de', to: null } } } })).toEqual({
      kind: 'edit',
      customerId: id,
      values: { phone: '0170 1', email: '' },
    })
    expect(draftOf({ id: 'm', name: 'reassignCustomer', args: { id, ownerRepId: id } })).toBeNull()
  })
})

describe('customer form validation', () => {
  it('uses the shared rules with German messages and treats empty optional fields as no value', () => {
    expect(validateCustomerForm({ ...emptyCustomerForm(), firstName: 'Erika', lastName: 'Mustermann' })).toEqual([])
    expect(validateCustomerForm({ ...emptyCustomerForm(), firstName: ' ', lastName: 'M', zip: '123', email: 'kein', birthDate: '2026-02-30' })).toEqual([
      { path: 'firstName', message: 'Bitte den Vornamen angeben.' },
      { path: 'birthDate', message: 'Bitte ein gültiges Datum im Format JJJJ-MM-TT angeben.' },
      { path: 'email', message: 'Bitte eine gültige E-Mail-Adresse angeben.' },
      { path: 'zip', message: 'Bitte eine fünfstellige Postleitzahl angeben.' },
    ])
  })
})
