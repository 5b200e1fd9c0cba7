import type { ApiErrorBody } from '../../shared/errors'
import { ORIGIN, type TestApp } from './app'

/** The parsed JSON body of a response, typed by the caller. */
export async function body<T>(res: Response): Promise<T> {
  return (await res.json()) as T
}

/** The `{ code, message }` body of an error response. */
export const errorBody = (res: Response) => body<ApiErrorBody>(res)

/** A request with exactly these headers: no Origin is added, unlike `t.req`. */
export function rawRequest(t: TestApp, method: string, path: string, headers: Record<string, string> = {}, payload?: unknown): Promise<Response> {
  const h = { ...headers }
  let data: string | undefined
  if (payload !== undefined) {
    h['content-type'] = 'application/json'
    data = JSON.stringify(payload)
  }
  return Promise.resolve(t.app.request(`${ORIGIN}${path}`, { method, headers: h, body: data }))
}

export const HOUR = 3_600_000
export const MINUTE = 60_000
