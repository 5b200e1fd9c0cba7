import { describe, expect, it } from 'vitest'
import { uuidv7 } from '../../../shared/ids'
import { AuthError, createFetchTransport, ForbiddenError, ProtocolError, SeqGapError, TransientError } from '../../../client/src/sync'

const clientId = uuidv7()
const pushReq = { clientId, schemaVersion: 1, mutations: [{ seq: 1, id: uuidv7(), name: 'createCustomer', v: 1, args: { x: 1 } }] }

function fakeFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = []
  const fetch = (async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} })
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  }) as typeof globalThis.fetch
  return { fetch, calls }
}

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e)

describe('fetch transport', () => {
  it('posts JSON with same-origin credentials and returns the parsed answer', async () => {
    const { fetch, calls } = fakeFetch(200, { lastSeq: 1, results: [{ seq: 1, status: 'applied' }] })
    const res = await createFetchTransport({ fetch }).push(pushReq)
    expect(res).toEqual({ lastSeq: 1, results: [{ seq: 1, status: 'applied' }] })
    expect(calls[0]!.url).toBe('/api/sync/push')
    expect(calls[0]!.init).toMatchObject({ method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } })
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual(pushReq)
  })

  it('pulls from /api/sync/pull', async () => {
    const { fetch, calls } = fakeFetch(200, { cookie: 'v1.1', lastSeq: 0, more: false, patch: [{ op: 'clear' }] })
    expect(await createFetchTransport({ fetch }).pull({ clientId, schemaVersion: 1, cookie: null })).toMatchObject({ cookie: 'v1.1' })
    expect(calls[0]!.url).toBe('/api/sync/pull')
  })

  it('turns 409 SEQ_GAP into SeqGapError carrying lastSeq', async () => {
    const { fetch } = fakeFetch(409, { code: 'SEQ_GAP', message: 'Lücke', lastSeq: 7 })
    const e = await failure(createFetchTransport({ fetch }).push(pushReq))
    expect(e).toBeInstanceOf(SeqGapError)
    expect((e as SeqGapError).lastSeq).toBe(7)
  })

  it.each([
    [401, { code: 'UNAUTHENTICATED', message: '' }, AuthError, 'unauthenticated'],
    [403, { code: 'USER_INACTIVE', message: '' }, ForbiddenError, 'deactivated'],
    [403, { code: 'FORBIDDEN', message: '' }, ForbiddenError, 'forbidden'],
    [403, { code: 'CLIENT_OF_OTHER_USER', message: '' }, ForbiddenError, 'forbidden'],
    [500, { code: 'INTERNAL', message: '' }, TransientError, 'server'],
    [503, 'Service Unavailable', TransientError, 'server'],
    [409, { code: 'CONFLICT', message: '' }, ProtocolError, 'protocol'],
    [400, { code: 'VALIDATION', message: '' }, ProtocolError, 'protocol'],
    [200, { lastSeq: 'x' }, ProtocolError, 'protocol'],
  ])('maps %i %j to %o', async (status, body, type, kind) => {
    const { fetch } = fakeFetch(status, body)
    const e = await failure(createFetchTransport({ fetch }).push(pushReq))
    expect(e).toBeInstanceOf(type)
    expect((e as { kind: string }).kind).toBe(kind)
  })

  it('keeps the code of a 403', async () => {
    const { fetch } = fakeFetch(403, { code: 'USER_INACTIVE', message: '' })
    expect(((await failure(createFetchTransport({ fetch }).pull({ clientId, schemaVersion: 1, cookie: null }))) as ForbiddenError).code).toBe('USER_INACTIVE')
  })

  it('treats a network failure and a timeout as transient', async () => {
    const offline = (async () => {
      throw new TypeError('Failed to fetch')
    }) as typeof globalThis.fetch
    expect(((await failure(createFetchTransport({ fetch: offline }).push(pushReq))) as TransientError).kind).toBe('offline')

    const hanging = ((_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as typeof globalThis.fetch
    const e = await failure(createFetchTransport({ fetch: hanging, timeoutMs: 20 }).push(pushReq))
    expect(e).toBeInstanceOf(TransientError)
  })
})
