import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { CONSENT_TYPES } from '../../../../shared/schemas/consents'
import {
  CUSTOMER_KINDS,
  CUSTOMER_STATUSES,
  MARITAL_STATUSES,
  SALUTATIONS,
  type Address,
  type BankAccount,
  type EmailEntry,
  type Phone,
} from '../../../../shared/schemas/customers'
import type { RelatedPerson } from '../../../../shared/schemas/household'
import { CALL_DIRECTIONS, NOTE_KINDS } from '../../../../shared/schemas/notes'
import { users } from './org'

/**
 * Synced tables (customers, customer_relations, consents, notes) share `owner_rep_id` (the
 * customer's rep, copied onto child rows so pull can select by extent), `rev` and `deleted_at`.
 */
export const customers = sqliteTable(
  'customers',
  {
    id: text('id').primaryKey(),
    customerNo: text('customer_no'),
    kind: text('kind', { enum: CUSTOMER_KINDS }).notNull().default('person'),
    status: text('status', { enum: CUSTOMER_STATUSES }).notNull().default('prospect'),
    salutation: text('salutation', { enum: SALUTATIONS }),
    title: text('title'),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    birthName: text('birth_name'),
    birthDate: text('birth_date'),
    nationality: text('nationality'),
    maritalStatus: text('marital_status', { enum: MARITAL_STATUSES }),
    occupation: text('occupation'),
    employer: text('employer'),
    addresses: text('addresses', { mode: 'json' }).$type<Address[]>().notNull().default([]),
    phones: text('phones', { mode: 'json' }).$type<Phone[]>().notNull().default([]),
    emails: text('emails', { mode: 'json' }).$type<EmailEntry[]>().notNull().default([]),
    bankAccounts: text('bank_accounts', { mode: 'json' }).$type<BankAccount[]>().notNull().default([]),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    remarks: text('remarks'),
    ownerRepId: text('owner_rep_id').notNull().references(() => users.id),
    branchId: text('branch_id'),
    restrictedAt: text('restricted_at'),
    pseudonymisedAt: text('pseudonymised_at'),
    /** Set when back office merged this customer into another; pending device writes follow it there. */
    mergedIntoId: text('merged_into_id'),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    /** Delete wins over edits; the content stays server-side. */
    deletedAt: text('deleted_at'),
    rev: integer('rev').notNull(),
  },
  (t) => [
    index('customers_owner_idx').on(t.ownerRepId, t.id),
    index('customers_rev_idx').on(t.rev),
    index('customers_name_idx').on(t.lastName, t.firstName),
    uniqueIndex('customers_customer_no_idx').on(t.customerNo),
    index('customers_birth_date_idx').on(t.birthDate),
  ],
)

/** Every field change with old and new value; `overwritten` marks the losing value of a concurrent edit. */
export const customerFieldHistory = sqliteTable(
  'customer_field_history',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull().references(() => customers.id),
    /** `customer`, `note`, `relation`, `consent`: what the field belongs to. */
    entity: text('entity').notNull().default('customer'),
    entityId: text('entity_id'),
    field: text('field').notNull(),
    oldValue: text('old_value', { mode: 'json' }),
    newValue: text('new_value', { mode: 'json' }),
    /** The value the editing device saw, when it differed from the server's (a concurrent edit lost). */
    baseValue: text('base_value', { mode: 'json' }),
    overwritten: integer('overwritten', { mode: 'boolean' }).notNull().default(false),
    userId: text('user_id').notNull(),
    clientId: text('client_id'),
    mutationId: text('mutation_id'),
    at: text('at').notNull(),
  },
  (t) => [index('customer_field_history_customer_idx').on(t.customerId, t.at)],
)

/** Exact-match keys for the duplicate check: normalised e-mail, phone digits, IBAN. */
export const customerContactKeys = sqliteTable(
  'customer_contact_keys',
  {
    customerId: text('customer_id').notNull().references(() => customers.id),
    kind: text('kind', { enum: ['email', 'phone', 'iban'] }).notNull(),
    value: text('value').notNull(),
  },
  (t) => [index('customer_contact_keys_value_idx').on(t.kind, t.value), index('customer_contact_keys_customer_idx').on(t.customerId)],
)

/** Named counters taken inside write transactions (customer numbers). */
export const counters = sqliteTable('counters', {
  name: text('name').primaryKey(),
  value: integer('value').notNull(),
})

export const relationTypes = sqliteTable('relation_types', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  reverseCode: text('reverse_code').notNull(),
  household: integer('household', { mode: 'boolean' }).notNull().default(false),
  sort: integer('sort').notNull().default(0),
  rev: integer('rev').notNull().default(0),
})

export const customerRelations = sqliteTable(
  'customer_relations',
  {
    id: text('id').primaryKey(),
    pairId: text('pair_id').notNull(),
    customerId: text('customer_id').notNull().references(() => customers.id),
    type: text('type').notNull(),
    relatedCustomerId: text('related_customer_id').references(() => customers.id),
    person: text('person', { mode: 'json' }).$type<RelatedPerson>(),
    validFrom: text('valid_from'),
    validTo: text('valid_to'),
    ownerRepId: text('owner_rep_id').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    deletedAt: text('deleted_at'),
    rev: integer('rev').notNull(),
  },
  (t) => [
    index('customer_relations_owner_idx').on(t.ownerRepId, t.id),
    index('customer_relations_rev_idx').on(t.rev),
    index('customer_relations_customer_idx').on(t.customerId),
    index('customer_relations_pair_idx').on(t.pairId),
    index('customer_relations_related_idx').on(t.relatedCustomerId),
  ],
)

export const consents = sqliteTable(
  'consents',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull().references(() => customers.id),
    type: text('type', { enum: CONSENT_TYPES }).notNull(),
    givenOn: text('given_on').notNull(),
    withdrawnOn: text('withdrawn_on'),
    note: text('note'),
    documentId: text('document_id'),
    ownerRepId: text('owner_rep_id').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    deletedAt: text('deleted_at'),
    rev: integer('rev').notNull(),
  },
  (t) => [index('consents_owner_idx').on(t.ownerRepId, t.id), index('consents_rev_idx').on(t.rev), index('consents_customer_idx').on(t.customerId)],
)

export const notes = sqliteTable(
  'notes',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull().references(() => customers.id),
    kind: text('kind', { enum: NOTE_KINDS }).notNull(),
    direction: text('direction', { enum: CALL_DIRECTIONS }),
    occurredAt: text('occurred_at').notNull(),
    durationMinutes: integer('duration_minutes'),
    subject: text('subject'),
    text: text('text').notNull(),
    followUpOn: text('follow_up_on'),
    assigneeId: text('assignee_id').references(() => users.id),
    followUpDoneAt: text('follow_up_done_at'),
    authorId: text('author_id').notNull().references(() => users.id),
    ownerRepId: text('owner_rep_id').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    deletedAt: text('deleted_at'),
    rev: integer('rev').notNull(),
  },
  (t) => [
    index('notes_owner_idx').on(t.ownerRepId, t.id),
    index('notes_rev_idx').on(t.rev),
    index('notes_customer_idx').on(t.customerId, t.occurredAt),
    index('notes_follow_up_idx').on(t.followUpOn),
  ],
)

export const IMPORT_STATUSES = ['preview', 'committed', 'discarded'] as const

/** A CSV import between preview and commit: parsed rows with their errors. */
export const customerImports = sqliteTable('customer_imports', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id),
  fileName: text('file_name').notNull(),
  ownerRepId: text('owner_rep_id'),
  status: text('status', { enum: IMPORT_STATUSES }).notNull(),
  rows: text('rows', { mode: 'json' }).notNull(),
  summary: text('summary', { mode: 'json' }).notNull(),
  createdAt: text('created_at').notNull(),
  committedAt: text('committed_at'),
})
