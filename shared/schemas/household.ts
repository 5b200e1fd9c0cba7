import { z } from 'zod'
import { idSchema, isoDateSchema } from './common'

/**
 * Household relationships (domain.md): a row on customer A with type T and a related customer or
 * person R reads "R ist <T> von A". When R is a customer too, a reverse row on R carries the
 * reverse type, so each side's devices hold what they show. Types are data (`relation_types`).
 */
export interface RelationTypeRow {
  code: string
  /** E.g. "Kind". */
  name: string
  /** The type the other side has: Kind ↔ Elternteil, Ehepartner ↔ Ehepartner. */
  reverseCode: string
  /** Counts as household (partner, children) on the customer page. */
  household: boolean
  sort: number
}
export const relationTypeRowSchema = z.object({
  code: z.string(),
  name: z.string(),
  reverseCode: z.string(),
  household: z.boolean(),
  sort: z.number().int(),
}) satisfies z.ZodType<RelationTypeRow>

/** A person who is not a customer of their own, kept on the relationship (a child, a partner). */
export const relatedPersonSchema = z.object({
  firstName: z.string().trim().min(1, { message: 'Bitte den Vornamen angeben.' }).max(100),
  lastName: z.string().trim().min(1, { message: 'Bitte den Nachnamen angeben.' }).max(100),
  birthDate: isoDateSchema.nullable().optional().transform((v) => v ?? null),
  occupation: z.string().trim().max(100).nullable().optional().transform((v) => v || null),
})
export type RelatedPerson = z.output<typeof relatedPersonSchema>

export interface RelationRow {
  id: string
  /** Both rows of a customer-to-customer relationship share the forward row's id. */
  pairId: string
  customerId: string
  type: string
  relatedCustomerId: string | null
  person: RelatedPerson | null
  validFrom: string | null
  validTo: string | null
  ownerRepId: string
  createdAt: string
  updatedAt: string
}
export const relationRowSchema = z.object({
  id: idSchema,
  pairId: idSchema,
  customerId: idSchema,
  type: z.string(),
  relatedCustomerId: idSchema.nullable(),
  person: z.object({ firstName: z.string(), lastName: z.string(), birthDate: z.string().nullable(), occupation: z.string().nullable() }).nullable(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  ownerRepId: idSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<RelationRow>

const validityRefine = (v: { validFrom?: string | null; validTo?: string | null }) => !v.validFrom || !v.validTo || v.validFrom < v.validTo
const validityMessage = { message: '„Gültig bis“ muss nach „Gültig ab“ liegen.', path: ['validTo'] }

/** args of mutation `addRelation` v1: either a customer (`relatedCustomerId`, then `reverseId` names the reverse row) or a person. */
export const addRelationArgsSchema = z
  .object({
    id: idSchema,
    customerId: idSchema,
    type: z.string().min(1).max(40),
    relatedCustomerId: idSchema.nullable().optional().transform((v) => v ?? null),
    reverseId: idSchema.nullable().optional().transform((v) => v ?? null),
    person: relatedPersonSchema.nullable().optional().transform((v) => v ?? null),
    validFrom: isoDateSchema.nullable().optional().transform((v) => v ?? null),
    validTo: isoDateSchema.nullable().optional().transform((v) => v ?? null),
  })
  .refine((a) => (a.relatedCustomerId === null) !== (a.person === null), { message: 'Bitte entweder einen Kunden oder eine Person angeben.', path: ['person'] })
  .refine((a) => a.relatedCustomerId === null || a.reverseId !== null, { message: 'Die Gegenrichtung braucht eine ID.', path: ['reverseId'] })
  .refine((a) => a.relatedCustomerId !== a.customerId, { message: 'Ein Kunde kann nicht mit sich selbst verbunden werden.', path: ['relatedCustomerId'] })
  .refine(validityRefine, validityMessage)
export type AddRelationArgs = z.output<typeof addRelationArgsSchema>

export const RELATION_EDITABLE_FIELDS = ['type', 'person', 'validFrom', 'validTo'] as const
export type RelationEditableField = (typeof RELATION_EDITABLE_FIELDS)[number]
export const relationFieldSchemas = {
  type: z.string().min(1).max(40),
  person: relatedPersonSchema,
  validFrom: isoDateSchema.nullable(),
  validTo: isoDateSchema.nullable(),
} satisfies Record<RelationEditableField, z.ZodType>

/** args of mutation `updateRelation` v1: field patches with base values, applied to both rows of the pair. */
export const updateRelationArgsSchema = z.object({
  id: idSchema,
  /** The other row of the pair as the device holds it: names the row the device mirrors (the server finds it by pair). */
  partnerId: idSchema.nullable().optional(),
  changes: z
    .partialRecord(z.enum(RELATION_EDITABLE_FIELDS), z.object({ from: z.unknown(), to: z.unknown() }))
    .refine((c) => Object.keys(c).length > 0, { message: 'Keine Änderungen.' }),
})
export type UpdateRelationArgs = z.infer<typeof updateRelationArgsSchema>

/** args of mutation `removeRelation` v1 (both rows of the pair; content stays server-side). */
export const removeRelationArgsSchema = z.object({ id: idSchema })
export type RemoveRelationArgs = z.infer<typeof removeRelationArgsSchema>

export const relationTypeListSchema = z.object({ items: z.array(relationTypeRowSchema) })

/** What a related customer the caller may not read is shown as: no name, no number. */
export const HIDDEN_RELATED_CUSTOMER_LABEL = 'Kunde einer anderen Struktur'

/** A relation as the customer page shows it (server-side for back office and online views). */
export const relationViewSchema = relationRowSchema.extend({
  typeName: z.string(),
  household: z.boolean(),
  /** The related customer exists and the caller may read it: name and number are real and may link to it. */
  relatedVisible: z.boolean(),
  /** The person's name, the related customer's name, or HIDDEN_RELATED_CUSTOMER_LABEL. */
  relatedName: z.string(),
  relatedCustomerNo: z.string().nullable(),
})
export type RelationView = z.infer<typeof relationViewSchema>
