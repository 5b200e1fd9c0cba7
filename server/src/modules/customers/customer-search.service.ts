import { sql, type SQL } from 'drizzle-orm'
import { koelnerPhonetik, phoneticKeys } from '../../../../shared/phonetic'
import { customers } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'

type SearchFields = Pick<typeof customers.$inferSelect, 'customerNo' | 'firstName' | 'lastName' | 'birthName' | 'emails' | 'phones' | 'addresses' | 'tags'>

/** What the full-text index holds for a customer: words, phone digits, and phonetic codes of the names. */
export function searchDocument(c: SearchFields): { words: string; phonetic: string } {
  const phones = c.phones.flatMap((p) => [p.number, p.number.replace(/\D/g, '')])
  const places = c.addresses.flatMap((a) => [a.city, a.zip, a.street])
  const words = [c.customerNo, c.firstName, c.lastName, c.birthName, ...c.emails.map((e) => e.address), ...phones, ...places, ...c.tags].filter(Boolean).join(' ')
  const phonetic = phoneticKeys(`${c.firstName} ${c.lastName} ${c.birthName ?? ''}`).map((k) => `p${k}`).join(' ')
  return { words, phonetic }
}

/** Re-indexes one customer inside the caller's transaction (deleted customers leave the index). */
export function indexCustomer(db: DbOrTx, id: string): void {
  const row = db
    .select({
      rowid: sql<number>`${customers}.rowid`,
      customerNo: customers.customerNo,
      firstName: customers.firstName,
      lastName: customers.lastName,
      birthName: customers.birthName,
      emails: customers.emails,
      phones: customers.phones,
      addresses: customers.addresses,
      tags: customers.tags,
      deletedAt: customers.deletedAt,
      pseudonymisedAt: customers.pseudonymisedAt,
    })
    .from(customers)
    .where(sql`${customers.id} = ${id}`)
    .get()
  if (!row) return
  db.run(sql`DELETE FROM customer_search WHERE rowid = ${row.rowid}`)
  if (row.deletedAt) return
  const doc = searchDocument(row)
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
