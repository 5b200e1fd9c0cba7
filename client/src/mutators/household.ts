import type { z } from 'zod'
import { uuidv7 } from '../../../shared/ids'
import { normaliseValue, sameValue } from '../../../shared/schemas/customers'
import {
  addRelationArgsSchema,
  relationFieldSchemas,
  removeRelationArgsSchema,
  updateRelationArgsSchema,
  type RelationEditableField,
  type RelationRow,
  type UpdateRelationArgs,
} from '../../../shared/schemas/household'
import type { FeldakteDb, LocalRelation } from '../db/database'
import { LocalWriteError } from '../db/errors'
import { MutationArgsError, type ArgsIssue } from './errors'
import { runMutation } from './mutate'
import { deletePending, writePending } from './rows'
import { defineMutator, type MutationReceipt, type MutatorTx } from './types'

const strip = (row: LocalRelation): RelationRow => {
  const { pending: _pending, ...rest } = row
  return rest
}

/** The other row of a customer-to-customer pair, if this device holds it. */
async function partnerOf(tx: MutatorTx, row: RelationRow): Promise<LocalRelation | undefined> {
  if (!row.relatedCustomerId) return undefined
  const rows = await tx.relations.where('relatedCustomerId').equals(row.customerId).toArray()
  return rows.find((r) => r.pairId === row.pairId && r.id !== row.id && r.customerId === row.relatedCustomerId)
}

/** The server writes the other side of a pair only into a file the user may change: their own, not GDPR-locked. */
async function mayWriteSide(tx: MutatorTx, customerId: string, userId: string): Promise<boolean> {
  const c = await tx.customers.get(customerId)
  return !!c && c.ownerRepId === userId && !c.restrictedAt && !c.pseudonymisedAt
}

/** A field's new value checked with the server's rule; empty dates mean "no date". */
function parseRelationField(field: RelationEditableField, to: unknown): { ok: true; value: unknown } | { ok: false; path: string; message: string } {
  const input = normaliseValue(to)
  const parsed = (relationFieldSchemas[field] as z.ZodType).safeParse(field === 'validFrom' || field === 'validTo' ? input : (input ?? undefined))
  if (parsed.success) return { ok: true, value: parsed.data ?? null }
  const issue = parsed.error.issues[0]
  return { ok: false, path: [field, ...(issue?.path ?? []).map(String)].join('.'), message: issue?.message ?? 'Ungültiger Wert.' }
}

/** The row after the changes, with the issues of values that break a rule (as the server checks them). */
function applyRelationChanges(row: RelationRow, changes: UpdateRelationArgs['changes']): { next: RelationRow; issues: ArgsIssue[] } {
  const next = { ...row }
  const issues: ArgsIssue[] = []
  for (const [field, change] of Object.entries(changes) as [RelationEditableField, { to: unknown }][]) {
    if (field === 'person' && next.relatedCustomerId) {
      issues.push({ path: 'person', message: 'Bei einem verbundenen Kunden gibt es keine Personenangaben.' })
      continue
    }
    const parsed = parseRelationField(field, change.to)
    if (parsed.ok) (next as unknown as Record<string, unknown>)[field] = parsed.value
    else issues.push({ path: parsed.path, message: parsed.message })
  }
  if (next.validFrom && next.validTo && next.validFrom >= next.validTo) issues.push({ path: 'validTo', message: '„Gültig bis“ muss nach „Gültig ab“ liegen.' })
  return { next, issues }
}

// ------------------------------------------------------------------ addRelation

/**
 * "R ist <Typ> von A": the forward row on A and, when R is a customer on this device, the reverse
 * row on R with the reverse type, so R's page shows the relationship offline, too.
 */
export const addRelationMutator = defineMutator({
  name: 'addRelation',
  v: 1,
  args: addRelationArgsSchema,
  tables: ['relations', 'customers', 'relationTypes'],
  keys: (args) => [{ table: 'relations', id: args.id }, ...(args.reverseId ? [{ table: 'relations' as const, id: args.reverseId }] : [])],
  async applyLocal(tx, args, ctx) {
    const customer = await tx.customers.get(args.customerId)
    // Back office devices hold no customers: the intent goes to the server alone.
    if (!customer) return
    if (await tx.relations.get(args.id)) {
      if (ctx.replay) return
      throw new MutationArgsError([{ path: 'id', message: 'Diese Beziehung ist bereits gespeichert.' }])
    }
    const type = await tx.relationTypes.get(args.type)
    if (!type && !ctx.replay) throw new MutationArgsError([{ path: 'type', message: 'Bitte eine Beziehungsart wählen.' }])
    const common = { pairId: args.id, validFrom: args.validFrom, validTo: args.validTo, createdAt: ctx.now, updatedAt: ctx.now }
    await writePending(tx, 'relations', {
      ...common,
      id: args.id,
      customerId: customer.id,
      type: args.type,
      relatedCustomerId: args.relatedCustomerId,
      person: args.person,
      ownerRepId: customer.ownerRepId,
    })
    const related = args.relatedCustomerId ? await tx.customers.get(args.relatedCustomerId) : undefined
    // The server writes the reverse row only into a file the user may change: a rep's own customers.
    if (!related || !args.reverseId || !type || !(await mayWriteSide(tx, related.id, ctx.userId))) return
    await writePending(tx, 'relations', {
      ...common,
      id: args.reverseId,
      customerId: related.id,
      type: type.reverseCode,
      relatedCustomerId: customer.id,
      person: null,
      ownerRepId: related.ownerRepId,
    })
  },
})

// ------------------------------------------------------------------ updateRelation

/**
 * Field patches with base values. The row gets the values; its partner on this device the same
 * validity and the reverse of the new type, as the server does. The partner is only written when
 * it actually changes, so it never waits for a server change that will not come.
 */
export const updateRelationMutator = defineMutator({
  name: 'updateRelation',
  v: 1,
  args: updateRelationArgsSchema,
  tables: ['relations', 'relationTypes', 'customers'],
  keys: (args) => [{ table: 'relations', id: args.id }, ...(args.partnerId ? [{ table: 'relations' as const, id: args.partnerId }] : [])],
  async applyLocal(tx, args, ctx) {
    const current = await tx.relations.get(args.id)
    if (!current) return
    const { next, issues } = applyRelationChanges(strip(current), args.changes)
    if (issues.length) {
      // Replayed on newer data that no longer fits: the server decides, the device keeps its rows.
      if (ctx.replay) return
      throw new MutationArgsError(issues)
    }
    await writePending(tx, 'relations', { ...next, updatedAt: ctx.now })
    const partner = await partnerOf(tx, current)
    // Mirrored only where the server mirrors: the user's own customers (and then keyed as partnerId).
    if (!partner || partner.id !== args.partnerId || !(await mayWriteSide(tx, partner.customerId, ctx.userId))) return
    const reverseCode = (await tx.relationTypes.get(next.type))?.reverseCode ?? partner.type
    const mirrored = { ...strip(partner), type: reverseCode, validFrom: next.validFrom, validTo: next.validTo }
    if (sameValue(mirrored, strip(partner))) return
    await writePending(tx, 'relations', { ...mirrored, updatedAt: ctx.now })
  },
})

// ------------------------------------------------------------------ removeRelation

/** Both rows of the pair leave the device; the server keeps their content. */
export const removeRelationMutator = defineMutator({
  name: 'removeRelation',
  v: 1,
  args: removeRelationArgsSchema,
  tables: ['relations', 'customers'],
  keys: (args) => [{ table: 'relations', id: args.id }],
  async applyLocal(tx, args, ctx) {
    const current = await tx.relations.get(args.id)
    if (!current) return
    const partner = await partnerOf(tx, current)
    await deletePending(tx, 'relations', current.id, ctx.mutationId)
    if (partner && (await mayWriteSide(tx, partner.customerId, ctx.userId))) await deletePending(tx, 'relations', partner.id, ctx.mutationId)
  },
})

// ------------------------------------------------------------------ helpers for the stores

export type AddRelationInput = Omit<z.input<typeof addRelationArgsSchema>, 'id' | 'reverseId'>

/** Adds a relationship (ids generated; a reverse id when the other side is a customer). */
export async function addRelation(db: FeldakteDb, input: AddRelationInput): Promise<MutationReceipt & { id: string }> {
  const id = uuidv7()
  const reverseId = input.relatedCustomerId ? uuidv7() : null
  const receipt = await runMutation(db, addRelationMutator, { ...input, id, reverseId })
  return { ...receipt!, id }
}

export type RelationChanges = Partial<Record<RelationEditableField, unknown>>

/** The changed fields of `values` against `current`, each with its base value; null when nothing changed. */
export function relationChanges(current: Pick<RelationRow, RelationEditableField>, values: RelationChanges): UpdateRelationArgs['changes'] | null {
  const changes: UpdateRelationArgs['changes'] = {}
  for (const [field, to] of Object.entries(values) as [RelationEditableField, unknown][]) {
    const parsed = parseRelationField(field, to)
    if (parsed.ok && sameValue(parsed.value, current[field])) continue
    changes[field] = { from: normaliseValue(current[field]) ?? null, to: normaliseValue(to) ?? null }
  }
  return Object.keys(changes).length ? changes : null
}

/**
 * Changes a relationship. On a device that holds the row, the base values come from it (same
 * transaction); back office passes the server's row it edited. Null when nothing changed.
 */
export async function updateRelation(db: FeldakteDb, id: string, values: RelationChanges, serverRow?: RelationRow): Promise<MutationReceipt | null> {
  return runMutation(db, updateRelationMutator, async (tx) => {
    const current = (await tx.relations.get(id)) ?? serverRow
    if (!current) throw new LocalWriteError('not-found')
    const changes = relationChanges(current, values)
    if (!changes) return null
    const { issues } = applyRelationChanges(current, changes)
    if (issues.length) throw new MutationArgsError(issues)
    const partner = await partnerOf(tx, current)
    return { id, changes, ...(partner && (await mayWriteSide(tx, partner.customerId, db.userId)) ? { partnerId: partner.id } : {}) }
  })
}

export async function removeRelation(db: FeldakteDb, id: string): Promise<MutationReceipt> {
  return (await runMutation(db, removeRelationMutator, { id }))!
}
