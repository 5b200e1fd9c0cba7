import { z } from 'zod'
import { uuidv7 } from '../../../shared/ids'
import { normaliseValue, sameValue } from '../../../shared/schemas/customers'
import {
  completeFollowUpArgsSchema,
  createNoteArgsSchema,
  deleteNoteArgsSchema,
  NOTE_EDITABLE_FIELDS,
  noteFieldSchemas,
  updateNoteArgsSchema,
  type NoteEditableField,
  type NoteRow,
  type UpdateNoteArgs,
} from '../../../shared/schemas/notes'
import type { FeldakteDb, LocalNote } from '../db/database'
import { LocalWriteError } from '../db/errors'
import { MutationArgsError, type ArgsIssue } from './errors'
import { runMutation } from './mutate'
import { deletePending, writePending } from './rows'
import { defineMutator, type MutationReceipt, type MutatorTx } from './types'

/** Stored as UTC ISO like the server does, so notes written in any offset sort as text. */
const instant = (v: string) => new Date(v).toISOString()

const strip = (row: LocalNote): NoteRow => {
  const { pending: _pending, ...rest } = row
  return rest
}

const NOT_AUTHOR = 'Nur die Verfasserin oder der Verfasser kann diese Notiz ändern oder löschen.'

/** A field's new value checked with the server's rule; a required field sent empty gets the schema's "please enter" message. */
function parseNoteField(field: NoteEditableField, to: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const schema = noteFieldSchemas[field] as z.ZodType
  const input = normaliseValue(to)
  let parsed = schema.safeParse(input)
  if (!parsed.success && input === null) {
    const retry = schema.safeParse('')
    if (!retry.success) parsed = retry
  }
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'Ungültiger Wert.' }
  const value = normaliseValue(parsed.data) ?? null
  return { ok: true, value: field === 'occurredAt' ? instant(value as string) : value }
}

/** The note after the author's changes (direction dropped when it stops being a phone note), with rule violations. */
function applyNoteChanges(row: NoteRow, changes: UpdateNoteArgs['changes']): { next: NoteRow; issues: ArgsIssue[] } {
  const next = { ...row }
  const issues: ArgsIssue[] = []
  for (const [field, change] of Object.entries(changes) as [NoteEditableField, { to: unknown }][]) {
    const parsed = parseNoteField(field, change.to)
    if (parsed.ok) (next as unknown as Record<string, unknown>)[field] = parsed.value
    else issues.push({ path: field, message: parsed.message })
  }
  if (next.kind !== 'phone' && next.direction) {
    if ('direction' in changes && changes.direction?.to) issues.push({ path: 'direction', message: 'Nur Telefonnotizen haben eine Richtung.' })
    next.direction = null
  }
  // A new follow-up date opens the follow-up again.
  if ('followUpOn' in changes && next.followUpOn !== row.followUpOn) next.followUpDoneAt = null
  return { next, issues }
}

// ------------------------------------------------------------------ createNote

/**
 * createNote's arguments plus the author's name for this device's own row until the server's
 * arrives. The server's schema drops it and takes the name from the session.
 */
export const createNoteLocalArgsSchema = z.intersection(createNoteArgsSchema, z.object({ authorName: z.string().max(200).optional() }))

export const createNoteMutator = defineMutator({
  name: 'createNote',
  v: 1,
  args: createNoteLocalArgsSchema,
  tables: ['notes', 'customers'],
  keys: (args) => [{ table: 'notes', id: args.id }],
  async applyLocal(tx, args, ctx) {
    const customer = await tx.customers.get(args.customerId)
    // Back office devices hold no customers: the intent goes to the server alone.
    if (!customer) return
    if (await tx.notes.get(args.id)) {
      if (ctx.replay) return
      throw new MutationArgsError([{ path: 'id', message: 'Diese Notiz ist bereits gespeichert.' }])
    }
    await writePending(tx, 'notes', {
      id: args.id,
      customerId: customer.id,
      kind: args.kind,
      direction: args.kind === 'phone' ? (args.direction ?? null) : null,
      occurredAt: instant(args.occurredAt),
      durationMinutes: args.durationMinutes ?? null,
      subject: args.subject || null,
      text: args.text,
      followUpOn: args.followUpOn ?? null,
      assigneeId: args.assigneeId ?? null,
      followUpDoneAt: null,
      authorId: ctx.userId,
      authorName: args.authorName ?? '',
      ownerRepId: customer.ownerRepId,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
  },
})

// ------------------------------------------------------------------ updateNote, deleteNote

/** The note if the signed-in user wrote it; notes are append-only for everybody else. */
async function authorsNote(tx: MutatorTx, id: string, userId: string, replay: boolean): Promise<LocalNote | null> {
  const note = await tx.notes.get(id)
  if (!note) return null
  if (note.authorId === userId) return note
  if (replay) return null
  throw new MutationArgsError([{ path: 'id', message: NOT_AUTHOR }])
}

/** The author's field patches with base values. After a delete the row is gone and an edit changes nothing (delete wins). */
export const updateNoteMutator = defineMutator({
  name: 'updateNote',
  v: 1,
  args: updateNoteArgsSchema,
  tables: ['notes'],
  keys: (args) => [{ table: 'notes', id: args.id }],
  async applyLocal(tx, args, ctx) {
    const current = await authorsNote(tx, args.id, ctx.userId, ctx.replay)
    if (!current) return
    const { next, issues } = applyNoteChanges(strip(current), args.changes)
    if (issues.length) {
      if (ctx.replay) return
      throw new MutationArgsError(issues)
    }
    await writePending(tx, 'notes', { ...next, updatedAt: ctx.now })
  },
})

/** The author deletes: the note leaves the device; the server keeps its content. */
export const deleteNoteMutator = defineMutator({
  name: 'deleteNote',
  v: 1,
  args: deleteNoteArgsSchema,
  tables: ['notes'],
  keys: (args) => [{ table: 'notes', id: args.id }],
  async applyLocal(tx, args, ctx) {
    const current = await authorsNote(tx, args.id, ctx.userId, ctx.replay)
    if (current) await deletePending(tx, 'notes', current.id, ctx.mutationId)
  },
})

// ------------------------------------------------------------------ completeFollowUp

/** Done (keeping the first completion time) or open again. Who may do it is the server's question: a refusal restores the row. */
export const completeFollowUpMutator = defineMutator({
  name: 'completeFollowUp',
  v: 1,
  args: completeFollowUpArgsSchema,
  tables: ['notes'],
  keys: (args) => [{ table: 'notes', id: args.id }],
  async applyLocal(tx, args, ctx) {
    const current = await tx.notes.get(args.id)
    if (!current) return
    if (!current.followUpOn) {
      if (ctx.replay) return
      throw new MutationArgsError([{ path: 'id', message: 'Diese Notiz hat keine Wiedervorlage.' }])
    }
    const doneAt = args.done ? (current.followUpDoneAt ?? ctx.now) : null
    if (doneAt === current.followUpDoneAt) return
    await writePending(tx, 'notes', { ...strip(current), followUpDoneAt: doneAt, updatedAt: ctx.now })
  },
})

// ------------------------------------------------------------------ helpers for the stores

export type CreateNoteInput = Omit<z.input<typeof createNoteLocalArgsSchema>, 'id'>

export async function createNote(db: FeldakteDb, input: CreateNoteInput): Promise<MutationReceipt & { id: string }> {
  const id = uuidv7()
  const receipt = await runMutation(db, createNoteMutator, { ...input, id } as z.input<typeof createNoteLocalArgsSchema>)
  return { ...receipt!, id }
}

export type NoteChanges = Partial<Record<NoteEditableField, unknown>>

/** The changed fields of `values` against `current`, each with its base value; null when nothing changed. */
export function noteChanges(current: Pick<NoteRow, NoteEditableField>, values: NoteChanges): UpdateNoteArgs['changes'] | null {
  const changes: UpdateNoteArgs['changes'] = {}
  for (const field of NOTE_EDITABLE_FIELDS) {
    if (!(field in values)) continue
    const parsed = parseNoteField(field, values[field])
    if (parsed.ok && sameValue(parsed.value, current[field])) continue
    changes[field] = { from: normaliseValue(current[field]) ?? null, to: parsed.ok ? parsed.value : (normaliseValue(values[field]) ?? null) }
  }
  return Object.keys(changes).length ? changes : null
}

/**
 * The author edits a note. The base values come from the device's row (same transaction), or
 * from the server's row back office edited. Null when nothing changed.
 */
export async function updateNote(db: FeldakteDb, id: string, values: NoteChanges, serverRow?: NoteRow): Promise<MutationReceipt | null> {
  return runMutation(db, updateNoteMutator, async (tx) => {
    const current = (await tx.notes.get(id)) ?? serverRow
    if (!current) throw new LocalWriteError('not-found')
    if (current.authorId !== db.userId) throw new MutationArgsError([{ path: 'id', message: NOT_AUTHOR }])
    const changes = noteChanges(current, values)
    if (!changes) return null
    const { issues } = applyNoteChanges(current, changes)
    if (issues.length) throw new MutationArgsError(issues)
    return { id, changes }
  })
}

export async function deleteNote(db: FeldakteDb, id: string): Promise<MutationReceipt> {
  return (await runMutation(db, deleteNoteMutator, { id }))!
}

export async function completeFollowUp(db: FeldakteDb, id: string, done: boolean): Promise<MutationReceipt> {
  return (await runMutation(db, completeFollowUpMutator, { id, done }))!
}
