import { createMiddleware } from 'hono/factory'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from './context'
import { AppError } from './errors'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF protection for cookie-authenticated writes: the request's Origin must be the app's own
 * (PUBLIC_URL when configured, else the origin the request was addressed to). Browsers always
 * send Origin on cross-site and same-origin fetch POSTs; a request without it is refused unless
 * the browser marks it same-origin via Sec-Fetch-Site.
 */
export const csrfProtection = createMiddleware<AppEnv>(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method)) {
    const expected = c.var.deps.env.PUBLIC_URL ? new URL(c.var.deps.env.PUBLIC_URL).origin : new URL(c.req.url).origin
    const origin = c.req.header('origin')
    const fetchSite = c.req.header('sec-fetch-site')
    const allowed = origin ? origin === expected : fetchSite === 'same-origin'
    if (!allowed) throw new AppError(403, 'CSRF')
  }
  await next()
})

/** CSP without inline script; frames denied; nosniff; no referrer leaks to other sites. */
export const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    manifestSrc: ["'self'"],
    workerSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  xContentTypeOptions: 'nosniff',
  referrerPolicy: 'strict-origin-when-cross-origin',
  strictTransportSecurity: 'max-age=31536000; includeSubDomains',
  crossOriginEmbedderPolicy: false,
  permissionsPolicy: { camera: ['self'], microphone: [], geolocation: [] },
})
