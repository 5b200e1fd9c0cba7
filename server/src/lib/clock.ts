import { berlinDate } from '../../../shared/dates'

/** Injected time source, so tests can move time (session expiry, effective dates). */
export interface Clock {
  now(): Date
}
export const systemClock: Clock = { now: () => new Date() }
export const nowIso = (clock: Clock) => clock.now().toISOString()
export const today = (clock: Clock) => berlinDate(clock.now())
