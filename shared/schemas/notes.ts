import { z } from 'zod'
import { idSchema, isoDateSchema } from './common'

export const NOTE_KINDS = ['phone', 'memo', 'visit'] as const
export type NoteKind = (typeof NOTE_KINDS)[number]
export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const
export type CallDirection = (typeof CALL_DIRECTIONS)[number]

/** Phone note, memo or visit report on a customer; any of them may carry a follow-up ("Wiedervorlage"). */
export interface NoteRow {
  id: string
  customerId: string
  kind: NoteKind
  /** Phone notes only. */
  direction: CallDirection | null
  /** When the call, visit or memo happened (ISO date-time). */
  occurredAt: string
  durationMinutes: number | null
  subject: string | null
  text: string
  followUpOn: string | null
  /** Who follows up; null = the author. */
  assigneeId: string | null
  followUpDoneAt: string | null
  authorId: string
  authorName: string
  ownerRepId: string
  createdAt: string
  updatedAt: string
}
export const noteRowSchema = z.object({
  id: idSchema,
  customerId: idSchema,
  kind: z.enum(NOTE_KINDS),
  direction: z.enum(CALL_DIRECTIONS).nullable(),
  occurredAt: z.string(),
  durationMinutes: z.number().int().nullable(),
  subject: z.string().nullable(),
  text: z.string(),
  followUpOn: z.string().nullable(),
  assigneeId: z.string().nullable(),
  followUpDoneAt: z.string().nullable(),
  authorId: z.string(),
  authorName: z.string(),
  ownerRepId: idSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<NoteRow>

const isoDateTimeSchema = z.string().refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), {
  message: 'Bitte Datum und Uhrzeit angeben.',
})

export const NOTE_EDITABLE_FIELDS = ['kind', 'direction', 'occurredAt', 'durationMinutes', 'subject', 'text', 'followUpOn', 'assigneeId'] as const
export type NoteEditableField = (typeof NOTE_EDITABLE_FIELDS)[number]
export const noteFieldSchemas = {
  kind: z.enum(NOTE_KINDS),
  direction: z.enum(CALL_DIRECTIONS).nullable().optional(),
  occurredAt: isoDateTimeSchema,
  durationMinutes: z.number().int().min(0, { message: 'Die Dauer kann nicht negativ sein.' }).max(24 * 60, { message: 'Höchstens 24 Stunden.' }).nullable().optional(),
  subject: z.string().trim().max(200).nullable().optional(),
  text: z.string().trim().min(1, { message: 'Bitte einen Text eingeben.' }).max(20_000),
  followUpOn: isoDateSchema.nullable().optional(),
  assigneeId: idSchema.nullable().optional(),
} satisfies Record<NoteEditableField, z.ZodType>

const noteValuesSchema = z.object(noteFieldSchemas).refine((n) => n.kind === 'phone' || !n.direction, {
  message: 'Nur Telefonnotizen haben eine Richtung.',
  path: ['direction'],
})

/** args of mutation `createNote` v1. */
export const createNoteArgsSchema = z.intersection(z.object({ id: idSchema, customerId: idSchema }), noteValuesSchema)
export type CreateNoteArgs = z.output<typeof createNoteArgsSchema>

/** args of mutation `updateNote` v1 (author only): field patches with base values. */
export const updateNoteArgsSchema = z.object({
  id: idSchema,
  changes: z
    .partialRecord(z.enum(NOTE_EDITABLE_FIELDS), z.object({ from: z.unknown(), to: z.unknown() }))
    .refine((c) => Object.keys(c).length > 0, { message: 'Keine Änderungen.' }),
})
export type UpdateNoteArgs = z.infer<typeof updateNoteArgsSchema>

/** args of mutation `deleteNote` v1 (author only; delete wins, content stays server-side). */
export const deleteNoteArgsSchema = z.object({ id: idSchema })
export type DeleteNoteArgs = z.infer<typeof deleteNoteArgsSchema>

/** args of mutation `completeFollowUp` v1 (author or assignee): done or open again. */
export const completeFollowUpArgsSchema = z.object({ id: idSchema, done: z.boolean() })
export type CompleteFollowUpArgs = z.infer<typeof completeFollowUpArgsSchema>

/** Buckets of the "Wiedervorlagen" list. */
export const FOLLOW_UP_BUCKETS = ['overdue', 'today', 'upcoming'] as const
export type FollowUpBucket = (typeof FOLLOW_UP_BUCKETS)[number]
export function followUpBucket(followUpOn: string, today: string): FollowUpBucket {
  return followUpOn < today ? 'overdue' : followUpOn === today ? 'today' : 'upcoming'
}

export const followUpItemSchema = noteRowSchema.extend({
  customerName: z.string(),
  customerNo: z.string().nullable(),
  bucket: z.enum(FOLLOW_UP_BUCKETS),
})
export const followUpListSchema = z.object({ items: z.array(followUpItemSchema) })
export type FollowUpItem = z.infer<typeof followUpItemSchema>

/** GET /api/follow-ups: one bucket or all; `all` (back office, admin) lists every open follow-up in the caller's scope. */
export const followUpQuerySchema = z.object({
  bucket: z.enum(FOLLOW_UP_BUCKETS).optional(),
  assignee: z.enum(['me', 'all']).default('me'),
})
export type FollowUpQuery = z.infer<typeof followUpQuerySchema>
