import { describe, expect, it } from 'vitest'
import { addDays, addMonths, berlinDate, covers, isValidIsoDate } from '../../shared/dates'
import { formatCents, formatDate, formatDateTime } from '../../shared/format'
import { UUID_RE, uuidv7 } from '../../shared/ids'
import { generateOneTimePassword, hashPassword, verifyPassword } from '../../server/src/lib/password'
import { RateLimiter } from '../../server/src/lib/rate-limit'

const NBSP = '\u00a0'

describe('isValidIsoDate', () => {
  it.each([
    ['2026-03-12', true],
    ['2026-02-28', true],
    ['2026-02-29', false], // 2026 is no leap year
    ['2028-02-29', true],
    ['2100-02-29', false], // century, not divisible by 400
    ['2000-02-29', true],
    ['2026-04-31', false],
    ['2026-12-31', true],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['2026-1-05', false],
    ['26-01-05', false],
    ['2026-01-05T00:00:00Z', false],
    [' 2026-01-05', false],
    ['12.03.2026', false],
    ['', false],
  ])('%s is %s', (value, expected) => {
    expect(isValidIsoDate(value)).toBe(expected)
  })
})

describe('addMonths', () => {
  it.each([
    ['2026-01-15', 1, '2026-02-15'],
    ['2026-01-31', 1, '2026-02-28'], // clamped to the end of February
    ['2028-01-31', 1, '2028-02-29'], // leap year
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-05-31', 1, '2026-06-30'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2026-08-31', 6, '2027-02-28'],
    ['2026-02-28', 1, '2026-03-28'], // no snapping to the month end
    ['2026-01-31', 60, '2031-01-31'],
    ['2026-03-12', 0, '2026-03-12'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected)
  })
})

describe('addDays', () => {
  it.each([
    ['2026-03-12', 14, '2026-03-26'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-03-28', 2, '2026-03-30'], // across the switch to summer time
  ])('%s + %i days = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected)
  })
})

describe('berlinDate', () => {
  it.each([
    // Summer (CEST, UTC+2): the German day starts at 22:00 UTC.
    ['2026-07-01T21:59:59Z', '2026-07-01'],
    ['2026-07-01T22:00:00Z', '2026-07-02'],
    ['2026-07-01T00:30:00Z', '2026-07-01'],
    // Winter (CET, UTC+1): the German day starts at 23:00 UTC.
    ['2026-01-15T22:59:59Z', '2026-01-15'],
    ['2026-01-15T23:00:00Z', '2026-01-16'],
    ['2026-12-31T23:30:00Z', '2027-01-01'],
    // The night of the switch to summer time (2026-03-29, 01:00 UTC).
    ['2026-03-28T22:59:59Z', '2026-03-28'],
    ['2026-03-28T23:00:00Z', '2026-03-29'],
    ['2026-03-29T21:59:59Z', '2026-03-29'],
    ['2026-03-29T22:00:00Z', '2026-03-30'],
  ])('%s is %s in Germany', (instant, expected) => {
    expect(berlinDate(new Date(instant))).toBe(expected)
  })
})

describe('covers', () => {
  it.each([
    [{ validFrom: '2026-01-01', validTo: null }, '2026-01-01', true],
    [{ validFrom: '2026-01-01', validTo: null }, '2025-12-31', false],
    [{ validFrom: '2026-01-01', validTo: '2026-04-01' }, '2026-03-31', true],
    [{ validFrom: '2026-01-01', validTo: '2026-04-01' }, '2026-04-01', false], // validTo is exclusive
  ])('%o covers %s: %s', (row, date, expected) => {
    expect(covers(row, date)).toBe(expected)
  })
})

describe('uuidv7', () => {
  it('has the UUID format with version 7 and the RFC 9562 variant', () => {
    for (let i = 0; i < 50; i++) {
      const id = uuidv7()
      expect(id).toMatch(UUID_RE)
      expect(id[14]).toBe('7')
      expect('89ab').toContain(id[19])
    }
  })

  it('carries the Unix milliseconds in the first 48 bits', () => {
    const ms = Date.UTC(2026, 2, 12, 9, 0, 0, 123)
    const id = uuidv7(ms)
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms)
  })

  it('sorts by creation time', () => {
    const base = Date.UTC(2026, 0, 1)
    const ids = [0, 1, 2, 1000, 60_000, 86_400_000, 10 * 365 * 86_400_000].map((d) => uuidv7(base + d))
    expect([...ids].sort()).toEqual(ids)
    expect([...ids].reverse().sort()).toEqual(ids)
  })

  it('differs between two ids of the same millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidv7(1_700_000_000_000)))
    expect(ids.size).toBe(1000)
  })
})

describe('formatCents', () => {
  it.each([
    [123456, `1.234,56${NBSP}€`],
    [0, `0,00${NBSP}€`],
    [5, `0,05${NBSP}€`],
    [5000, `50,00${NBSP}€`],
    [-79800, `-798,00${NBSP}€`],
    [123456789, `1.234.567,89${NBSP}€`],
  ])('%i cents read %s', (cents, expected) => {
    expect(formatCents(cents)).toBe(expected)
  })
})

describe('formatDate and formatDateTime', () => {
  it.each([
    ['2026-03-12', '12.03.2026'],
    ['2026-01-01', '01.01.2026'],
    ['2028-02-29', '29.02.2028'],
    ['2026-03-12T23:30:00Z', '12.03.2026'], // the date part, not shifted by time zones
    [null, '–'],
    [undefined, '–'],
    ['', '–'],
  ])('formatDate(%s) = %s', (iso, expected) => {
    expect(formatDate(iso)).toBe(expected)
  })

  it.each([
    ['2026-03-12T13:05:00Z', '12.03.2026, 14:05'], // CET
    ['2026-07-01T13:05:00Z', '01.07.2026, 15:05'], // CEST
    ['2026-12-31T23:30:00Z', '01.01.2027, 00:30'],
    [null, '–'],
  ])('formatDateTime(%s) = %s in German time', (iso, expected) => {
    expect(formatDateTime(iso)).toBe(expected)
  })
})

describe('password hashing', () => {
  it('verifies the password it hashed and refuses another one', async () => {
    const hash = await hashPassword('richtig-geheim-1', 10)
    expect(await verifyPassword('richtig-geheim-1', hash)).toBe(true)
    expect(await verifyPassword('richtig-geheim-2', hash)).toBe(false)
    expect(await verifyPassword('', hash)).toBe(false)
  })

  it('stores algorithm, cost parameters, salt and hash in the string', async () => {
    const hash = await hashPassword('richtig-geheim-1', 11)
    const parts = hash.split('$')
    expect(parts).toHaveLength(6)
    expect(parts.slice(0, 4)).toEqual(['scrypt', '11', '8', '1'])
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(16)
    expect(Buffer.from(parts[5]!, 'base64')).toHaveLength(32)
    expect(hash).not.toContain('richtig-geheim-1')
  })

  it('salts every hash, so equal passwords give different strings that both verify', async () => {
    const a = await hashPassword('gleiches-passwort', 10)
    const b = await hashPassword('gleiches-passwort', 10)
    expect(a).not.toBe(b)
    expect(await verifyPassword('gleiches-passwort', a)).toBe(true)
    expect(await verifyPassword('gleiches-passwort', b)).toBe(true)
  })

  it('verifies old hashes with the cost they were made with', async () => {
    const cheap = await hashPassword('passwort-alt-1', 10)
    const dear = await hashPassword('passwort-alt-1', 12)
    expect(await verifyPassword('passwort-alt-1', cheap)).toBe(true)
    expect(await verifyPassword('passwort-alt-1', dear)).toBe(true)
  })

  it('treats composed and decomposed umlauts as the same password', async () => {
    const composed = 'Grüße-aus-Köln'.normalize('NFC')
    const decomposed = composed.normalize('NFD')
    expect(decomposed).not.toBe(composed)
    expect(await verifyPassword(decomposed, await hashPassword(composed, 10))).toBe(true)
  })

  it.each(['', 'bcrypt$10$8$1$c2FsdA==$aGFzaA==', 'scrypt$10$8$1$c2FsdA==', 'kein-hash'])('refuses a malformed stored hash %j', async (stored) => {
    expect(await verifyPassword('egal-welches-passwort', stored)).toBe(false)
  })

  it('makes readable one-time passwords without look-alike characters', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const p = generateOneTimePassword()
      expect(p).toMatch(/^[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}$/)
      expect(p).not.toMatch(/[01ilIoOB]/)
      seen.add(p)
    }
    expect(seen.size).toBe(200)
  })
})

describe('RateLimiter', () => {
  const WINDOW = 15 * 60_000
  const T0 = 1_000_000

  it('blocks a key once it reaches the limit, until the window has passed', () => {
    const limiter = new RateLimiter(3, WINDOW)
    limiter.fail('a', T0)
    limiter.fail('a', T0 + 1000)
    expect(limiter.blockedFor('a', T0 + 1000)).toBe(0)
    limiter.fail('a', T0 + 2000)
    expect(limiter.blockedFor('a', T0 + 2000)).toBe(WINDOW - 2000)
    expect(limiter.blockedFor('a', T0 + WINDOW - 1)).toBe(1)
    expect(limiter.blockedFor('a', T0 + WINDOW)).toBe(0)
  })

  it('keeps keys apart', () => {
    const limiter = new RateLimiter(2, WINDOW)
    limiter.fail('a', T0)
    limiter.fail('a', T0)
    limiter.fail('b', T0)
    expect(limiter.blockedFor('a', T0)).toBeGreaterThan(0)
    expect(limiter.blockedFor('b', T0)).toBe(0)
    expect(limiter.blockedFor('c', T0)).toBe(0)
  })

  it('starts a fresh window for a failure after the old one ended', () => {
    const limiter = new RateLimiter(2, WINDOW)
    limiter.fail('a', T0)
    limiter.fail('a', T0 + WINDOW) // the first failure no longer counts
    expect(limiter.blockedFor('a', T0 + WINDOW)).toBe(0)
    limiter.fail('a', T0 + WINDOW + 1)
    expect(limiter.blockedFor('a', T0 + WINDOW + 1)).toBe(WINDOW - 1)
  })

  it('forgets a key on reset', () => {
    const limiter = new RateLimiter(1, WINDOW)
    limiter.fail('a', T0)
    expect(limiter.blockedFor('a', T0)).toBeGreaterThan(0)
    limiter.reset('a')
    expect(limiter.blockedFor('a', T0)).toBe(0)
  })

  it('keeps counting while blocked, without extending the window', () => {
    const limiter = new RateLimiter(2, WINDOW)
    for (let i = 0; i < 10; i++) limiter.fail('a', T0 + i)
    expect(limiter.blockedFor('a', T0 + 10)).toBe(WINDOW - 10)
  })
})
