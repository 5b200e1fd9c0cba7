import { useAuditStore } from './audit'
import { useOrgStore } from './org'
import { useSettingsStore } from './settings'
import { useStructureStore } from './structure'
import { useUsersStore } from './users'

/** Forget everything loaded for the previous user (shared devices in a branch). */
export function resetUserData(): void {
  useOrgStore().reset()
  useUsersStore().reset()
  useStructureStore().reset()
  useSettingsStore().reset()
  useAuditStore().reset()
}
