import { and, eq, isNull, sql } from 'drizzle-orm'
import type { z } from 'zod'
import { uuidv7 } from '../../../../shared/ids'
import {
  applyV1Values,
  createCustomerArgsSchema,
  createCustomerV1ArgsSchema,
  customerV1FieldSchemas,
  customerValuesSchema,
  newCustomerRow,
  normaliseValue,
  parseCustomerField,
  reassignCustomerArgsSchema,
  sameValue,
  updateCustomerArgsSchema,
  updateCustomerV1ArgsSchema,
  v1View,
  type CreateCustomerArgs,
  type CreateCustomerV1Args,
  type CustomerEditableField,
  type CustomerRow,
  type CustomerV1Field,
  type CustomerValues,
  type ReassignCustomerArgs,
  type UpdateCustomerArgs,
  type UpdateCustomerV1Args,
} from '../../../../shared/schemas'
import { consents, counters, customerFieldHistory, customerRelations, customers, notes } from '../../db/schema'
import { nowIso } from '../../lib/clock'
import { AppError, forbidden } from '../../lib/errors'
import type { Tx } from '../../lib/tx'
import { orgSnapshot } from '../scope/hierarchy'
import { canSeeRep } from '../scope/scope.service'
import type { MutationContext, MutationHandler } from '../sync/registry'
import { writableCustomer, type CustomerRecord } from './customer-access'
import { indexCustomer } from './customer-search.service'
import { customerRecord } from './customers.service'
import { refreshContactKeys } from './contact-keys.service'
import { resendRows } from '../sync/resend.service'

// ------------------------------------------------------------------ helpers shared by the handlers

/** A rejected value: the path names the field, the text is the schema's German message. */
export function validationError(message: string): AppError {
  return new AppError(400, 'VALIDATION', message)
}

function zodError(error: z.ZodError): AppError {
  const issue = error.issues[0]
  return validationError(issue ? `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}` : 'Ungültige Eingabe.')
}

/** The owner must be a rep the actor may write for: a rep for themselves, back office within their branches, admin anyone. */
export function assertOwner(tx: Tx, ctx: MutationContext, ownerRepId: string): void {
  const owner = orgSnapshot(tx).users.get(ownerRepId)
  // A deactivated rep gets no customers: they would vanish from every device.
  if (!owner || owner.role !== 'rep' || (owner.deactivatedFrom !== null && owner.deactivatedFrom <= ctx.date)) throw new AppError(400, 'NOT_A_REP')
  if (!canSeeRep(tx, ctx.actor, ownerRepId, ctx.date, 'write')) throw forbidden()
}

const branchOf = (tx: Tx, repId: string) => orgSnapshot(tx).users.get(repId)?.branchIds[0] ?? null

export const formatCustomerNo = (n: number): string => `K-${String(n).padStart(6, '0')}`

/** The next readable customer number, taken inside the write transaction so two creates never share one. */
export function nextCustomerNo(tx: Tx): string {
  const row = tx
    .insert(counters)
    .values({ name: 'customerNo', value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning({ value: counters.value })
    .get()
  return formatCustomerNo(row.value)
}

/** One history row; `entity` says what the field belongs to (the customer itself here). */
export function recordHistory(
  tx: Tx,
  ctx: MutationContext,
  customerId: string,
  entry: { field: string; oldValue: unknown; newValue: unknown; baseValue?: unknown; overwritten?: boolean; entity?: string; entityId?: string },
): void {
  tx.insert(customerFieldHistory)
    .values({
      id: uuidv7(),
      customerId,
      entity: entry.entity ?? 'customer',
      entityId: entry.entityId ?? customerId,
      field: entry.field,
      oldValue: entry.oldValue ?? null,
      newValue: entry.newValue ?? null,
      baseValue: entry.baseValue === undefined ? (entry.oldValue ?? null) : (entry.baseValue ?? null),
      overwritten: entry.overwritten ?? false,
      userId: ctx.actor.id,
      clientId: ctx.clientId,
      mutationId: ctx.mutationId,
      at: nowIso(ctx.clock),
    })
    .run()
}

/** A new customer with its number, branch (the owner's), contact keys and search entry, in the caller's transaction. */
export function insertCustomer(tx: Tx, ctx: MutationContext, id: string, values: CustomerValues, ownerRepId: string): CustomerRow {
  const at = nowIso(ctx.clock)
  const row = newCustomerRow(id, values, { ownerRepId, branchId: branchOf(tx, ownerRepId), customerNo: nextCustomerNo(tx), at })
  tx.insert(customers)
    .values({ ...row, createdBy: ctx.actor.id, rev: ctx.rev })
    .run()
  refreshContactKeys(tx, id, { ...row, deletedAt: null })
  indexCustomer(tx, id)
  return row
}

type Patch = Partial<Record<CustomerEditableField, unknown>>
/** Fields the duplicate-check keys and the search document are made of (see searchDocument). */
const KEY_FIELDS = new Set<CustomerEditableField>(['emails', 'phones', 'bankAccounts'])
const SEARCH_FIELDS = new Set<CustomerEditableField>(['firstName', 'lastName', 'birthName', 'emails', 'phones', 'addresses', 'tags'])
interface PatchMeta {
  /** What the editing device saw; history keeps it. */
  base: unknown
  /** The device edited from another value than the server's: the server's value loses. */
  overwritten: boolean
}

/**
 * Writes checked field values: the whole-record rules first (a person needs a first name; a
 * company has none; no birth date in the future), then one history row per changed field, the
 * row itself, its contact keys and its search entry.
 */
function applyPatch(tx: Tx, ctx: MutationContext, c: CustomerRecord, patch: Patch, meta: Partial<Record<CustomerEditableField, PatchMeta>>): boolean {
  const next = { ...c, ...patch } as CustomerRecord
  if (next.kind === 'company') patch.firstName = ''
  else if (!next.firstName) throw validationError('firstName: Bitte den Vornamen angeben.')
  if (next.kind === 'person' && 'birthDate' in patch && next.birthDate && next.birthDate > ctx.date) {
    throw validationError('birthDate: Das Geburtsdatum liegt in der Zukunft.')
  }
  const changed = (Object.keys(patch) as CustomerEditableField[]).filter((f) => !sameValue(patch[f], c[f]))
  if (!changed.length) return false
  const set: Record<string, unknown> = {}
  for (const field of changed) {
    set[field] = patch[field]
    const m = meta[field]
    recordHistory(tx, ctx, c.id, { field, oldValue: c[field], newValue: patch[field], baseValue: m ? m.base : c[field], overwritten: m?.overwritten ?? false })
  }
  tx.update(customers)
    .set({ ...(set as Partial<typeof customers.$inferInsert>), updatedAt: nowIso(ctx.clock), rev: ctx.rev })
    .where(eq(customers.id, c.id))
    .run()
  if (changed.some((f) => KEY_FIELDS.has(f))) refreshContactKeys(tx, c.id, { ...c, ...(set as Partial<CustomerRecord>) })
  if (changed.some((f) => SEARCH_FIELDS.has(f))) indexCustomer(tx, c.id)
  return true
}

/** parseCustomerField's message names a nested path ("0.iban: …"); prefix the field itself. */
function fieldMessage(field: string, message: string): string {
  const m = /^([\w.]+): ([\s\S]*)$/.exec(message)
  return m ? `${field}.${m[1]}: ${m[2]}` : `${field}: ${message}`
}

// ------------------------------------------------------------------ create

export const createCustomer: MutationHandler<CreateCustomerArgs> = {
  name: 'createCustomer',
  v: 2,
  args: createCustomerArgsSchema,
  apply(tx, ctx, args) {
    const { id, ownerRepId: requested, ...values } = args
    const ownerRepId = requested ?? ctx.actor.id
    assertOwner(tx, ctx, ownerRepId)
    if (customerRecord(tx, id)) throw new AppError(409, 'ID_TAKEN')
    insertCustomer(tx, ctx, id, values as CustomerValues, ownerRepId)
    return { touchedRepIds: [ownerRepId] }
  },
}

/** Version 1 (one phone, e-mail and address as plain fields) maps onto the lists and takes the same path. */
export const createCustomerV1: MutationHandler<CreateCustomerV1Args> = {
  name: 'createCustomer',
  v: 1,
  args: createCustomerV1ArgsSchema,
  apply(tx, ctx, args) {
    const { id, ownerRepId, ...v1 } = args
    const mapped = { phones: [], emails: [], addresses: [], ...applyV1Values({ phones: [], emails: [], addresses: [] }, v1) }
    const values = customerValuesSchema.safeParse({ kind: 'person', status: 'prospect', ...mapped })
    if (!values.success) throw zodError(values.error)
    // Looked up at call time: the v2 handler is the one path every create takes.
    return createCustomer.apply(tx, ctx, { id, ownerRepId, ...values.data })
  },
}

// ------------------------------------------------------------------ update

/**
 * Field-level patch with base values (sync.md conflict policy): every field is set to its new
 * value in arrival order; when the server's value differs from the base the device edited, the
 * value that loses is kept in the field history, flagged `overwritten`.
 */
export const updateCustomer: MutationHandler<UpdateCustomerArgs> = {
  name: 'updateCustomer',
  v: 2,
  args: updateCustomerArgsSchema,
  apply(tx, ctx, args) {
    const c = writableCustomer(tx, ctx, args.id)
    const patch: Patch = {}
    const meta: Partial<Record<CustomerEditableField, PatchMeta>> = {}
    for (const [field, change] of Object.entries(args.changes) as [CustomerEditableField, { from: unknown; to: unknown }][]) {
      // An empty first name is valid on its own (companies have none); the whole-record rule decides.
      const parsed = field === 'firstName' && normaliseValue(change.to) === null ? ({ ok: true, value: '' } as const) : parseCustomerField(field, change.to)
      if (!parsed.ok) throw validationError(fieldMessage(field, parsed.message))
      const to = field === 'firstName' ? (parsed.value ?? '') : parsed.value
      if (sameValue(to, c[field])) continue
      patch[field] = to
      meta[field] = { base: normaliseValue(change.from) ?? null, overwritten: !sameValue(change.from, c[field]) }
    }
    if (!applyPatch(tx, ctx, c, patch, meta)) resendRows(tx, customers, [c.id], ctx.rev)
    return { touchedRepIds: [c.ownerRepId] }
  },
}

/** Which version-2 field a version-1 field lives in. */
const V2_FIELD_OF: Record<CustomerV1Field, CustomerEditableField> = {
  firstName: 'firstName',
  lastName: 'lastName',
  birthDate: 'birthDate',
  phone: 'phones',
  email: 'emails',
  street: 'addresses',
  zip: 'addresses',
  city: 'addresses',
}

/**
 * Version 1 edits the first phone, e-mail and address. Each change is compared with the row's
 * current version-1 view; a base that differs from that view marks the list value it replaces
 * as overwritten.
 */
export const updateCustomerV1: MutationHandler<UpdateCustomerV1Args> = {
  name: 'updateCustomer',
  v: 1,
  args: updateCustomerV1ArgsSchema,
  apply(tx, ctx, args) {
    const c = writableCustomer(tx, ctx, args.id)
    const view = v1View(c)
    const values: Partial<Record<CustomerV1Field, string | null>> = {}
    const bases: Partial<Record<CustomerV1Field, string | null>> = {}
    const lost = new Set<CustomerEditableField>()
    for (const [field, change] of Object.entries(args.changes) as [CustomerV1Field, { from: unknown; to: unknown }][]) {
      const schema = customerV1FieldSchemas[field] as z.ZodType
      const input = normaliseValue(change.to)
      let parsed = schema.safeParse(input ?? undefined)
      // A required field sent empty: ask the schema about '' for its German "please enter" message.
      if (!parsed.success && input === null) parsed = schema.safeParse('')
      if (!parsed.success) throw validationError(fieldMessage(field, parsed.error.issues[0]?.message ?? 'Ungültiger Wert.'))
      const to = (normaliseValue(parsed.data) ?? null) as string | null
      if (sameValue(to, view[field])) continue
      values[field] = to
      bases[field] = (normaliseValue(change.from) ?? null) as string | null
      if (!sameValue(change.from, view[field])) lost.add(V2_FIELD_OF[field])
    }
    const mapped = applyV1Values(c, values) as Patch
    // The lists get version 2's rules, as a version-1 create does: a phone must be a number.
    for (const field of ['phones', 'emails', 'addresses'] as const) {
      if (!(field in mapped)) continue
      const checked = parseCustomerField(field, mapped[field])
      if (!checked.ok) throw validationError(fieldMessage(field, checked.message))
      mapped[field] = checked.value as never
    }
    const baseLists = applyV1Values(c, bases) as Patch
    const meta: Partial<Record<CustomerEditableField, PatchMeta>> = {}
    for (const field of Object.keys(mapped) as CustomerEditableField[]) {
      meta[field] = { base: baseLists[field] ?? null, overwritten: lost.has(field) }
    }
    if (!applyPatch(tx, ctx, c, mapped, meta)) resendRows(tx, customers, [c.id], ctx.rev)
    return { touchedRepIds: [c.ownerRepId] }
  },
}

// ------------------------------------------------------------------ reassign

/** Hands a customer's rows (and the rows attached to it) to `ownerRepId` with a new rev, so devices receive or drop them. */
export function moveChildRows(tx: Tx, ctx: MutationContext, customerId: string, ownerRepId: string): void {
  const set = { ownerRepId, updatedAt: nowIso(ctx.clock), rev: ctx.rev }
  tx.update(customerRelations).set(set).where(and(eq(customerRelations.customerId, customerId), isNull(customerRelations.deletedAt))).run()
  tx.update(consents).set(set).where(and(eq(consents.customerId, customerId), isNull(consents.deletedAt))).run()
  tx.update(notes).set(set).where(and(eq(notes.customerId, customerId), isNull(notes.deletedAt))).run()
}

/** Back office hands a customer to another rep; the old rep's devices drop it and everything attached at their next pull. */
export const reassignCustomer: MutationHandler<ReassignCustomerArgs> = {
  name: 'reassignCustomer',
  v: 1,
  args: reassignCustomerArgsSchema,
  apply(tx, ctx, args) {
    if (ctx.actor.role === 'rep') throw forbidden()
    const c = writableCustomer(tx, ctx, args.id)
    assertOwner(tx, ctx, args.ownerRepId)
    if (c.ownerRepId === args.ownerRepId) {
      resendRows(tx, customers, [c.id], ctx.rev)
      return { touchedRepIds: [c.ownerRepId] }
    }
    tx.update(customers)
      .set({ ownerRepId: args.ownerRepId, branchId: branchOf(tx, args.ownerRepId), updatedAt: nowIso(ctx.clock), rev: ctx.rev })
      .where(eq(customers.id, c.id))
      .run()
    moveChildRows(tx, ctx, c.id, args.ownerRepId)
    recordHistory(tx, ctx, c.id, { field: 'ownerRepId', oldValue: c.ownerRepId, newValue: args.ownerRepId })
    return { touchedRepIds: [c.ownerRepId, args.ownerRepId] }
  },
}

export const customerMutations = [createCustomer, createCustomerV1, updateCustomer, updateCustomerV1, reassignCustomer] as MutationHandler[]
