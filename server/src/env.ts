import { z } from 'zod'

/** The only reader of process.env: parsed once, with readable errors. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(10, 'ADMIN_PASSWORD needs at least 10 characters').optional(),
  /** Public origin of the app, e.g. https://feldakte.example.de; used for the CSRF origin check and Secure cookies. */
  PUBLIC_URL: z.string().url().optional(),
  /** scrypt cost exponent (N = 2^n). 15 = 32 MiB per hash; tests lower it for speed. */
  PASSWORD_HASH_LOG_N: z.coerce.number().int().min(10).max(20).default(15),
  SESSION_IDLE_HOURS: z.coerce.number().int().min(1).default(24 * 14),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).default(24 * 30),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Behind a reverse proxy: take the client address from the last X-Forwarded-For hop (for the login rate limit). */
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Directory of the built client; the server serves it with an SPA fallback. */
  CLIENT_DIST: z.string().default('./client/dist'),
})

export type Env = z.infer<typeof envSchema>

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''))
  const result = envSchema.safeParse(cleaned)
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return result.data
}
