import type { CustomerRow } from '../../../shared/schemas/customers'
import type { FeldakteDb, LocalCustomer } from './database'

const GERMAN: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' }

/** Lower case, umlauts as ae/oe/ue/ss, other accents dropped: "Müller-Lüdenscheidt" → "mueller-luedenscheidt". */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[äöüß]/g, (c) => GERMAN[c] ?? c)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
}

/** Same, but umlauts as plain vowels: what people type on a keyboard without them ("muller"). */
function foldPlain(text: string): string {
  return foldText(text.toLowerCase().replace(/ß/g, 'ss').normalize('NFD').replace(/[\u0300-\u036f]/g, ''))
}

const splitWords = (folded: string) => folded.split(/[^a-z0-9]+/).filter(Boolean)

/** Digits of a phone number; +49/0049 also as the national form, so "0171…" finds "+49 171…". */
function phoneWords(phone: string): string[] {
  const digits = phone.replace(/\D/g, '')
  if (!digits) return []
  const national = digits.startsWith('0049') ? '0' + digits.slice(4) : phone.trim().startsWith('+49') ? '0' + digits.slice(2) : null
  return national ? [digits, national] : [digits]
}

/** The multi-entry `words` index of a customer: name, customer number, city, phone and e-mail tokens. */
export function customerWords(row: Pick<CustomerRow, 'firstName' | 'lastName' | 'birthName' | 'customerNo' | 'addresses' | 'phones' | 'emails' | 'tags'>): string[] {
  const words = new Set<string>()
  for (const text of [row.firstName, row.lastName, row.birthName, ...row.addresses.map((a) => a.city), ...row.tags]) {
    if (!text) continue
    for (const w of splitWords(foldText(text))) words.add(w)
    for (const w of splitWords(foldPlain(text))) words.add(w)
  }
  if (row.customerNo) {
    words.add(row.customerNo.toLowerCase())
    for (const w of splitWords(row.customerNo.toLowerCase())) words.add(w)
  }
  for (const p of row.phones) for (const w of phoneWords(p.number)) words.add(w)
  for (const e of row.emails) {
    const email = e.address.trim().toLowerCase()
    words.add(email)
    for (const w of splitWords(foldText(email))) words.add(w)
  }
  return [...words]
}

/** Query words: each must be the start of one of a customer's words. A number-like query is one phone word. */
export function queryWords(query: string): string[] {
  const trimmed = query.trim()
  if (/^[+\d][\d\s/()-]*$/.test(trimmed) && /\d/.test(trimmed)) return phoneWords(trimmed).slice(-1)
  if (trimmed.includes('@')) return [trimmed.toLowerCase()]
  return [...new Set(splitWords(foldText(trimmed)))]
}

/**
 * Sort key of the name order, last name first: case and accents ignored and umlauts as their base
 * letter ("Özdemir" with the O's), as German lists sort. Stored as an index on each customer.
 */
export function customerNameKey(row: Pick<CustomerRow, 'firstName' | 'lastName'>): string {
  return `${foldPlain(row.lastName.trim())}\u0000${foldPlain(row.firstName.trim())}`
}

const byNameKey = (a: LocalCustomer, b: LocalCustomer) => (a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : a.id < b.id ? -1 : 1)

/**
 * On-device search over the `words` index, sorted by name. A selective query loads its matches
 * and sorts them; a broad one (a letter or two, thousands of candidates) walks the name index
 * by key only and loads just the first matches, so the first keystrokes stay fast.
 */
export async function searchCustomers(db: FeldakteDb, query: string, limit = 50): Promise<LocalCustomer[]> {
  const words = queryWords(query).sort((a, b) => b.length - a.length)
  const [first] = words
  if (!first) return []
  const matches = (c: LocalCustomer | undefined): c is LocalCustomer => !!c && words.every((w) => c.words.some((cw) => cw.startsWith(w)))
  const candidates = new Set(await db.customers.where('words').startsWith(first).primaryKeys())
  if (candidates.size <= BROAD) {
    const rows = (await db.customers.bulkGet([...candidates])).filter(matches)
    return rows.sort(byNameKey).slice(0, limit)
  }
  const ordered = (await db.customers.orderBy('nameKey').primaryKeys()).filter((id) => candidates.has(id))
  const found: LocalCustomer[] = []
  for (let i = 0; i < ordered.length && found.length < limit; i += limit) {
    found.push(...(await db.customers.bulkGet(ordered.slice(i, i + limit))).filter(matches))
  }
  return found.slice(0, limit)
}

/** Above this many candidates, loading them all costs more than walking the name index. */
const BROAD = 400
