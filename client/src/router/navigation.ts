import type { RouteLocationRaw } from 'vue-router'

export type NavIconName = 'home' | 'customers' | 'followUps' | 'structure' | 'admin' | 'users' | 'branches' | 'levels' | 'settings'

export interface NavItem {
  to: RouteLocationRaw
  label: string
  icon: NavIconName
  /** Route-name prefix that marks the item as current (e.g. all admin pages). */
  match: string
}

export const MAIN_NAV: NavItem[] = [
  { to: { name: 'home' }, label: 'Start', icon: 'home', match: 'home' },
  { to: { name: 'customers' }, label: 'Kunden', icon: 'customers', match: 'customer' },
  { to: { name: 'follow-ups' }, label: 'Wiedervorlagen', icon: 'followUps', match: 'follow-ups' },
  { to: { name: 'structure' }, label: 'Struktur', icon: 'structure', match: 'structure' },
]

/** Only shown to admins; on phones they sit behind one "Verwaltung" item. */
export const ADMIN_NAV: NavItem[] = [
  { to: { name: 'admin-users' }, label: 'Benutzer', icon: 'users', match: 'admin-user' },
  { to: { name: 'admin-branches' }, label: 'Filialen', icon: 'branches', match: 'admin-branches' },
  { to: { name: 'admin-levels' }, label: 'Karrierestufen', icon: 'levels', match: 'admin-levels' },
  { to: { name: 'admin-settings' }, label: 'Einstellungen', icon: 'settings', match: 'admin-settings' },
]

export const ADMIN_ENTRY: NavItem = { to: { name: 'admin-users' }, label: 'Verwaltung', icon: 'admin', match: 'admin-' }

export function isCurrent(item: NavItem, routeName: unknown): boolean {
  return typeof routeName === 'string' && routeName.startsWith(item.match)
}
