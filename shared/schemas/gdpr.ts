import { z } from 'zod'
import { CONSENT_TYPES } from './consents'
import { customerListItemSchema, customerRowSchema, fieldHistoryEntrySchema } from './customers'
import { relationRowSchema } from './household'
import { noteRowSchema } from './notes'

/**
 * GDPR (DSGVO) on one customer: export (Art. 15/20), restriction (Art. 18) and pseudonymisation
 * (Art. 17 as far as retention duties allow). Online actions with an audit record each.
 */

/** POST /customers/{id}/restrict */
export const restrictCustomerSchema = z.object({
  reason: z.string().trim().min(3, { message: 'Bitte einen Grund für die Einschränkung angeben.' }).max(500),
})
export type RestrictCustomerInput = z.infer<typeof restrictCustomerSchema>

/** POST /customers/{id}/pseudonymise: the customer number typed again, as a deliberate confirmation. */
export const pseudonymiseCustomerSchema = z.object({
  confirm: z.string().trim().min(1, { message: 'Bitte die Kundennummer zur Bestätigung eingeben.' }).max(40),
})
export type PseudonymiseCustomerInput = z.infer<typeof pseudonymiseCustomerSchema>

/** What a pseudonymised customer's names become. */
export const PSEUDONYM = 'Pseudonymisiert'

export const gdprCustomerResultSchema = z.object({ customer: customerRowSchema })
export type GdprCustomerResult = z.infer<typeof gdprCustomerResultSchema>

export const gdprAuditEntrySchema = z.object({
  at: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  actorName: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
})

/** The JSON export (Art. 15/20): everything the organisation holds about the customer, machine-readable. */
export const gdprExportSchema = z.object({
  format: z.literal('feldakte-dsgvo-auskunft'),
  version: z.literal(1),
  generatedAt: z.string(),
  generatedBy: z.string(),
  customer: customerListItemSchema,
  relations: z.array(relationRowSchema.extend({ typeName: z.string(), relatedCustomerName: z.string().nullable(), relatedCustomerNo: z.string().nullable() })),
  consents: z.array(
    z.object({
      id: z.string(),
      type: z.enum(CONSENT_TYPES),
      typeName: z.string(),
      givenOn: z.string(),
      withdrawnOn: z.string().nullable(),
      note: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  notes: z.array(noteRowSchema),
  history: z.array(fieldHistoryEntrySchema),
  audit: z.array(gdprAuditEntrySchema),
  /** What the export leaves out and why (deleted content, retention duties). */
  remarks: z.array(z.string()),
})
export type GdprExport = z.infer<typeof gdprExportSchema>

/** Restricted or pseudonymised: the file is read-only; the page hides its edit actions. */
export const gdprReadOnly = (c: { restrictedAt: string | null; pseudonymisedAt: string | null }): boolean => !!(c.restrictedAt || c.pseudonymisedAt)
