import { z } from 'zod'
import { CUSTOMER_EDITABLE_FIELDS, customerFieldSchemas, type CustomerEditableField } from '@shared/schemas/customers'
import { formatDate } from '@shared/format'

export { CUSTOMER_EDITABLE_FIELDS, type CustomerEditableField }

/** What the customer form edits: every field as text, '' for "no value". */
export type CustomerFormValues = Record<CustomerEditableField, string>

export const CUSTOMER_FIELD_LABELS: Record<CustomerEditableField | 'ownerRepId', string> = {
  firstName: 'Vorname',
  lastName: 'Nachname',
  birthDate: 'Geburtsdatum',
  phone: 'Telefon',
  email: 'E-Mail',
  street: 'Straße',
  zip: 'PLZ',
  city: 'Ort',
  ownerRepId: 'Betreuer',
}

export function emptyCustomerForm(): CustomerFormValues {
  return { firstName: '', lastName: '', birthDate: '', phone: '', email: '', street: '', zip: '', city: '' }
}

/** Form values of a stored customer (null becomes ''). */
export function customerFormOf(row: Partial<Record<CustomerEditableField, string | null>>): CustomerFormValues {
  const values = emptyCustomerForm()
  for (const field of CUSTOMER_EDITABLE_FIELDS) values[field] = row[field] ?? ''
  return values
}

// The shared field rules, as the server applies them; empty optional fields are "no value".
const formSchema = z.object(customerFieldSchemas)

/** Checks the form with the shared schema; issues carry the field as path and a German message. */
export function validateCustomerForm(values: CustomerFormValues): { path: string; message: string }[] {
  const input: Record<string, string | undefined> = {}
  for (const field of CUSTOMER_EDITABLE_FIELDS) {
    const v = values[field].trim()
    input[field] = v === '' && field !== 'firstName' && field !== 'lastName' ? undefined : v
  }
  const parsed = formSchema.safeParse(input)
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: String(i.path[0] ?? ''), message: i.message }))
}

/** A field's value as the UI shows it. */
export function displayValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '–'
  if (field === 'birthDate' && typeof value === 'string') return formatDate(value)
  return typeof value === 'string' ? value : JSON.stringify(value)
}

export function fieldLabel(field: string): string {
  return (CUSTOMER_FIELD_LABELS as Record<string, string>)[field] ?? field
}
