import {
  ADDRESS_TYPE_LABELS,
  CUSTOMER_KIND_LABELS,
  CUSTOMER_STATUS_LABELS,
  EMAIL_TYPE_LABELS,
  MARITAL_STATUS_LABELS,
  PHONE_TYPE_LABELS,
  SALUTATION_LABELS,
} from '@shared/labels'
import { CUSTOMER_EDITABLE_FIELDS, type Address, type CustomerEditableField, type CustomerKind } from '@shared/schemas/customers'
import { formatDate, formatDateTime } from '@shared/format'
import { countryName } from './countries'

export { CUSTOMER_EDITABLE_FIELDS, type CustomerEditableField }

export const CUSTOMER_FIELD_LABELS: Record<CustomerEditableField | 'ownerRepId' | 'customerNo', string> = {
  kind: 'Art',
  status: 'Status',
  salutation: 'Anrede',
  title: 'Titel',
  firstName: 'Vorname',
  lastName: 'Nachname',
  birthName: 'Geburtsname',
  birthDate: 'Geburtsdatum',
  nationality: 'Staatsangehörigkeit',
  maritalStatus: 'Familienstand',
  occupation: 'Beruf',
  employer: 'Arbeitgeber',
  addresses: 'Anschriften',
  phones: 'Telefonnummern',
  emails: 'E-Mail-Adressen',
  bankAccounts: 'Bankverbindungen',
  tags: 'Schlagworte',
  remarks: 'Bemerkungen',
  ownerRepId: 'Betreuer',
  customerNo: 'Kundennummer',
}

/** Fields of version 1 of the mutations (still in old outboxes) and server-written history fields. */
const OTHER_FIELD_LABELS: Record<string, string> = {
  phone: 'Telefon',
  email: 'E-Mail',
  street: 'Straße',
  zip: 'PLZ',
  city: 'Ort',
  mergedFrom: 'Zusammengeführt aus',
  mergedInto: 'Zusammengeführt in',
  restrictedAt: 'Verarbeitung eingeschränkt',
  pseudonymisedAt: 'Pseudonymisiert',
  branchId: 'Filiale',
  deletedAt: 'Gelöscht',
}

/** What a history entry's field belongs to, when it is not the customer itself. */
export const HISTORY_ENTITY_LABELS: Record<string, string> = { relation: 'Haushalt', consent: 'Einwilligung', note: 'Notiz' }

/** German label of a field; a company's "last name" is its name. */
export function fieldLabel(field: string, kind?: CustomerKind): string {
  if (field === 'lastName' && kind === 'company') return 'Firmenname'
  return (CUSTOMER_FIELD_LABELS as Record<string, string>)[field] ?? OTHER_FIELD_LABELS[field] ?? field
}

/** "Haushalt: type" for a relation's field, the plain label for the customer's own. */
export function historyLabel(entity: string, field: string): string {
  const owner = HISTORY_ENTITY_LABELS[entity]
  return owner ? `${owner}: ${fieldLabel(field)}` : fieldLabel(field)
}

/** "DE89370400440532013000" → "DE89 3704 0044 0532 0130 00" (as printed on cards and statements). */
export function formatIban(iban: string): string {
  return iban
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/(.{4})/g, '$1 ')
    .trim()
}

/** The address as lines: street, "PLZ Ort", and the country unless it is Germany. */
export function addressLines(a: Pick<Address, 'street' | 'zip' | 'city' | 'country'>): string[] {
  const place = [a.zip, a.city].filter(Boolean).join(' ')
  return [a.street, place, a.country && a.country !== 'DE' ? countryName(a.country) : ''].filter(Boolean)
}

/** A dialable `tel:` link: digits and a leading plus only. */
export const phoneHref = (number: string): string => `tel:${number.replace(/[^\d+]/g, '')}`

const LABELS_BY_FIELD: Record<string, Record<string, string>> = {
  kind: CUSTOMER_KIND_LABELS,
  status: CUSTOMER_STATUS_LABELS,
  salutation: SALUTATION_LABELS,
  maritalStatus: MARITAL_STATUS_LABELS,
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {})
const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v))

function entryText(field: string, entry: unknown): string {
  const e = obj(entry)
  switch (field) {
    case 'addresses':
      return `${ADDRESS_TYPE_LABELS[e.type as Address['type']] ?? str(e.type)}: ${addressLines({ street: str(e.street), zip: str(e.zip), city: str(e.city), country: str(e.country) }).join(', ')}`
    case 'phones':
      return `${(PHONE_TYPE_LABELS as Record<string, string>)[str(e.type)] ?? str(e.type)}: ${str(e.number)}`
    case 'emails':
      return `${(EMAIL_TYPE_LABELS as Record<string, string>)[str(e.type)] ?? str(e.type)}: ${str(e.address)}`
    case 'bankAccounts':
      return [formatIban(str(e.iban)), e.bic ? `BIC ${str(e.bic)}` : '', str(e.holder), str(e.label)].filter(Boolean).join(', ')
    default:
      return typeof entry === 'string' ? entry : JSON.stringify(entry)
  }
}

/** A field's value as the UI shows it (history, changes waiting or refused). */
export function displayValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return '–'
  if (Array.isArray(value)) return value.map((entry) => entryText(field, entry)).join('; ')
  if (field === 'birthDate' && typeof value === 'string') return formatDate(value)
  if (field === 'nationality' && typeof value === 'string') return countryName(value)
  if ((field === 'restrictedAt' || field === 'pseudonymisedAt' || field === 'deletedAt') && typeof value === 'string') return formatDateTime(value)
  const labels = LABELS_BY_FIELD[field]
  if (labels && typeof value === 'string') return labels[value] ?? value
  if (field === 'mergedFrom' || field === 'mergedInto') {
    const m = obj(value)
    return [str(m.name), m.customerNo ? `(${str(m.customerNo)})` : ''].filter(Boolean).join(' ') || '–'
  }
  if (typeof value === 'boolean') return value ? 'ja' : 'nein'
  return typeof value === 'string' ? value : JSON.stringify(value)
}
