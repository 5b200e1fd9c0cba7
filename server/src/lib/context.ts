import type { Db } from '../db/client'
import type { Env } from '../env'
import type { Clock } from './clock'
import type { Logger } from './logger'
import type { Role } from '../../../shared/constants'
import type { LoginLimiter } from './rate-limit'

/** The signed-in user as the request sees it. */
export interface SessionUser {
  id: string
  email: string
  name: string
  role: Role
  branchIds: string[]
  mustChangePassword: boolean
  sessionTokenHash: string
}

export interface Deps {
  db: Db
  env: Env
  clock: Clock
  logger: Logger
  loginLimiter: LoginLimiter
}

export type AppEnv = {
  Variables: {
    deps: Deps
    user: SessionUser | null
    requestId: string
  }
}
