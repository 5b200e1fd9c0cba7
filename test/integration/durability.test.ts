import { afterEach, describe, expect, it } from 'vitest'
import { uuidv7 } from '../../shared/ids'
import { E2E_ADMIN, startServer, type RunningServer } from '../support/browser'

let server: RunningServer | undefined
afterEach(async () => {
  await server?.stop('SIGKILL')
})

async function call(url: string, path: string, body: unknown, cookie?: string) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  })
  return { res, json: await res.json() }
}

describe('durability (T18)', () => {
  it('keeps acknowledged mutations after the server is killed with SIGKILL', async () => {
    server = await startServer()
    const { dataDir } = server
    const login = await call(server.url, '/api/auth/login', E2E_ADMIN)
    const adminCookie = login.res.headers.get('set-cookie')!.split(';')[0]!
    const branch = await call(server.url, '/api/branches', { name: 'Filiale Kiel' }, adminCookie)
    const rep = await call(server.url, '/api/users', { email: 'rep@kiel.de', name: 'Rita Rep', role: 'rep', password: 'start-passwort-1', branchIds: [branch.json.id] }, adminCookie)
    expect(rep.res.status).toBe(201)
    const repLogin = await call(server.url, '/api/auth/login', { email: 'rep@kiel.de', password: 'start-passwort-1' })
    const repCookie = repLogin.res.headers.get('set-cookie')!.split(';')[0]!
    await call(server.url, '/api/auth/password', { currentPassword: 'start-passwort-1', newPassword: 'neues-passwort-1' }, repCookie)

    const clientId = uuidv7()
    const ids = Array.from({ length: 20 }, () => uuidv7())
    const push = await call(
      server.url,
      '/api/sync/push',
      {
        clientId,
        schemaVersion: 1,
        mutations: ids.map((id, i) => ({
          seq: i + 1,
          id: uuidv7(),
          name: 'createCustomer',
          // Old outboxes (v1) and updated devices (v2) alike.
          v: i % 2 ? 1 : 2,
          args: i % 2 ? { id, firstName: 'Kai', lastName: `Kill ${i}`, phone: '0171 1234567' } : { id, firstName: 'Kai', lastName: `Kill ${i}`, phones: [{ type: 'mobile', number: '0171 1234567' }] },
        })),
      },
      repCookie,
    )
    expect(push.json.lastSeq).toBe(20)
    await server.stop('SIGKILL')

    server = await startServer({}, dataDir)
    const again = await call(server.url, '/api/auth/login', { email: 'rep@kiel.de', password: 'neues-passwort-1' })
    const cookie = again.res.headers.get('set-cookie')!.split(';')[0]!
    const pulled = await call(server.url, '/api/sync/pull', { clientId, schemaVersion: 1, cookie: null }, cookie)
    expect(pulled.json.lastSeq).toBe(20)
    const rows = pulled.json.patch.filter((p: { op: string; table: string }) => p.op === 'put' && p.table === 'customers').map((p: { row: Record<string, unknown> }) => p.row)
    expect(rows.map((r: { id: string }) => r.id).sort()).toEqual([...ids].sort())
    for (const r of rows) expect(r).toMatchObject({ phones: [{ type: 'mobile', number: '0171 1234567' }], customerNo: expect.stringMatching(/^K-\d{6}$/) })
    expect(new Set(rows.map((r: { customerNo: string }) => r.customerNo)).size).toBe(20)
  }, 60_000)
})
