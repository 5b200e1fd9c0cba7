import { and, eq, inArray, isNull, or } from 'drizzle-orm'
import type { z } from 'zod'
import { contactKeys, duplicateReasons } from '../../../../shared/duplicates'
import { phoneticKeys } from '../../../../shared/phonetic'
import type { DuplicateCandidate, DuplicateReason, duplicateCheckSchema } from '../../../../shared/schemas'
import { customerContactKeys, customers, users } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'
import { repScope, type Actor } from '../scope/scope.service'
import { searchCustomerIds } from './customer-search.service'
import { scopeCondition } from './customers.service'

export const MAX_DUPLICATES = 10
/** Per source; enough for common names, small enough to stay fast on a large file. */
const CANDIDATES_PER_SOURCE = 200

/** Stronger evidence first: same person for sure, then shared contact data, then a similar name. */
const REASON_WEIGHT: Record<DuplicateReason, number> = { name_birthdate: 16, iban: 8, email: 4, phone: 4, phonetic_name: 1 }

type DuplicateCheckInput = z.output<typeof duplicateCheckSchema>

/**
 * Customers in the caller's read scope that may be the one being entered (issue §7): found by
 * e-mail, phone or IBAN (contact keys), by last name and birth date, and by the Kölner Phonetik
 * codes of the names in the search index; the reasons come from the rule the device uses too.
 */
export function findDuplicates(db: DbOrTx, actor: Actor, date: string, input: DuplicateCheckInput): DuplicateCandidate[] {
  const scope = scopeCondition(db, actor, date)
  if (scope === false) return []
  const live = and(isNull(customers.deletedAt), isNull(customers.pseudonymisedAt), scope)!
  const ids = new Set<string>()
  const add = (rows: { id: string }[]) => rows.forEach((r) => ids.add(r.id))

  const keys = contactKeys({
    emails: input.emails.map((address) => ({ type: 'private' as const, address })),
    phones: input.phones.map((number) => ({ type: 'mobile' as const, number })),
    bankAccounts: input.ibans.map((iban) => ({ iban, bic: null, holder: null, label: null })),
  })
  if (keys.length) {
    const match = or(...keys.map((k) => and(eq(customerContactKeys.kind, k.kind), eq(customerContactKeys.value, k.value))))
    add(
      db
        .selectDistinct({ id: customers.id })
        .from(customerContactKeys)
        .innerJoin(customers, eq(customers.id, customerContactKeys.customerId))
        .where(and(match, live))
        .limit(CANDIDATES_PER_SOURCE)
        .all(),
    )
  }

  const lastName = input.lastName.trim()
  if (lastName && input.birthDate) {
    // The birth date index narrows to a handful; the name comparison (Unicode case) is duplicateReasons' job.
    add(db.select({ id: customers.id }).from(customers).where(and(eq(customers.birthDate, input.birthDate), live)).limit(CANDIDATES_PER_SOURCE).all())
  }

  const codes = [...phoneticKeys(lastName), ...(input.kind === 'person' ? phoneticKeys(input.firstName) : [])]
  const firstKnown = input.kind === 'company' || phoneticKeys(input.firstName).length > 0
  if (lastName.length >= 2 && phoneticKeys(lastName).length && firstKnown) {
    // Every name code must match (the phonetic column of the search index), within the caller's scope.
    const expr = codes.map((c) => `phonetic:"p${c}"`).join(' AND ')
    add(searchCustomerIds(db, { exact: expr, any: expr }, repScope(db, actor, date), CANDIDATES_PER_SOURCE, 0).ids.map((id) => ({ id })))
  }

  if (input.id) ids.delete(input.id)
  if (!ids.size) return []
  const rows = db
    .select({ c: customers, ownerName: users.name })
    .from(customers)
    .innerJoin(users, eq(users.id, customers.ownerRepId))
    .where(and(inArray(customers.id, [...ids]), isNull(customers.deletedAt), isNull(customers.pseudonymisedAt)))
    .all()
  const weight = (reasons: DuplicateReason[]) => reasons.reduce((s, r) => s + REASON_WEIGHT[r], 0)
  return rows
    .map(({ c, ownerName }) => ({
      id: c.id,
      customerNo: c.customerNo,
      firstName: c.firstName,
      lastName: c.lastName,
      birthDate: c.birthDate,
      city: c.addresses[0]?.city || null,
      ownerName,
      reasons: duplicateReasons(input, c),
    }))
    .filter((d) => d.reasons.length > 0)
    .sort((a, b) => weight(b.reasons) - weight(a.reasons) || a.lastName.localeCompare(b.lastName, 'de') || a.firstName.localeCompare(b.firstName, 'de'))
    .slice(0, MAX_DUPLICATES)
}
