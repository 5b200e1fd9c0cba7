/**
 * Fixed-window failure counter per key (account, IP). In memory: one server process owns the
 * database, so one process sees every attempt.
 */
export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until `key` may try again, or 0 when it is not blocked. */
  blockedFor(key: string, now: number): number {
    const h = this.hits.get(key)
    if (!h || h.resetAt <= now) return 0
    return h.count >= this.limit ? h.resetAt - now : 0
  }

  fail(key: string, now: number): void {
    const h = this.hits.get(key)
    if (!h || h.resetAt <= now) this.hits.set(key, { count: 1, resetAt: now + this.windowMs })
    else h.count++
    if (this.hits.size > 100_000) this.prune(now)
  }

  reset(key: string): void {
    this.hits.delete(key)
  }

  private prune(now: number): void {
    for (const [k, h] of this.hits) if (h.resetAt <= now) this.hits.delete(k)
  }
}

export const LOGIN_LIMITS = {
  perAccount: { limit: 5, windowMs: 15 * 60_000 },
  perIp: { limit: 30, windowMs: 15 * 60_000 },
} as const

export interface LoginLimiter {
  account: RateLimiter
  ip: RateLimiter
}
