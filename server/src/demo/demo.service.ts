import { uuidv7 } from '../../../shared/ids'
import type { Role } from '../../../shared/constants'
import { sql } from 'drizzle-orm'
import { branches, careerLevels } from '../db/schema'
import type { Db } from '../db/client'
import { inTx } from '../lib/tx'
import { invalidateOrg } from '../modules/scope/hierarchy'
import { FIRST_NAMES, LAST_NAMES, pick, seededRandom } from './names'

export { generateCustomers, type CustomerFileOptions } from './demo-customers.service'

export interface GeneratedOrg {
  branchIds: string[]
  levelIds: string[]
  /** Reps top-down: index 0 is a root of the structure. */
  repIds: string[]
  /** Depth of each rep (root = 1). */
  depthOf: Map<string, number>
  users: { id: string; email: string; name: string; role: Role; branchIds: string[] }[]
}

export interface GenerateOptions {
  branchNames: string[]
  levels: { name: string; rank: number; centsPerUnit: number }[]
  /** Reps per branch, spread over `depth` hierarchy levels below one root per branch. */
  repsPerBranch: number
  depth: number
  passwordHash: string
  validFrom: string
  seed: number
  emailDomain: string
  backofficePerBranch: number
  now: string
}

/**
 * Bulk-writes an organisation in one transaction: per branch one structure tree whose depth is
 * exactly `depth`, each rep's level derived from the depth (leaders higher). Used by the demo and
 * by the benchmark (20,000 reps); the demo seeds through this rather than per-user API calls
 * because hashing a password per user would take minutes.
 */
export function generateOrganisation(db: Db, o: GenerateOptions): GeneratedOrg {
  const random = seededRandom(o.seed)
  const out: GeneratedOrg = { branchIds: [], levelIds: [], repIds: [], depthOf: new Map(), users: [] }
  const usedEmails = new Set<string>()
  const email = (first: string, last: string) => {
    const base = `${first}.${last}`
      .toLowerCase()
      .replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss').replace(/ı/g, 'i')
      .normalize('NFD').replace(/[^a-z.-]/g, '')
    let e = `${base}@${o.emailDomain}`
    for (let i = 2; usedEmails.has(e); i++) e = `${base}${i}@${o.emailDomain}`
    usedEmails.add(e)
    return e
  }
  inTx(db, (tx) => {
    const levelsByRank = [...o.levels].sort((a, b) => a.rank - b.rank)
    for (const l of levelsByRank) {
      const id = uuidv7()
      tx.insert(careerLevels).values({ id, ...l }).run()
      out.levelIds.push(id)
    }
    const insertUser = db.$client.prepare(
      'INSERT INTO users (id, email, name, role, password_hash, must_change_password, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
    )
    const insertBranch = db.$client.prepare('INSERT INTO user_branches (user_id, branch_id) VALUES (?, ?)')
    const insertPlacement = db.$client.prepare('INSERT INTO rep_placements (id, rep_id, upline_id, valid_from, valid_to) VALUES (?, ?, ?, ?, NULL)')
    const insertLevel = db.$client.prepare('INSERT INTO rep_levels (id, rep_id, level_id, valid_from, valid_to) VALUES (?, ?, ?, ?, NULL)')
    const addUser = (role: Role, branchIds: string[], name?: string) => {
      const first = pick(random, FIRST_NAMES)
      const last = pick(random, LAST_NAMES)
      const u = { id: uuidv7(), email: email(first, last), name: name ?? `${first} ${last}`, role, branchIds }
      insertUser.run(u.id, u.email, u.name, role, o.passwordHash, o.now, o.now)
      for (const b of branchIds) insertBranch.run(u.id, b)
      out.users.push(u)
      return u.id
    }

    for (const name of o.branchNames) {
      const branchId = uuidv7()
      tx.insert(branches).values({ id: branchId, name, createdAt: o.now }).run()
      out.branchIds.push(branchId)
      let layer: string[] = []
      for (const [index, count] of layerSizes(o.repsPerBranch, o.depth).entries()) {
        const d = index + 1
        const next: string[] = []
        for (let i = 0; i < count; i++) {
          const upline = d === 1 ? null : layer[i % layer.length]!
          const id = addUser('rep', [branchId])
          insertPlacement.run(uuidv7(), id, upline, o.validFrom)
          // Leaders at the top hold the highest levels; the bottom layers share the entry levels.
          const levelIndex = Math.max(0, Math.min(levelsByRank.length - 1, levelsByRank.length - d - (random() < 0.3 ? 1 : 0)))
          insertLevel.run(uuidv7(), id, out.levelIds[levelIndex]!, o.validFrom)
          out.repIds.push(id)
          out.depthOf.set(id, d)
          next.push(id)
        }
        layer = next
      }
      for (let i = 0; i < o.backofficePerBranch; i++) addUser('backoffice', [branchId])
    }
  })
  invalidateOrg(db)
  return out
}

/** One root, then the other reps over depth − 1 layers, each layer about twice the one above. */
export function layerSizes(total: number, depth: number): number[] {
  if (total <= 0) return []
  const layers = Math.min(depth, total)
  const sizes = [1]
  const rest = total - 1
  const weights = Array.from({ length: layers - 1 }, (_, i) => 2 ** i)
  const sum = weights.reduce((a, b) => a + b, 0)
  let assigned = 0
  weights.forEach((w, i) => {
    const n = i === weights.length - 1 ? rest - assigned : Math.max(1, Math.floor((rest * w) / sum))
    sizes.push(n)
    assigned += n
  })
  return sizes
}

export function hasOrganisation(db: Db): boolean {
  return (db.select({ n: sql<number>`count(*)` }).from(branches).get()?.n ?? 0) > 0
}
