import { eq } from 'drizzle-orm'
import type { Role } from '../../shared/constants'
import { uuidv7 } from '../../shared/ids'
import type { CreateCustomerArgs } from '../../shared/schemas'
import { today } from '../../server/src/lib/clock'
import { inTx } from '../../server/src/lib/tx'
import { nextRev } from '../../server/src/modules/sync/sync.service'
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

// ------------------------------------------------------------------ customers

/** Arguments of `createCustomer` v2: a person with empty lists unless the test says otherwise. */
export function customerArgs(overrides: Partial<CreateCustomerArgs> & Record<string, unknown> = {}) {
  return {
    id: uuidv7(),
    kind: 'person' as const,
    status: 'prospect' as const,
    firstName: 'Erika',
    lastName: 'Mustermann',
    addresses: [],
    phones: [],
    emails: [],
    bankAccounts: [],
    tags: [],
    ...overrides,
  }
}

/**
 * Runs one mutation handler as `actor` in its own write transaction with a fresh rev, the way
 * push does, without a device. Throws the handler's AppError when it rejects.
 */
export function applyMutation(t: TestApp, actor: Actor, name: string, v: number, args: unknown): void {
  const handler = t.deps.mutations.get(name, v)
  if (!handler) throw new Error(`no mutation ${name}@${v}`)
  const parsed = handler.args.parse(args)
  inTx(t.db, (tx) => {
    const rev = nextRev(tx)
    handler.apply(tx, { actor, clock: t.clock, date: today(t.clock), rev, clientId: uuidv7(), mutationId: uuidv7() }, parsed)
  })
}

/** A customer of `ownerRepId`, created by an admin; returns its id. */
export function makeCustomer(t: TestApp, ownerRepId: string, overrides: Parameters<typeof customerArgs>[0] = {}): string {
  const args = customerArgs({ ownerRepId, ...overrides })
  applyMutation(t, SYSTEM, 'createCustomer', 2, args)
  return args.id
}
