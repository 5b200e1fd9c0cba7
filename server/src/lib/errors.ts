import { ERROR_MESSAGES, type ErrorCode } from '../../../shared/errors'

/** A domain error with a stable code; the one error handler maps it to `{ code, message }`. */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429,
    readonly code: ErrorCode,
    message?: string,
    readonly issues?: { path: string; message: string }[],
    /** Further fields of the error body, e.g. `lastSeq` of SEQ_GAP. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message ?? ERROR_MESSAGES[code])
    this.name = 'AppError'
  }
}

export const badRequest = (code: ErrorCode, message?: string) => new AppError(400, code, message)
export const unauthenticated = () => new AppError(401, 'UNAUTHENTICATED')
export const forbidden = (code: ErrorCode = 'FORBIDDEN') => new AppError(403, code)
export const notFound = () => new AppError(404, 'NOT_FOUND')
export const conflict = (code: ErrorCode, message?: string) => new AppError(409, code, message)
