import { formatDate } from '@shared/format'
import { ROLE_LABELS, type Role } from '@shared/constants'
import { UUID_RE } from '@shared/ids'

/** German labels for audit actions; the verb is the last segment ("user.move" → "move"). */
const ACTION_LABELS: Record<string, string> = {
  create: 'Angelegt',
  update: 'Geändert',
  rename: 'Umbenannt',
  move: 'Umgehängt',
  promote: 'Befördert',
  deactivate: 'Deaktiviert',
  reactivate: 'Reaktiviert',
  password_reset: 'Passwort zurückgesetzt',
  reset_password: 'Passwort zurückgesetzt',
  password: 'Passwort geändert',
  password_change: 'Passwort geändert',
  change_password: 'Passwort geändert',
  login: 'Angemeldet',
  logout: 'Abgemeldet',
}

export function actionLabel(action: string): string {
  const verb = action.split(/[.:/]/).pop() ?? action
  return ACTION_LABELS[verb] ?? ACTION_LABELS[verb.replace(/-/g, '_')] ?? action
}

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  email: 'E-Mail',
  role: 'Rolle',
  branchIds: 'Filialen',
  uplineId: 'Führungskraft',
  levelId: 'Karrierestufe',
  validFrom: 'Gültig ab',
  validTo: 'Gültig bis',
  deactivatedFrom: 'Deaktiviert ab',
  active: 'Aktiv',
  mustChangePassword: 'Passwortwechsel erforderlich',
  rank: 'Rang',
  centsPerUnit: 'Provision je Einheit (Cent)',
  downlineReadAccess: 'Führungskräfte sehen ihre Struktur',
  reservePermille: 'Stornoreserve (‰)',
  minPayoutCents: 'Mindestauszahlung (Cent)',
  bootstrap: 'Bei der Ersteinrichtung angelegt',
}

export interface Change {
  field: string
  /** null: the value was set, there was no earlier value to show. */
  before: string | null
  after: string
}

export type NameOf = (id: string) => string | undefined

function show(value: unknown, key: string, nameOf: NameOf): string {
  if (value === null || value === undefined) return '–'
  if (typeof value === 'boolean') return value ? 'ja' : 'nein'
  if (Array.isArray(value)) return value.length ? value.map((v) => show(v, key, nameOf)).join(', ') : '–'
  if (typeof value === 'string') {
    if (key === 'role' && value in ROLE_LABELS) return ROLE_LABELS[value as Role]
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value)
    if (UUID_RE.test(value)) return nameOf(value) ?? value.slice(0, 8)
    return value
  }
  if (typeof value === 'number') return value.toLocaleString('de-DE')
  return JSON.stringify(value)
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

/** History snapshots (e.g. all placements before a move) are context, not a field change. */
function isSnapshotList(value: unknown): boolean {
  return Array.isArray(value) && value.some((v) => v !== null && typeof v === 'object')
}

/** Field-by-field differences between the before and after snapshots of an audit entry. */
export function auditChanges(before: unknown, after: unknown, nameOf: NameOf): Change[] {
  const b = asRecord(before)
  const a = asRecord(after)
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (k) => k !== 'id' && !/password|hash/i.test(k) && !isSnapshotList(b[k]) && !isSnapshotList(a[k]),
  )
  return keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => ({
      field: FIELD_LABELS[k] ?? k,
      before: k in b ? show(b[k], k, nameOf) : null,
      after: show(a[k], k, nameOf),
    }))
}
