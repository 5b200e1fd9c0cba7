import type { Db } from '../db/client'
import type { Clock } from '../lib/clock'
import { nowIso, today } from '../lib/clock'
import { hashPassword } from '../lib/password'
import { addMonths } from '../../../shared/dates'
import { generateCustomers, generateOrganisation, type GeneratedOrg } from './demo.service'
export { hasOrganisation as hasDemoData } from './demo.service'

export const DEMO_PASSWORD = 'Feldakte-Demo-2026'
export const DEMO_BRANCHES = ['Filiale München', 'Filiale Hamburg', 'Filiale Köln']
export const DEMO_LEVELS = [
  { name: 'Junior-Berater', rank: 1, centsPerUnit: 1500 },
  { name: 'Berater', rank: 2, centsPerUnit: 2000 },
  { name: 'Senior-Berater', rank: 3, centsPerUnit: 2800 },
  { name: 'Geschäftsstellenleiter', rank: 4, centsPerUnit: 3600 },
  { name: 'Direktionsleiter', rank: 5, centsPerUnit: 4400 },
]

/**
 * The demo organisation: 3 branches, 60 reps over 5 levels, 2 back-office users per branch, about
 * 1,800 customers with households, consents, notes and follow-ups around today.
 */
export async function seedDemo(db: Db, clock: Clock, passwordLogN: number): Promise<GeneratedOrg> {
  const passwordHash = await hashPassword(DEMO_PASSWORD, passwordLogN)
  const org = generateOrganisation(db, {
    branchNames: DEMO_BRANCHES,
    levels: DEMO_LEVELS,
    repsPerBranch: 20,
    depth: 5,
    passwordHash,
    validFrom: addMonths(today(clock), -24),
    seed: 2026,
    emailDomain: 'demo.feldakte.de',
    backofficePerBranch: 2,
    now: nowIso(clock),
  })
  // Leaders keep a smaller own book; reps at the bottom of the structure carry the most customers.
  generateCustomers(db, org.repIds, (repId) => 6 + (org.depthOf.get(repId) ?? 1) * 6, 2026, nowIso(clock), { today: today(clock) })
  return org
}
