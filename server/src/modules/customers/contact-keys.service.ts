import { eq } from 'drizzle-orm'
import { contactKeys } from '../../../../shared/duplicates'
import { customerContactKeys, customers } from '../../db/schema'
import type { Db } from '../../db/client'
import type { DbOrTx } from '../../lib/tx'

type KeyFields = Pick<typeof customers.$inferSelect, 'emails' | 'phones' | 'bankAccounts' | 'deletedAt' | 'pseudonymisedAt'>

/**
 * Rewrites the exact-match keys (e-mail, phone, IBAN) of one customer inside the caller's
 * transaction, from `row` when the caller has it at hand, else from the table. Deleted and
 * pseudonymised customers keep none: they are nobody's duplicate.
 */
export function refreshContactKeys(db: DbOrTx, customerId: string, row?: KeyFields): void {
  db.delete(customerContactKeys).where(eq(customerContactKeys.customerId, customerId)).run()
  const c =
    row ??
    db
      .select({ emails: customers.emails, phones: customers.phones, bankAccounts: customers.bankAccounts, deletedAt: customers.deletedAt, pseudonymisedAt: customers.pseudonymisedAt })
      .from(customers)
      .where(eq(customers.id, customerId))
      .get()
  if (!c || c.deletedAt || c.pseudonymisedAt) return
  const keys = contactKeys(c)
  if (keys.length) db.insert(customerContactKeys).values(keys.map((k) => ({ customerId, ...k }))).run()
}

/**
 * Customers with contact data but no keys (written before the keys existed, or bulk-loaded by
 * the demo) get them at start, so the duplicate check sees every customer. Raw prepared
 * statements in chunked transactions: a million customers take seconds, not minutes.
 */
export function ensureContactKeys(db: Db): number {
  const client = db.$client
  const missing = client
    .prepare(
      `SELECT c.rowid, c.id, c.emails, c.phones, c.bank_accounts FROM customers c
       WHERE c.rowid > ? AND c.deleted_at IS NULL AND c.pseudonymised_at IS NULL
         AND (c.emails <> '[]' OR c.phones <> '[]' OR c.bank_accounts <> '[]')
         AND NOT EXISTS (SELECT 1 FROM customer_contact_keys k WHERE k.customer_id = c.id)
       ORDER BY c.rowid LIMIT 5000`,
    )
    .raw()
  const insert = client.prepare('INSERT INTO customer_contact_keys (customer_id, kind, value) VALUES (?, ?, ?)')
  let n = 0
  // Read a page, then write it: better-sqlite3 cannot write while a statement is still iterating.
  for (let after = 0; ; ) {
    const rows = missing.all(after) as [number, string, string, string, string][]
    if (!rows.length) return n
    client.transaction(() => {
      for (const [rowid, id, emails, phones, bankAccounts] of rows) {
        after = rowid
        for (const k of contactKeys({ emails: JSON.parse(emails), phones: JSON.parse(phones), bankAccounts: JSON.parse(bankAccounts) })) insert.run(id, k.kind, k.value)
        n++
      }
    })()
  }
}
