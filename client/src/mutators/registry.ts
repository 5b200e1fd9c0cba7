import { createCustomerMutator, reassignCustomerMutator, updateCustomerMutator } from './customers'
import type { Mutator } from './types'

/** The mutators the app calls by name: the current version of each. */
export const MUTATORS = {
  createCustomer: createCustomerMutator,
  updateCustomer: updateCustomerMutator,
  reassignCustomer: reassignCustomerMutator,
} as const
export type MutatorName = keyof typeof MUTATORS

// Older versions stay listed while outboxes may still hold them, so a rebase can replay them.
const ALL_VERSIONS: Mutator[] = [...Object.values(MUTATORS)]
const byKey = new Map(ALL_VERSIONS.map((m) => [`${m.name}@${m.v}`, m]))

export function getMutator(name: string, v: number): Mutator | undefined {
  return byKey.get(`${name}@${v}`)
}
