import type { Db } from '../db/client'
import type { Env } from '../env'
import type { Clock } from './clock'
import type { Logger } from './logger'
import type { Role } from '../../../shared/constants'
import type { LoginLimiter } from './rate-limit'
import type { PokeHub } from '../modules/sync/pokes'
import type { MutationRegistry } from '../modules/sync/registry'

/** The signed-in user as the request sees it. */
export interface SessionUser {
  id: string
  email: string
  name: string
  role: Role
  branchIds: string[]
  mustChangePassword: boolean
  sessionTokenHash: string
  /** False for a deactivated user whose device may still upload its outbox (into quarantine). */
  active: boolean
}

export interface Deps {
  db: Db
  env: Env
  clock: Clock
  logger: Logger
  loginLimiter: LoginLimiter
  pokes: PokeHub
  mutations: MutationRegistry
}

export type AppEnv = {
  Variables: {
    deps: Deps
    user: SessionUser | null
    requestId: string
  }
}
