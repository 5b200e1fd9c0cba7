import { uuidv7 } from '../../shared/ids'
import type { PatchOp, PullResponse, PushResponse } from '../../shared/schemas'
import type { TestApp } from './app'

/** A device as the server sees it: a client id, a seq counter and the rows it holds. */
export class TestDevice {
  readonly clientId = uuidv7()
  seq = 0
  cookie: string | null = null
  readonly rows = new Map<string, Record<string, unknown>>()

  constructor(
    private readonly t: TestApp,
    public cookieHeader: string,
  ) {}

  mutation(name: string, args: unknown, v = 1) {
    return { seq: ++this.seq, id: uuidv7(), name, v, args }
  }

  async push(mutations: ReturnType<TestDevice['mutation']>[]): Promise<{ status: number; body: PushResponse & { code?: string; lastSeq: number } }> {
    const res = await this.t.req('POST', '/api/sync/push', { cookie: this.cookieHeader, body: { clientId: this.clientId, schemaVersion: 1, mutations } })
    return { status: res.status, body: await res.json() }
  }

  /** Pulls until `more` is false and applies every patch to `rows`. */
  async pullAll(): Promise<PatchOp[]> {
    const all: PatchOp[] = []
    for (let i = 0; i < 1000; i++) {
      const body = await this.pullOnce()
      all.push(...body.patch)
      if (!body.more) return all
    }
    throw new Error('pull did not finish')
  }

  async pullOnce(): Promise<PullResponse> {
    const res = await this.t.req('POST', '/api/sync/pull', { cookie: this.cookieHeader, body: { clientId: this.clientId, schemaVersion: 1, cookie: this.cookie } })
    if (res.status !== 200) throw new Error(`pull ${res.status}: ${await res.text()}`)
    const body = (await res.json()) as PullResponse
    for (const op of body.patch) {
      if (op.op === 'clear') this.rows.clear()
      else if (op.op === 'put') this.rows.set(op.id, op.row)
      else this.rows.delete(op.id)
    }
    this.cookie = body.cookie
    return body
  }
}

export const customer = (overrides: Record<string, unknown> = {}) => ({ id: uuidv7(), firstName: 'Erika', lastName: 'Mustermann', ...overrides })
