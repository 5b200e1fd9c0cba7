import { z } from 'zod'
import { ROLES } from '../constants'
import { emailSchema, idSchema, isoDateSchema, nameSchema } from './common'
import { CONSENT_TYPES } from './consents'
import { passwordSchema } from './auth'

export const branchInputSchema = z.object({ name: nameSchema })
export type BranchInput = z.infer<typeof branchInputSchema>
export const branchSchema = z.object({ id: idSchema, name: z.string(), userCount: z.number().int() })
export type Branch = z.infer<typeof branchSchema>

export const levelInputSchema = z.object({
  name: nameSchema,
  /** Position in the career ladder, 1 = entry level. */
  rank: z.number().int().min(1).max(100),
  /** Commission rate of the level: cents per unit. */
  centsPerUnit: z.number().int().min(0).max(1_000_000),
})
export type LevelInput = z.infer<typeof levelInputSchema>
export const levelSchema = levelInputSchema.extend({ id: idSchema })
export type Level = z.infer<typeof levelSchema>

export const userCreateSchema = z
  .object({
    email: emailSchema,
    name: nameSchema,
    role: z.enum(ROLES),
    password: passwordSchema,
    branchIds: z.array(idSchema).max(50).optional(),
    uplineId: idSchema.nullable().optional(),
    levelId: idSchema.optional(),
    validFrom: isoDateSchema.optional(),
  })
  .refine((u) => u.role !== 'rep' || (u.branchIds?.length ?? 0) <= 1, {
    message: 'Ein Vermittler gehört zu höchstens einer Filiale.',
    path: ['branchIds'],
  })
  .refine((u) => u.role === 'rep' || (u.uplineId == null && u.levelId == null), {
    message: 'Führungskraft und Karrierestufe gibt es nur für Vermittler.',
    path: ['uplineId'],
  })
export type UserCreateInput = z.infer<typeof userCreateSchema>

export const userUpdateSchema = z.object({
  name: nameSchema.optional(),
  email: emailSchema.optional(),
  branchIds: z.array(idSchema).max(50).optional(),
})
export type UserUpdateInput = z.infer<typeof userUpdateSchema>

export const moveSchema = z.object({ uplineId: idSchema.nullable(), validFrom: isoDateSchema })
export type MoveInput = z.infer<typeof moveSchema>
export const promoteSchema = z.object({ levelId: idSchema, validFrom: isoDateSchema })
export type PromoteInput = z.infer<typeof promoteSchema>
export const deactivateSchema = z.object({ validFrom: isoDateSchema.optional() })
export type DeactivateInput = z.infer<typeof deactivateSchema>
export const resetPasswordSchema = z.object({ password: passwordSchema })

const periodSchema = z.object({ validFrom: z.string(), validTo: z.string().nullable() })

export const userSchema = z.object({
  id: idSchema,
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  active: z.boolean(),
  deactivatedFrom: z.string().nullable(),
  branchIds: z.array(idSchema),
  /** Upline and level valid today (reps only). */
  uplineId: idSchema.nullable(),
  levelId: idSchema.nullable(),
})
export type User = z.infer<typeof userSchema>

export const userDetailSchema = userSchema.extend({
  placements: z.array(periodSchema.extend({ uplineId: idSchema.nullable() })),
  levels: z.array(periodSchema.extend({ levelId: idSchema })),
})
export type UserDetail = z.infer<typeof userDetailSchema>

export const settingsSchema = z.object({
  downlineReadAccess: z.boolean(),
  reservePermille: z.number().int().min(0).max(1000),
  minPayoutCents: z.number().int().min(0),
  /** Listed once each, in the catalogue's order, so comparing two settings is comparing arrays. */
  requiredConsents: z
    .array(z.enum(CONSENT_TYPES))
    .max(CONSENT_TYPES.length)
    .transform((list) => CONSENT_TYPES.filter((t) => list.includes(t))),
})
export const settingsPatchSchema = settingsSchema.partial()

export const auditEntrySchema = z.object({
  id: idSchema,
  at: z.string(),
  actorId: idSchema.nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
})
export type AuditEntry = z.infer<typeof auditEntrySchema>

export const dateQuerySchema = z.object({ date: isoDateSchema.optional() })
export const structureNodeSchema = z.object({
  id: idSchema,
  name: z.string(),
  uplineId: idSchema.nullable(),
  levelId: idSchema.nullable(),
  branchIds: z.array(idSchema),
})
export type StructureNode = z.infer<typeof structureNodeSchema>
