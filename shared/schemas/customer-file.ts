import { z } from 'zod'
import { consentRowSchema, consentWarningSchema } from './consents'
import { relationViewSchema } from './household'
import { noteRowSchema } from './notes'

/** GET /api/customers/:id/file: household, consents with the warnings of the required ones, notes (newest first). */
export const customerFileSchema = z.object({
  relations: z.array(relationViewSchema),
  consents: z.array(consentRowSchema),
  consentWarnings: z.array(consentWarningSchema),
  notes: z.array(noteRowSchema),
})
export type CustomerFile = z.infer<typeof customerFileSchema>

const itemBase = {
  /** Unique within the timeline (kind prefix + record id); the paging cursor builds on it. */
  id: z.string(),
  /** When it happened or was recorded (ISO date-time, UTC); items are ordered by it, newest first. */
  at: z.string(),
  userName: z.string().nullable(),
}

/**
 * One entry of a customer's timeline. A discriminated union on `kind`, so contract and document
 * events join as further members without changing the existing ones.
 */
export const timelineItemSchema = z.discriminatedUnion('kind', [
  z.object({ ...itemBase, kind: z.literal('created'), customerNo: z.string().nullable() }),
  z.object({ ...itemBase, kind: z.literal('note'), note: noteRowSchema }),
  z.object({
    ...itemBase,
    kind: z.literal('change'),
    /** `customer`, `relation` or `note`: what the field belongs to. */
    entity: z.string(),
    entityId: z.string().nullable(),
    field: z.string(),
    oldValue: z.unknown(),
    newValue: z.unknown(),
    overwritten: z.boolean(),
  }),
  z.object({
    ...itemBase,
    kind: z.literal('consent'),
    event: z.enum(['given', 'withdrawn']),
    /** The legal date: given on or withdrawn on (`at` is when it was recorded). */
    date: z.string(),
    consent: consentRowSchema,
  }),
  z.object({ ...itemBase, kind: z.literal('relation'), event: z.enum(['added', 'removed']), relation: relationViewSchema }),
])
export type TimelineItem = z.infer<typeof timelineItemSchema>
export type TimelineKind = TimelineItem['kind']

export const timelineQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** `nextBefore` of the previous page. */
  before: z.string().max(400).optional(),
})
export type TimelineQuery = z.infer<typeof timelineQuerySchema>

export const timelineSchema = z.object({
  items: z.array(timelineItemSchema),
  /** Cursor of the next (older) page; null on the last page. */
  nextBefore: z.string().nullable(),
})
export type Timeline = z.infer<typeof timelineSchema>
