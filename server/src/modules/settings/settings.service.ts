import { eq } from 'drizzle-orm'
import { DEFAULT_SETTINGS, type OrgSettings } from '../../../../shared/constants'
import { settings } from '../../db/schema'
import type { DbOrTx } from '../../lib/tx'
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

export function updateSettings(db: DbOrTx, actor: Actor, clock: Clock, patch: Partial<OrgSettings>): OrgSettings {
  const before = getSettings(db)
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue
    db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run()
  }
  const after = getSettings(db)
  writeAudit(db, clock, actor.id, 'settings.update', 'settings', 'organisation', before, after)
  return after
}

export function deleteSetting(db: DbOrTx, key: keyof OrgSettings): void {
  db.delete(settings).where(eq(settings.key, key)).run()
}
