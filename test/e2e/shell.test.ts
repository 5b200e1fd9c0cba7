import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { axeSerious, browserAvailable, DESKTOP, E2E_ADMIN, launchBrowser, PHONE, signInUi, startServer, type RunningServer } from '../support/browser'

const available = browserAvailable()

describe.skipIf(!available)('app shell in Chromium', () => {
  let server: RunningServer
  let browser: Browser

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('signs in on a 360 px wide phone and shows the bottom navigation without horizontal scrolling', async () => {
    const context = await browser.newContext(PHONE)
    const page = await signInUi(context, server.url, E2E_ADMIN.email, E2E_ADMIN.password)
    await expect(page.getByTestId('nav-bottom').isVisible()).resolves.toBe(true)
    await expect(page.getByTestId('nav-side').isVisible()).resolves.toBe(false)
    await expect(page.getByTestId('online-status').textContent()).resolves.toContain('Online')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await context.close()
  })

  it('rejects a wrong password with a German message', async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await page.goto(`${server.url}/anmelden`)
    await page.getByTestId('login-email').fill(E2E_ADMIN.email)
    await page.getByTestId('login-password').fill('falsches-passwort')
    await page.getByTestId('login-submit').click()
    await expect(page.getByTestId('login-error').textContent()).resolves.toContain('E-Mail-Adresse oder Passwort ist falsch')
    await context.close()
  })

  it('shows the side navigation on a desktop', async () => {
    const context = await browser.newContext(DESKTOP)
    const page = await signInUi(context, server.url, E2E_ADMIN.email, E2E_ADMIN.password)
    await expect(page.getByTestId('nav-side').isVisible()).resolves.toBe(true)
    await expect(page.getByTestId('nav-bottom').isVisible()).resolves.toBe(false)
    await context.close()
  })

  it('serves an installable manifest and registers a service worker', async () => {
    const context = await browser.newContext(PHONE)
    const page = await context.newPage()
    await page.goto(`${server.url}/anmelden`)
    const href = await page.locator('link[rel="manifest"]').getAttribute('href')
    expect(href).toBeTruthy()
    const manifest = await (await fetch(new URL(href!, server.url))).json()
    expect(manifest).toMatchObject({ name: 'Feldakte', display: 'standalone', lang: 'de' })
    const sizes = manifest.icons.map((i: { sizes: string; purpose?: string }) => `${i.sizes}:${i.purpose ?? 'any'}`)
    expect(sizes).toEqual(expect.arrayContaining(['192x192:any', '512x512:any', '512x512:maskable']))
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
    expect(scope).toBe(`${server.url}/`)
    await context.close()
  })

  it('loads the app shell after a reload with the network off', async () => {
    const context = await browser.newContext(PHONE)
    const page = await signInUi(context, server.url, E2E_ADMIN.email, E2E_ADMIN.password)
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    // The first load was not controlled yet; once the worker controls the page, the shell is cached.
    await page.reload()
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    await context.setOffline(true)
    await page.reload()
    await page.getByTestId('app-shell').waitFor()
    await expect(page.getByTestId('online-status').textContent()).resolves.toContain('Offline')
    await context.setOffline(false)
    await context.close()
  })

  it('has no serious accessibility violations on the sign-in page and the main layout', async () => {
    for (const options of [PHONE, DESKTOP]) {
      const context = await browser.newContext(options)
      const page = await context.newPage()
      await page.goto(`${server.url}/anmelden`)
      await page.getByTestId('login-email').waitFor()
      expect(await axeSerious(page)).toEqual([])
      await page.getByTestId('login-email').fill(E2E_ADMIN.email)
      await page.getByTestId('login-password').fill(E2E_ADMIN.password)
      await page.getByTestId('login-submit').click()
      await page.getByTestId('app-shell').waitFor()
      expect(await axeSerious(page)).toEqual([])
      await context.close()
    }
  })
})
