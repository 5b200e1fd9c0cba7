import { sql, type SQL } from 'drizzle-orm'
import { koelnerPhonetik, phoneticKeys } from '../../../../shared/phonetic'
import { customers } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'

type SearchFields = Pick<typeof customers.$inferSelect, 'firstName' | 'lastName' | 'email' | 'phone' | 'city' | 'zip' | 'street'>

/** What the full-text index holds for a customer: words, phone digits, and phonetic codes of the names. */
export function searchDocument(c: SearchFields): { words: string; phonetic: string } {
  const digits = c.phone ? c.phone.replace(/\D/g, '') : ''
  const words = [c.firstName, c.lastName, c.email, c.phone, digits, c.city, c.zip, c.street].filter(Boolean).join(' ')
  const phonetic = phoneticKeys(`${c.firstName} ${c.lastName}`).map((k) => `p${k}`).join(' ')
  return { words, phonetic }
}

interface IndexRow {
  rowid: number
  first_name: string
  last_name: string
  email: string | null
  phone: string | null
  city: string | null
  zip: string | null
  street: string | null
  deleted_at: string | null
}

/** Re-indexes one customer inside the caller's transaction (deleted customers leave the index). */
export function indexCustomer(db: DbOrTx, id: string): void {
  const row = db.get<IndexRow | undefined>(
    sql`SELECT rowid, first_name, last_name, email, phone, city, zip, street, deleted_at FROM ${customers} WHERE id = ${id}`,
  )
  if (!row) return
  db.run(sql`DELETE FROM customer_search WHERE rowid = ${row.rowid}`)
  if (row.deleted_at) return
  const doc = searchDocument({
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    city: row.city,
    zip: row.zip,
    street: row.street,
  })
  db.run(sql`INSERT INTO customer_search (rowid, words, phonetic) VALUES (${row.rowid}, ${doc.words}, ${doc.phonetic})`)
}

/** After the migration that introduced the index, fill it once for customers that existed before. */
export function ensureCustomerSearch(db: DbOrTx): number {
  const indexed = db.get<{ n: number } | undefined>(sql`SELECT 1 AS n FROM customer_search LIMIT 1`)
  const any = db.get<{ n: number } | undefined>(sql`SELECT 1 AS n FROM ${customers} LIMIT 1`)
  if (indexed || !any) return 0
  const ids = db.all<{ id: string }>(sql`SELECT id FROM ${customers} WHERE deleted_at IS NULL`)
  for (const { id } of ids) indexCustomer(db, id)
  return ids.length
}

/**
 * An FTS5 query for what the user typed: every token must match, as a word prefix or (from three
 * letters on) by its Kölner Phonetik code, so Meier finds Meyer and Mayr. Null when nothing is searchable.
 */
export function buildMatch(q: string): string | null {
  const tokens = q
    .toLowerCase()
    .split(/[\s,;]+/)
    .map((t) => t.replace(/["*^():]/g, ''))
    .filter(Boolean)
    .slice(0, 8)
  if (!tokens.length) return null
  const parts = tokens.map((t) => {
    const digits = t.replace(/[\s/\-()+]/g, '')
    const alternatives = [`words:"${t}"*`]
    if (/^\d{3,}$/.test(digits) && digits !== t) alternatives.push(`words:"${digits}"*`)
    const code = /\p{L}{3,}/u.test(t) ? koelnerPhonetik(t) : ''
    if (code) alternatives.push(`phonetic:"p${code}"`)
    return `(${alternatives.join(' OR ')})`
  })
  return parts.join(' AND ')
}

/**
 * Ids of matching customers, best first (FTS rank, then name), within `scope` (an SQL condition on
 * customers, or undefined for everything), with the total count for paging.
 */
export function searchCustomerIds(db: DbOrTx, match: string, scope: SQL | undefined, limit: number, offset: number): { ids: string[]; total: number } {
  const where = sql`customer_search MATCH ${match} AND ${customers.deletedAt} IS NULL${scope ? sql` AND ${scope}` : sql``}`
  const from = sql`customer_search JOIN ${customers} ON ${customers}.rowid = customer_search.rowid`
  const total = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${from} WHERE ${where}`).n
  const ids = db
    .all<{ id: string }>(sql`SELECT ${customers.id} AS id FROM ${from} WHERE ${where} ORDER BY customer_search.rank, ${customers.lastName}, ${customers.firstName} LIMIT ${limit} OFFSET ${offset}`)
    .map((r) => r.id)
  return { ids, total }
}
