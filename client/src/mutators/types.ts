import type { z } from 'zod'
import type { FeldakteDb, SyncedTableName } from '../db/database'

/** The synced tables a mutator may touch; inside `mutate` and pull these take part in the open transaction. */
export type MutatorTx = Pick<FeldakteDb, SyncedTableName | 'tombstones'>

export interface LocalContext {
  /** The signed-in user (the database's owner). */
  userId: string
  /** When the user acted (ISO); a replay uses the original time. */
  now: string
  mutationId: string
  /** Re-applied on top of newer server data (rebase), not a fresh user action: never throw. */
  replay: boolean
}

/** A row a mutation changes; used to undo a rejected mutation's optimistic effect. */
export interface RowKey {
  table: SyncedTableName
  id: string
}

/**
 * A local mutator: the optimistic half of a server mutation handler with the same name and
 * version. `applyLocal` only uses Dexie calls on `tx` (no fetch, no timers), or the transaction
 * commits early.
 */
export interface Mutator<S extends z.ZodType = z.ZodType> {
  readonly name: string
  readonly v: number
  readonly args: S
  readonly tables: readonly SyncedTableName[]
  keys(args: z.output<S>): RowKey[]
  applyLocal(tx: MutatorTx, args: z.output<S>, ctx: LocalContext): Promise<void>
}

export const defineMutator = <S extends z.ZodType>(mutator: Mutator<S>): Mutator<S> => mutator

/** Returned once the change and its outbox entry are committed on the device. */
export interface MutationReceipt {
  mutationId: string
  seq: number
}
