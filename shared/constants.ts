import type { ConsentType } from './schemas/consents'

/** Roles of a user. The tuple feeds both the zod enum and the database enum column. */
export const ROLES = ['admin', 'backoffice', 'rep'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  backoffice: 'Innendienst',
  rep: 'Vermittler',
}

/** Organisation settings (domain.md); every signed-in user may read them (GET /api/settings), only admins change them. */
export interface OrgSettings {
  /** A rep may read the records of the whole downline. */
  downlineReadAccess: boolean
  /** Share of each commission credit held in the reserve, per mille. */
  reservePermille: number
  /** Minimum payout of a statement, in cents. */
  minPayoutCents: number
  /** Consents the customer page warns about when missing or withdrawn. */
  requiredConsents: ConsentType[]
}

export const DEFAULT_SETTINGS: Readonly<OrgSettings> = {
  downlineReadAccess: true,
  reservePermille: 100,
  minPayoutCents: 5000,
  requiredConsents: ['privacy'],
}
