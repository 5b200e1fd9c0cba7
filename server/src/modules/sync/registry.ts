import type { ZodType } from 'zod'
import type { IsoDate } from '../../../../shared/dates'
import type { Clock } from '../../lib/clock'
import type { Tx } from '../../lib/tx'
import type { Actor } from '../scope/scope.service'

export interface MutationContext {
  actor: Actor
  clock: Clock
  /** The business date of the mutation's arrival (server time, never the device's). */
  date: IsoDate
  /** The global rev this mutation's rows get. */
  rev: number
  clientId: string
  mutationId: string
}

export interface MutationEffect {
  /** Reps whose records changed: devices and screens that can see them are poked. */
  touchedRepIds: string[]
}

export interface MutationHandler<A = unknown> {
  name: string
  v: number
  args: ZodType<A>
  /** Re-runs the intent with full validation and authorisation; throws AppError to reject. Synchronous. */
  apply(tx: Tx, ctx: MutationContext, args: A): MutationEffect
}

/**
 * Handlers by name and version. Old versions stay registered while devices may still send them
 * (sync.md: "the server keeps old handlers").
 */
export class MutationRegistry {
  private readonly handlers = new Map<string, MutationHandler>()

  register<A>(handler: MutationHandler<A>): this {
    const key = `${handler.name}@${handler.v}`
    if (this.handlers.has(key)) throw new Error(`mutation ${key} registered twice`)
    this.handlers.set(key, handler as MutationHandler)
    return this
  }

  get(name: string, v: number): MutationHandler | undefined {
    return this.handlers.get(`${name}@${v}`)
  }
}
