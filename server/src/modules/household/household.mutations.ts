import { and, eq, inArray, isNull } from 'drizzle-orm'
import {
  addRelationArgsSchema,
  normaliseValue,
  relationFieldSchemas,
  removeRelationArgsSchema,
  sameValue,
  updateRelationArgsSchema,
  type AddRelationArgs,
  type RelationEditableField,
  type RemoveRelationArgs,
  type UpdateRelationArgs,
} from '../../../../shared/schemas'
import { customerRelations } from '../../db/schema'
import { nowIso } from '../../lib/clock'
import { AppError, notFound } from '../../lib/errors'
import type { Tx } from '../../lib/tx'
import { resolveMerged, writableCustomer, type CustomerRecord } from '../customers/customer-access'
import { recordHistory, validationError } from '../customers/customers.mutations'
import { canSeeRep } from '../scope/scope.service'
import type { MutationContext, MutationHandler } from '../sync/registry'
import { relationType } from './household.service'
import { resendRows } from '../sync/resend.service'

type RelationRecord = typeof customerRelations.$inferSelect

const relationRecord = (tx: Tx, id: string): RelationRecord | undefined => tx.select().from(customerRelations).where(eq(customerRelations.id, id)).get()

/**
 * The customer on the other side of a new relationship: reading it is enough for the actor's own
 * row; the reverse row on it is written only where the actor may write (see mayWriteSide).
 * Merges are followed; a deleted or GDPR-locked customer gets no new relationships.
 */
function relatedCustomer(tx: Tx, ctx: MutationContext, id: string): CustomerRecord {
  const c = resolveMerged(tx, id)
  if (!c || !canSeeRep(tx, ctx.actor, c.ownerRepId, ctx.date, 'read')) throw notFound()
  if (c.deletedAt) throw new AppError(409, 'CUSTOMER_DELETED')
  if (c.pseudonymisedAt) throw new AppError(409, 'CUSTOMER_PSEUDONYMISED')
  if (c.restrictedAt) throw new AppError(409, 'CUSTOMER_RESTRICTED')
  return c
}

/**
 * Whether the actor may also write the other side of a pair: its customer in their write scope
 * and not GDPR-locked. Otherwise only the actor's side changes (a manager links a downline
 * customer but does not write into that file).
 */
function mayWriteSide(tx: Tx, ctx: MutationContext, customerId: string): boolean {
  const c = resolveMerged(tx, customerId)
  return !!c && !c.deletedAt && !c.restrictedAt && !c.pseudonymisedAt && canSeeRep(tx, ctx.actor, c.ownerRepId, ctx.date, 'write')
}

function requireType(tx: Tx, code: string) {
  const type = relationType(tx, code)
  if (!type) throw new AppError(400, 'UNKNOWN_RELATION_TYPE')
  return type
}

/** "R ist <type> von A"; with a related customer also the reverse row on R, both under pairId = the forward id. */
export const addRelation: MutationHandler<AddRelationArgs> = {
  name: 'addRelation',
  v: 1,
  args: addRelationArgsSchema,
  apply(tx, ctx, args) {
    const c = writableCustomer(tx, ctx, args.customerId)
    const type = requireType(tx, args.type)
    if (args.reverseId === args.id) throw validationError('reverseId: Die Gegenrichtung braucht eine eigene ID.')
    if (relationRecord(tx, args.id) || (args.reverseId && relationRecord(tx, args.reverseId))) throw new AppError(409, 'ID_TAKEN')
    const at = nowIso(ctx.clock)
    const common = { pairId: args.id, validFrom: args.validFrom, validTo: args.validTo, createdBy: ctx.actor.id, createdAt: at, updatedAt: at, rev: ctx.rev }
    if (!args.relatedCustomerId) {
      tx.insert(customerRelations)
        .values({ ...common, id: args.id, customerId: c.id, type: type.code, relatedCustomerId: null, person: args.person, ownerRepId: c.ownerRepId })
        .run()
      return { touchedRepIds: [c.ownerRepId] }
    }
    const r = relatedCustomer(tx, ctx, args.relatedCustomerId)
    // Both ids may have been merged into the same customer since the device saw them.
    if (r.id === c.id) throw validationError('relatedCustomerId: Ein Kunde kann nicht mit sich selbst verbunden werden.')
    tx.insert(customerRelations).values({ ...common, id: args.id, customerId: c.id, type: type.code, relatedCustomerId: r.id, person: null, ownerRepId: c.ownerRepId }).run()
    if (!mayWriteSide(tx, ctx, r.id)) return { touchedRepIds: [c.ownerRepId] }
    tx.insert(customerRelations).values({ ...common, id: args.reverseId!, customerId: r.id, type: type.reverseCode, relatedCustomerId: c.id, person: null, ownerRepId: r.ownerRepId }).run()
    return { touchedRepIds: [...new Set([c.ownerRepId, r.ownerRepId])] }
  },
}

type RelationValues = Pick<RelationRecord, RelationEditableField>

/** A field's new value checked with its rule; empty dates mean "no date". */
function parseRelationField(field: RelationEditableField, to: unknown): unknown {
  const input = normaliseValue(to)
  const parsed = relationFieldSchemas[field].safeParse(field === 'validFrom' || field === 'validTo' ? input : (input ?? undefined))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw validationError(`${[field, ...(issue?.path ?? [])].join('.')}: ${issue?.message ?? 'Ungültiger Wert.'}`)
  }
  return parsed.data
}

/**
 * Field patches with base values on both rows of the pair: the row addressed gets the values, its
 * partner the same validity and the reverse of the new type. Last arrival wins; a value that
 * loses against a concurrent edit stays in the field history (entity `relation`).
 */
export const updateRelation: MutationHandler<UpdateRelationArgs> = {
  name: 'updateRelation',
  v: 1,
  args: updateRelationArgsSchema,
  apply(tx, ctx, args) {
    const row = relationRecord(tx, args.id)
    if (!row) throw notFound()
    writableCustomer(tx, ctx, row.customerId)
    if (row.deletedAt) throw new AppError(409, 'RELATION_DELETED')
    const next: RelationValues = { type: row.type, person: row.person, validFrom: row.validFrom, validTo: row.validTo }
    const changes: { field: RelationEditableField; from: unknown; to: unknown }[] = []
    for (const [field, change] of Object.entries(args.changes) as [RelationEditableField, { from: unknown; to: unknown }][]) {
      if (field === 'person' && row.relatedCustomerId) throw validationError('person: Bei einem verbundenen Kunden gibt es keine Personenangaben.')
      const to = parseRelationField(field, change.to)
      if (sameValue(to, row[field])) continue
      ;(next as Record<string, unknown>)[field] = to
      changes.push({ field, from: change.from, to })
    }
    if (!changes.length) {
      const pair = tx.select({ id: customerRelations.id, ownerRepId: customerRelations.ownerRepId }).from(customerRelations).where(eq(customerRelations.pairId, row.pairId)).all()
      resendRows(tx, customerRelations, pair.map((p) => p.id), ctx.rev)
      return { touchedRepIds: [...new Set(pair.map((p) => p.ownerRepId))] }
    }
    const type = requireType(tx, next.type)
    if (next.validFrom && next.validTo && next.validFrom >= next.validTo) throw validationError('validTo: „Gültig bis“ muss nach „Gültig ab“ liegen.')

    const at = nowIso(ctx.clock)
    tx.update(customerRelations).set({ ...next, updatedAt: at, rev: ctx.rev }).where(eq(customerRelations.id, row.id)).run()
    for (const { field, from, to } of changes) {
      recordHistory(tx, ctx, row.customerId, { entity: 'relation', entityId: row.id, field, oldValue: row[field], newValue: to, baseValue: normaliseValue(from) ?? null, overwritten: !sameValue(from, row[field]) })
    }
    const touched = new Set([row.ownerRepId])
    const partner = tx
      .select()
      .from(customerRelations)
      .where(and(eq(customerRelations.pairId, row.pairId), isNull(customerRelations.deletedAt)))
      .all()
      .find((p) => p.id !== row.id)
    if (partner && mayWriteSide(tx, ctx, partner.customerId)) {
      const mirrored: Partial<RelationValues> = { type: type.reverseCode, validFrom: next.validFrom, validTo: next.validTo }
      const partnerChanges = (Object.keys(mirrored) as (keyof typeof mirrored)[]).filter((f) => !sameValue(mirrored[f], partner[f]))
      if (partnerChanges.length) {
        tx.update(customerRelations).set({ ...mirrored, updatedAt: at, rev: ctx.rev }).where(eq(customerRelations.id, partner.id)).run()
        for (const field of partnerChanges) recordHistory(tx, ctx, partner.customerId, { entity: 'relation', entityId: partner.id, field, oldValue: partner[field], newValue: mirrored[field] })
        touched.add(partner.ownerRepId)
      }
    }
    return { touchedRepIds: [...touched] }
  },
}

/** Removes both rows of the pair (deleted_at; the content stays server-side). Removing twice changes nothing. */
export const removeRelation: MutationHandler<RemoveRelationArgs> = {
  name: 'removeRelation',
  v: 1,
  args: removeRelationArgsSchema,
  apply(tx, ctx, args) {
    const row = relationRecord(tx, args.id)
    if (!row) throw notFound()
    writableCustomer(tx, ctx, row.customerId)
    if (row.deletedAt) return { touchedRepIds: [] }
    const at = nowIso(ctx.clock)
    // The other side goes too where the actor may write it; otherwise that file keeps its row.
    const pair = tx
      .select()
      .from(customerRelations)
      .where(and(eq(customerRelations.pairId, row.pairId), isNull(customerRelations.deletedAt)))
      .all()
      .filter((p) => p.id === row.id || mayWriteSide(tx, ctx, p.customerId))
    tx.update(customerRelations)
      .set({ deletedAt: at, updatedAt: at, rev: ctx.rev })
      .where(inArray(customerRelations.id, pair.map((p) => p.id)))
      .run()
    // Who removed it: the timeline shows the removal with this entry's user.
    for (const p of pair) recordHistory(tx, ctx, p.customerId, { entity: 'relation', entityId: p.id, field: 'removed', oldValue: null, newValue: at })
    return { touchedRepIds: [...new Set(pair.map((p) => p.ownerRepId))] }
  },
}

export const householdMutations = [addRelation, updateRelation, removeRelation] as MutationHandler[]
