import { beforeEach, describe, expect, it } from 'vitest'
import type { Me } from '../../shared/schemas'
import { createTestApp, sessionCookie, type TestApp } from '../support/app'
import { makeBranch, makeSignedIn, makeUser, PASSWORD, signIn } from '../support/factories'
import { body, errorBody, HOUR, MINUTE, rawRequest } from '../support/http'

const login = (t: TestApp, email: string, password: string) => t.req('POST', '/api/auth/login', { body: { email, password } })
const me = (t: TestApp, cookie: string) => t.req('GET', '/api/auth/me', { cookie })

describe('sign-in', () => {
  let t: TestApp
  beforeEach(() => {
    t = createTestApp()
  })

  it('sets an httpOnly SameSite session cookie and answers the signed-in user', async () => {
    const branch = makeBranch(t)
    const user = await makeUser(t, { name: 'Anna Berger', branchIds: [branch] })

    const res = await login(t, user.email, PASSWORD)

    expect(res.status).toBe(200)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^feldakte_session=[^;]{20,};/)
    expect(cookie).toMatch(/;\s*HttpOnly/i)
    expect(cookie).toMatch(/;\s*SameSite=(Lax|Strict)/i)
    expect(cookie).toMatch(/;\s*Path=\//)
    expect(cookie).not.toMatch(/Secure/i) // plain http in tests
    expect(await body<Me>(res)).toEqual({
      id: user.id,
      email: user.email,
      name: 'Anna Berger',
      role: 'rep',
      mustChangePassword: false,
      branchIds: [branch],
    })
  })

  it('marks the cookie Secure when the public URL is https', async () => {
    const secure = createTestApp({ PUBLIC_URL: 'https://feldakte.example.de' })
    const user = await makeUser(secure)
    const res = await secure.req('POST', '/api/auth/login', {
      body: { email: user.email, password: PASSWORD },
      headers: { origin: 'https://feldakte.example.de' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i)
  })

  it('accepts the e-mail address in any letter case', async () => {
    const user = await makeUser(t, { email: 'anna.berger@example.de' })
    const res = await login(t, 'Anna.Berger@Example.DE', PASSWORD)
    expect(res.status).toBe(200)
    expect((await body<Me>(res)).id).toBe(user.id)
  })

  it('answers a wrong password and an unknown e-mail with the same 401 body', async () => {
    const user = await makeUser(t)

    const wrongPassword = await login(t, user.email, 'falsches-passwort')
    const unknownEmail = await login(t, 'niemand@example.de', PASSWORD)

    expect(wrongPassword.status).toBe(401)
    expect(unknownEmail.status).toBe(401)
    const a = await wrongPassword.text()
    const b = await unknownEmail.text()
    expect(a).toBe(b)
    expect(JSON.parse(a)).toEqual({ code: 'INVALID_CREDENTIALS', message: 'E-Mail-Adresse oder Passwort ist falsch.' })
    expect(wrongPassword.headers.get('set-cookie')).toBeNull()
  })

  it('blocks an account after 5 failed attempts, even with the right password, until 15 minutes have passed', async () => {
    const user = await makeUser(t)
    const other = await makeUser(t)
    for (let i = 0; i < 5; i++) expect((await login(t, user.email, `falsch-${i}`)).status).toBe(401)

    const blocked = await login(t, user.email, PASSWORD)
    expect(blocked.status).toBe(429)
    expect((await errorBody(blocked)).code).toBe('RATE_LIMITED')
    expect(blocked.headers.get('retry-after')).toBe('900')
    expect(blocked.headers.get('set-cookie')).toBeNull()
    // The limit is per account: another account signs in as usual.
    expect((await login(t, other.email, PASSWORD)).status).toBe(200)

    t.clock.advance(14 * MINUTE)
    expect((await login(t, user.email, PASSWORD)).status).toBe(429)
    t.clock.advance(1 * MINUTE)
    expect((await login(t, user.email, PASSWORD)).status).toBe(200)
  })

  it('counts failures per account regardless of the letter case of the e-mail', async () => {
    const user = await makeUser(t, { email: 'case@example.de' })
    for (let i = 0; i < 5; i++) await login(t, i % 2 ? 'CASE@example.de' : 'case@EXAMPLE.de', 'falsch-falsch')
    expect((await login(t, user.email, PASSWORD)).status).toBe(429)
  })

  it('forgets earlier failures after a successful sign-in', async () => {
    const user = await makeUser(t)
    for (let i = 0; i < 4; i++) await login(t, user.email, 'falsch-falsch')
    expect((await login(t, user.email, PASSWORD)).status).toBe(200)
    for (let i = 0; i < 4; i++) await login(t, user.email, 'falsch-falsch')
    expect((await login(t, user.email, PASSWORD)).status).toBe(200)
  })
})

describe('GET /api/auth/me', () => {
  let t: TestApp
  beforeEach(() => {
    t = createTestApp()
  })

  it('answers the signed-in user for a valid session cookie', async () => {
    const user = await makeSignedIn(t, { role: 'backoffice', name: 'Bea Innendienst' })
    const res = await me(t, user.cookie)
    expect(res.status).toBe(200)
    expect(await body<Me>(res)).toMatchObject({ id: user.id, email: user.email, name: 'Bea Innendienst', role: 'backoffice' })
  })

  it('answers 401 UNAUTHENTICATED without a cookie or with an unknown token', async () => {
    const none = await t.req('GET', '/api/auth/me')
    expect(none.status).toBe(401)
    expect(await errorBody(none)).toEqual({ code: 'UNAUTHENTICATED', message: 'Bitte melden Sie sich an.' })
    expect((await me(t, 'feldakte_session=ausgedacht')).status).toBe(401)
  })
})

describe('logout', () => {
  it('ends the session so the old cookie is refused, and clears the cookie', async () => {
    const t = createTestApp()
    const user = await makeSignedIn(t)
    const secondDevice = await signIn(t, user.email)

    const res = await t.req('POST', '/api/auth/logout', { cookie: user.cookie })

    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toMatch(/^feldakte_session=;.*Max-Age=0/)
    expect((await me(t, user.cookie)).status).toBe(401)
    // Only this session ends; the user's other device stays signed in.
    expect((await me(t, secondDevice)).status).toBe(200)
  })
})

describe('session expiry', () => {
  let t: TestApp
  beforeEach(() => {
    t = createTestApp({ SESSION_IDLE_HOURS: '2', SESSION_MAX_HOURS: '6' })
  })

  it('keeps a session that is used within the idle limit', async () => {
    const user = await makeSignedIn(t)
    t.clock.advance(2 * HOUR - MINUTE)
    expect((await me(t, user.cookie)).status).toBe(200)
    t.clock.advance(2 * HOUR - MINUTE)
    expect((await me(t, user.cookie)).status).toBe(200)
  })

  it('ends a session after SESSION_IDLE_HOURS without requests', async () => {
    const user = await makeSignedIn(t)
    t.clock.advance(2 * HOUR + MINUTE)
    expect((await me(t, user.cookie)).status).toBe(401)
    // Gone for good, not only while idle.
    t.clock.advance(-2 * HOUR)
    expect((await me(t, user.cookie)).status).toBe(401)
  })

  it('ends a session after SESSION_MAX_HOURS even when it is used all the time', async () => {
    const user = await makeSignedIn(t)
    for (let h = 1; h <= 5; h++) {
      t.clock.advance(HOUR)
      expect((await me(t, user.cookie)).status).toBe(200)
    }
    t.clock.advance(HOUR - MINUTE)
    expect((await me(t, user.cookie)).status).toBe(200)
    t.clock.advance(MINUTE)
    expect((await me(t, user.cookie)).status).toBe(401)
  })
})

describe('deactivated users', () => {
  let t: TestApp
  let admin: { id: string; cookie: string }
  beforeEach(async () => {
    t = createTestApp()
    admin = await makeSignedIn(t, { role: 'admin' })
  })

  it('refuses the existing sessions of a user at once and answers their sign-in with 403 USER_INACTIVE', async () => {
    const rep = await makeSignedIn(t)
    expect((await me(t, rep.cookie)).status).toBe(200)

    const res = await t.req('POST', `/api/users/${rep.id}/deactivate`, { cookie: admin.cookie, body: {} })

    expect(res.status).toBe(200)
    expect((await me(t, rep.cookie)).status).toBe(401)
    const again = await login(t, rep.email, PASSWORD)
    expect(again.status).toBe(403)
    expect(await errorBody(again)).toEqual({ code: 'USER_INACTIVE', message: 'Dieser Benutzer ist deaktiviert.' })
  })

  it('answers a wrong password of a deactivated user with 401, not with USER_INACTIVE', async () => {
    const rep = await makeUser(t)
    await t.req('POST', `/api/users/${rep.id}/deactivate`, { cookie: admin.cookie, body: {} })
    expect((await errorBody(await login(t, rep.email, 'falsches-passwort'))).code).toBe('INVALID_CREDENTIALS')
  })

  it('changes nothing today for a deactivation effective in the future, and ends access when that day begins in Germany', async () => {
    const rep = await makeSignedIn(t)
    // Today is 2026-03-12 (TestClock); Berlin is UTC+1 in March.
    const res = await t.req('POST', `/api/users/${rep.id}/deactivate`, { cookie: admin.cookie, body: { validFrom: '2026-03-15' } })
    expect(res.status).toBe(200)

    expect((await me(t, rep.cookie)).status).toBe(200)
    expect((await login(t, rep.email, PASSWORD)).status).toBe(200)

    t.clock.set('2026-03-14T22:59:00Z')
    expect((await me(t, rep.cookie)).status).toBe(200)
    t.clock.set('2026-03-14T23:00:00Z')
    expect((await me(t, rep.cookie)).status).toBe(401)
    expect((await login(t, rep.email, PASSWORD)).status).toBe(403)
  })

  it('lets a reactivated user sign in again', async () => {
    const rep = await makeUser(t)
    await t.req('POST', `/api/users/${rep.id}/deactivate`, { cookie: admin.cookie, body: {} })
    expect((await login(t, rep.email, PASSWORD)).status).toBe(403)

    expect((await t.req('POST', `/api/users/${rep.id}/reactivate`, { cookie: admin.cookie })).status).toBe(200)

    expect((await login(t, rep.email, PASSWORD)).status).toBe(200)
  })

  it('does not revive the sessions from before a deactivation when the user is reactivated', async () => {
    const rep = await makeSignedIn(t)
    await t.req('POST', `/api/users/${rep.id}/deactivate`, { cookie: admin.cookie, body: {} })
    await t.req('POST', `/api/users/${rep.id}/reactivate`, { cookie: admin.cookie })
    expect((await me(t, rep.cookie)).status).toBe(401)
  })

  it('does not let an admin deactivate themselves', async () => {
    const res = await t.req('POST', `/api/users/${admin.id}/deactivate`, { cookie: admin.cookie, body: {} })
    expect(res.status).toBe(400)
    expect((await errorBody(res)).code).toBe('VALIDATION')
    expect((await me(t, admin.cookie)).status).toBe(200)
  })
})

describe('CSRF protection', () => {
  let t: TestApp
  beforeEach(() => {
    t = createTestApp()
  })

  it('refuses a POST with a foreign Origin with 403 CSRF', async () => {
    const user = await makeUser(t)
    const res = await t.req('POST', '/api/auth/login', { body: { email: user.email, password: PASSWORD }, headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect(await errorBody(res)).toEqual({ code: 'CSRF', message: 'Die Anfrage kam nicht von dieser Anwendung und wurde abgelehnt.' })
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it('refuses a cookie-authenticated write from a foreign Origin before it takes effect', async () => {
    const user = await makeSignedIn(t)
    const res = await t.req('POST', '/api/auth/logout', { cookie: user.cookie, headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect((await me(t, user.cookie)).status).toBe(200)
  })

  it('refuses a POST without Origin unless the browser marks it same-origin', async () => {
    const user = await makeUser(t)
    const credentials = { email: user.email, password: PASSWORD }

    const bare = await rawRequest(t, 'POST', '/api/auth/login', {}, credentials)
    expect(bare.status).toBe(403)
    expect((await errorBody(bare)).code).toBe('CSRF')
    expect((await rawRequest(t, 'POST', '/api/auth/login', { 'sec-fetch-site': 'cross-site' }, credentials)).status).toBe(403)
    expect((await rawRequest(t, 'POST', '/api/auth/login', { 'sec-fetch-site': 'same-origin' }, credentials)).status).toBe(200)
  })

  it('compares with PUBLIC_URL when it is configured, not with the address the request came to', async () => {
    const behindProxy = createTestApp({ PUBLIC_URL: 'https://feldakte.example.de' })
    const user = await makeUser(behindProxy)
    const res = await behindProxy.req('POST', '/api/auth/login', { body: { email: user.email, password: PASSWORD } })
    expect(res.status).toBe(403)
    expect((await errorBody(res)).code).toBe('CSRF')
  })

  it('serves a GET without Origin', async () => {
    const user = await makeSignedIn(t)
    const res = await rawRequest(t, 'GET', '/api/auth/me', { cookie: user.cookie })
    expect(res.status).toBe(200)
    expect((await body<Me>(res)).id).toBe(user.id)
  })
})

describe('input validation', () => {
  let t: TestApp
  beforeEach(() => {
    t = createTestApp()
  })

  it('answers missing fields with 400 VALIDATION, a German message and the fields concerned', async () => {
    const res = await t.req('POST', '/api/auth/login', { body: {} })
    expect(res.status).toBe(400)
    const err = await errorBody(res)
    expect(err.code).toBe('VALIDATION')
    expect(err.message).toMatch(/Ungültige Eingabe/)
    expect(err.issues?.map((i) => i.path).sort()).toEqual(['email', 'password'])
  })

  it('answers a malformed JSON body with 400 VALIDATION instead of a server error', async () => {
    const res = await t.req('POST', '/api/auth/login', { body: '{"email": "a@example.de", ' })
    expect(res.status).toBe(400)
    expect(await errorBody(res)).toEqual({ code: 'VALIDATION', message: 'Die Anfrage ist kein gültiges JSON.' })
  })

  it('answers a body that is not JSON with 400 VALIDATION', async () => {
    const res = await t.req('POST', '/api/auth/login', { body: 'email=a@example.de', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(res.status).toBe(400)
    expect((await errorBody(res)).code).toBe('VALIDATION')
  })

  it('answers an invalid e-mail address with a German message', async () => {
    const res = await t.req('POST', '/api/auth/login', { body: { email: 'kein-at-zeichen', password: PASSWORD } })
    expect(res.status).toBe(400)
    const err = await errorBody(res)
    expect(err).toMatchObject({ code: 'VALIDATION', message: 'Bitte eine gültige E-Mail-Adresse angeben.' })
    expect(err.issues).toEqual([{ path: 'email', message: 'Bitte eine gültige E-Mail-Adresse angeben.' }])
  })

  it('does not count invalid input as a failed sign-in attempt', async () => {
    const user = await makeUser(t)
    for (let i = 0; i < 6; i++) await t.req('POST', '/api/auth/login', { body: { email: user.email } })
    expect((await login(t, user.email, PASSWORD)).status).toBe(200)
  })
})

describe('password change', () => {
  let t: TestApp
  beforeEach(() => {
    t = createTestApp()
  })

  it('holds a user with a one-time password at 403 PASSWORD_CHANGE_REQUIRED until they change it', async () => {
    const admin = await makeSignedIn(t, { role: 'admin' })
    const created = await t.req('POST', '/api/users', {
      cookie: admin.cookie,
      body: { email: 'neu@example.de', name: 'Neue Vermittlerin', role: 'rep', password: 'startpasswort-1' },
    })
    expect(created.status).toBe(201)

    const signedIn = await login(t, 'neu@example.de', 'startpasswort-1')
    expect(signedIn.status).toBe(200)
    expect((await body<Me>(signedIn)).mustChangePassword).toBe(true)
    const cookie = sessionCookie(signedIn)

    const blocked = await t.req('GET', '/api/branches', { cookie })
    expect(blocked.status).toBe(403)
    expect(await errorBody(blocked)).toEqual({ code: 'PASSWORD_CHANGE_REQUIRED', message: 'Bitte ändern Sie zuerst Ihr Einmalpasswort.' })
    expect((await t.req('GET', '/api/structure', { cookie })).status).toBe(403)
    expect((await me(t, cookie)).status).toBe(200)

    const changed = await t.req('POST', '/api/auth/password', { cookie, body: { currentPassword: 'startpasswort-1', newPassword: 'mein-eigenes-passwort' } })
    expect(changed.status).toBe(200)

    expect((await t.req('GET', '/api/branches', { cookie })).status).toBe(200)
    expect((await body<Me>(await me(t, cookie))).mustChangePassword).toBe(false)
    expect((await login(t, 'neu@example.de', 'startpasswort-1')).status).toBe(401)
    const withNew = await login(t, 'neu@example.de', 'mein-eigenes-passwort')
    expect(withNew.status).toBe(200)
    expect((await body<Me>(withNew)).mustChangePassword).toBe(false)
  })

  it('lets a user with a one-time password sign out', async () => {
    const admin = await makeSignedIn(t, { role: 'admin' })
    await t.req('POST', '/api/users', { cookie: admin.cookie, body: { email: 'neu@example.de', name: 'Neu', role: 'rep', password: 'startpasswort-1' } })
    const cookie = await signIn(t, 'neu@example.de', 'startpasswort-1')
    expect((await t.req('POST', '/api/auth/logout', { cookie })).status).toBe(200)
    expect((await me(t, cookie)).status).toBe(401)
  })

  it('answers a wrong current password with 400 WRONG_PASSWORD and keeps the old password', async () => {
    const user = await makeSignedIn(t)
    const res = await t.req('POST', '/api/auth/password', { cookie: user.cookie, body: { currentPassword: 'nicht-das-passwort', newPassword: 'ganz-neues-passwort' } })
    expect(res.status).toBe(400)
    expect(await errorBody(res)).toEqual({ code: 'WRONG_PASSWORD', message: 'Das aktuelle Passwort ist falsch.' })
    expect((await login(t, user.email, PASSWORD)).status).toBe(200)
  })

  it('rejects a new password that is too short or equal to the current one', async () => {
    const user = await makeSignedIn(t)
    const short = await t.req('POST', '/api/auth/password', { cookie: user.cookie, body: { currentPassword: PASSWORD, newPassword: 'kurz' } })
    expect(short.status).toBe(400)
    expect(await errorBody(short)).toMatchObject({ code: 'VALIDATION', message: 'Das Passwort muss mindestens 10 Zeichen lang sein.' })
    const same = await t.req('POST', '/api/auth/password', { cookie: user.cookie, body: { currentPassword: PASSWORD, newPassword: PASSWORD } })
    expect(same.status).toBe(400)
    expect((await errorBody(same)).code).toBe('VALIDATION')
  })

  it('ends the other sessions of the user but keeps the current one', async () => {
    const user = await makeSignedIn(t)
    const otherDevice = await signIn(t, user.email)
    const res = await t.req('POST', '/api/auth/password', { cookie: user.cookie, body: { currentPassword: PASSWORD, newPassword: 'ganz-neues-passwort' } })
    expect(res.status).toBe(200)
    expect((await me(t, user.cookie)).status).toBe(200)
    expect((await me(t, otherDevice)).status).toBe(401)
  })

  it('after an admin reset ends the user sessions and requires a change at the next sign-in', async () => {
    const admin = await makeSignedIn(t, { role: 'admin' })
    const user = await makeSignedIn(t)
    const res = await t.req('POST', `/api/users/${user.id}/password`, { cookie: admin.cookie, body: { password: 'zurueckgesetzt-1' } })
    expect(res.status).toBe(200)
    expect((await me(t, user.cookie)).status).toBe(401)
    expect((await login(t, user.email, PASSWORD)).status).toBe(401)
    const again = await login(t, user.email, 'zurueckgesetzt-1')
    expect((await body<Me>(again)).mustChangePassword).toBe(true)
  })
})

describe('responses', () => {
  let t: TestApp
  beforeEach(() => {
    t = createTestApp()
  })

  it.each([
    ['a public answer', '/api/health', false],
    ['an error answer', '/api/branches', false],
    ['an unknown path', '/api/gibt-es-nicht', true],
  ])('carries the security headers on %s', async (_label, path, signedIn) => {
    const cookie = signedIn ? (await makeSignedIn(t)).cookie : undefined
    const res = await t.req('GET', path, { cookie })
    const csp = res.headers.get('content-security-policy') ?? ''
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src '))
    expect(scriptSrc).toBe("script-src 'self'")
    expect(csp).toMatch(/default-src 'self'/)
    expect(csp).toMatch(/frame-ancestors 'none'/)
    expect(csp).not.toMatch(/unsafe-eval/)
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
  })

  it('answers an unknown /api path with 404 NOT_FOUND as JSON', async () => {
    const user = await makeSignedIn(t)
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await t.req(method, '/api/gibt-es-nicht/123', { cookie: user.cookie })
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await errorBody(res)).toEqual({ code: 'NOT_FOUND', message: 'Nicht gefunden.' })
    }
  })

  it('answers an unknown /api path of an anonymous caller with 401, revealing no routes', async () => {
    const res = await t.req('GET', '/api/gibt-es-nicht')
    expect(res.status).toBe(401)
    expect((await errorBody(res)).code).toBe('UNAUTHENTICATED')
  })

  it('turns an unexpected failure into 500 INTERNAL without internals', async () => {
    const user = await makeSignedIn(t)
    t.db.$client.exec('ALTER TABLE branches RENAME TO branches_weg')
    const res = await t.req('GET', '/api/branches', { cookie: user.cookie })
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({ code: 'INTERNAL', message: 'Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es erneut.' })
    expect(text).not.toMatch(/branches|sqlite|stack/i)
  })

  it('never puts a stack trace or server paths into error bodies', async () => {
    const user = await makeSignedIn(t)
    const errors = await Promise.all([
      t.req('GET', '/api/auth/me'),
      t.req('POST', '/api/auth/login', { body: '{' }),
      t.req('POST', '/api/auth/login', { body: { email: 'x' } }),
      t.req('POST', '/api/auth/login', { body: { email: 'x@example.de', password: 'falsch' } }),
      t.req('POST', '/api/branches', { cookie: user.cookie, body: { name: 'Nord' } }),
      t.req('GET', '/api/users/not-a-uuid', { cookie: user.cookie }),
      t.req('GET', '/api/nichts', { cookie: user.cookie }),
      t.req('POST', '/api/auth/logout', { headers: { origin: 'https://evil.example' } }),
    ])
    expect(errors.map((r) => r.status)).toEqual([401, 400, 400, 401, 403, 400, 404, 403])
    for (const res of errors) {
      const text = await res.text()
      const parsed = JSON.parse(text) as Record<string, unknown>
      expect(Object.keys(parsed).every((k) => ['code', 'message', 'issues'].includes(k))).toBe(true)
      expect(text).not.toMatch(/stack|\bat .+\(|\.ts:\d|node_modules/)
    }
  })
})
