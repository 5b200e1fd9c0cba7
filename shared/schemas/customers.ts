import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools'
import { z } from 'zod'
import { idSchema, isoDateSchema } from './common'

/**
 * The customer master data (domain.md "Kundenstamm"). Every tuple feeds the zod enum, the
 * database column and the German labels in `shared/labels.ts`.
 */
export const CUSTOMER_KINDS = ['person', 'company'] as const
export type CustomerKind = (typeof CUSTOMER_KINDS)[number]
export const CUSTOMER_STATUSES = ['prospect', 'customer', 'former'] as const
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number]
export const SALUTATIONS = ['mr', 'ms', 'diverse', 'none'] as const
export type Salutation = (typeof SALUTATIONS)[number]
export const MARITAL_STATUSES = ['single', 'married', 'civil_partnership', 'separated', 'divorced', 'widowed'] as const
export type MaritalStatus = (typeof MARITAL_STATUSES)[number]
export const ADDRESS_TYPES = ['home', 'postal', 'work', 'other'] as const
export type AddressType = (typeof ADDRESS_TYPES)[number]
export const PHONE_TYPES = ['mobile', 'home', 'work', 'fax', 'other'] as const
export type PhoneType = (typeof PHONE_TYPES)[number]
export const EMAIL_TYPES = ['private', 'work', 'other'] as const
export type EmailType = (typeof EMAIL_TYPES)[number]

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional()

export const emailAddressSchema = z
  .string()
  .trim()
  .toLowerCase()
  .email({ message: 'Bitte eine gültige E-Mail-Adresse angeben.' })
  .max(254)

/** German and international numbers: digits with the usual separators, at least 5 digits. */
export const phoneNumberSchema = z
  .string()
  .trim()
  .max(40, { message: 'Die Telefonnummer ist zu lang.' })
  .regex(/^\+?[\d\s/().-]+$/, { message: 'Bitte eine Telefonnummer aus Ziffern angeben (z. B. 0171 2345678).' })
  .refine((v) => v.replace(/\D/g, '').length >= 5, { message: 'Die Telefonnummer ist zu kurz.' })

/** IBAN in electronic format (no spaces, upper case), checked with ibantools (country length and checksum). */
export const ibanSchema = z
  .string()
  .transform((v) => electronicFormatIBAN(v) ?? '')
  .refine((v) => isValidIBAN(v), { message: 'Die IBAN ist ungültig (Länge oder Prüfziffer stimmt nicht).' })

export const bicSchema = z
  .string()
  .trim()
  .toUpperCase()
  .transform((v) => v.replace(/\s+/g, ''))
  .refine((v) => isValidBIC(v), { message: 'Die BIC ist ungültig (8 oder 11 Zeichen, z. B. COBADEFFXXX).' })

/** An address may be incomplete (a prospect's town only), but not empty. */
export const addressSchema = z
  .object({
    type: z.enum(ADDRESS_TYPES),
    street: z.string().trim().max(200).default(''),
    zip: z.string().trim().max(10).default(''),
    city: z.string().trim().max(100).default(''),
    /** ISO 3166-1 alpha-2. */
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, { message: 'Bitte das Land als Länderkürzel angeben (z. B. DE).' })
      .default('DE'),
  })
  .refine((a) => a.street || a.zip || a.city, { message: 'Bitte Straße, PLZ oder Ort angeben.', path: ['street'] })
  .refine((a) => a.country !== 'DE' || !a.zip || /^\d{5}$/.test(a.zip), { message: 'Bitte eine fünfstellige Postleitzahl angeben.', path: ['zip'] })
export type Address = z.output<typeof addressSchema>

export const phoneSchema = z.object({ type: z.enum(PHONE_TYPES), number: phoneNumberSchema })
export type Phone = z.output<typeof phoneSchema>

export const emailEntrySchema = z.object({ type: z.enum(EMAIL_TYPES), address: emailAddressSchema })
export type EmailEntry = z.output<typeof emailEntrySchema>

export const bankAccountSchema = z.object({
  iban: ibanSchema,
  bic: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), bicSchema.nullable().optional()).transform((v) => v ?? null),
  holder: optionalText(140).transform((v) => v || null),
  /** E.g. "Lastschrift Beiträge", "Provisionskonto". */
  label: optionalText(80).transform((v) => v || null),
})
export type BankAccount = z.output<typeof bankAccountSchema>

export const tagSchema = z.string().trim().min(1).max(40)

/** Fields the form and `updateCustomer` may change; each has its own rule below. */
export const CUSTOMER_EDITABLE_FIELDS = [
  'kind',
  'status',
  'salutation',
  'title',
  'firstName',
  'lastName',
  'birthName',
  'birthDate',
  'nationality',
  'maritalStatus',
  'occupation',
  'employer',
  'addresses',
  'phones',
  'emails',
  'bankAccounts',
  'tags',
  'remarks',
] as const
export type CustomerEditableField = (typeof CUSTOMER_EDITABLE_FIELDS)[number]

export const customerFieldSchemas = {
  kind: z.enum(CUSTOMER_KINDS),
  status: z.enum(CUSTOMER_STATUSES),
  salutation: z.enum(SALUTATIONS).nullable().optional(),
  title: optionalText(40),
  /** Empty for a company customer. */
  firstName: z.string().trim().max(100),
  /** The company name for a company customer. */
  lastName: z.string().trim().min(1, { message: 'Bitte den Nachnamen angeben.' }).max(150),
  birthName: optionalText(100),
  birthDate: isoDateSchema.nullable().optional(),
  nationality: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, { message: 'Bitte die Staatsangehörigkeit als Länderkürzel angeben (z. B. DE).' })
    .nullable()
    .optional(),
  maritalStatus: z.enum(MARITAL_STATUSES).nullable().optional(),
  occupation: optionalText(100),
  employer: optionalText(150),
  addresses: z.array(addressSchema).max(10, { message: 'Höchstens 10 Anschriften.' }),
  phones: z.array(phoneSchema).max(10, { message: 'Höchstens 10 Telefonnummern.' }),
  emails: z.array(emailEntrySchema).max(10, { message: 'Höchstens 10 E-Mail-Adressen.' }),
  bankAccounts: z.array(bankAccountSchema).max(10, { message: 'Höchstens 10 Bankverbindungen.' }),
  tags: z.array(tagSchema).max(20, { message: 'Höchstens 20 Schlagworte.' }).transform((t) => [...new Set(t)]),
  remarks: optionalText(5000),
} satisfies Record<CustomerEditableField, z.ZodType>

/** The master data as one object; a person needs a first name, a company does not. */
export const customerValuesSchema = z
  .object({
    ...customerFieldSchemas,
    kind: customerFieldSchemas.kind.default('person'),
    status: customerFieldSchemas.status.default('prospect'),
    addresses: customerFieldSchemas.addresses.default([]),
    phones: customerFieldSchemas.phones.default([]),
    emails: customerFieldSchemas.emails.default([]),
    bankAccounts: customerFieldSchemas.bankAccounts.default([]),
    tags: customerFieldSchemas.tags.default([]),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'person' && !v.firstName) ctx.addIssue({ code: 'custom', path: ['firstName'], message: 'Bitte den Vornamen angeben.' })
    if (v.kind === 'person' && v.birthDate && v.birthDate > new Date().toISOString().slice(0, 10)) {
      ctx.addIssue({ code: 'custom', path: ['birthDate'], message: 'Das Geburtsdatum liegt in der Zukunft.' })
    }
  })
export type CustomerValues = z.output<typeof customerValuesSchema>
export type CustomerValuesInput = z.input<typeof customerValuesSchema>

/** args of mutation `createCustomer` v2. `ownerRepId` defaults to the acting rep. */
export const createCustomerArgsSchema = z.intersection(z.object({ id: idSchema, ownerRepId: idSchema.optional() }), customerValuesSchema)
export type CreateCustomerArgs = z.output<typeof createCustomerArgsSchema>

/** args of mutation `updateCustomer` v2: only changed fields, each with the value it was edited from. */
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

/** args of mutation `mergeCustomers` v1 (back office, admin): `mergedId` goes into `survivorId`. */
export const mergeCustomersArgsSchema = z
  .object({ survivorId: idSchema, mergedId: idSchema })
  .refine((a) => a.survivorId !== a.mergedId, { message: 'Ein Kunde kann nicht mit sich selbst zusammengeführt werden.' })
export type MergeCustomersArgs = z.infer<typeof mergeCustomersArgsSchema>

/** A customer row as pull sends it and the device stores it. */
export interface CustomerRow {
  id: string
  /** Readable number, unique per organisation (`K-004711`); null until the server has the customer. */
  customerNo: string | null
  kind: CustomerKind
  status: CustomerStatus
  salutation: Salutation | null
  title: string | null
  firstName: string
  lastName: string
  birthName: string | null
  birthDate: string | null
  nationality: string | null
  maritalStatus: MaritalStatus | null
  occupation: string | null
  employer: string | null
  addresses: Address[]
  phones: Phone[]
  emails: EmailEntry[]
  bankAccounts: BankAccount[]
  tags: string[]
  remarks: string | null
  ownerRepId: string
  branchId: string | null
  /** GDPR Art. 18: processing restricted; the file is read-only. */
  restrictedAt: string | null
  /** GDPR Art. 17 as far as retention allows: personal data removed, number and ledger kept. */
  pseudonymisedAt: string | null
  createdAt: string
  updatedAt: string
}

export const customerRowSchema = z.object({
  id: idSchema,
  customerNo: z.string().nullable(),
  kind: z.enum(CUSTOMER_KINDS),
  status: z.enum(CUSTOMER_STATUSES),
  salutation: z.enum(SALUTATIONS).nullable(),
  title: z.string().nullable(),
  firstName: z.string(),
  lastName: z.string(),
  birthName: z.string().nullable(),
  birthDate: z.string().nullable(),
  nationality: z.string().nullable(),
  maritalStatus: z.enum(MARITAL_STATUSES).nullable(),
  occupation: z.string().nullable(),
  employer: z.string().nullable(),
  addresses: z.array(z.object({ type: z.enum(ADDRESS_TYPES), street: z.string(), zip: z.string(), city: z.string(), country: z.string() })),
  phones: z.array(z.object({ type: z.enum(PHONE_TYPES), number: z.string() })),
  emails: z.array(z.object({ type: z.enum(EMAIL_TYPES), address: z.string() })),
  bankAccounts: z.array(z.object({ iban: z.string(), bic: z.string().nullable(), holder: z.string().nullable(), label: z.string().nullable() })),
  tags: z.array(z.string()),
  remarks: z.string().nullable(),
  ownerRepId: idSchema,
  branchId: z.string().nullable(),
  restrictedAt: z.string().nullable(),
  pseudonymisedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<CustomerRow>

/** A new customer's row from validated values (server and device build it the same way). */
export function newCustomerRow(
  id: string,
  values: CustomerValues,
  meta: { ownerRepId: string; branchId: string | null; customerNo: string | null; at: string },
): CustomerRow {
  return {
    id,
    customerNo: meta.customerNo,
    kind: values.kind,
    status: values.status,
    salutation: values.salutation ?? null,
    title: values.title || null,
    firstName: values.kind === 'company' ? '' : values.firstName,
    lastName: values.lastName,
    birthName: values.birthName || null,
    birthDate: values.birthDate ?? null,
    nationality: values.nationality ?? null,
    maritalStatus: values.maritalStatus ?? null,
    occupation: values.occupation || null,
    employer: values.employer || null,
    addresses: values.addresses,
    phones: values.phones,
    emails: values.emails,
    bankAccounts: values.bankAccounts,
    tags: values.tags,
    remarks: values.remarks || null,
    ownerRepId: meta.ownerRepId,
    branchId: meta.branchId,
    restrictedAt: null,
    pseudonymisedAt: null,
    createdAt: meta.at,
    updatedAt: meta.at,
  }
}

/** "" and undefined are "no value"; arrays stay arrays. */
export const normaliseValue = (v: unknown): unknown => (v === undefined || v === '' ? null : v)

/**
 * One field's new value, checked with the field's rule. Empty optional fields become null; the
 * result is what the server stores and the device shows.
 */
export function parseCustomerField(field: CustomerEditableField, to: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const schema = customerFieldSchemas[field] as z.ZodType
  const input = normaliseValue(to)
  const parsed = schema.safeParse(input ?? undefined)
  if (parsed.success) return { ok: true, value: normaliseValue(parsed.data) ?? null }
  // A text field that must be present but may be empty (a company's first name) takes ''; a
  // required one left empty reports its own "Bitte … angeben." instead of zod's "required".
  const retry = input === null ? schema.safeParse('') : parsed
  if (retry.success) return { ok: true, value: retry.data }
  const issue = retry.error.issues[0]
  const where = issue && issue.path.length ? issue.path.join('.') : ''
  return { ok: false, message: `${where ? `${where}: ` : ''}${issue?.message ?? 'Ungültiger Wert.'}` }
}

/** Stored values compare by content (arrays and objects as JSON). */
export const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(normaliseValue(a) ?? null) === JSON.stringify(normaliseValue(b) ?? null)

// ------------------------------------------------------------------ version 1 of the mutations

/**
 * Version 1 had one phone, one e-mail and one address as plain fields. Outboxes may still hold
 * such mutations (sync.md: old handlers stay); they map onto the first entry of each list, on the
 * server and on the device alike.
 */
export const CUSTOMER_V1_FIELDS = ['firstName', 'lastName', 'birthDate', 'phone', 'email', 'street', 'zip', 'city'] as const
export type CustomerV1Field = (typeof CUSTOMER_V1_FIELDS)[number]
export const customerV1FieldSchemas = {
  firstName: z.string().trim().min(1, { message: 'Bitte den Vornamen angeben.' }).max(100),
  lastName: z.string().trim().min(1, { message: 'Bitte den Nachnamen angeben.' }).max(100),
  birthDate: isoDateSchema.nullable().optional(),
  phone: optionalText(40),
  email: emailAddressSchema.nullable().optional(),
  street: optionalText(200),
  zip: z.string().trim().regex(/^\d{5}$/, { message: 'Bitte eine fünfstellige Postleitzahl angeben.' }).nullable().optional(),
  city: optionalText(100),
} satisfies Record<CustomerV1Field, z.ZodType>

export const createCustomerV1ArgsSchema = z.object({ id: idSchema, ...customerV1FieldSchemas, ownerRepId: idSchema.optional() })
export type CreateCustomerV1Args = z.infer<typeof createCustomerV1ArgsSchema>
export const updateCustomerV1ArgsSchema = z.object({
  id: idSchema,
  changes: z
    .partialRecord(z.enum(CUSTOMER_V1_FIELDS), z.object({ from: z.unknown(), to: z.unknown() }))
    .refine((c) => Object.keys(c).length > 0, { message: 'Keine Änderungen.' }),
})
export type UpdateCustomerV1Args = z.infer<typeof updateCustomerV1ArgsSchema>

type V1View = Record<CustomerV1Field, string | null>

/** The version-1 fields of a row: the first phone, e-mail and address. */
export function v1View(row: Pick<CustomerRow, 'firstName' | 'lastName' | 'birthDate' | 'phones' | 'emails' | 'addresses'>): V1View {
  const a = row.addresses[0]
  return {
    firstName: row.firstName,
    lastName: row.lastName,
    birthDate: row.birthDate,
    phone: row.phones[0]?.number ?? null,
    email: row.emails[0]?.address ?? null,
    street: a?.street || null,
    zip: a?.zip || null,
    city: a?.city || null,
  }
}

/** Applies version-1 field values to a row's lists; returns the changed version-2 fields. */
export function applyV1Values(
  row: Pick<CustomerRow, 'phones' | 'emails' | 'addresses'>,
  values: Partial<V1View>,
): Partial<Pick<CustomerRow, 'firstName' | 'lastName' | 'birthDate' | 'phones' | 'emails' | 'addresses'>> {
  const out: Partial<Pick<CustomerRow, 'firstName' | 'lastName' | 'birthDate' | 'phones' | 'emails' | 'addresses'>> = {}
  if ('firstName' in values) out.firstName = values.firstName ?? ''
  if ('lastName' in values) out.lastName = values.lastName ?? ''
  if ('birthDate' in values) out.birthDate = values.birthDate ?? null
  if ('phone' in values) {
    const rest = row.phones.slice(1)
    out.phones = values.phone ? [{ type: row.phones[0]?.type ?? 'mobile', number: values.phone }, ...rest] : rest
  }
  if ('email' in values) {
    const rest = row.emails.slice(1)
    out.emails = values.email ? [{ type: row.emails[0]?.type ?? 'private', address: values.email }, ...rest] : rest
  }
  if ('street' in values || 'zip' in values || 'city' in values) {
    const first = row.addresses[0]
    const next = {
      type: first?.type ?? ('home' as const),
      street: ('street' in values ? values.street : first?.street) ?? '',
      zip: ('zip' in values ? values.zip : first?.zip) ?? '',
      city: ('city' in values ? values.city : first?.city) ?? '',
      country: first?.country ?? 'DE',
    }
    const rest = row.addresses.slice(1)
    out.addresses = next.street || next.zip || next.city ? [next, ...rest] : rest
  }
  return out
}

// ------------------------------------------------------------------ reads

export const customerListQuerySchema = z.object({
  q: z.string().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
})
export const customerListItemSchema = customerRowSchema.extend({ ownerName: z.string() })
export const customerListSchema = z.object({
  items: z.array(customerListItemSchema),
  total: z.number().int(),
  /** The total was capped: there are more than `total` matches. */
  totalCapped: z.boolean().optional(),
})
export const fieldHistoryEntrySchema = z.object({
  entity: z.string(),
  entityId: z.string().nullable(),
  field: z.string(),
  oldValue: z.unknown(),
  newValue: z.unknown(),
  overwritten: z.boolean(),
  at: z.string(),
  userName: z.string(),
  clientId: z.string().nullable(),
  mutationId: z.string().nullable(),
})
export type FieldHistoryEntry = z.infer<typeof fieldHistoryEntrySchema>
export type CustomerListItem = z.infer<typeof customerListItemSchema>

/** Duplicate check (create and edit): the candidate's identifying data. */
export const duplicateCheckSchema = z.object({
  /** The customer being edited: never its own duplicate. */
  id: idSchema.optional(),
  kind: z.enum(CUSTOMER_KINDS).default('person'),
  firstName: z.string().max(100).default(''),
  lastName: z.string().max(150).default(''),
  birthDate: z.string().nullable().optional(),
  emails: z.array(z.string().max(254)).max(10).default([]),
  phones: z.array(z.string().max(40)).max(10).default([]),
  ibans: z.array(z.string().max(40)).max(10).default([]),
})
export type DuplicateCheck = z.input<typeof duplicateCheckSchema>
export const DUPLICATE_REASONS = ['name_birthdate', 'email', 'phone', 'iban', 'phonetic_name'] as const
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number]
export const duplicateCandidateSchema = z.object({
  id: idSchema,
  customerNo: z.string().nullable(),
  firstName: z.string(),
  lastName: z.string(),
  birthDate: z.string().nullable(),
  city: z.string().nullable(),
  ownerName: z.string(),
  reasons: z.array(z.enum(DUPLICATE_REASONS)),
})
export const duplicateResultSchema = z.object({ items: z.array(duplicateCandidateSchema) })
export type DuplicateCandidate = z.infer<typeof duplicateCandidateSchema>

/** One customer for back office and online reads: the row, the rep's name and the field history. */
export const customerDetailSchema = customerListItemSchema.extend({ history: z.array(fieldHistoryEntrySchema) })
export type CustomerDetail = z.infer<typeof customerDetailSchema>
