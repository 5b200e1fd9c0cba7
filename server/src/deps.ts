import type { Db } from './db/client'
import type { Env } from './env'
import type { Clock } from './lib/clock'
import type { Deps } from './lib/context'
import { createLogger } from './lib/logger'
import { LOGIN_LIMITS, RateLimiter } from './lib/rate-limit'
import { mergeCustomers } from './modules/customers/customer-merge.mutations'
import { customerMutations } from './modules/customers/customers.mutations'
import { consentMutations } from './modules/consents/consents.mutations'
import { householdMutations } from './modules/household/household.mutations'
import { noteMutations } from './modules/notes/notes.mutations'
import { PokeHub } from './modules/sync/pokes'
import { MutationRegistry } from './modules/sync/registry'

/** Everything a request needs, built once per server (and per test app). */
export function createDeps(db: Db, env: Env, clock: Clock): Deps {
  const mutations = new MutationRegistry()
  for (const m of customerMutations) mutations.register(m)
  mutations.register(mergeCustomers)
  for (const m of [...householdMutations, ...consentMutations, ...noteMutations]) mutations.register(m)
  return {
    db,
    env,
    clock,
    logger: createLogger(env.LOG_LEVEL),
    loginLimiter: {
      account: new RateLimiter(LOGIN_LIMITS.perAccount.limit, LOGIN_LIMITS.perAccount.windowMs),
      ip: new RateLimiter(LOGIN_LIMITS.perIp.limit, LOGIN_LIMITS.perIp.windowMs),
    },
    pokes: new PokeHub(),
    mutations,
  }
}
