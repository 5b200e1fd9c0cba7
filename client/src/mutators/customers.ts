import type { z } from 'zod'
import { uuidv7 } from '../../../shared/ids'
import {
  CUSTOMER_EDITABLE_FIELDS,
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
  type CustomerEditableField,
  type CustomerRow,
  type CustomerV1Field,
  type CustomerValues,
  type UpdateCustomerArgs,
} from '../../../shared/schemas/customers'
import type { FeldakteDb } from '../db/database'
import { LocalWriteError } from '../db/errors'
import { MutationArgsError, type ArgsIssue } from './errors'
import { runMutation } from './mutate'
import { customerRowOf, writePending } from './rows'
import { defineMutator, type MutationReceipt } from './types'

/**
 * parseCustomerField names the place inside a list field in its message ("0.iban: …"); the form
 * wants it in the path (`bankAccounts.0.iban`) and the message alone.
 */
export function fieldIssue(field: CustomerEditableField, message: string): ArgsIssue {
  const m = /^([\w.]+): (.+)$/s.exec(message)
  return m ? { path: `${field}.${m[1]}`, message: m[2]! } : { path: field, message }
}

/** A parsed field value as the row stores it: names stay strings, lists stay lists. */
function rowValue(field: CustomerEditableField, value: unknown): unknown {
  if (field === 'firstName' || field === 'lastName') return value ?? ''
  if (field === 'addresses' || field === 'phones' || field === 'emails' || field === 'bankAccounts' || field === 'tags') return value ?? []
  return value ?? null
}

/** Same content once both sides went through the field's rule (key order, case, spaces). */
function sameField(field: CustomerEditableField, next: unknown, current: unknown): boolean {
  const canonical = parseCustomerField(field, current)
  return sameValue(next, canonical.ok ? canonical.value : current)
}

// ------------------------------------------------------------------ createCustomer

export const createCustomerMutator = defineMutator({
  name: 'createCustomer',
  v: 2,
  args: createCustomerArgsSchema,
  tables: ['customers'],
  keys: (args) => [{ table: 'customers', id: args.id }],
  async applyLocal(tx, args, ctx) {
    if (await tx.customers.get(args.id)) {
      if (ctx.replay) return
      throw new MutationArgsError([{ path: 'id', message: 'Dieser Kunde ist bereits gespeichert.' }])
    }
    const { id, ownerRepId, ...values } = args
    // The number comes from the server; until its row arrives the screen says "wird vergeben".
    await writePending(tx, 'customers', newCustomerRow(id, values, { ownerRepId: ownerRepId ?? ctx.userId, branchId: null, customerNo: null, at: ctx.now }))
  },
})

/** Version 1 (one phone, e-mail and address) stays for outboxes written by older app versions. */
export const createCustomerV1Mutator = defineMutator({
  name: 'createCustomer',
  v: 1,
  args: createCustomerV1ArgsSchema,
  tables: ['customers'],
  keys: (args) => [{ table: 'customers', id: args.id }],
  async applyLocal(tx, args, ctx) {
    if (await tx.customers.get(args.id)) return
    const lists = applyV1Values({ phones: [], emails: [], addresses: [] }, { phone: args.phone ?? null, email: args.email ?? null, street: args.street ?? null, zip: args.zip ?? null, city: args.city ?? null })
    const values: CustomerValues = {
      kind: 'person',
      status: 'prospect',
      firstName: args.firstName,
      lastName: args.lastName,
      birthDate: args.birthDate ?? null,
      addresses: lists.addresses ?? [],
      phones: lists.phones ?? [],
      emails: lists.emails ?? [],
      bankAccounts: [],
      tags: [],
    }
    await writePending(tx, 'customers', newCustomerRow(args.id, values, { ownerRepId: args.ownerRepId ?? ctx.userId, branchId: null, customerNo: null, at: ctx.now }))
  },
})

// ------------------------------------------------------------------ updateCustomer

/** The shared schema plus the per-field rule the server applies to each `to`. */
const updateArgsSchema = updateCustomerArgsSchema.transform((args, zctx) => {
  const changes: UpdateCustomerArgs['changes'] = {}
  for (const field of CUSTOMER_EDITABLE_FIELDS) {
    const change = args.changes[field]
    if (!change) continue
    const parsed = parseCustomerField(field, change.to)
    if (parsed.ok) changes[field] = { from: normaliseValue(change.from) ?? null, to: parsed.value }
    else {
      const issue = fieldIssue(field, parsed.message)
      zctx.addIssue({ code: 'custom', path: issue.path.split('.'), message: issue.message })
    }
  }
  return { id: args.id, changes }
})

export const updateCustomerMutator = defineMutator({
  name: 'updateCustomer',
  v: 2,
  args: updateArgsSchema,
  tables: ['customers'],
  keys: (args) => [{ table: 'customers', id: args.id }],
  async applyLocal(tx, args, ctx) {
    const current = await tx.customers.get(args.id)
    // Back office devices hold no customer rows: the intent (with the base values it was edited
    // from) goes to the server alone.
    if (!current) return
    const next: Record<string, unknown> = { ...customerRowOf(current), updatedAt: ctx.now }
    for (const [field, change] of Object.entries(args.changes)) if (change) next[field] = rowValue(field as CustomerEditableField, change.to)
    await writePending(tx, 'customers', next as unknown as CustomerRow)
  },
})

export const updateCustomerV1Mutator = defineMutator({
  name: 'updateCustomer',
  v: 1,
  args: updateCustomerV1ArgsSchema,
  tables: ['customers'],
  keys: (args) => [{ table: 'customers', id: args.id }],
  async applyLocal(tx, args, ctx) {
    const current = await tx.customers.get(args.id)
    if (!current) return
    const values: Partial<Record<CustomerV1Field, string | null>> = {}
    for (const [field, change] of Object.entries(args.changes) as [CustomerV1Field, { to: unknown } | undefined][]) {
      if (!change) continue
      // Recorded by an older version, which checked it; what no longer parses is left to the server.
      const parsed = customerV1FieldSchemas[field].safeParse(normaliseValue(change.to) ?? undefined)
      if (parsed.success) values[field] = (normaliseValue(parsed.data) as string | null | undefined) ?? null
    }
    const row = customerRowOf(current)
    await writePending(tx, 'customers', { ...row, ...applyV1Values(row, values), updatedAt: ctx.now })
  },
})

/**
 * The changes from `current` to `values`: fields whose new value (after the field's rule) equals
 * the stored one are left out; invalid values stay in, so validation names them. Each change
 * carries the stored value as its base (`from`). Null when nothing changed.
 */
export function customerChanges(current: CustomerRow, values: Partial<Record<CustomerEditableField, unknown>>): UpdateCustomerArgs['changes'] | null {
  const changes: UpdateCustomerArgs['changes'] = {}
  for (const field of CUSTOMER_EDITABLE_FIELDS) {
    if (!(field in values)) continue
    const parsed = parseCustomerField(field, values[field])
    if (parsed.ok && sameField(field, parsed.value, current[field])) continue
    changes[field] = { from: normaliseValue(current[field]) ?? null, to: values[field] }
  }
  return Object.keys(changes).length ? changes : null
}

/**
 * Rules across fields (a person needs a first name, no birth date in the future) on the customer
 * as it would be after the changes; only issues of changed fields count, so old data that breaks a
 * newer rule does not block unrelated edits.
 */
function crossFieldIssues(current: CustomerRow, changes: UpdateCustomerArgs['changes']): ArgsIssue[] {
  const next: Record<string, unknown> = { ...current }
  for (const [field, change] of Object.entries(changes)) {
    const parsed = parseCustomerField(field as CustomerEditableField, change!.to)
    if (!parsed.ok) return []
    next[field] = rowValue(field as CustomerEditableField, parsed.value)
  }
  const parsed = customerValuesSchema.safeParse(next)
  if (parsed.success) return []
  const relevant = new Set<string>(Object.keys(changes))
  if (relevant.has('kind')) relevant.add('firstName')
  return parsed.error.issues.filter((i) => relevant.has(String(i.path[0]))).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
}

// ------------------------------------------------------------------ reassignCustomer

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
    // The branch (and the owner of notes, consents, relations) follows on the server; the next pull brings it.
    await writePending(tx, 'customers', { ...customerRowOf(current), ownerRepId: args.ownerRepId, updatedAt: ctx.now })
  },
})

// ------------------------------------------------------------------ helpers for the stores

export type CreateCustomerInput = Omit<z.input<typeof createCustomerArgsSchema>, 'id'> & { id?: string }
export type CustomerFieldValues = Partial<Record<CustomerEditableField, unknown>>

/** Creates a customer on the device (id generated unless given); resolves once stored. */
export async function createCustomer(db: FeldakteDb, input: CreateCustomerInput): Promise<MutationReceipt & { id: string }> {
  const id = input.id ?? uuidv7()
  const receipt = await runMutation(db, createCustomerMutator, { ...input, id } as z.input<typeof createCustomerArgsSchema>)
  return { ...receipt!, id }
}

/**
 * Changes some fields; the base values (`from`) come from the row on the device, read in the same
 * transaction. Resolves to null when no value actually changed (nothing is stored or sent).
 */
export async function updateCustomer(db: FeldakteDb, id: string, values: CustomerFieldValues): Promise<MutationReceipt | null> {
  return runMutation(db, updateCustomerMutator, async (tx) => {
    const current = await tx.customers.get(id)
    if (!current) throw new LocalWriteError('not-found')
    const row = customerRowOf(current)
    const changes = customerChanges(row, values)
    if (!changes) return null
    const issues = crossFieldIssues(row, changes)
    if (issues.length) throw new MutationArgsError(issues)
    return { id, changes }
  })
}

/** Hands the customer to another rep (back office, admin); the server checks the permission. */
export async function reassignCustomer(db: FeldakteDb, id: string, ownerRepId: string): Promise<MutationReceipt> {
  return (await runMutation(db, reassignCustomerMutator, { id, ownerRepId }))!
}
