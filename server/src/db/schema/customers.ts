import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { users } from './org'

export const customers = sqliteTable(
  'customers',
  {
    id: text('id').primaryKey(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    birthDate: text('birth_date'),
    phone: text('phone'),
    email: text('email'),
    street: text('street'),
    zip: text('zip'),
    city: text('city'),
    ownerRepId: text('owner_rep_id').notNull().references(() => users.id),
    branchId: text('branch_id'),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    /** Delete wins over edits; the content stays server-side. */
    deletedAt: text('deleted_at'),
    rev: integer('rev').notNull(),
  },
  (t) => [index('customers_owner_idx').on(t.ownerRepId, t.id), index('customers_rev_idx').on(t.rev), index('customers_name_idx').on(t.lastName, t.firstName)],
)

/** Every field change with old and new value; `overwritten` marks the losing value of a concurrent edit. */
export const customerFieldHistory = sqliteTable(
  'customer_field_history',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull().references(() => customers.id),
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
