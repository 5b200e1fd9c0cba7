import { createApp } from '../../server/src/app'
import { openMigratedDb, type Db } from '../../server/src/db/client'
import { parseEnv, type Env } from '../../server/src/env'
import type { Clock } from '../../server/src/lib/clock'
import type { Deps } from '../../server/src/lib/context'
import { createDeps } from '../../server/src/deps'

export const ORIGIN = 'http://localhost'

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(private current = new Date('2026-03-12T09:00:00Z')) {}
  now(): Date {
    return new Date(this.current)
  }
  set(iso: string): void {
    this.current = new Date(iso)
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
}

export interface TestApp {
  app: ReturnType<typeof createApp>
  db: Db
  env: Env
  clock: TestClock
  deps: Deps
  /** A request through app.request with JSON body, the app's Origin and an optional session cookie. */
  req(method: string, path: string, opts?: { body?: unknown; cookie?: string; headers?: Record<string, string> }): Promise<Response>
}

/** `dbFile` puts the database in a real file (WAL and all) for tests that read the files themselves. */
export function createTestApp(envOverrides: Record<string, string> = {}, opts: { dbFile?: string } = {}): TestApp {
  const env = parseEnv({ NODE_ENV: 'test', PASSWORD_HASH_LOG_N: '10', LOG_LEVEL: 'silent', ...envOverrides })
  const db = openMigratedDb(opts.dbFile ?? ':memory:')
  const clock = new TestClock()
  const deps = createDeps(db, env, clock)
  const app = createApp(deps)
  const req: TestApp['req'] = (method, path, opts = {}) => {
    const headers: Record<string, string> = { origin: ORIGIN, ...opts.headers }
    if (opts.cookie) headers.cookie = opts.cookie
    let body: string | undefined
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
    }
    return Promise.resolve(app.request(`${ORIGIN}${path}`, { method, headers, body }))
  }
  return { app, db, env, clock, deps, req }
}

/** The `name=value` part of the session cookie a response sets. */
export function sessionCookie(res: Response): string {
  const set = res.headers.get('set-cookie')
  if (!set) throw new Error(`no cookie set (status ${res.status})`)
  return set.split(';')[0]!
}
