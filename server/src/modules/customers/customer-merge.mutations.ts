import { and, eq, inArray, ne, or } from 'drizzle-orm'
import { emailKey, ibanKey, phoneKey } from '../../../../shared/duplicates'
import { customerDisplayName } from '../../../../shared/labels'
import { mergeCustomersArgsSchema, type CustomerEditableField, type MergeCustomersArgs } from '../../../../shared/schemas'
import { consents, customerFieldHistory, customerRelations, customers, notes } from '../../db/schema'
import { nowIso } from '../../lib/clock'
import { AppError, forbidden } from '../../lib/errors'
import { writeAudit } from '../audit/audit.service'
import type { MutationHandler } from '../sync/registry'
import { writableCustomer, type CustomerRecord } from './customer-access'
import { indexCustomer } from './customer-search.service'
import { customerRow } from './customers.service'
import { recordHistory } from './customers.mutations'
import { refreshContactKeys } from './contact-keys.service'

/** Single-value fields the survivor takes from the merged customer when it has none of its own. */
const FILLABLE = ['salutation', 'title', 'birthName', 'birthDate', 'nationality', 'maritalStatus', 'occupation', 'employer', 'remarks'] as const

const squash = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ')

/** List entries are the same when their contact key (or, for addresses and tags, their content) is. */
const LIST_KEYS = {
  addresses: (a: CustomerRecord['addresses'][number]) => [a.street, a.zip, a.city, a.country].map(squash).join('|'),
  phones: (p: CustomerRecord['phones'][number]) => phoneKey(p.number) || squash(p.number),
  emails: (e: CustomerRecord['emails'][number]) => emailKey(e.address),
  bankAccounts: (b: CustomerRecord['bankAccounts'][number]) => ibanKey(b.iban),
  tags: (t: string) => squash(t),
} as const
type ListField = keyof typeof LIST_KEYS

function union<T>(mine: T[], theirs: T[], key: (v: T) => string): T[] {
  const seen = new Set(mine.map(key))
  const out = [...mine]
  for (const v of theirs) {
    const k = key(v)
    if (!seen.has(k)) {
      seen.add(k)
      out.push(v)
    }
  }
  return out
}

/** The survivor's values with the merged customer's filled in: only fields that change. */
function mergedValues(survivor: CustomerRecord, merged: CustomerRecord): Partial<Record<CustomerEditableField, unknown>> {
  const patch: Partial<Record<CustomerEditableField, unknown>> = {}
  for (const f of FILLABLE) {
    if ((survivor[f] === null || survivor[f] === '') && merged[f] !== null && merged[f] !== '') patch[f] = merged[f]
  }
  for (const f of Object.keys(LIST_KEYS) as ListField[]) {
    const next = union<unknown>(survivor[f], merged[f], LIST_KEYS[f] as (v: unknown) => string)
    if (next.length !== survivor[f].length) patch[f] = next
  }
  return patch
}

type RelationRecord = typeof customerRelations.$inferSelect

/**
 * Relations after the merge: the merged customer's rows move to the survivor, rows elsewhere that
 * point at it point at the survivor. A relationship that would relate the survivor to itself, or
 * repeat one that already exists (same type, same related customer or person), is removed, both
 * of its rows together.
 */
function planRelations(rows: RelationRecord[], survivorId: string, mergedId: string) {
  const swap = (id: string | null) => (id === mergedId ? survivorId : id)
  const plan = rows.map((r) => ({ r, customerId: swap(r.customerId)!, relatedCustomerId: swap(r.relatedCustomerId), drop: false }))
  const live = plan.filter((p) => !p.r.deletedAt)
  const dropPair = (pairId: string) => live.filter((p) => p.r.pairId === pairId).forEach((p) => (p.drop = true))
  for (const p of live) if (p.customerId === p.relatedCustomerId) dropPair(p.r.pairId)
  const personKey = (p: RelationRecord['person']) => (p ? ['person', p.firstName, p.lastName, p.birthDate ?? ''].map((s) => squash(s)).join('|') : '')
  const groups = new Map<string, typeof live>()
  for (const p of live) {
    if (p.drop) continue
    const key = `${p.customerId}|${p.r.type}|${p.relatedCustomerId ?? personKey(p.r.person)}`
    groups.set(key, [...(groups.get(key) ?? []), p])
  }
  const untouched = (p: (typeof plan)[number]) => p.customerId === p.r.customerId && p.relatedCustomerId === p.r.relatedCustomerId
  for (const group of groups.values()) {
    if (group.length < 2) continue
    // The survivor's own relationship stays; among moved ones the oldest.
    group.sort((a, b) => Number(untouched(b)) - Number(untouched(a)) || a.r.createdAt.localeCompare(b.r.createdAt) || a.r.id.localeCompare(b.r.id))
    for (const p of group.slice(1)) if (!p.drop) dropPair(p.r.pairId)
  }
  return plan
}

/**
 * Back office merges a duplicate into the customer that stays: the survivor keeps its values and
 * fills its gaps from the other, every note, consent and relationship moves over exactly once,
 * the merged customer is deleted with a pointer to the survivor (so pending device writes follow
 * it), and the audit log records what moved.
 */
export const mergeCustomers: MutationHandler<MergeCustomersArgs> = {
  name: 'mergeCustomers',
  v: 1,
  args: mergeCustomersArgsSchema,
  apply(tx, ctx, args) {
    if (ctx.actor.role === 'rep') throw forbidden()
    const survivor = writableCustomer(tx, ctx, args.survivorId)
    const merged = writableCustomer(tx, ctx, args.mergedId)
    // Already merged (into this survivor or elsewhere), or the survivor was merged into the other one.
    if (merged.id !== args.mergedId || merged.id === survivor.id) throw new AppError(409, 'MERGE_NOT_ALLOWED')
    const at = nowIso(ctx.clock)
    const touched = new Set([survivor.ownerRepId, merged.ownerRepId])

    const patch = mergedValues(survivor, merged)
    for (const [field, value] of Object.entries(patch)) recordHistory(tx, ctx, survivor.id, { field, oldValue: survivor[field as CustomerEditableField], newValue: value })
    recordHistory(tx, ctx, survivor.id, { field: 'mergedFrom', oldValue: null, newValue: { id: merged.id, customerNo: merged.customerNo, name: customerDisplayName(merged) } })
    recordHistory(tx, ctx, merged.id, { field: 'mergedInto', oldValue: null, newValue: { id: survivor.id, customerNo: survivor.customerNo, name: customerDisplayName(survivor) } })
    tx.update(customers).set({ ...(patch as Partial<typeof customers.$inferInsert>), updatedAt: at, rev: ctx.rev }).where(eq(customers.id, survivor.id)).run()
    tx.update(customers).set({ deletedAt: at, mergedIntoId: survivor.id, updatedAt: at, rev: ctx.rev }).where(eq(customers.id, merged.id)).run()

    const move = { customerId: survivor.id, ownerRepId: survivor.ownerRepId, updatedAt: at, rev: ctx.rev }
    const movedNotes = tx.update(notes).set(move).where(eq(notes.customerId, merged.id)).run().changes
    const movedConsents = tx.update(consents).set(move).where(eq(consents.customerId, merged.id)).run().changes
    // The history of the moved notes, consents and relationships follows them; the merged customer's own stays with it.
    tx.update(customerFieldHistory)
      .set({ customerId: survivor.id })
      .where(and(eq(customerFieldHistory.customerId, merged.id), ne(customerFieldHistory.entity, 'customer')))
      .run()

    const relations = tx
      .select()
      .from(customerRelations)
      .where(or(inArray(customerRelations.customerId, [survivor.id, merged.id]), inArray(customerRelations.relatedCustomerId, [survivor.id, merged.id])))
      .all()
    const counts = { relationsMoved: 0, relationsRepointed: 0, relationsRemoved: 0 }
    for (const p of planRelations(relations, survivor.id, merged.id)) {
      const moved = p.r.customerId !== p.customerId
      const repointed = p.r.relatedCustomerId !== p.relatedCustomerId
      if (!moved && !repointed && !p.drop) continue
      if (moved) counts.relationsMoved++
      else if (repointed) counts.relationsRepointed++
      if (p.drop) counts.relationsRemoved++
      const ownerRepId = moved ? survivor.ownerRepId : p.r.ownerRepId
      touched.add(ownerRepId).add(p.r.ownerRepId)
      tx.update(customerRelations)
        .set({ customerId: p.customerId, relatedCustomerId: p.relatedCustomerId, ownerRepId, updatedAt: at, rev: ctx.rev, ...(p.drop ? { deletedAt: at } : {}) })
        .where(eq(customerRelations.id, p.r.id))
        .run()
    }

    for (const id of [survivor.id, merged.id]) {
      refreshContactKeys(tx, id)
      indexCustomer(tx, id)
    }
    writeAudit(
      tx,
      ctx.clock,
      ctx.actor.id,
      'customer.merge',
      'customer',
      survivor.id,
      { survivor: customerRow(survivor), merged: customerRow(merged) },
      { survivorId: survivor.id, mergedId: merged.id, filledFields: Object.keys(patch), moved: { notes: movedNotes, consents: movedConsents, ...counts } },
    )
    return { touchedRepIds: [...touched] }
  },
}
