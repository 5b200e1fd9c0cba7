import type { ZodType } from 'zod'
import {
  pullResponseSchema,
  pushResponseSchema,
  seqGapSchema,
  type PullRequest,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from '../../../shared/schemas/sync'
import { AuthError, ForbiddenError, ProtocolError, SeqGapError, TransientError } from './errors'

/**
 * How the engine reaches the server. Implementations throw the errors of ./errors:
 * SeqGapError, AuthError, ForbiddenError, TransientError, ProtocolError.
 */
export interface SyncTransport {
  push(req: PushRequest): Promise<PushResponse>
  pull(req: PullRequest): Promise<PullResponse>
}

export interface FetchTransportOptions {
  /** Default `/api/sync`. */
  baseUrl?: string
  fetch?: typeof fetch
  /** A hanging request would hold the sync lock; default 30 s. */
  timeoutMs?: number
}

export function createFetchTransport(options: FetchTransportOptions = {}): SyncTransport {
  const baseUrl = options.baseUrl ?? '/api/sync'
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))
  const timeoutMs = options.timeoutMs ?? 30_000

  async function post<T>(path: string, body: unknown, schema: ZodType<T>): Promise<T> {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), timeoutMs)
    let response: Response
    let data: unknown
    try {
      response = await doFetch(`${baseUrl}/${path}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: controller.signal,
      })
      data = await response.json().catch(() => undefined)
    } catch (e) {
      throw new TransientError('offline', 0, { cause: e })
    } finally {
      clearTimeout(timer)
    }
    if (response.ok) {
      const parsed = schema.safeParse(data)
      if (!parsed.success) throw new ProtocolError(response.status)
      return parsed.data
    }
    const code = typeof (data as { code?: unknown } | undefined)?.code === 'string' ? (data as { code: string }).code : undefined
    if (response.status === 409 && code === 'SEQ_GAP') {
      const gap = seqGapSchema.safeParse(data)
      if (gap.success) throw new SeqGapError(gap.data.lastSeq)
    }
    if (response.status === 401) throw new AuthError()
    if (response.status === 403) throw new ForbiddenError(code ?? 'FORBIDDEN')
    if (response.status >= 500 || response.status === 408 || response.status === 429) throw new TransientError('server', response.status)
    throw new ProtocolError(response.status, code)
  }

  return {
    push: (req) => post('push', req, pushResponseSchema),
    pull: (req) => post('pull', req, pullResponseSchema),
  }
}
