import { uuidv7 } from '../../../shared/ids'
import {
  CUSTOMER_EDITABLE_FIELDS,
  createCustomerArgsSchema,
  customerFieldSchemas,
  reassignCustomerArgsSchema,
  updateCustomerArgsSchema,
  type CreateCustomerArgs,
  type CustomerEditableField,
  type CustomerRow,
  type UpdateCustomerArgs,
} from '../../../shared/schemas/customers'
import type { FeldakteDb } from '../db/database'
import { LocalWriteError } from '../db/errors'
import { MutationArgsError } from './errors'
import { runMutation } from './mutate'
import { customerRowOf, writePendingCustomer } from './rows'
import { defineMutator, type MutationReceipt } from './types'

// Same normalisation as the server handler: an empty text is "no value".
const normalise = (v: unknown): unknown => (v === undefined || v === '' ? null : v)

/** Validates one field's new value like the server does; the message is the form's. */
function parseField(field: CustomerEditableField, to: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const schema = customerFieldSchemas[field]
  const input = normalise(to)
  const parsed = schema.safeParse(input ?? undefined)
  if (parsed.success) return { ok: true, value: normalise(parsed.data) }
  // A required field left empty: the schema's own "Bitte … angeben." reads better than "required".
  const retry = input === null ? schema.safeParse('') : parsed
  return { ok: false, message: (retry.success ? parsed : retry).error?.issues[0]?.message ?? 'Ungültiger Wert.' }
}

export const createCustomerMutator = defineMutator({
  name: 'createCustomer',
  v: 1,
  args: createCustomerArgsSchema,
  tables: ['customers'],
  keys: (args) => [{ table: 'customers', id: args.id }],
  async applyLocal(tx, args, ctx) {
    if (await tx.customers.get(args.id)) {
      if (ctx.replay) return
      throw new MutationArgsError([{ path: 'id', message: 'Dieser Kunde ist bereits gespeichert.' }])
    }
    const row: CustomerRow = {
      id: args.id,
      firstName: args.firstName,
      lastName: args.lastName,
      birthDate: (normalise(args.birthDate) as string | null) ?? null,
      phone: (normalise(args.phone) as string | null) ?? null,
      email: (normalise(args.email) as string | null) ?? null,
      street: (normalise(args.street) as string | null) ?? null,
      zip: (normalise(args.zip) as string | null) ?? null,
      city: (normalise(args.city) as string | null) ?? null,
      ownerRepId: args.ownerRepId ?? ctx.userId,
      branchId: null,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    }
    await writePendingCustomer(tx, row)
  },
})

/** The shared schema plus the per-field checks the server applies to each `to`. */
const updateArgsSchema = updateCustomerArgsSchema.transform((args, zctx) => {
  const changes: UpdateCustomerArgs['changes'] = {}
  for (const field of CUSTOMER_EDITABLE_FIELDS) {
    const change = args.changes[field]
    if (!change) continue
    const parsed = parseField(field, change.to)
    if (parsed.ok) changes[field] = { from: normalise(change.from), to: parsed.value }
    else zctx.addIssue({ code: 'custom', path: [field], message: parsed.message })
  }
  return { id: args.id, changes }
})

export const updateCustomerMutator = defineMutator({
  name: 'updateCustomer',
  v: 1,
  args: updateArgsSchema,
  tables: ['customers'],
  keys: (args) => [{ table: 'customers', id: args.id }],
  async applyLocal(tx, args, ctx) {
    const current = await tx.customers.get(args.id)
    // Back office devices hold no customer rows: the intent (with the base values it was edited
    // from) goes to the server alone. updateCustomer() below still refuses rows a rep lacks.
    if (!current) return
    const next: Record<string, unknown> = { ...customerRowOf(current), updatedAt: ctx.now }
    for (const [field, change] of Object.entries(args.changes)) if (change) next[field] = change.to
    await writePendingCustomer(tx, next as unknown as CustomerRow)
  },
})

export const reassignCustomerMutator = defineMutator({
  name: 'reassignCustomer',
  v: 1,
  args: reassignCustomerArgsSchema,
  tables: ['customers'],
  keys: (args) => [{ table: 'customers', id: args.id }],
  async applyLocal(tx, args, ctx) {
    const current = await tx.customers.get(args.id)
    // Back office and admin reassign customers their device does not hold; the server decides.
    if (!current) return
    // The branch follows the new owner on the server; the next pull brings it.
    await writePendingCustomer(tx, { ...customerRowOf(current), ownerRepId: args.ownerRepId, updatedAt: ctx.now })
  },
})

export type CreateCustomerInput = Omit<CreateCustomerArgs, 'id'> & { id?: string }
export type CustomerValues = Partial<Record<CustomerEditableField, string | null>>

/** Creates a customer on the device (id generated unless given); resolves once stored. */
export async function createCustomer(db: FeldakteDb, input: CreateCustomerInput): Promise<MutationReceipt & { id: string }> {
  const id = input.id ?? uuidv7()
  const receipt = await runMutation(db, createCustomerMutator, { ...input, id })
  return { ...receipt!, id }
}

/**
 * Changes some fields; the base values (`from`) come from the row on the device, read in the same
 * transaction. Resolves to null when no value actually changed (nothing is stored or sent).
 */
export async function updateCustomer(db: FeldakteDb, id: string, values: CustomerValues): Promise<MutationReceipt | null> {
  return runMutation(db, updateCustomerMutator, async (tx) => {
    const current = await tx.customers.get(id)
    if (!current) throw new LocalWriteError('not-found')
    const changes: Record<string, { from: unknown; to: unknown }> = {}
    for (const field of CUSTOMER_EDITABLE_FIELDS) {
      if (!(field in values)) continue
      const from = normalise(current[field])
      const parsed = parseField(field, values[field])
      // Invalid values go through, so validation reports them.
      if (parsed.ok && parsed.value === from) continue
      changes[field] = { from, to: values[field] }
    }
    return Object.keys(changes).length ? { id, changes } : null
  })
}

/** Hands the customer to another rep (back office, admin); the server checks the permission. */
export async function reassignCustomer(db: FeldakteDb, id: string, ownerRepId: string): Promise<MutationReceipt> {
  return (await runMutation(db, reassignCustomerMutator, { id, ownerRepId }))!
}
