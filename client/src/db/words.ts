import { koelnerPhonetik, phoneticKeys } from '../../../shared/phonetic'
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

/**
 * Marks the Kölner Phonetik codes of the names among a customer's words ("#67" for Meier, Meyer,
 * Mayr): no query word starts with it, so codes only ever match as whole sounds.
 */
const PHONETIC = '#'

/** The multi-entry `words` index of a customer: name, customer number, city, phone and e-mail tokens, and the names' phonetic codes. */
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
    // "K-004711" is also found as "4711" (as on the server).
    const number = row.customerNo.replace(/\D/g, '').replace(/^0+(?=\d)/, '')
    if (number) words.add(number)
  }
  for (const p of row.phones) for (const w of phoneWords(p.number)) words.add(w)
  for (const e of row.emails) {
    const email = e.address.trim().toLowerCase()
    words.add(email)
    for (const w of splitWords(foldText(email))) words.add(w)
  }
  for (const code of phoneticKeys([row.firstName, row.lastName, row.birthName].filter(Boolean).join(' '))) words.add(PHONETIC + code)
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

// ------------------------------------------------------------------ search

/** A query as the device matches it: folded words, each with its phonetic token (words of three letters or more). */
interface DeviceQuery {
  words: string[]
  codes: (string | null)[]
}

function parseQuery(query: string): DeviceQuery | null {
  // Longest first: the most selective word picks the candidates.
  const words = queryWords(query).sort((a, b) => b.length - a.length)
  if (!words.length) return null
  const codes = words.map((w) => (/[a-z]{3,}/.test(w) && !w.includes('@') ? koelnerPhonetik(w) : '')).map((c) => (c ? PHONETIC + c : null))
  return { words, codes }
}

/** A customer's words as one string, each word between separators, for fast prefix and whole-word tests. */
const hayOf = (words: readonly string[]) => `\u0001${words.join('\u0001')}\u0001`

/**
 * How a customer matches: 2 when every query word starts one of its words (the spelling typed),
 * 1 when some only sound alike (same Kölner Phonetik code as a name word), 0 when it does not match.
 */
function matchTier(hay: string, q: DeviceQuery): 0 | 1 | 2 {
  let tier: 1 | 2 = 2
  for (let i = 0; i < q.words.length; i++) {
    if (hay.includes(`\u0001${q.words[i]}`)) continue
    const code = q.codes[i]
    if (!code || !hay.includes(`\u0001${code}\u0001`)) return 0
    tier = 1
  }
  return tier
}

const byName = (a: { nameKey: string; id: string }, b: { nameKey: string; id: string }) =>
  a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/** Best matches first: exact spellings before phonetic-only matches, each in name order. */
function rank(rows: LocalCustomer[], q: DeviceQuery, limit: number): LocalCustomer[] {
  const tiered = rows.map((c) => ({ c, tier: matchTier(hayOf(c.words), q) })).filter((r) => r.tier > 0)
  return tiered
    .sort((a, b) => b.tier - a.tier || byName(a.c, b.c))
    .slice(0, limit)
    .map((r) => r.c)
}

/**
 * On-device search straight from IndexedDB (one-off searches such as picking a relative; lists
 * use DeviceCustomerSearch). A selective first word loads its candidates, including same-sounding
 * names; a broad one (a letter or two) walks the name index in bulk reads until the page is full.
 */
export async function searchCustomers(db: FeldakteDb, query: string, limit = 50): Promise<LocalCustomer[]> {
  const q = parseQuery(query)
  if (!q) return []
  const [first] = q.words
  const [code] = q.codes
  if ((await db.customers.where('words').startsWith(first!).count()) <= BROAD) {
    const keys = new Set(await db.customers.where('words').startsWith(first!).primaryKeys())
    if (code) for (const k of await db.customers.where('words').equals(code).primaryKeys()) keys.add(k)
    const rows = (await db.customers.bulkGet([...keys])).filter((c): c is LocalCustomer => !!c)
    return rank(rows, q, limit)
  }
  // Walking the whole name order sees every row, so phonetic matches are collected on the way.
  const exact: LocalCustomer[] = []
  const phonetic: LocalCustomer[] = []
  for await (const chunk of inNameOrder(db, WALK)) {
    for (const c of chunk) {
      const tier = matchTier(hayOf(c.words), q)
      if (tier === 2) exact.push(c)
      else if (tier === 1 && phonetic.length < limit) phonetic.push(c)
    }
    if (exact.length >= limit) break
  }
  return [...exact, ...phonetic].slice(0, limit)
}

/**
 * The customers in name order, `size` rows per bulk read (each its own transaction, so other
 * reads are not held up behind a long walk). Rows sharing the last name key of a read come again
 * in the next one (index order within a key is by id) and are skipped.
 */
async function* inNameOrder(db: FeldakteDb, size: number): AsyncGenerator<LocalCustomer[]> {
  let from: string | null = null
  let seenAtFrom = 0
  for (;;) {
    const chunk: LocalCustomer[] = await (from === null ? db.customers.orderBy('nameKey') : db.customers.where('nameKey').aboveOrEqual(from)).limit(size + seenAtFrom).toArray()
    const fresh = chunk.slice(from === null ? 0 : seenAtFrom)
    yield fresh
    if (chunk.length < size + seenAtFrom) return
    const last = chunk[chunk.length - 1]!.nameKey
    seenAtFrom = last === from ? seenAtFrom + fresh.length : chunk.filter((c) => c.nameKey === last).length
    from = last
  }
}

/** Above this many index entries for the first word, loading all candidates costs more than walking the name index. */
const BROAD = 400
/** Rows per bulk read while walking the name index for a search, and while building the list's index. */
const WALK = 200
const BUILD = 1000

interface IndexEntry {
  id: string
  nameKey: string
  hay: string
  /** The row itself while the device holds few enough customers (see KEEP_ROWS). */
  row?: LocalCustomer
}

/** Up to this many customers the index keeps the rows too: a keystroke then reads nothing from IndexedDB. */
const KEEP_ROWS = 20_000

/**
 * The search of the customer list: an in-memory index of the device's customers (id, name key,
 * words, and the rows themselves unless there are very many) in name order, so a keystroke costs
 * a scan of a few thousand strings. Built in the background (`warm`) and rebuilt after the
 * customers changed (`invalidate`, called by the store's live count). Rows found are unchanged
 * objects between keystrokes, so the list re-renders only what changed.
 */
export class DeviceCustomerSearch {
  /** The last index built, for `builtVersion`; older than `version` after a change until rebuilt. */
  private entries: IndexEntry[] | null = null
  private builtVersion = -1
  private version = 0
  private building: { version: number; done: Promise<boolean> } | null = null

  constructor(private readonly db: FeldakteDb) {}

  /** The customers changed: the index is rebuilt (`warm`, or the next search). */
  invalidate(): void {
    this.version++
  }

  /** Builds the index for the current data; resolves when it is ready. */
  async ready(): Promise<void> {
    while (!(await this.build()));
  }

  /** Builds the index in the background. */
  warm(): void {
    this.ready().catch((e: unknown) => console.error(e))
  }

  private get fresh(): boolean {
    return this.entries !== null && this.builtVersion === this.version
  }

  /** The first `limit` customers in name order (the list without a query). */
  async list(limit: number): Promise<LocalCustomer[]> {
    const first = this.fresh ? this.entries!.slice(0, limit) : null
    if (first?.every((e) => e.row)) return first.map((e) => e.row!)
    return this.db.customers.orderBy('nameKey').limit(limit).toArray()
  }

  /**
   * Best matches first, as searchCustomers ranks them. Before the first index is built the search
   * goes to IndexedDB; while a changed index is rebuilt, the previous one picks the matches and
   * their rows are read fresh (the caller searches again once `ready`).
   */
  async search(query: string, limit: number): Promise<LocalCustomer[]> {
    const q = parseQuery(query)
    if (!q) return []
    const fresh = this.fresh
    if (!fresh) this.warm()
    if (!this.entries) return searchCustomers(this.db, query, limit)
    const exact: IndexEntry[] = []
    const phonetic: IndexEntry[] = []
    for (const e of this.entries) {
      const tier = matchTier(e.hay, q)
      if (tier === 2) {
        exact.push(e)
        if (exact.length >= limit) break
      } else if (tier === 1 && phonetic.length < limit) phonetic.push(e)
    }
    const found = [...exact, ...phonetic].slice(0, limit)
    if (fresh && found.every((e) => e.row)) return found.map((e) => e.row!)
    const rows = await this.db.customers.bulkGet(found.map((e) => e.id))
    return rows.filter((c): c is LocalCustomer => !!c)
  }

  /** Builds the index for the current version (in name order, a bulk read at a time); false when the customers changed meanwhile. */
  private build(): Promise<boolean> {
    if (this.fresh) return Promise.resolve(true)
    const version = this.version
    if (this.building?.version !== version) {
      const build = async () => {
        const keepRows = (await this.db.customers.count()) <= KEEP_ROWS
        const entries: IndexEntry[] = []
        for await (const chunk of inNameOrder(this.db, BUILD)) {
          if (this.version !== version) return false
          for (const c of chunk) entries.push({ id: c.id, nameKey: c.nameKey, hay: hayOf(c.words), row: keepRows ? c : undefined })
          // A pause between bulk reads: a keystroke meanwhile is not held up for long.
          await new Promise((resolve) => setTimeout(resolve, 0))
        }
        if (this.version !== version) return false
        this.entries = entries
        this.builtVersion = version
        return true
      }
      this.building = { version, done: build() }
    }
    return this.building.done
  }
}
