import type { z } from 'zod'
import { uuidv7 } from '../../../shared/ids'
import { recordConsentArgsSchema, withdrawConsentArgsSchema } from '../../../shared/schemas/consents'
import type { FeldakteDb } from '../db/database'
import { MutationArgsError } from './errors'
import { runMutation } from './mutate'
import { writePending } from './rows'
import { defineMutator, type MutationReceipt } from './types'

/** A consent record is evidence: recording creates one; a consent given again later is a new record. */
export const recordConsentMutator = defineMutator({
  name: 'recordConsent',
  v: 1,
  args: recordConsentArgsSchema,
  tables: ['consents', 'customers'],
  keys: (args) => [{ table: 'consents', id: args.id }],
  async applyLocal(tx, args, ctx) {
    const customer = await tx.customers.get(args.customerId)
    // Back office devices hold no customers: the intent goes to the server alone.
    if (!customer) return
    if (await tx.consents.get(args.id)) {
      if (ctx.replay) return
      throw new MutationArgsError([{ path: 'id', message: 'Diese Einwilligung ist bereits gespeichert.' }])
    }
    await writePending(tx, 'consents', {
      id: args.id,
      customerId: customer.id,
      type: args.type,
      givenOn: args.givenOn,
      withdrawnOn: null,
      note: args.note,
      documentId: null,
      ownerRepId: customer.ownerRepId,
      createdBy: ctx.userId,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
  },
})

/** Sets the withdrawal date once; the record itself stays. */
export const withdrawConsentMutator = defineMutator({
  name: 'withdrawConsent',
  v: 1,
  args: withdrawConsentArgsSchema,
  tables: ['consents'],
  keys: (args) => [{ table: 'consents', id: args.id }],
  async applyLocal(tx, args, ctx) {
    const current = await tx.consents.get(args.id)
    if (!current) return
    const problem = current.withdrawnOn
      ? { path: 'withdrawnOn', message: 'Diese Einwilligung wurde bereits widerrufen.' }
      : args.withdrawnOn < current.givenOn
        ? { path: 'withdrawnOn', message: 'Der Widerruf kann nicht vor der Einwilligung liegen.' }
        : null
    if (problem) {
      if (ctx.replay) return
      throw new MutationArgsError([problem])
    }
    const { pending: _pending, ...row } = current
    await writePending(tx, 'consents', { ...row, withdrawnOn: args.withdrawnOn, updatedAt: ctx.now })
  },
})

export type RecordConsentInput = Omit<z.input<typeof recordConsentArgsSchema>, 'id'>

export async function recordConsent(db: FeldakteDb, input: RecordConsentInput): Promise<MutationReceipt & { id: string }> {
  const id = uuidv7()
  const receipt = await runMutation(db, recordConsentMutator, { ...input, id })
  return { ...receipt!, id }
}

/** Withdraws a consent; back office passes the given date of the server's record so the same rule applies before sending. */
export async function withdrawConsent(db: FeldakteDb, id: string, withdrawnOn: string, givenOn?: string): Promise<MutationReceipt> {
  if (givenOn && withdrawnOn && withdrawnOn < givenOn) throw new MutationArgsError([{ path: 'withdrawnOn', message: 'Der Widerruf kann nicht vor der Einwilligung liegen.' }])
  return (await runMutation(db, withdrawConsentMutator, { id, withdrawnOn }))!
}
