import { eq } from 'drizzle-orm'
import { uuidv7 } from '../../../../shared/ids'
import {
  createCustomerArgsSchema,
  customerFieldSchemas,
  reassignCustomerArgsSchema,
  updateCustomerArgsSchema,
  type CreateCustomerArgs,
  type CustomerEditableField,
  type ReassignCustomerArgs,
  type UpdateCustomerArgs,
} from '../../../../shared/schemas'
import { customerFieldHistory, customers } from '../../db/schema'
import { nowIso } from '../../lib/clock'
import { AppError, forbidden, notFound } from '../../lib/errors'
import type { Tx } from '../../lib/tx'
import { orgSnapshot } from '../scope/hierarchy'
import { canSeeRep } from '../scope/scope.service'
import type { MutationContext, MutationHandler } from '../sync/registry'
import { indexCustomer } from './customer-search.service'

const columnOf: Record<CustomerEditableField, keyof typeof customers.$inferInsert> = {
  firstName: 'firstName',
  lastName: 'lastName',
  birthDate: 'birthDate',
  phone: 'phone',
  email: 'email',
  street: 'street',
  zip: 'zip',
  city: 'city',
}

/** The owner must be a rep the actor may write for: a rep for themselves, back office within their branches, admin anyone. */
function assertOwner(tx: Tx, ctx: MutationContext, ownerRepId: string): void {
  const owner = orgSnapshot(tx).users.get(ownerRepId)
  if (!owner || owner.role !== 'rep') throw new AppError(400, 'NOT_A_REP')
  if (!canSeeRep(tx, ctx.actor, ownerRepId, ctx.date, 'write')) throw forbidden()
}

/** A customer the actor may change; outside the scope it does not exist for them. */
function writableCustomer(tx: Tx, ctx: MutationContext, id: string) {
  const c = tx.select().from(customers).where(eq(customers.id, id)).get()
  if (!c || !canSeeRep(tx, ctx.actor, c.ownerRepId, ctx.date, 'write')) throw notFound()
  if (c.deletedAt) throw new AppError(409, 'CUSTOMER_DELETED')
  return c
}

const normalise = (v: unknown) => (v === undefined || v === '' ? null : v)

export const createCustomer: MutationHandler<CreateCustomerArgs> = {
  name: 'createCustomer',
  v: 1,
  args: createCustomerArgsSchema,
  apply(tx, ctx, args) {
    const ownerRepId = args.ownerRepId ?? ctx.actor.id
    assertOwner(tx, ctx, ownerRepId)
    if (tx.select({ id: customers.id }).from(customers).where(eq(customers.id, args.id)).get()) throw new AppError(409, 'ID_TAKEN')
    const at = nowIso(ctx.clock)
    tx.insert(customers)
      .values({
        id: args.id,
        firstName: args.firstName,
        lastName: args.lastName,
        birthDate: normalise(args.birthDate) as string | null,
        phone: normalise(args.phone) as string | null,
        email: normalise(args.email) as string | null,
        street: normalise(args.street) as string | null,
        zip: normalise(args.zip) as string | null,
        city: normalise(args.city) as string | null,
        ownerRepId,
        branchId: orgSnapshot(tx).users.get(ownerRepId)?.branchIds[0] ?? null,
        createdBy: ctx.actor.id,
        createdAt: at,
        updatedAt: at,
        rev: ctx.rev,
      })
      .run()
    indexCustomer(tx, args.id)
    return { touchedRepIds: [ownerRepId] }
  },
}

/**
 * Field-level patch with base values (sync.md conflict policy): every field is set to its new
 * value in arrival order; when the server's value differs from the base the device edited, the
 * value that loses is kept in the field history, flagged `overwritten`.
 */
export const updateCustomer: MutationHandler<UpdateCustomerArgs> = {
  name: 'updateCustomer',
  v: 1,
  args: updateCustomerArgsSchema,
  apply(tx, ctx, args) {
    const c = writableCustomer(tx, ctx, args.id)
    const at = nowIso(ctx.clock)
    const patch: Record<string, unknown> = {}
    for (const [field, change] of Object.entries(args.changes) as [CustomerEditableField, { from: unknown; to: unknown }][]) {
      const parsed = customerFieldSchemas[field].safeParse(normalise(change.to) ?? undefined)
      if (!parsed.success) throw new AppError(400, 'VALIDATION', `${field}: ${parsed.error.issues[0]?.message ?? 'ungültig'}`)
      const to = normalise(parsed.data)
      const current = normalise(c[columnOf[field]])
      const base = normalise(change.from)
      if (to === current) continue
      patch[columnOf[field]] = to
      tx.insert(customerFieldHistory)
        .values({
          id: uuidv7(),
          customerId: c.id,
          field,
          oldValue: current,
          newValue: to,
          baseValue: base,
          overwritten: base !== current,
          userId: ctx.actor.id,
          clientId: ctx.clientId,
          mutationId: ctx.mutationId,
          at,
        })
        .run()
    }
    if (Object.keys(patch).length) {
      tx.update(customers).set({ ...patch, updatedAt: at, rev: ctx.rev }).where(eq(customers.id, c.id)).run()
      indexCustomer(tx, c.id)
    }
    return { touchedRepIds: [c.ownerRepId] }
  },
}

/** Back office hands a customer to another rep; the old rep's devices drop it at their next pull. */
export const reassignCustomer: MutationHandler<ReassignCustomerArgs> = {
  name: 'reassignCustomer',
  v: 1,
  args: reassignCustomerArgsSchema,
  apply(tx, ctx, args) {
    if (ctx.actor.role === 'rep') throw forbidden()
    const c = writableCustomer(tx, ctx, args.id)
    assertOwner(tx, ctx, args.ownerRepId)
    if (c.ownerRepId === args.ownerRepId) return { touchedRepIds: [] }
    const at = nowIso(ctx.clock)
    tx.update(customers)
      .set({ ownerRepId: args.ownerRepId, branchId: orgSnapshot(tx).users.get(args.ownerRepId)?.branchIds[0] ?? null, updatedAt: at, rev: ctx.rev })
      .where(eq(customers.id, c.id))
      .run()
    tx.insert(customerFieldHistory)
      .values({ id: uuidv7(), customerId: c.id, field: 'ownerRepId', oldValue: c.ownerRepId, newValue: args.ownerRepId, baseValue: c.ownerRepId, overwritten: false, userId: ctx.actor.id, clientId: ctx.clientId, mutationId: ctx.mutationId, at })
      .run()
    return { touchedRepIds: [c.ownerRepId, args.ownerRepId] }
  },
}

export const customerMutations = [createCustomer, updateCustomer, reassignCustomer] as MutationHandler[]
