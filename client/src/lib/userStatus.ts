import type { User } from '@shared/schemas'
import { formatDate } from '@shared/format'

export interface UserStatus {
  label: string
  tone: 'neutral' | 'brand' | 'danger' | 'warning'
  /** Deactivated today or earlier. */
  inactive: boolean
}

/** Status text of a user on `today` (a deactivation can be scheduled for a later date). */
export function userStatus(user: Pick<User, 'active' | 'deactivatedFrom'>, today: string): UserStatus {
  if (user.deactivatedFrom && user.deactivatedFrom > today && user.active) {
    return { label: `Deaktivierung zum ${formatDate(user.deactivatedFrom)}`, tone: 'warning', inactive: false }
  }
  if (!user.active || (user.deactivatedFrom && user.deactivatedFrom <= today)) {
    return {
      label: user.deactivatedFrom ? `Deaktiviert seit ${formatDate(user.deactivatedFrom)}` : 'Deaktiviert',
      tone: 'danger',
      inactive: true,
    }
  }
  return { label: 'Aktiv', tone: 'neutral', inactive: false }
}
