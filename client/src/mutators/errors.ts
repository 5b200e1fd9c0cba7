import { ERROR_MESSAGES } from '../../../shared/errors'

export interface ArgsIssue {
  /** Field path, e.g. `phone` or `email`. */
  path: string
  message: string
}

/** The input failed the shared schema; nothing was written. `issues` map onto form fields. */
export class MutationArgsError extends Error {
  constructor(readonly issues: ArgsIssue[]) {
    super(issues[0]?.message ?? ERROR_MESSAGES.VALIDATION)
    this.name = 'MutationArgsError'
  }
}

export class UnknownMutatorError extends Error {
  constructor(readonly mutatorName: string) {
    super(`Unbekannte Änderung: ${mutatorName}`)
    this.name = 'UnknownMutatorError'
  }
}
