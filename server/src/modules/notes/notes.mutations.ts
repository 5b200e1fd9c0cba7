import { eq } from 'drizzle-orm'
import type { z } from 'zod'
import {
  completeFollowUpArgsSchema,
  createNoteArgsSchema,
  deleteNoteArgsSchema,
  normaliseValue,
  NOTE_EDITABLE_FIELDS,
  noteFieldSchemas,
  sameValue,
  updateNoteArgsSchema,
  type CompleteFollowUpArgs,
  type CreateNoteArgs,
  type DeleteNoteArgs,
  type NoteEditableField,
  type UpdateNoteArgs,
} from '../../../../shared/schemas'
import { notes } from '../../db/schema'
import { nowIso } from '../../lib/clock'
import { AppError, forbidden, notFound } from '../../lib/errors'
import type { Tx } from '../../lib/tx'
import { resolveMerged, writableCustomer, type CustomerRecord } from '../customers/customer-access'
import { recordHistory, validationError } from '../customers/customers.mutations'
import { orgSnapshot } from '../scope/hierarchy'
import { canSeeRep } from '../scope/scope.service'
import type { MutationContext, MutationHandler } from '../sync/registry'
import { resendRows } from '../sync/resend.service'

type NoteRecord = typeof notes.$inferSelect

const noteRecord = (tx: Tx, id: string): NoteRecord | undefined => tx.select().from(notes).where(eq(notes.id, id)).get()

/** Stored as UTC ISO, so notes from devices in any offset sort as text (lists, timeline). */
const instant = (v: string) => new Date(v).toISOString()

/** The assignee must be able to open the customer: a rep in scope, back office of the branch, or an admin; active. */
function assertAssignee(tx: Tx, ctx: MutationContext, c: CustomerRecord, assigneeId: string): void {
  const u = orgSnapshot(tx).users.get(assigneeId)
  const active = u && (!u.deactivatedFrom || u.deactivatedFrom > ctx.date)
  if (!u || !active || !canSeeRep(tx, { id: u.id, role: u.role, branchIds: u.branchIds }, c.ownerRepId, ctx.date, 'read')) {
    throw new AppError(400, 'INVALID_ASSIGNEE')
  }
}

/**
 * The note's customer for the author's edit or delete. Out of write scope it does not exist (404);
 * notes are append-only for everybody else (403 NOT_AUTHOR); delete wins over a later edit.
 */
function authorsNote(tx: Tx, ctx: MutationContext, id: string): { note: NoteRecord; customer: CustomerRecord } {
  const note = noteRecord(tx, id)
  if (!note) throw notFound()
  const customer = writableCustomer(tx, ctx, note.customerId)
  if (note.authorId !== ctx.actor.id) throw new AppError(403, 'NOT_AUTHOR')
  return { note, customer }
}

export const createNote: MutationHandler<CreateNoteArgs> = {
  name: 'createNote',
  v: 1,
  args: createNoteArgsSchema,
  apply(tx, ctx, args) {
    const c = writableCustomer(tx, ctx, args.customerId)
    if (noteRecord(tx, args.id)) throw new AppError(409, 'ID_TAKEN')
    if (args.assigneeId) assertAssignee(tx, ctx, c, args.assigneeId)
    const at = nowIso(ctx.clock)
    tx.insert(notes)
      .values({
        id: args.id,
        customerId: c.id,
        kind: args.kind,
        direction: args.kind === 'phone' ? (args.direction ?? null) : null,
        occurredAt: instant(args.occurredAt),
        durationMinutes: args.durationMinutes ?? null,
        subject: args.subject || null,
        text: args.text,
        followUpOn: args.followUpOn ?? null,
        assigneeId: args.assigneeId ?? null,
        followUpDoneAt: null,
        authorId: ctx.actor.id,
        ownerRepId: c.ownerRepId,
        createdAt: at,
        updatedAt: at,
        rev: ctx.rev,
      })
      .run()
    return { touchedRepIds: [c.ownerRepId] }
  },
}

function parseNoteField(field: NoteEditableField, to: unknown): unknown {
  const schema = noteFieldSchemas[field] as z.ZodType
  const input = normaliseValue(to)
  let parsed = schema.safeParse(input)
  // A required field sent empty: ask the schema about '' for its German "please enter" message.
  if (!parsed.success && input === null) {
    const retry = schema.safeParse('')
    if (!retry.success) parsed = retry
  }
  if (!parsed.success) throw validationError(`${field}: ${parsed.error.issues[0]?.message ?? 'Ungültiger Wert.'}`)
  const value = normaliseValue(parsed.data) ?? null
  return field === 'occurredAt' ? instant(value as string) : value
}

type NoteValues = Pick<NoteRecord, NoteEditableField>

/**
 * The author's field patches with base values: last arrival wins, a value that loses against a
 * concurrent edit stays in the field history (entity `note`). A new follow-up date opens the
 * follow-up again; a note that stops being a phone note loses its call direction.
 */
export const updateNote: MutationHandler<UpdateNoteArgs> = {
  name: 'updateNote',
  v: 1,
  args: updateNoteArgsSchema,
  apply(tx, ctx, args) {
    const { note, customer } = authorsNote(tx, ctx, args.id)
    if (note.deletedAt) throw new AppError(409, 'NOTE_DELETED')
    const next = Object.fromEntries(NOTE_EDITABLE_FIELDS.map((f) => [f, note[f]])) as NoteValues
    const changed = new Map<NoteEditableField, { from: unknown; to: unknown }>()
    for (const [field, change] of Object.entries(args.changes) as [NoteEditableField, { from: unknown; to: unknown }][]) {
      const to = parseNoteField(field, change.to)
      if (sameValue(to, note[field])) continue
      ;(next as Record<string, unknown>)[field] = to
      changed.set(field, { from: change.from, to })
    }
    if (next.kind !== 'phone' && next.direction) {
      if (changed.has('direction')) throw validationError('direction: Nur Telefonnotizen haben eine Richtung.')
      next.direction = null
      changed.set('direction', { from: note.direction, to: null })
    }
    if (!changed.size) {
      resendRows(tx, notes, [note.id], ctx.rev)
      return { touchedRepIds: [note.ownerRepId] }
    }
    if (changed.has('assigneeId') && next.assigneeId) assertAssignee(tx, ctx, customer, next.assigneeId)
    const reopen = changed.has('followUpOn') && note.followUpDoneAt !== null
    const at = nowIso(ctx.clock)
    tx.update(notes)
      .set({ ...next, ...(reopen ? { followUpDoneAt: null } : {}), updatedAt: at, rev: ctx.rev })
      .where(eq(notes.id, note.id))
      .run()
    for (const [field, { from, to }] of changed) {
      recordHistory(tx, ctx, note.customerId, { entity: 'note', entityId: note.id, field, oldValue: note[field], newValue: to, baseValue: normaliseValue(from) ?? null, overwritten: !sameValue(from, note[field]) })
    }
    return { touchedRepIds: [note.ownerRepId] }
  },
}

/** The author deletes (deleted_at; content stays server-side). Deleting twice changes nothing. */
export const deleteNote: MutationHandler<DeleteNoteArgs> = {
  name: 'deleteNote',
  v: 1,
  args: deleteNoteArgsSchema,
  apply(tx, ctx, args) {
    const { note } = authorsNote(tx, ctx, args.id)
    if (note.deletedAt) {
      resendRows(tx, notes, [note.id], ctx.rev)
      return { touchedRepIds: [note.ownerRepId] }
    }
    const at = nowIso(ctx.clock)
    tx.update(notes).set({ deletedAt: at, updatedAt: at, rev: ctx.rev }).where(eq(notes.id, note.id)).run()
    recordHistory(tx, ctx, note.customerId, { entity: 'note', entityId: note.id, field: 'deleted', oldValue: null, newValue: at })
    return { touchedRepIds: [note.ownerRepId] }
  },
}

/**
 * Marks a follow-up done (or open again). The author and the assignee may, as long as they can
 * read the customer (an upline assignee has read access only); anyone else needs write access.
 */
export const completeFollowUp: MutationHandler<CompleteFollowUpArgs> = {
  name: 'completeFollowUp',
  v: 1,
  args: completeFollowUpArgsSchema,
  apply(tx, ctx, args) {
    const note = noteRecord(tx, args.id)
    if (!note) throw notFound()
    const c = resolveMerged(tx, note.customerId)
    if (!c || !canSeeRep(tx, ctx.actor, c.ownerRepId, ctx.date, 'read')) throw notFound()
    const responsible = ctx.actor.id === note.authorId || ctx.actor.id === note.assigneeId
    if (!responsible && !canSeeRep(tx, ctx.actor, c.ownerRepId, ctx.date, 'write')) throw forbidden()
    if (c.deletedAt) throw new AppError(409, 'CUSTOMER_DELETED')
    if (c.pseudonymisedAt) throw new AppError(409, 'CUSTOMER_PSEUDONYMISED')
    if (c.restrictedAt) throw new AppError(409, 'CUSTOMER_RESTRICTED')
    if (note.deletedAt) throw new AppError(409, 'NOTE_DELETED')
    if (!note.followUpOn) throw validationError('Diese Notiz hat keine Wiedervorlage.')
    const at = nowIso(ctx.clock)
    const doneAt = args.done ? (note.followUpDoneAt ?? at) : null
    if (doneAt === note.followUpDoneAt) {
      resendRows(tx, notes, [note.id], ctx.rev)
      return { touchedRepIds: [note.ownerRepId] }
    }
    tx.update(notes).set({ followUpDoneAt: doneAt, updatedAt: at, rev: ctx.rev }).where(eq(notes.id, note.id)).run()
    recordHistory(tx, ctx, note.customerId, { entity: 'note', entityId: note.id, field: 'followUpDoneAt', oldValue: note.followUpDoneAt, newValue: doneAt })
    return { touchedRepIds: [note.ownerRepId] }
  },
}

export const noteMutations = [createNote, updateNote, deleteNote, completeFollowUp] as MutationHandler[]
