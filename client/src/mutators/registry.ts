import { createCustomerMutator, createCustomerV1Mutator, reassignCustomerMutator, updateCustomerMutator, updateCustomerV1Mutator } from './customers'
import { mergeCustomersMutator } from './merge'
import { addRelationMutator, removeRelationMutator, updateRelationMutator } from './household'
import { recordConsentMutator, withdrawConsentMutator } from './consents'
import { completeFollowUpMutator, createNoteMutator, deleteNoteMutator, updateNoteMutator } from './notes'
import type { Mutator } from './types'

/** The mutators the app calls by name: the current version of each (one line per mutator). */
export const MUTATORS = {
  createCustomer: createCustomerMutator,
  updateCustomer: updateCustomerMutator,
  reassignCustomer: reassignCustomerMutator,
  mergeCustomers: mergeCustomersMutator,
  addRelation: addRelationMutator,
  updateRelation: updateRelationMutator,
  removeRelation: removeRelationMutator,
  recordConsent: recordConsentMutator,
  withdrawConsent: withdrawConsentMutator,
  createNote: createNoteMutator,
  updateNote: updateNoteMutator,
  deleteNote: deleteNoteMutator,
  completeFollowUp: completeFollowUpMutator,
} as const
export type MutatorName = keyof typeof MUTATORS

/** Older versions stay listed while outboxes may still hold them, so a rebase can replay them. */
const OLD_VERSIONS: Mutator[] = [
  createCustomerV1Mutator, // one phone, e-mail and address as plain fields
  updateCustomerV1Mutator,
]

const ALL_VERSIONS: Mutator[] = [...Object.values(MUTATORS), ...OLD_VERSIONS]
const byKey = new Map(ALL_VERSIONS.map((m) => [`${m.name}@${m.v}`, m]))

export function getMutator(name: string, v: number): Mutator | undefined {
  return byKey.get(`${name}@${v}`)
}
