import type { ConsentType } from './schemas/consents'
import type { AddressType, CustomerKind, CustomerStatus, EmailType, MaritalStatus, PhoneType, Salutation } from './schemas/customers'
import type { CallDirection, NoteKind } from './schemas/notes'

/** German UI labels of the customer file's codes; the server's PDF export uses the same. */
export const CUSTOMER_KIND_LABELS: Record<CustomerKind, string> = { person: 'Privatperson', company: 'Firma' }
export const CUSTOMER_STATUS_LABELS: Record<CustomerStatus, string> = { prospect: 'Interessent', customer: 'Kunde', former: 'ehemaliger Kunde' }
export const SALUTATION_LABELS: Record<Salutation, string> = { mr: 'Herr', ms: 'Frau', diverse: 'Divers', none: 'ohne Anrede' }
export const MARITAL_STATUS_LABELS: Record<MaritalStatus, string> = {
  single: 'ledig',
  married: 'verheiratet',
  civil_partnership: 'eingetragene Lebenspartnerschaft',
  separated: 'getrennt lebend',
  divorced: 'geschieden',
  widowed: 'verwitwet',
}
export const ADDRESS_TYPE_LABELS: Record<AddressType, string> = { home: 'Wohnanschrift', postal: 'Postanschrift', work: 'Geschäftlich', other: 'Sonstige' }
export const PHONE_TYPE_LABELS: Record<PhoneType, string> = { mobile: 'Mobil', home: 'Privat', work: 'Geschäftlich', fax: 'Fax', other: 'Sonstige' }
export const EMAIL_TYPE_LABELS: Record<EmailType, string> = { private: 'Privat', work: 'Geschäftlich', other: 'Sonstige' }
export const CONSENT_TYPE_LABELS: Record<ConsentType, string> = {
  privacy: 'Datenschutz-Einwilligung',
  health_data: 'Gesundheitsdaten (Art. 9 DSGVO)',
  confidentiality_release: 'Schweigepflichtentbindung',
  marketing_email: 'Werbung per E-Mail',
  marketing_phone: 'Werbung per Telefon',
  marketing_post: 'Werbung per Post',
  marketing_sms: 'Werbung per SMS/Messenger',
  broker_contract: 'Maklervertrag',
  broker_mandate: 'Maklervollmacht',
}
export const NOTE_KIND_LABELS: Record<NoteKind, string> = { phone: 'Telefonnotiz', memo: 'Memo', visit: 'Besuchsbericht' }
export const CALL_DIRECTION_LABELS: Record<CallDirection, string> = { inbound: 'eingehend', outbound: 'ausgehend' }

/** "Herr Dr. Max Mustermann", "Muster GmbH". */
export function customerDisplayName(c: { kind?: CustomerKind; title?: string | null; firstName: string; lastName: string }): string {
  if (c.kind === 'company') return c.lastName
  return [c.title, c.firstName, c.lastName].filter(Boolean).join(' ')
}
