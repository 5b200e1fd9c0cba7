import { DEFAULT_SETTINGS, type OrgSettings } from '../../../../shared/constants'
import { settings } from '../../db/schema'
import { inTx, type DbOrTx, type Tx } from '../../lib/tx'
import type { Db } from '../../db/client'
import { writeAudit } from '../audit/audit.service'
import type { Actor } from '../scope/scope.service'
import type { Clock } from '../../lib/clock'

export function getSettings(db: DbOrTx): OrgSettings {
  const rows = db.select().from(settings).all()
  const out: OrgSettings = { ...DEFAULT_SETTINGS }
  for (const r of rows) {
    if (r.key in out) (out as Record<string, unknown>)[r.key] = r.value
  }
  return out
}

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
