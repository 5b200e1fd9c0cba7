import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * Browser tests need Debian's Chromium. Locally they may skip (loudly); in CI (CI=true) a missing
 * browser or a missing client build is an error, never a skip.
 */
export function browserAvailable(): boolean {
  const ok = fs.existsSync(CHROMIUM) && fs.existsSync(path.join(root, 'client/dist/index.html'))
  if (!ok) {
    const why = !fs.existsSync(CHROMIUM) ? `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)` : 'client not built (npm run build)'
    if (process.env.CI === 'true') throw new Error(`Browser tests cannot run in CI: ${why}`)
    console.warn(`\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!!! BROWSER TESTS SKIPPED: ${why}\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`)
  }
  return ok
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

export interface RunningServer {
  url: string
  dataDir: string
  child: ChildProcess
  output: () => string
  stop(signal?: NodeJS.Signals): Promise<void>
}

export const E2E_ADMIN = { email: 'admin@e2e.feldakte.de', password: 'e2e-admin-passwort' }

/** Starts the real server (built client, fresh data directory) as a child process. */
export async function startServer(env: Record<string, string> = {}, dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'feldakte-e2e-'))): Promise<RunningServer> {
  const port = await freePort()
  let out = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/index.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      PASSWORD_HASH_LOG_N: '12',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const url = `http://127.0.0.1:${port}`
  const started = Date.now()
  for (;;) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() - started > 20_000) throw new Error(`server did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url,
    dataDir,
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return
      child.kill(signal)
      await new Promise((r) => child.once('exit', r))
    },
  }
}

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'de-DE' }
export const DESKTOP = { viewport: { width: 1280, height: 800 }, locale: 'de-DE' }

/** Signs in through the UI. */
export async function signInUi(context: BrowserContext, url: string, email: string, password: string) {
  const page = await context.newPage()
  await page.goto(`${url}/anmelden`)
  await page.getByTestId('login-email').fill(email)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('app-shell').waitFor()
  return page
}

/** Runs axe-core in the page and returns violations of impact serious or critical. */
export async function axeSerious(page: Page) {
  const source = fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8')
  // Evaluated over the DevTools protocol: an inline <script> would be (rightly) blocked by our CSP.
  await page.evaluate(source)
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe
    return axe.run(document, { resultTypes: ['violations'] })
  })
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/** A signed-in API session (cookie + Origin for the CSRF check), used to build the test's data. */
export class ApiSession {
  private constructor(
    private readonly url: string,
    private readonly cookie: string,
  ) {}

  static async login(url: string, email: string, password: string): Promise<ApiSession> {
    const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email, password }) })
    if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`)
    return new ApiSession(url, res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '))
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.url}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: this.url, cookie: this.cookie }, body: JSON.stringify(body) })
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }
}
