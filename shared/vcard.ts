import { customerDisplayName } from './labels'
import type { AddressType, CustomerRow, EmailType, PhoneType } from './schemas/customers'

/**
 * vCard 4.0 (RFC 6350) of one customer: the same text on the server (`GET …/vcard`) and on the
 * device, where reps build it offline from the local row.
 */

const CRLF = '\r\n'
/** RFC 6350 §3.2: lines SHOULD NOT be longer than 75 octets, excluding the line break. */
const MAX_OCTETS = 75

/** Escapes a text value (RFC 6350 §3.4): backslash, comma, semicolon and line breaks. */
export function escapeVCardText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\r\n|\r|\n/g, '\\n')
}

const utf8Length = (codePoint: number) => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4)

/** Folds a content line at 75 octets without splitting a UTF-8 sequence; continuation lines start with a space. */
export function foldVCardLine(line: string): string {
  const parts: string[] = []
  let current = ''
  let octets = 0
  for (const ch of line) {
    const n = utf8Length(ch.codePointAt(0)!)
    if (octets + n > MAX_OCTETS) {
      parts.push(current)
      current = ' '
      octets = 1
    }
    current += ch
    octets += n
  }
  parts.push(current)
  return parts.join(CRLF)
}

const ADR_TYPE: Record<AddressType, string | null> = { home: 'home', work: 'work', postal: null, other: null }
const TEL_TYPE: Record<PhoneType, string> = { mobile: 'cell', home: 'home', work: 'work', fax: 'fax', other: 'voice' }
const EMAIL_TYPE: Record<EmailType, string | null> = { private: 'home', work: 'work', other: null }
const GENDER: Record<string, string> = { mr: 'M', ms: 'F', diverse: 'O' }
const COUNTRY_NAMES: Record<string, string> = { DE: 'Deutschland', AT: 'Österreich', CH: 'Schweiz', LU: 'Luxemburg', NL: 'Niederlande', FR: 'Frankreich', IT: 'Italien', PL: 'Polen' }

/** `2026-03-12T09:05:00.000Z` → `20260312T090500Z` (RFC 6350 §4.3.5 timestamp, basic format). */
const vcardTimestamp = (iso: string) => `${iso.slice(0, 19).replace(/[-:]/g, '')}Z`

type VCardCustomer = Pick<
  CustomerRow,
  | 'id'
  | 'kind'
  | 'salutation'
  | 'title'
  | 'firstName'
  | 'lastName'
  | 'birthDate'
  | 'occupation'
  | 'employer'
  | 'addresses'
  | 'phones'
  | 'emails'
  | 'tags'
  | 'remarks'
  | 'customerNo'
  | 'updatedAt'
>

/** The customer as a vCard 4.0 text with CRLF line ends, folded at 75 octets. */
export function toVCard(c: VCardCustomer): string {
  const lines: string[] = ['BEGIN:VCARD', 'VERSION:4.0']
  const company = c.kind === 'company'
  if (company) lines.push('KIND:org')
  lines.push(`FN:${escapeVCardText(customerDisplayName(c))}`)
  if (company) {
    lines.push(`ORG:${escapeVCardText(c.lastName)}`)
  } else {
    // N: family; given; additional; honorific prefixes; honorific suffixes
    lines.push(`N:${[c.lastName, c.firstName, '', c.title ?? '', ''].map(escapeVCardText).join(';')}`)
    if (c.salutation && GENDER[c.salutation]) lines.push(`GENDER:${GENDER[c.salutation]}`)
    if (c.birthDate) lines.push(`BDAY:${c.birthDate.replace(/-/g, '')}`)
    if (c.employer) lines.push(`ORG:${escapeVCardText(c.employer)}`)
    if (c.occupation) lines.push(`TITLE:${escapeVCardText(c.occupation)}`)
  }
  for (const a of c.addresses) {
    const type = ADR_TYPE[a.type]
    // ADR: PO box; extended; street; locality; region; postal code; country
    const value = ['', '', a.street, a.city, '', a.zip, COUNTRY_NAMES[a.country] ?? a.country].map(escapeVCardText).join(';')
    lines.push(`ADR${type ? `;TYPE=${type}` : ''}:${value}`)
  }
  for (const p of c.phones) lines.push(`TEL;TYPE=${TEL_TYPE[p.type]}:${escapeVCardText(p.number)}`)
  for (const e of c.emails) {
    const type = EMAIL_TYPE[e.type]
    lines.push(`EMAIL${type ? `;TYPE=${type}` : ''}:${escapeVCardText(e.address)}`)
  }
  if (c.tags.length) lines.push(`CATEGORIES:${c.tags.map(escapeVCardText).join(',')}`)
  const note = [c.customerNo ? `Kundennummer ${c.customerNo}` : null, c.remarks].filter(Boolean).join('\n')
  if (note) lines.push(`NOTE:${escapeVCardText(note)}`)
  lines.push(`UID:urn:uuid:${c.id}`)
  lines.push(`REV:${vcardTimestamp(c.updatedAt)}`)
  lines.push('END:VCARD')
  return lines.map(foldVCardLine).join(CRLF) + CRLF
}

/** A file name from the customer's name: `Max_Mustermann.vcf`; letters of any script are kept. */
export function vcardFileName(c: Pick<CustomerRow, 'kind' | 'title' | 'firstName' | 'lastName' | 'customerNo'>): string {
  const name = (c.kind === 'company' ? c.lastName : `${c.firstName} ${c.lastName}`)
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}\s._-]/gu, '')
    .trim()
    .replace(/\s+/g, '_')
    .slice(0, 80)
  return `${name || c.customerNo || 'Kunde'}.vcf`
}
