import { DEFAULT_SETTINGS, type OrgSettings } from '../../../../shared/constants'
import { settings } from '../../db/schema'
import { inTx, type DbOrTx, type Tx } from '../../lib/tx'
import type { Db } from '../../db/client'
import { writeAudit } from '../audit/audit.service'
import type { Actor } from '../scope/scope.service'
import type { Clock } from '../../lib/clock'

export function getSettings(db: DbOrTx): OrgSettings {
  const rows = db.select().from(settings).all()
  const out: OrgSettings = { ...DEFAULT_SETTINGS, requiredConsents: [...DEFAULT_SETTINGS.requiredConsents] }
  for (const r of rows) {
    // A stored value of the wrong shape (hand-edited database) falls back to the default.
    if (r.key in out && sameShape(r.value, DEFAULT_SETTINGS[r.key as keyof OrgSettings])) (out as unknown as Record<string, unknown>)[r.key] = r.value
  }
  return out
}

const sameShape = (value: unknown, fallback: unknown) => (Array.isArray(fallback) ? Array.isArray(value) : typeof value === typeof fallback)

export function updateSettings(db: Db, actor: Actor, clock: Clock, patch: Partial<OrgSettings>): OrgSettings {
  return inTx(db, (tx) => updateSettingsIn(tx, actor, clock, patch))
}

function updateSettingsIn(db: Tx, actor: Actor, clock: Clock, patch: Partial<OrgSettings>): OrgSettings {
  const before = getSettings(db)
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue
    db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run()
  }
  const after = getSettings(db)
  writeAudit(db, clock, actor.id, 'settings.update', 'settings', 'organisation', before, after)
  return after
}
