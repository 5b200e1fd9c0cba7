/**
 * A local write that did not happen. The UI must not say "auf dem Gerät gespeichert" after one:
 * nothing of it is stored (the Dexie transaction rolled back).
 */
export type LocalWriteReason = 'quota' | 'closed' | 'not-found' | 'failed'

const MESSAGES: Record<LocalWriteReason, string> = {
  quota: 'Der Speicher des Geräts ist voll. Die Änderung wurde nicht gespeichert. Bitte synchronisieren Sie oder geben Sie Speicher frei.',
  closed: 'Die Datenbank auf dem Gerät ist nicht geöffnet. Die Änderung wurde nicht gespeichert. Bitte laden Sie die App neu.',
  'not-found': 'Der Datensatz ist auf diesem Gerät nicht vorhanden. Die Änderung wurde nicht gespeichert.',
  failed: 'Die Änderung konnte auf dem Gerät nicht gespeichert werden.',
}

export class LocalWriteError extends Error {
  constructor(
    readonly reason: LocalWriteReason,
    options?: { cause?: unknown },
  ) {
    super(MESSAGES[reason], options)
    this.name = 'LocalWriteError'
  }
}

const CLOSED_NAMES = new Set(['DatabaseClosedError', 'InvalidStateError', 'OpenFailedError', 'MissingAPIError', 'VersionChangeError'])

/** Names along Dexie's wrapping chain (error → inner → cause). */
function errorNames(e: unknown): string[] {
  const names: string[] = []
  let current: unknown = e
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const err = current as { name?: unknown; inner?: unknown; cause?: unknown }
    if (typeof err.name === 'string') names.push(err.name)
    current = err.inner ?? err.cause
  }
  return names
}

export function isQuotaError(e: unknown): boolean {
  return errorNames(e).includes('QuotaExceededError')
}

/** Maps whatever IndexedDB/Dexie threw to a typed error the UI can explain. */
export function toLocalWriteError(e: unknown): LocalWriteError {
  if (e instanceof LocalWriteError) return e
  const names = errorNames(e)
  if (names.includes('QuotaExceededError')) return new LocalWriteError('quota', { cause: e })
  if (names.some((n) => CLOSED_NAMES.has(n))) return new LocalWriteError('closed', { cause: e })
  return new LocalWriteError('failed', { cause: e })
}
