import { eq } from 'drizzle-orm'
import type { Role } from '../../shared/constants'
import { users } from '../../server/src/db/schema'
import type { Actor } from '../../server/src/modules/scope/scope.service'
import * as org from '../../server/src/modules/org/org.service'
import { sessionCookie, type TestApp } from './app'

export const PASSWORD = 'richtig-geheim-1'
const SYSTEM: Actor = { id: '00000000-0000-7000-8000-000000000000', role: 'admin', branchIds: [] }

let counter = 0
const ctx = (t: TestApp): org.OrgCtx => ({ db: t.db, clock: t.clock, passwordLogN: t.env.PASSWORD_HASH_LOG_N })

export function makeBranch(t: TestApp, name = `Filiale ${++counter}`): string {
  return org.createBranch(ctx(t), SYSTEM, { name }).id
}

export function makeLevel(t: TestApp, rank: number, centsPerUnit: number, name = `Stufe ${rank}`): string {
  return org.createLevel(ctx(t), SYSTEM, { name, rank, centsPerUnit }).id
}

/** A user with a known password, already past the first-sign-in password change. */
export async function makeUser(
  t: TestApp,
  opts: { role?: Role; name?: string; email?: string; branchIds?: string[]; uplineId?: string | null; levelId?: string; validFrom?: string } = {},
): Promise<{ id: string; email: string }> {
  const n = ++counter
  const email = opts.email ?? `user${n}@example.de`
  const { id } = await org.createUser(ctx(t), SYSTEM, {
    email,
    name: opts.name ?? `Benutzer ${n}`,
    role: opts.role ?? 'rep',
    password: PASSWORD,
    branchIds: opts.branchIds,
    uplineId: opts.uplineId,
    levelId: opts.levelId,
    validFrom: opts.validFrom,
  })
  t.db.update(users).set({ mustChangePassword: false }).where(eq(users.id, id)).run()
  return { id, email }
}

export async function signIn(t: TestApp, email: string, password = PASSWORD): Promise<string> {
  const res = await t.req('POST', '/api/auth/login', { body: { email, password } })
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`)
  return sessionCookie(res)
}

/** A user and their session cookie. */
export async function makeSignedIn(t: TestApp, opts: Parameters<typeof makeUser>[1] = {}) {
  const u = await makeUser(t, opts)
  return { ...u, cookie: await signIn(t, u.email) }
}
