import { duplicateReasons, emailKey, ibanKey, phoneKey } from '../../../shared/duplicates'
import { koelnerPhonetik } from '../../../shared/phonetic'
import type { DuplicateCheck, DuplicateReason } from '../../../shared/schemas/customers'
import type { FeldakteDb, LocalCustomer } from './database'

export interface LocalDuplicate {
  customer: LocalCustomer
  reasons: DuplicateReason[]
}

const phoneticName = (s: string) => s.trim().split(/[\s-]+/).filter(Boolean).map(koelnerPhonetik).join(' ')

/**
 * Initial letters (as in the `nameKey` index: lower case, accents removed) whose names can start
 * with a given Kölner-Phonetik digit. "H" is silent; German names put a vowel after it, so H-names
 * start with a vowel's digit.
 */
const INITIALS: Record<string, string[]> = {
  '0': ['a', 'e', 'i', 'j', 'o', 'u', 'y', 'h'],
  '1': ['b', 'p'],
  '2': ['d', 't'],
  '3': ['f', 'v', 'w', 'p'],
  '4': ['c', 'g', 'k', 'q', 'x'],
  '5': ['l'],
  '6': ['m', 'n'],
  '7': ['r'],
  '8': ['c', 'd', 't', 's', 'z'],
}

/**
 * Customers whose last name sounds like `lastName`. Only the name-index ranges of the initial
 * letters that can produce the same code are read, each with one bulk read (a cursor step per
 * row costs far more in Chromium than reading the rows at once).
 */
async function sameSounding(db: FeldakteDb, lastName: string): Promise<LocalCustomer[]> {
  const code = phoneticName(lastName)
  if (!code) return []
  const initials = INITIALS[code[0]!]
  const ranges = initials
    ? [
        ...initials.map((letter) => db.customers.where('nameKey').startsWith(letter)),
        // Names that do not start with a plain letter (digits, "Ø…") sit outside those ranges.
        db.customers.where('nameKey').below('a'),
        db.customers.where('nameKey').aboveOrEqual('{'),
      ]
    : [db.customers.toCollection()]
  const rows = (await Promise.all(ranges.map((r) => r.toArray()))).flat()
  return rows.filter((c) => phoneticName(c.lastName) === code)
}

/**
 * The device's customers that may be the one being entered (shared duplicateReasons, as the
 * server checks). Candidates come from indexes: ranges of the name index for same-sounding last
 * names, the `words` index for e-mail addresses and phone numbers. IBANs are not indexed on the device,
 * so only a check with an IBAN reads the customers (a rep's few thousand).
 */
export async function findLocalDuplicates(db: FeldakteDb, check: DuplicateCheck, limit = 10): Promise<LocalDuplicate[]> {
  const found = new Map<string, LocalCustomer>()
  if ((check.lastName ?? '').trim().length >= 2) for (const c of await sameSounding(db, check.lastName!)) found.set(c.id, c)
  const contactWords = [
    ...(check.emails ?? []).map(emailKey).filter((e) => e.length >= 3),
    ...(check.phones ?? []).map(phoneKey).filter((p) => p.length >= 5),
  ]
  const ids = new Set<string>()
  if (contactWords.length) for (const id of await db.customers.where('words').anyOf(contactWords).primaryKeys()) if (!found.has(id)) ids.add(id)
  const ibans = new Set((check.ibans ?? []).map(ibanKey).filter((i) => i.length >= 15))
  if (ibans.size) {
    const all = await db.customers.toArray()
    for (const c of all) if (c.bankAccounts.some((b) => ibans.has(ibanKey(b.iban)))) found.set(c.id, c)
  }
  for (const c of await db.customers.bulkGet([...ids])) if (c) found.set(c.id, c)
  if (check.id) found.delete(check.id)
  return [...found.values()]
    .map((customer) => ({ customer, reasons: duplicateReasons(check, customer) }))
    .filter((d) => d.reasons.length > 0)
    .sort((a, b) => b.reasons.length - a.reasons.length || (a.customer.nameKey < b.customer.nameKey ? -1 : 1))
    .slice(0, limit)
}
