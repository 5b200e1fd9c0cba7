import { describe, expect, it } from 'vitest'
import { createTestApp } from '../support/app'
import { makeUser, PASSWORD } from '../support/factories'

describe('login rate limit behind a reverse proxy', () => {
  it('counts failures per forwarded client address when TRUST_PROXY is on', async () => {
    const t = createTestApp({ TRUST_PROXY: 'true' })
    const users = await Promise.all(Array.from({ length: 8 }, () => makeUser(t)))
    const attempt = (email: string, password: string, ip: string) =>
      t.req('POST', '/api/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': `203.0.113.9, ${ip}` } })
    // 30 failures from one client, spread over accounts so that no account limit triggers.
    for (let i = 0; i < 30; i++) expect((await attempt(users[i % 8]!.email, 'falsch', '198.51.100.1')).status).toBe(401)
    expect((await attempt(users[0]!.email, PASSWORD, '198.51.100.1')).status).toBe(429)
    expect((await attempt(users[1]!.email, PASSWORD, '198.51.100.2')).status).toBe(200)
  })
})
