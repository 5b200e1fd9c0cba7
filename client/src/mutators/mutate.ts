import type { z } from 'zod'
import { uuidv7 } from '../../../shared/ids'
import type { FeldakteDb } from '../db/database'
import { LocalWriteError, toLocalWriteError } from '../db/errors'
import { emitLocalWrite } from '../db/events'
import { getMeta, setMeta } from '../db/meta'
import { MutationArgsError } from './errors'
import type { Mutator, MutationReceipt, MutatorTx } from './types'

export function parseArgs<S extends z.ZodType>(mutator: Mutator<S>, input: unknown): z.output<S> {
  const parsed = mutator.args.safeParse(input)
  if (parsed.success) return parsed.data
  throw new MutationArgsError(parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })))
}

/**
 * Durable before visible: the optimistic change and its outbox entry (with the next seq, taken
 * from meta in the same transaction) commit together or not at all. Resolves after the commit;
 * rejects with MutationArgsError (invalid input) or LocalWriteError (quota, closed database …).
 * A builder runs inside the transaction (e.g. to read base values); returning null stores nothing.
 */
export async function runMutation<S extends z.ZodType>(
  db: FeldakteDb,
  mutator: Mutator<S>,
  input: z.input<S> | ((tx: MutatorTx) => Promise<z.input<S> | null>),
): Promise<MutationReceipt | null> {
  // Plain input is checked before any transaction opens.
  const early = typeof input === 'function' ? undefined : parseArgs(mutator, input)
  const now = new Date().toISOString()
  const mutationId = uuidv7()
  let receipt: MutationReceipt | null = null
  try {
    await db.transaction('rw', [...mutator.tables.map((t) => db[t]), db.tombstones, db.outbox, db.meta], async () => {
      let args = early
      if (typeof input === 'function') {
        const built = await (input as (tx: MutatorTx) => Promise<z.input<S> | null>)(db)
        if (built === null) return
        args = parseArgs(mutator, built)
      }
      const seq = await getMeta(db, 'nextSeq')
      if (typeof seq !== 'number') throw new LocalWriteError('failed')
      await mutator.applyLocal(db, args as z.output<S>, { userId: db.userId, now, mutationId, replay: false })
      await db.outbox.add({ seq, id: mutationId, name: mutator.name, v: mutator.v, args, createdAt: now })
      await setMeta(db, 'nextSeq', seq + 1)
      receipt = { mutationId, seq }
    })
  } catch (e) {
    if (e instanceof MutationArgsError) throw e
    throw toLocalWriteError(e)
  }
  if (receipt) emitLocalWrite(db)
  return receipt
}
