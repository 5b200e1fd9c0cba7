import { eq } from 'drizzle-orm'
import { recordConsentArgsSchema, withdrawConsentArgsSchema, type RecordConsentArgs, type WithdrawConsentArgs } from '../../../../shared/schemas'
import { consents } from '../../db/schema'
import { nowIso } from '../../lib/clock'
import { AppError, notFound } from '../../lib/errors'
import { writableCustomer } from '../customers/customer-access'
import { recordHistory, validationError } from '../customers/customers.mutations'
import type { MutationHandler } from '../sync/registry'

/**
 * Consent records are evidence: recording creates one, withdrawing sets its withdrawal date once,
 * nothing else changes them. A consent given again after a withdrawal is a new record.
 */
export const recordConsent: MutationHandler<RecordConsentArgs> = {
  name: 'recordConsent',
  v: 1,
  args: recordConsentArgsSchema,
  apply(tx, ctx, args) {
    const c = writableCustomer(tx, ctx, args.customerId)
    if (tx.select({ id: consents.id }).from(consents).where(eq(consents.id, args.id)).get()) throw new AppError(409, 'ID_TAKEN')
    const at = nowIso(ctx.clock)
    tx.insert(consents)
      .values({
        id: args.id,
        customerId: c.id,
        type: args.type,
        givenOn: args.givenOn,
        withdrawnOn: null,
        note: args.note,
        documentId: null,
        ownerRepId: c.ownerRepId,
        createdBy: ctx.actor.id,
        createdAt: at,
        updatedAt: at,
        rev: ctx.rev,
      })
      .run()
    return { touchedRepIds: [c.ownerRepId] }
  },
}

export const withdrawConsent: MutationHandler<WithdrawConsentArgs> = {
  name: 'withdrawConsent',
  v: 1,
  args: withdrawConsentArgsSchema,
  apply(tx, ctx, args) {
    const row = tx.select().from(consents).where(eq(consents.id, args.id)).get()
    if (!row) throw notFound()
    writableCustomer(tx, ctx, row.customerId)
    if (row.deletedAt) throw notFound()
    if (row.withdrawnOn) throw new AppError(409, 'CONSENT_ALREADY_WITHDRAWN')
    if (args.withdrawnOn < row.givenOn) throw validationError('withdrawnOn: Der Widerruf kann nicht vor der Einwilligung liegen.')
    const at = nowIso(ctx.clock)
    tx.update(consents).set({ withdrawnOn: args.withdrawnOn, updatedAt: at, rev: ctx.rev }).where(eq(consents.id, row.id)).run()
    // Who recorded the withdrawal and when: the timeline shows it with this entry.
    recordHistory(tx, ctx, row.customerId, { entity: 'consent', entityId: row.id, field: 'withdrawnOn', oldValue: null, newValue: args.withdrawnOn })
    return { touchedRepIds: [row.ownerRepId] }
  },
}

export const consentMutations = [recordConsent, withdrawConsent] as MutationHandler[]
