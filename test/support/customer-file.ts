import { expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { uuidv7 } from '../../shared/ids'
import type { MutationResult } from '../../shared/schemas'
import { quarantine } from '../../server/src/db/schema'
import { createTestApp, type TestApp } from './app'
import { makeBranch, makeSignedIn } from './factories'
import { TestDevice } from './sync'

export interface Person {
  id: string
  email: string
  cookie: string
}

/**
 * Two branches. Branch A: `manager` with downline `rep`, back office `office`. Branch B: `stranger`
 * (a rep of another structure) and its back office `otherOffice`. Plus an `admin`.
 */
export interface World {
  t: TestApp
  branch: string
  otherBranch: string
  manager: Person
  rep: Person
  office: Person
  stranger: Person
  otherOffice: Person
  admin: Person
}

export async function makeWorld(): Promise<World> {
  const t = createTestApp()
  const branch = makeBranch(t)
  const otherBranch = makeBranch(t)
  const manager = await makeSignedIn(t, { branchIds: [branch], name: 'Martina Führung' })
  const rep = await makeSignedIn(t, { branchIds: [branch], uplineId: manager.id, name: 'Rainer Vermittler' })
  const office = await makeSignedIn(t, { role: 'backoffice', branchIds: [branch], name: 'Olga Innendienst' })
  const stranger = await makeSignedIn(t, { branchIds: [otherBranch], name: 'Sven Fremd' })
  const otherOffice = await makeSignedIn(t, { role: 'backoffice', branchIds: [otherBranch] })
  const admin = await makeSignedIn(t, { role: 'admin' })
  return { t, branch, otherBranch, manager, rep, office, stranger, otherOffice, admin }
}

const devices = new WeakMap<TestApp, Map<string, TestDevice>>()

/** The one device of the user behind `cookie` (created on first use). */
export function deviceOf(t: TestApp, who: Person): TestDevice {
  let byCookie = devices.get(t)
  if (!byCookie) devices.set(t, (byCookie = new Map()))
  let d = byCookie.get(who.cookie)
  if (!d) byCookie.set(who.cookie, (d = new TestDevice(t, who.cookie)))
  return d
}

/** Pushes one mutation from the user's device and returns its result and the mutation's id. */
export async function run(t: TestApp, who: Person, name: string, args: unknown, v = 1): Promise<MutationResult & { mutationId: string }> {
  const device = deviceOf(t, who)
  const m = device.mutation(name, args, v)
  const res = await device.push([m])
  expect(res.status).toBe(200)
  return { ...res.body.results[0]!, mutationId: m.id }
}

/** Runs a mutation that must apply. */
export async function ok(t: TestApp, who: Person, name: string, args: unknown, v = 1): Promise<void> {
  const { mutationId: _id, ...r } = await run(t, who, name, args, v)
  expect(r, `${name} should apply`).toEqual({ seq: expect.any(Number), status: 'applied' })
}

/** Runs a mutation that must be rejected with `code`, and checks its payload is kept in quarantine. */
export async function rejected(t: TestApp, who: Person, name: string, args: unknown, code: string, v = 1): Promise<void> {
  const r = await run(t, who, name, args, v)
  expect(r, `${name} should be rejected`).toMatchObject({ status: 'rejected', code })
  const kept = t.db.select().from(quarantine).where(eq(quarantine.id, r.mutationId)).get()
  expect(kept).toMatchObject({ name, code, args })
}

/** A customer owned by `owner` (defaults to the acting user), created through the createCustomer mutation. */
export async function newCustomer(t: TestApp, who: Person, values: Record<string, unknown> = {}, ownerRepId?: string): Promise<string> {
  const id = uuidv7()
  await ok(t, who, 'createCustomer', { id, firstName: 'Erika', lastName: 'Mustermann', ...values, ...(ownerRepId ? { ownerRepId } : {}) }, 2)
  return id
}

export async function getJson<T>(t: TestApp, who: Person | null, path: string): Promise<{ status: number; body: T }> {
  const res = await t.req('GET', path, who ? { cookie: who.cookie } : {})
  return { status: res.status, body: (await res.json()) as T }
}
