import { electronicFormatIBAN } from 'ibantools'
import { koelnerPhonetik } from './phonetic'
import type { CustomerRow, DuplicateCheck, DuplicateReason } from './schemas/customers'

/** Phone digits in national form: "+49 171 234" and "0171-234" give the same key. */
export function phoneKey(number: string): string {
  const digits = number.replace(/\D/g, '')
  if (number.trim().startsWith('+49')) return '0' + digits.slice(2)
  if (digits.startsWith('0049')) return '0' + digits.slice(4)
  return digits
}

export const emailKey = (address: string): string => address.trim().toLowerCase()
export const ibanKey = (iban: string): string => electronicFormatIBAN(iban) ?? iban.replace(/\s+/g, '').toUpperCase()

const nameKey = (s: string) => s.trim().toLowerCase().normalize('NFC')
const phoneticName = (s: string) => s.trim().split(/[\s-]+/).filter(Boolean).map(koelnerPhonetik).join(' ')

/** The exact-match keys of a customer, as the server indexes them for the duplicate check. */
export function contactKeys(row: Pick<CustomerRow, 'emails' | 'phones' | 'bankAccounts'>): { kind: 'email' | 'phone' | 'iban'; value: string }[] {
  const keys = new Map<string, { kind: 'email' | 'phone' | 'iban'; value: string }>()
  const add = (kind: 'email' | 'phone' | 'iban', value: string) => {
    if (value.length >= (kind === 'phone' ? 5 : 3)) keys.set(`${kind}:${value}`, { kind, value })
  }
  for (const e of row.emails) add('email', emailKey(e.address))
  for (const p of row.phones) add('phone', phoneKey(p.number))
  for (const b of row.bankAccounts) add('iban', ibanKey(b.iban))
  return [...keys.values()]
}

/**
 * Why `existing` may be the same person as the one being entered (issue "Customer file" §7):
 * same name and birth date, same e-mail, phone or IBAN, or names that sound alike (Kölner
 * Phonetik on first and last name) with no contradicting birth date. Used on the device and on the server.
 */
export function duplicateReasons(candidate: DuplicateCheck, existing: Pick<CustomerRow, 'id' | 'kind' | 'firstName' | 'lastName' | 'birthDate' | 'emails' | 'phones' | 'bankAccounts'>): DuplicateReason[] {
  if (candidate.id && candidate.id === existing.id) return []
  const reasons: DuplicateReason[] = []
  const first = candidate.firstName ?? ''
  const last = candidate.lastName ?? ''
  const sameName = nameKey(first) === nameKey(existing.firstName) && nameKey(last) === nameKey(existing.lastName) && last.trim() !== ''
  if (sameName && candidate.birthDate && candidate.birthDate === existing.birthDate) reasons.push('name_birthdate')
  const theirs = contactKeys(existing)
  const has = (kind: string, value: string) => theirs.some((k) => k.kind === kind && k.value === value)
  if ((candidate.emails ?? []).some((e) => e.trim() && has('email', emailKey(e)))) reasons.push('email')
  if ((candidate.phones ?? []).some((p) => phoneKey(p).length >= 5 && has('phone', phoneKey(p)))) reasons.push('phone')
  if ((candidate.ibans ?? []).some((i) => i.trim() && has('iban', ibanKey(i)))) reasons.push('iban')
  const birthDatesAgree = !candidate.birthDate || !existing.birthDate || candidate.birthDate === existing.birthDate
  if (!reasons.includes('name_birthdate') && birthDatesAgree && last.trim().length >= 2) {
    const sameSound =
      phoneticName(last) !== '' &&
      phoneticName(last) === phoneticName(existing.lastName) &&
      (candidate.kind === 'company' || (first.trim() !== '' && phoneticName(first) === phoneticName(existing.firstName)))
    if (sameSound) reasons.push('phonetic_name')
  }
  return reasons
}

export const DUPLICATE_REASON_LABELS: Record<DuplicateReason, string> = {
  name_birthdate: 'gleicher Name und Geburtsdatum',
  email: 'gleiche E-Mail-Adresse',
  phone: 'gleiche Telefonnummer',
  iban: 'gleiche IBAN',
  phonetic_name: 'ähnlich klingender Name',
}
