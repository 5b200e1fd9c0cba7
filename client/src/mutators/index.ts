import type { z } from 'zod'
import type { FeldakteDb } from '../db/database'
import { UnknownMutatorError } from './errors'
import { runMutation } from './mutate'
import { MUTATORS, type MutatorName } from './registry'
import type { Mutator, MutationReceipt } from './types'

export type MutatorInput<N extends MutatorName> = z.input<(typeof MUTATORS)[N]['args']>

/** Runs a registered mutator by name (see runMutation for the guarantees). */
export async function mutate<N extends MutatorName>(db: FeldakteDb, name: N, args: MutatorInput<N>): Promise<MutationReceipt> {
  const mutator = MUTATORS[name]
  if (!mutator) throw new UnknownMutatorError(name)
  return (await runMutation(db, mutator as Mutator, args))!
}

export { MUTATORS, getMutator, type MutatorName } from './registry'
export { createCustomer, updateCustomer, reassignCustomer, customerChanges, type CreateCustomerInput, type CustomerFieldValues } from './customers'
export { mergeCustomers } from './merge'
export { MutationArgsError, UnknownMutatorError, type ArgsIssue } from './errors'
export { runMutation } from './mutate'
export { replay, rebaseAfterPull, settlePushed, keysOf } from './rebase'
export { writePendingCustomer, writePending, localCustomer, customerRowOf, toLocal, serverRowOf } from './rows'
export type { Mutator, MutationReceipt, LocalContext, RowKey, MutatorTx } from './types'
export { defineMutator } from './types'
