import { z } from 'zod'
import { idSchema, isoDateSchema } from './common'

/** Basic customer fields synced to devices (the full customer file follows in its own issue). */
export const CUSTOMER_EDITABLE_FIELDS = ['firstName', 'lastName', 'birthDate', 'phone', 'email', 'street', 'zip', 'city'] as const
export type CustomerEditableField = (typeof CUSTOMER_EDITABLE_FIELDS)[number]

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional()

export const customerFieldSchemas = {
  firstName: z.string().trim().min(1, { message: 'Bitte den Vornamen angeben.' }).max(100),
  lastName: z.string().trim().min(1, { message: 'Bitte den Nachnamen angeben.' }).max(100),
  birthDate: isoDateSchema.nullable().optional(),
  phone: optionalText(40),
  email: z.string().trim().toLowerCase().email({ message: 'Bitte eine gültige E-Mail-Adresse angeben.' }).max(254).nullable().optional(),
  street: optionalText(200),
  zip: z.string().trim().regex(/^\d{5}$/, { message: 'Bitte eine fünfstellige Postleitzahl angeben.' }).nullable().optional(),
  city: optionalText(100),
} satisfies Record<CustomerEditableField, z.ZodType>

/** args of mutation `createCustomer` v1. `ownerRepId` defaults to the acting rep. */
export const createCustomerArgsSchema = z.object({
  id: idSchema,
  ...customerFieldSchemas,
  ownerRepId: idSchema.optional(),
})
export type CreateCustomerArgs = z.infer<typeof createCustomerArgsSchema>

/** args of mutation `updateCustomer` v1: only changed fields, each with the value it was edited from. */
export const updateCustomerArgsSchema = z.object({
  id: idSchema,
  changes: z
    .partialRecord(z.enum(CUSTOMER_EDITABLE_FIELDS), z.object({ from: z.unknown(), to: z.unknown() }))
    .refine((c) => Object.keys(c).length > 0, { message: 'Keine Änderungen.' }),
})
export type UpdateCustomerArgs = z.infer<typeof updateCustomerArgsSchema>

/** args of mutation `reassignCustomer` v1 (back office, admin). */
export const reassignCustomerArgsSchema = z.object({ id: idSchema, ownerRepId: idSchema })
export type ReassignCustomerArgs = z.infer<typeof reassignCustomerArgsSchema>

/** A customer row as pull sends it and the device stores it. */
export interface CustomerRow {
  id: string
  firstName: string
  lastName: string
  birthDate: string | null
  phone: string | null
  email: string | null
  street: string | null
  zip: string | null
  city: string | null
  ownerRepId: string
  branchId: string | null
  createdAt: string
  updatedAt: string
}

export const customerRowSchema = z.object({
  id: idSchema,
  firstName: z.string(),
  lastName: z.string(),
  birthDate: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  street: z.string().nullable(),
  zip: z.string().nullable(),
  city: z.string().nullable(),
  ownerRepId: idSchema,
  branchId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})

export const customerListQuerySchema = z.object({
  q: z.string().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
})
export const customerListItemSchema = customerRowSchema.extend({ ownerName: z.string() })
export const customerListSchema = z.object({ items: z.array(customerListItemSchema), total: z.number().int() })
export const customerDetailSchema = customerListItemSchema.extend({
  history: z.array(
    z.object({ field: z.string(), oldValue: z.unknown(), newValue: z.unknown(), overwritten: z.boolean(), at: z.string(), userName: z.string() }),
  ),
})
export type CustomerDetail = z.infer<typeof customerDetailSchema>
export type CustomerListItem = z.infer<typeof customerListItemSchema>
