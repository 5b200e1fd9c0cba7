/** Roles of a user. The tuple feeds both the zod enum and the database enum column. */
export const ROLES = ['admin', 'backoffice', 'rep'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  backoffice: 'Innendienst',
  rep: 'Vermittler',
}

/** Organisation settings with their defaults (domain.md). */
export const DEFAULT_SETTINGS = {
  /** A rep may read the records of the whole downline. */
  downlineReadAccess: true,
  /** Share of each commission credit held in the reserve, per mille. */
  reservePermille: 100,
  /** Minimum payout of a statement, in cents. */
  minPayoutCents: 5000,
} as const
export type OrgSettings = { -readonly [K in keyof typeof DEFAULT_SETTINGS]: (typeof DEFAULT_SETTINGS)[K] extends boolean ? boolean : number }
