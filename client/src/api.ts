import { ERROR_MESSAGES } from '@shared/errors'

/** An API failure with the server's stable code and a German message for the UI. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export const NETWORK_ERROR_MESSAGE = 'Keine Verbindung zum Server. Bitte prüfen Sie Ihre Internetverbindung.'

type Listener = (error: ApiError) => void
const listeners: { unauthenticated?: Listener; passwordChangeRequired?: Listener } = {}

/** The auth store subscribes here, so api.ts needs no import of stores (no cycle). */
export function onSessionProblem(handlers: { unauthenticated: Listener; passwordChangeRequired: Listener }): void {
  listeners.unauthenticated = handlers.unauthenticated
  listeners.passwordChangeRequired = handlers.passwordChangeRequired
}

function messageFor(code: string, serverMessage: string | undefined): string {
  if (code in ERROR_MESSAGES) return ERROR_MESSAGES[code as keyof typeof ERROR_MESSAGES]
  return serverMessage || ERROR_MESSAGES.INTERNAL
}

async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, 'NETWORK', NETWORK_ERROR_MESSAGE)
  }

  const data: unknown = await response.json().catch(() => undefined)
  if (response.ok) return data as T

  const err = (data ?? {}) as { code?: unknown; message?: unknown; issues?: unknown }
  const code = typeof err.code === 'string' ? err.code : response.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL'
  const issues = Array.isArray(err.issues)
    ? err.issues.filter((i): i is { path: string; message: string } => typeof i?.path === 'string' && typeof i?.message === 'string')
    : []
  const error = new ApiError(response.status, code, messageFor(code, typeof err.message === 'string' ? err.message : undefined), issues)
  if (response.status === 401) listeners.unauthenticated?.(error)
  else if (code === 'PASSWORD_CHANGE_REQUIRED') listeners.passwordChangeRequired?.(error)
  throw error
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value))
  const s = search.toString()
  return s ? `?${s}` : ''
}

/** The only way client code talks to the server. Used by stores, nowhere else. */
export const api = {
  get: <T>(path: string, params: Record<string, string | number | undefined> = {}) => request<T>('GET', path + query(params)),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
}

export interface Ok {
  ok: true
}
export interface Created {
  id: string
}
export interface ItemList<T> {
  items: T[]
}
