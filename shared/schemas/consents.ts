import { z } from 'zod'
import { idSchema, isoDateSchema } from './common'

/** Consents (domain.md "Einwilligungen"); advertising consent is one type per channel. */
export const CONSENT_TYPES = [
  'privacy',
  'health_data',
  'confidentiality_release',
  'marketing_email',
  'marketing_phone',
  'marketing_post',
  'marketing_sms',
  'broker_contract',
  'broker_mandate',
] as const
export type ConsentType = (typeof CONSENT_TYPES)[number]

export interface ConsentRow {
  id: string
  customerId: string
  type: ConsentType
  givenOn: string
  withdrawnOn: string | null
  note: string | null
  /** A signed document, once documents exist. */
  documentId: string | null
  ownerRepId: string
  createdBy: string
  createdAt: string
  updatedAt: string
}
export const consentRowSchema = z.object({
  id: idSchema,
  customerId: idSchema,
  type: z.enum(CONSENT_TYPES),
  givenOn: z.string(),
  withdrawnOn: z.string().nullable(),
  note: z.string().nullable(),
  documentId: z.string().nullable(),
  ownerRepId: idSchema,
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<ConsentRow>

const notInFuture = (d: string) => d <= new Date(Date.now() + 36 * 3600_000).toISOString().slice(0, 10)

/** args of mutation `recordConsent` v1. */
export const recordConsentArgsSchema = z.object({
  id: idSchema,
  customerId: idSchema,
  type: z.enum(CONSENT_TYPES),
  givenOn: isoDateSchema.refine(notInFuture, { message: 'Das Datum der Einwilligung liegt in der Zukunft.' }),
  note: z.string().trim().max(500).nullable().optional().transform((v) => v || null),
})
export type RecordConsentArgs = z.output<typeof recordConsentArgsSchema>

/** args of mutation `withdrawConsent` v1. */
export const withdrawConsentArgsSchema = z.object({
  id: idSchema,
  withdrawnOn: isoDateSchema.refine(notInFuture, { message: 'Das Datum des Widerrufs liegt in der Zukunft.' }),
})
export type WithdrawConsentArgs = z.infer<typeof withdrawConsentArgsSchema>

export type ConsentState = 'given' | 'withdrawn' | 'missing'

/**
 * The state of each type from a customer's consent records: the latest record of a type decides
 * (a new consent after a withdrawal counts as given again).
 */
export function consentStates(rows: Pick<ConsentRow, 'type' | 'givenOn' | 'withdrawnOn' | 'createdAt'>[]): Record<ConsentType, ConsentState> {
  const out = Object.fromEntries(CONSENT_TYPES.map((t) => [t, 'missing'])) as Record<ConsentType, ConsentState>
  const latest = new Map<ConsentType, Pick<ConsentRow, 'givenOn' | 'withdrawnOn' | 'createdAt'>>()
  for (const r of rows) {
    const prev = latest.get(r.type)
    if (!prev || r.givenOn > prev.givenOn || (r.givenOn === prev.givenOn && r.createdAt > prev.createdAt)) latest.set(r.type, r)
  }
  for (const [type, r] of latest) out[type] = r.withdrawnOn ? 'withdrawn' : 'given'
  return out
}

/** Required consents that are missing or withdrawn: what the customer page warns about. */
export function consentWarnings(rows: Parameters<typeof consentStates>[0], required: readonly ConsentType[]): { type: ConsentType; state: 'missing' | 'withdrawn' }[] {
  const states = consentStates(rows)
  return required.flatMap((type) => {
    const state = states[type]
    return state === 'given' ? [] : [{ type, state }]
  })
}

export const consentWarningSchema = z.object({ type: z.enum(CONSENT_TYPES), state: z.enum(['missing', 'withdrawn']) })
export type ConsentWarning = z.infer<typeof consentWarningSchema>
