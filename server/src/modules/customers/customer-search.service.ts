import { sql } from 'drizzle-orm'
import { koelnerPhonetik, phoneticKeys } from '../../../../shared/phonetic'
import type { Db } from '../../db/client'
import { customers } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'
import type { RepScope } from '../scope/scope.service'

type SearchFields = Pick<typeof customers.$inferSelect, 'customerNo' | 'firstName' | 'lastName' | 'birthName' | 'emails' | 'phones' | 'addresses' | 'tags'>

const UMLAUTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' }

/** Umlauts as ae/oe/ue/ss ("müller" → "mueller"): how people type them without an umlaut key. */
const transliterate = (text: string) => text.toLowerCase().replace(/[äöüß]/g, (c) => UMLAUTS[c] ?? c)

/** A phone number's digits; +49/0049 numbers also in the national form, so "0171…" finds "+49 171…" (as on the device). */
function phoneDigits(number: string): string[] {
  const digits = number.replace(/\D/g, '')
  if (!digits) return []
  const national = digits.startsWith('0049') ? `0${digits.slice(4)}` : number.trim().startsWith('+49') ? `0${digits.slice(2)}` : null
  return national ? [digits, national] : [digits]
}

/** What the full-text index holds for a customer: words, phone digits, and phonetic codes of the names. */
export function searchDocument(c: SearchFields): { words: string; phonetic: string } {
  const phones = c.phones.flatMap((p) => [p.number, ...phoneDigits(p.number)])
  const places = c.addresses.flatMap((a) => [a.city, a.zip, a.street])
  const texts = [c.firstName, c.lastName, c.birthName, ...places, ...c.tags].filter((t): t is string => !!t)
  // "Mueller" typed finds "Müller" as an exact spelling; "K-004711" is also found as "4711".
  const spelled = texts.filter((t) => /[äöüß]/i.test(t)).map(transliterate)
  const number = c.customerNo ? [c.customerNo, c.customerNo.replace(/\W/g, ''), c.customerNo.replace(/\D/g, '').replace(/^0+(?=\d)/, '')] : []
  const words = [...number, ...texts, ...spelled, ...c.emails.map((e) => e.address), ...phones].filter(Boolean).join(' ')
  const phonetic = phoneticKeys(`${c.firstName} ${c.lastName} ${c.birthName ?? ''}`).map((k) => `p${k}`).join(' ')
  return { words, phonetic }
}

// ------------------------------------------------------------------ name order

/**
 * Search rowids ("labels") follow the name order: a customer's label lies between those of its
 * neighbours by (sort key, id). FTS5 yields matches in rowid order, so a page of matches in name
 * order costs about as many steps as it has rows, however many customers match. Labels are spread
 * over 1 … 2^62; an insert takes the middle of its gap, and a used-up gap is re-spread over a
 * growing window of neighbours.
 */
const LABEL_END = 1n << 62n
/** Distance from the last (first) label for a name sorting after (before) all others. */
const END_GAP = 1n << 40n
/** A re-spread widens its window until its labels are at least this far apart. */
const MIN_GAP = 1n << 20n

/** Sort key of search results: last name, then first name, case and accents ignored (as the device sorts). */
export function nameSortKey(lastName: string, firstName: string): string {
  // Only BMP characters, so JavaScript's and SQLite's (UTF-8 byte) string orders agree.
  const plain = (t: string) =>
    t
      .trim()
      .toLowerCase()
      .replace(/ß/g, 'ss')
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[\uD800-\uDFFF]/g, '\uFFFD')
  return `${plain(lastName)}\u0000${plain(firstName)}`
}

/** The token that stands for a customer's owner in the index ("o" + the id's hex digits); the triggers of migration 0005 compute the same. */
const ownerToken = (repId: string) => `o${repId.replace(/-/g, '').toLowerCase()}`

type Labelled = { id: string; label: bigint }

/** Up to `n` indexed customers next to (key, id) in name order, nearest first. */
function neighbours(db: DbOrTx, key: string, id: string, side: 'before' | 'after', n: number): Labelled[] {
  const rows =
    side === 'before'
      ? db.all<{ id: string; label: string }>(
          sql`SELECT customer_id AS id, CAST(search_rowid AS TEXT) AS label FROM customer_search_rows WHERE (sort_key, customer_id) < (${key}, ${id}) ORDER BY sort_key DESC, customer_id DESC LIMIT ${n}`,
        )
      : db.all<{ id: string; label: string }>(
          sql`SELECT customer_id AS id, CAST(search_rowid AS TEXT) AS label FROM customer_search_rows WHERE (sort_key, customer_id) > (${key}, ${id}) ORDER BY sort_key, customer_id LIMIT ${n}`,
        )
  // Labels exceed 2^53: read as text, computed with BigInt.
  return rows.map((r) => ({ id: r.id, label: BigInt(r.label) }))
}

/** The index row of a customer, as customer_search_rows holds it. */
interface IndexRow {
  label: bigint
  id: string
  key: string
  ownerRepId: string
  words: string
  phonetic: string
  owner: string
}

/** Writes the content row and its FTS5 entry (both tables are the application's to keep in step). */
function insertIndexRow(db: DbOrTx, r: IndexRow): void {
  db.run(sql`INSERT INTO customer_search_rows (search_rowid, customer_id, sort_key, owner_rep_id, words, phonetic, owner)
             VALUES (${r.label}, ${r.id}, ${r.key}, ${r.ownerRepId}, ${r.words}, ${r.phonetic}, ${r.owner})`)
  db.run(sql`INSERT INTO customer_search (rowid, words, phonetic, owner) VALUES (${r.label}, ${r.words}, ${r.phonetic}, ${r.owner})`)
}

/** Removes a customer's content row and FTS5 entry (an external-content delete needs the indexed values). */
function deleteIndexRow(db: DbOrTx, id: string): void {
  db.run(sql`INSERT INTO customer_search (customer_search, rowid, words, phonetic, owner)
             SELECT 'delete', search_rowid, words, phonetic, owner FROM customer_search_rows WHERE customer_id = ${id}`)
  db.run(sql`DELETE FROM customer_search_rows WHERE customer_id = ${id}`)
}

/** A free label for (key, id), between its neighbours; re-spreads them when the gap is used up. */
function placeLabel(db: DbOrTx, key: string, id: string): bigint {
  const prev = neighbours(db, key, id, 'before', 1)[0]?.label ?? 0n
  const next = neighbours(db, key, id, 'after', 1)[0]?.label ?? LABEL_END
  const gap = next - prev
  if (next === LABEL_END && gap > 2n * END_GAP) return prev + END_GAP
  if (prev === 0n && gap > 2n * END_GAP) return next - END_GAP
  if (gap > 1n) return prev + gap / 2n
  for (let k = 16; ; k *= 4) {
    const before = neighbours(db, key, id, 'before', k + 1)
    const after = neighbours(db, key, id, 'after', k + 1)
    const lo = before.length > k ? before[k]!.label : 0n
    const hi = after.length > k ? after[k]!.label : LABEL_END
    const window: (Labelled | null)[] = [...before.slice(0, k).reverse(), null, ...after.slice(0, k)]
    const step = (hi - lo) / BigInt(window.length + 1)
    if (step < MIN_GAP && (before.length > k || after.length > k)) continue
    const moved = window.flatMap((m, i) => (m ? [{ id: m.id, label: lo + step * BigInt(i + 1) }] : []))
    const rows = db.all<Omit<IndexRow, 'label'>>(
      sql`SELECT customer_id AS id, sort_key AS key, owner_rep_id AS ownerRepId, words, phonetic, owner FROM customer_search_rows
          WHERE customer_id IN (SELECT value FROM json_each(${JSON.stringify(moved.map((m) => m.id))}))`,
    )
    const byId = new Map(rows.map((r) => [r.id, r]))
    for (const m of moved) deleteIndexRow(db, m.id)
    for (const m of moved) insertIndexRow(db, { ...byId.get(m.id)!, label: m.label })
    return lo + step * BigInt(window.indexOf(null) + 1)
  }
}

// ------------------------------------------------------------------ maintenance

const searchFields = {
  id: customers.id,
  customerNo: customers.customerNo,
  firstName: customers.firstName,
  lastName: customers.lastName,
  birthName: customers.birthName,
  emails: customers.emails,
  phones: customers.phones,
  addresses: customers.addresses,
  tags: customers.tags,
  ownerRepId: customers.ownerRepId,
  deletedAt: customers.deletedAt,
}
type SearchSource = SearchFields & { id: string; ownerRepId: string }

/** The index row a customer should have (label still to be placed). */
function indexRowOf(c: SearchSource): Omit<IndexRow, 'label'> {
  const doc = searchDocument(c)
  return { id: c.id, key: nameSortKey(c.lastName, c.firstName), ownerRepId: c.ownerRepId, words: doc.words, phonetic: doc.phonetic, owner: ownerToken(c.ownerRepId) }
}

/**
 * Re-indexes one customer inside the caller's transaction (deleted customers leave the index).
 * Owner changes and deletes are also caught by triggers on customers (migration 0005), so a write
 * path that forgets this call can leave a stale text, never a customer in the wrong scope.
 */
export function indexCustomer(db: DbOrTx, id: string): void {
  const row = db.select(searchFields).from(customers).where(sql`${customers.id} = ${id}`).get()
  const current = db.get<Omit<IndexRow, 'label'> | undefined>(
    sql`SELECT customer_id AS id, sort_key AS key, owner_rep_id AS ownerRepId, words, phonetic, owner FROM customer_search_rows WHERE customer_id = ${id}`,
  )
  if (!row || row.deletedAt) {
    if (current) deleteIndexRow(db, id)
    return
  }
  const next = indexRowOf(row)
  if (current && current.key === next.key && current.words === next.words && current.phonetic === next.phonetic && current.owner === next.owner && current.ownerRepId === next.ownerRepId) return
  const label = current?.key === next.key ? BigInt(db.get<{ label: string }>(sql`SELECT CAST(search_rowid AS TEXT) AS label FROM customer_search_rows WHERE customer_id = ${id}`).label) : null
  if (current) deleteIndexRow(db, id)
  insertIndexRow(db, { ...next, label: label ?? placeLabel(db, next.key, id) })
}

/**
 * Builds the whole index from the customers table in one transaction, labels evenly spread in
 * name order: at start when the index is missing, and for bulk-generated data (demo, bench).
 */
export function rebuildCustomerSearch(db: Db): number {
  const client = db.$client
  const keys: [number, string, string][] = []
  for (const [rowid, id, lastName, firstName] of client.prepare('SELECT rowid, id, last_name, first_name FROM customers WHERE deleted_at IS NULL').raw().iterate() as IterableIterator<[number, string, string, string]>) {
    keys.push([rowid, id, nameSortKey(lastName, firstName)])
  }
  keys.sort((a, b) => (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  const load = client
    .prepare('SELECT rowid, customer_no, first_name, last_name, birth_name, emails, phones, addresses, tags, owner_rep_id FROM customers WHERE rowid IN (SELECT value FROM json_each(?))')
    .raw()
  const insert = client.prepare('INSERT INTO customer_search_rows (search_rowid, customer_id, sort_key, owner_rep_id, words, phonetic, owner) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const step = LABEL_END / BigInt(keys.length + 1)
  client.transaction(() => {
    client.exec('DELETE FROM customer_search_rows')
    for (let i = 0; i < keys.length; i += 2000) {
      const chunk = keys.slice(i, i + 2000)
      const rows = new Map((load.all(JSON.stringify(chunk.map((k) => k[0]))) as [number, string | null, string, string, string | null, string, string, string, string, string][]).map((r) => [r[0], r]))
      chunk.forEach(([rowid, id, key], j) => {
        const [, customerNo, firstName, lastName, birthName, emails, phones, addresses, tags, ownerRepId] = rows.get(rowid)!
        const doc = searchDocument({ customerNo, firstName, lastName, birthName, emails: JSON.parse(emails), phones: JSON.parse(phones), addresses: JSON.parse(addresses), tags: JSON.parse(tags) })
        insert.run(step * BigInt(i + j + 1), id, key, ownerRepId, doc.words, doc.phonetic, ownerToken(ownerRepId))
      })
    }
    // FTS5 reads the content table in rowid (= name) order and writes its index in one pass.
    client.exec(`INSERT INTO customer_search (customer_search) VALUES ('rebuild')`)
  })()
  return keys.length
}

/** The triggers on customers that keep the index's owner and membership exact (migration 0005). */
const CUSTOMER_TRIGGERS = ['customers_search_owner', 'customers_search_deleted', 'customers_search_removed']

/**
 * At start: fills the index when customers exist but it is empty (after the migration that
 * introduced it). Refuses to start when a later migration rebuilt the customers table and lost the
 * triggers that keep scope filtering exact.
 */
export function ensureCustomerSearch(db: Db): number {
  const present = new Set(db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'trigger'`).map((t) => t.name))
  const missing = CUSTOMER_TRIGGERS.filter((t) => !present.has(t))
  if (missing.length) throw new Error(`customer search triggers missing (${missing.join(', ')}): recreate them in a migration`)
  const indexed = db.get<{ n: number } | undefined>(sql`SELECT 1 AS n FROM customer_search_rows LIMIT 1`)
  const any = db.get<{ n: number } | undefined>(sql`SELECT 1 AS n FROM ${customers} WHERE deleted_at IS NULL LIMIT 1`)
  if (indexed || !any) return 0
  return rebuildCustomerSearch(db)
}

// ------------------------------------------------------------------ queries

/** FTS5 expressions for a query: `exact` (the spelling typed, as word prefixes) and `any` (also phonetic). */
export interface SearchMatch {
  exact: string
  any: string
}

/**
 * An FTS5 query for what the user typed: every token must match, as a word prefix or (from three
 * letters on) by its Kölner Phonetik code, so Meier finds Meyer and Mayr. Null when nothing is searchable.
 */
export function buildMatch(q: string): SearchMatch | null {
  const tokens = q
    // Control characters (NUL made FTS5 throw) and lone surrogates separate words, they never match.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, ' ')
    .toLowerCase()
    .split(/[\s,;]+/)
    .map((t) => t.replace(/["*^():{}[\]+]/g, ''))
    .filter((t) => /[\p{L}\p{N}]/u.test(t))
    .slice(0, 8)
  if (!tokens.length) return null
  const exact: string[] = []
  const any: string[] = []
  for (const t of tokens) {
    const spellings = new Set([t, transliterate(t)])
    const digits = t.replace(/[\s/\-()+]/g, '')
    if (/^\d{3,}$/.test(digits)) spellings.add(digits)
    const alternatives = [...spellings].map((s) => `words:"${s}"*`)
    exact.push(`(${alternatives.join(' OR ')})`)
    const code = /\p{L}{3,}/u.test(t) ? koelnerPhonetik(t) : ''
    any.push(`(${[...alternatives, ...(code ? [`phonetic:"p${code}"`] : [])].join(' OR ')})`)
  }
  return { exact: exact.join(' AND '), any: any.join(' AND ') }
}

/** More matches than this are counted as "über 1.000": counting them all costs more than it tells. */
export const SEARCH_COUNT_CAP = 1000
/**
 * Up to this many reps, the scope also goes into the FTS5 query as owner tokens (so FTS5 skips
 * other reps' matches); a wider scope holds so many of the matches that checking each is cheaper.
 */
const OWNER_TOKEN_REPS = 100

const fromIndex = sql`customer_search s JOIN customer_search_rows r ON r.search_rowid = s.rowid`

/**
 * Ids of matching customers within `scope` (the scope module's repScope): exact spellings first,
 * then phonetic-only matches, each in name order, with the number of matches (capped at SEARCH_COUNT_CAP).
 */
export function searchCustomerIds(db: DbOrTx, match: SearchMatch, scope: RepScope, limit: number, offset: number): { ids: string[]; total: number; totalCapped: boolean } {
  if (!scope.all && scope.repIds.size === 0) return { ids: [], total: 0, totalCapped: false }
  const repIds = scope.all ? [] : [...scope.repIds]
  const owners = !scope.all && repIds.length <= OWNER_TOKEN_REPS ? ` AND owner:(${repIds.map((id) => `"${ownerToken(id)}"`).join(' OR ')})` : ''
  // The owner column of the index is exact (triggers); the owner tokens only narrow what FTS5 hands out.
  const inScope = scope.all ? sql`` : sql` AND r.owner_rep_id IN (SELECT value FROM json_each(${JSON.stringify(repIds)}))`
  const firstByName = (expr: string, n: number) =>
    n <= 0 ? [] : db.all<{ id: string }>(sql`SELECT r.customer_id AS id FROM ${fromIndex} WHERE customer_search MATCH ${`(${expr})${owners}`}${inScope} ORDER BY s.rowid LIMIT ${n}`).map((r) => r.id)

  const want = offset + limit
  const exact = firstByName(match.exact, want)
  const phonetic = match.any === match.exact ? [] : firstByName(`(${match.any}) NOT (${match.exact})`, want - exact.length)
  const counted = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${fromIndex} WHERE customer_search MATCH ${`(${match.any})${owners}`}${inScope} LIMIT ${SEARCH_COUNT_CAP + 1})`).n
  return { ids: [...exact, ...phonetic].slice(offset, want), total: Math.min(counted, SEARCH_COUNT_CAP), totalCapped: counted > SEARCH_COUNT_CAP }
}
