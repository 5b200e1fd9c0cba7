import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { ROLES } from '../../../../shared/constants'

export const branches = sqliteTable('branches', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  createdAt: text('created_at').notNull(),
})

export const careerLevels = sqliteTable('career_levels', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  rank: integer('rank').notNull().unique(),
  centsPerUnit: integer('cents_per_unit').notNull(),
})

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    passwordHash: text('password_hash').notNull(),
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    /** First calendar day on which the user is inactive; null = active. */
    deactivatedFrom: text('deactivated_from'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_email_uq').on(sql`lower(${t.email})`)],
)

export const userBranches = sqliteTable(
  'user_branches',
  {
    userId: text('user_id').notNull().references(() => users.id),
    branchId: text('branch_id').notNull().references(() => branches.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.branchId] }), index('user_branches_branch_idx').on(t.branchId)],
)

/** Effective-dated upline of a rep: [valid_from, valid_to), valid_to null = open. */
export const repPlacements = sqliteTable(
  'rep_placements',
  {
    id: text('id').primaryKey(),
    repId: text('rep_id').notNull().references(() => users.id),
    uplineId: text('upline_id').references(() => users.id),
    validFrom: text('valid_from').notNull(),
    validTo: text('valid_to'),
  },
  (t) => [index('rep_placements_rep_idx').on(t.repId, t.validFrom), index('rep_placements_upline_idx').on(t.uplineId)],
)

/** Effective-dated career level of a rep. */
export const repLevels = sqliteTable(
  'rep_levels',
  {
    id: text('id').primaryKey(),
    repId: text('rep_id').notNull().references(() => users.id),
    levelId: text('level_id').notNull().references(() => careerLevels.id),
    validFrom: text('valid_from').notNull(),
    validTo: text('valid_to'),
  },
  (t) => [index('rep_levels_rep_idx').on(t.repId, t.validFrom)],
)

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
})
