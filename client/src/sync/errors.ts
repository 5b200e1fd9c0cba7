import { ERROR_MESSAGES } from '../../../shared/errors'
import { LocalWriteError } from '../db/errors'

/** Why a sync round stopped. Every kind keeps the outbox as it is: nothing is skipped. */
export type SyncFailureKind = 'offline' | 'server' | 'unauthenticated' | 'deactivated' | 'forbidden' | 'outbox-gap' | 'protocol' | 'local'

export interface SyncFailure {
  kind: SyncFailureKind
  /** Server error code where there is one. */
  code?: string
  /** German text for the UI. */
  message: string
  at: string
}

export abstract class SyncError extends Error {
  abstract readonly kind: SyncFailureKind
}

/** No answer, a 5xx or a timeout: retry later with the same entries. */
export class TransientError extends SyncError {
  readonly kind: 'offline' | 'server'
  constructor(kind: 'offline' | 'server', readonly status = 0, options?: { cause?: unknown }) {
    super(
      kind === 'offline'
        ? 'Keine Verbindung zum Server. Die Änderungen bleiben auf dem Gerät gespeichert und werden später übertragen.'
        : 'Der Server ist gerade nicht erreichbar. Die Änderungen bleiben auf dem Gerät gespeichert; ein neuer Versuch folgt automatisch.',
      options,
    )
    this.kind = kind
    this.name = 'TransientError'
  }
}

/** 401: no valid session (expired, signed out elsewhere, or revoked on deactivation). */
export class AuthError extends SyncError {
  readonly kind = 'unauthenticated' as const
  constructor() {
    super('Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an; nicht übertragene Änderungen bleiben auf dem Gerät.')
    this.name = 'AuthError'
  }
}

/** 403 with the server's code; USER_INACTIVE (deactivated user) is its own kind. */
export class ForbiddenError extends SyncError {
  readonly kind: 'deactivated' | 'forbidden'
  constructor(readonly code: string) {
    super(code in ERROR_MESSAGES ? ERROR_MESSAGES[code as keyof typeof ERROR_MESSAGES] : ERROR_MESSAGES.FORBIDDEN)
    this.kind = code === 'USER_INACTIVE' ? 'deactivated' : 'forbidden'
    this.name = 'ForbiddenError'
  }
}

/** 409 SEQ_GAP: the server is at `lastSeq` and applied nothing of this request. */
export class SeqGapError extends SyncError {
  readonly kind = 'protocol' as const
  constructor(readonly lastSeq: number) {
    super(ERROR_MESSAGES.SEQ_GAP)
    this.name = 'SeqGapError'
  }
}

/** The server expects seqs the device no longer has; retrying cannot help. */
export class OutboxGapError extends SyncError {
  readonly kind = 'outbox-gap' as const
  constructor(
    readonly serverLastSeq: number,
    readonly lowestLocalSeq: number,
  ) {
    super('Auf diesem Gerät fehlen frühere Änderungen, die der Server erwartet. Die Synchronisation ist angehalten; bitte wenden Sie sich an den Support.')
    this.name = 'OutboxGapError'
  }
}

/**
 * An answer that does not fit the protocol (other 4xx, unparsable body). Retried later, never
 * skipped. CLIENT_TOO_OLD (the server no longer serves this app version) cannot pass by retrying:
 * its message asks for the reload that brings the update; the outbox is kept for the new version.
 */
export class ProtocolError extends SyncError {
  readonly kind = 'protocol' as const
  constructor(
    readonly status: number,
    readonly code?: string,
  ) {
    super(
      code === 'CLIENT_TOO_OLD'
        ? ERROR_MESSAGES.CLIENT_TOO_OLD
        : 'Der Server hat unerwartet geantwortet. Die Änderungen bleiben auf dem Gerät gespeichert; ein neuer Versuch folgt automatisch.',
    )
    this.name = 'ProtocolError'
  }
}

export function toSyncFailure(e: unknown, at: string = new Date().toISOString()): SyncFailure {
  if (e instanceof ForbiddenError) return { kind: e.kind, code: e.code, message: e.message, at }
  if (e instanceof ProtocolError) return { kind: e.kind, code: e.code, message: e.message, at }
  if (e instanceof SyncError) return { kind: e.kind, message: e.message, at }
  if (e instanceof LocalWriteError) return { kind: 'local', code: e.reason, message: e.message, at }
  return { kind: 'local', message: 'Die Synchronisation ist auf dem Gerät fehlgeschlagen. Ein neuer Versuch folgt automatisch.', at }
}
