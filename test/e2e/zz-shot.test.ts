import { it } from 'vitest'
import { E2E_ADMIN, launchBrowser, PHONE, signInUi, startServer } from '../support/browser'
it('shot', async () => {
  const server = await startServer()
  const browser = await launchBrowser()
  try {
    const ctx = await browser.newContext(PHONE)
    const errors: string[] = []
    const page = await signInUi(ctx, server.url, E2E_ADMIN.email, E2E_ADMIN.password)
    page.on('console', (m) => errors.push(`${m.type()}: ${m.text()}`))
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
    await page.goto(`${server.url}/kunden`)
    await new Promise((r) => setTimeout(r, 4000))
    await page.screenshot({ path: '/tmp/shot.png' })
    console.log(errors.join('\n'))
    console.log((await page.content()).slice(0, 3000))
  } finally {
    await browser.close()
    await server.stop()
  }
}, 60_000)
